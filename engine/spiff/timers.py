"""SpiffWorkflow's timers on dondoc's clock, and when an instance must next wake up."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_module
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent

from engine import clock
from engine.spiff.workflow import event_definitions, tasks_in


class _SpiffDatetime(datetime):
    """Stands in for `datetime` inside SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz=None):
        moment = clock.now()
        return moment.astimezone(tz) if tz else moment.astimezone(clock.VN_TZ).replace(tzinfo=None)

    @classmethod
    def utcnow(cls):
        return clock.now().replace(tzinfo=None)


def follow_clock() -> None:
    """Make BPMN timers read engine.clock, as every deadline and reminder does.

    SpiffWorkflow 3.2.0 has no way to give it a clock: its timer module calls `datetime.now`
    directly, and reads naive timer strings in a zone it computes from the server's at import.
    Both module globals are replaced (idempotent)."""
    timer_module.datetime = _SpiffDatetime
    timer_module.LOCALTZ = timezone(timedelta(hours=7))  # naive timer strings are Vietnam time


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest moment a waiting timer of `workflow` (sub-processes included) falls due.
    A timer that fell due during the step (the last refresh_timers of do_engine_steps makes it
    READY without running it) counts too, or nothing would ever wake the instance again."""
    due = []
    for task in tasks_in(workflow, TaskState.WAITING | TaskState.READY):
        if not isinstance(task.task_spec, CatchingEvent) \
                or not any(isinstance(d, TimerEventDefinition) for d in event_definitions(task.task_spec)):
            continue
        value = task.internal_data.get("event_value")  # the due moment SpiffWorkflow computed
        if isinstance(value, dict):  # a cycle: {"cycles", "next", "duration"}
            value = value["next"] if value.get("cycles") != 0 else None
        if value is not None:
            due.append(TimerEventDefinition.get_datetime(value))
    return min(due) if due else None


def live_task_data(workflow: BpmnWorkflow) -> list[dict]:
    """The data of every task that has not finished, and the workflow's own, each dict once.
    A waiting event re-inherits its (finished) parent's data on every refresh, so that
    parent's data counts too."""
    tasks = list(tasks_in(workflow, TaskState.READY | TaskState.WAITING | TaskState.STARTED))
    found = {id(d): d for t in tasks for d in (t.data, t.parent.data if t.parent else {})}
    found[id(workflow.data)] = workflow.data
    return list(found.values())


def reevaluate_date_timers(workflow: BpmnWorkflow) -> int:
    """Evaluate again the expression of every waiting date timer (its data changed); returns
    how many now fall due at another moment."""
    moved = 0
    for task in tasks_in(workflow, TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimeDateEventDefinition) and not isinstance(definition, CycleTimerEventDefinition):
            fresh = workflow.script_engine.evaluate(task, definition.expression)
            if fresh != task.internal_data.get("event_value"):
                task.internal_data["event_value"] = fresh
                moved += 1
    return moved
