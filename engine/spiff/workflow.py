"""Starting and advancing a workflow, the messages it waits for, and which tasks are where."""
from __future__ import annotations

import contextvars
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID, uuid4

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptEngineTask, ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

# Return-for-correction loops deepen SpiffWorkflow's task tree; its recursive walks need room
# for 500+ loops (the default limit fails after ~330).
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))


_max_instances: contextvars.ContextVar[int | None] = contextvars.ContextVar("max_instances", default=None)
_create_instance = MultiInstanceTask.create_child


def _bounded_create_instance(self, my_task, item, key_or_index=None):
    """MultiInstanceTask.create_child that refuses to go past the step's limit: 20,000
    instances cost minutes of SpiffWorkflow's own time, which no script budget sees."""
    limit = _max_instances.get()
    if limit is not None and len(my_task.children) >= limit:
        raise WorkflowTaskException(f"multi-instance task {self.bpmn_id}: more than {limit} instances "
                                    f"(script_max_instances)", task=my_task)
    return _create_instance(self, my_task, item, key_or_index)


MultiInstanceTask.create_child = _bounded_create_instance  # SpiffWorkflow 3.2.0 has no hook for it

_find_task = BpmnWorkflow.get_task_from_id
_OWNERS = "_dondoc_task_owners"


def _indexed_task_from_id(self: BpmnWorkflow, task_id: UUID):
    """BpmnWorkflow.get_task_from_id, which looks through the sub-processes one by one. SpiffWorkflow
    asks it for each active sub-process's calling task on every pass of a step, and a sub-process for
    its caller: an assignment coordinated by 135 communes (407 sub-processes) spent a fifth of its step
    there. Here the sub-process that holds a task is looked up in an index (`index_tasks`, when a state
    is loaded) or, for a task made since, found as SpiffWorkflow finds it and remembered; an entry is
    trusted only while its sub-process is still registered and still holds the task."""
    task = self.tasks.get(task_id)
    if task is not None:
        return task
    owners = self.__dict__.setdefault(_OWNERS, {})
    owner = owners.get(task_id)
    if owner is not None and self.subprocesses.get(owner.parent_task_id) is owner and task_id in owner.tasks:
        return owner.tasks[task_id]
    for subprocess in self.subprocesses.values():
        if task_id in subprocess.tasks:
            owners[task_id] = subprocess
            return subprocess.tasks[task_id]
    return _find_task(self, task_id)  # not there: SpiffWorkflow's own answer (TaskNotFoundException)


def index_tasks(workflow: BpmnWorkflow) -> None:
    """Index every sub-process's tasks for `_indexed_task_from_id`, in one pass over them."""
    workflow.__dict__[_OWNERS] = {task_id: sub for sub in workflow.subprocesses.values() for task_id in sub.tasks}


BpmnWorkflow.get_task_from_id = _indexed_task_from_id  # SpiffWorkflow 3.2.0 keeps no index of tasks


@contextmanager
def instance_limit(limit: int) -> Iterator[None]:
    """Multi-instance tasks expanded inside create at most `limit` instances each."""
    token = _max_instances.set(limit)
    try:
        yield
    finally:
        _max_instances.reset(token)


def start(spec, subprocess_specs: dict, script_engine, data: dict) -> BpmnWorkflow:
    """A new workflow whose start task holds `data` (nothing has run yet: see `advance`)."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    workflow.get_next_task(state=TaskState.READY).data.update(data)
    return workflow


def advance(workflow: BpmnWorkflow) -> None:
    """Fire what is due and run every task that needs no one, up to the next wait."""
    workflow.refresh_timers()
    workflow.do_engine_steps()


def cancel(workflow: BpmnWorkflow) -> None:
    """End the workflow where it stands: every unfinished task, in sub-processes too, is cancelled."""
    workflow.cancel()


# The steps that do work (not the events and gateways around them, nor the sub-processes holding them).
WORK_STEPS = (UserTask, ManualTask, ScriptEngineTask, BusinessRuleTaskMixin)


def is_work_step(task_spec) -> bool:
    return isinstance(task_spec, WORK_STEPS)


def run_again_from(workflow: BpmnWorkflow, task) -> None:
    """Move the token back to `task`, a finished task: what followed it is removed and the step
    runs again, as a new task (a new id, as every run of a step has: work items are keyed by it)."""
    workflow.reset_from_task_id(task.id)
    old, new = task.id, uuid4()
    owner = task.workflow
    owner.tasks[new] = owner.tasks.pop(old)
    task.id = new
    if task.parent is not None:
        task.parent._children = [new if child == old else child for child in task.parent._children]
    for child in task.children:
        child._parent = new


# Steps that only compute data from data (a script task, a decision table; not an operator's service task)
COMPUTING_STEPS = (ScriptTask, BusinessRuleTaskMixin)


def first_computing_step(task):
    """The first of the computing steps that ran up to `task` with nothing but exclusive gateways between
    them, else `task`: what they computed from data missing then is computed again when the run starts
    there (an operator, a person or an event before them is not run again)."""
    first, step = task, task.parent
    while step is not None and isinstance(step.task_spec, (*COMPUTING_STEPS, ExclusiveGateway)):
        if isinstance(step.task_spec, COMPUTING_STEPS):
            first = step
        step = step.parent
    return first


def send_message(workflow: BpmnWorkflow, name: str, payload: dict) -> None:
    workflow.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))


def tasks_in(workflow: BpmnWorkflow, states: int) -> Iterator:
    """The tasks of `workflow` and its sub-processes in any of `states`. Reads the flat task
    tables instead of walking the tree as `get_tasks` does: several times faster, and each
    step asks this a few times."""
    for owner in (workflow, *workflow.subprocesses.values()):
        for task in owner.tasks.values():
            if task.state & states:
                yield task


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    return [task for task in tasks_in(workflow, TaskState.READY) if task.task_spec.manual]


def error_tasks(workflow: BpmnWorkflow) -> list:
    return list(tasks_in(workflow, TaskState.ERROR))


def find_task(workflow: BpmnWorkflow, task_id: UUID):
    """The task `task_id`, or None when its branch is gone."""
    try:
        return workflow.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None


def waiting_message_names(workflow: BpmnWorkflow) -> set[str]:
    """Messages a waiting event catches, plus those that start one of the process's event
    sub-processes (SpiffWorkflow creates those on arrival, so they never show as waiting)."""
    names: set[str] = set()
    for task in tasks_in(workflow, TaskState.WAITING):
        if isinstance(task.task_spec, CatchingEvent):
            names.update(d.name for d in event_definitions(task.task_spec)
                         if isinstance(d, MessageEventDefinition))
    for spec_name in workflow.spec.start.trigger_specs:
        spec = workflow.subprocess_specs.get(spec_name)
        names.update(start.event_definition.name for start in (spec.bpmn_start_events if spec else [])
                     if isinstance(start.event_definition, MessageEventDefinition))
    return names


def catches_message(spec, name: str) -> bool:
    """Whether a process spec has an event catching message `name`."""
    return any(isinstance(d, MessageEventDefinition) and d.name == name
               for task_spec in spec.task_specs.values() if isinstance(task_spec, CatchingEvent)
               for d in event_definitions(task_spec))


def event_definitions(task_spec: CatchingEvent) -> list:
    """What a catching event waits for (each of them, for a multiple event)."""
    definition = task_spec.event_definition
    return definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
