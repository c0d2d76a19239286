"""Changing a running instance, for its administrators: each change is one transaction, takes
the instance's lock, carries the administrator's reason and is audited with the state before
and after. Skipping a step and moving a token run as a normal engine step (the engine runs on,
the work items follow); their dry run is that very step, rolled back, so it shows exactly
what the change would do."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.directives import changes
from engine.directives.models import ENDED, Assignment
from engine.directives.service import written_text
from engine.errors import AlreadyDone, Conflict, EngineError, NotFound
from engine.instances.queries import TOKEN_STATES, admin, incident_sealed
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.org.permissions import Sealed
from engine.runtime.models import (
    LIVE_STATUSES,
    Incident,
    IncidentStatus,
    InstanceStatus,
    WorkflowInstance,
    WorkItem,
    WorkItemStatus,
)
from engine.sandbox.helpers import HELPERS
from engine.spiff import workflow as spiff

MAX_DATA_CHARS = 100_000


class InstanceAdminError(EngineError):
    """A refused administration, naming the field at fault (`field`)."""

    def __init__(self, message: str, field: str, **params):
        super().__init__(message, **params)
        self.field = field


@dataclass(frozen=True)
class Preview:
    """What a skip or a move did (or, in a dry run, would do): the steps it ends and starts."""

    cancelled: list[str]
    created: list[str]
    status: str
    dry_run: bool


def _reason(reason: str) -> str:
    text = written_text(reason)
    if not text:
        raise InstanceAdminError("Give the reason.", "reason")
    return text


def _live(session: Session, engine, instance_id: int) -> WorkflowInstance:
    """The instance, locked, refused when it has ended."""
    instance = engine.runtime.locked(session, instance_id)
    if instance.status not in LIVE_STATUSES:
        raise Conflict("This process has already ended.")
    return instance


def _record(session: Session, action: str, instance: WorkflowInstance, user: User, before: dict, after: dict,
            object_type: str = "workflow_instance", object_id: object = None) -> None:
    audit.record(session, action, object_type, instance.id if object_id is None else object_id, actor=user,
                 before=before, after=after, directive_id=instance.directive_id, assignment_id=instance.assignment_id)


# ---------------------------------------------------------------- suspend, resume, terminate
def suspend(engine, actor: User, instance_id: int, reason: str) -> None:
    """No timer of a suspended instance fires (the scheduler's due query takes only running
    ones) and none of its work items can be completed, until it is resumed."""
    with engine.db.session() as session:
        _switch(session, engine, actor, instance_id, reason, InstanceStatus.RUNNING, InstanceStatus.SUSPENDED,
                "instance.suspended", "Only a running process can be suspended.")


def resume(engine, actor: User, instance_id: int, reason: str) -> None:
    """Running again, in one step: the timers that fell due while it was suspended fire now."""
    with engine.db.session() as session:
        instance, user = _switch(session, engine, actor, instance_id, reason, InstanceStatus.SUSPENDED,
                                 InstanceStatus.RUNNING, "instance.resumed", "Only a suspended process can be resumed.")
        engine.runtime.admin_step(session, instance, engine.runtime.workflow_of(session, instance), user, None)


def _switch(session: Session, engine, actor: User, instance_id: int, reason: str, was: InstanceStatus,
            becomes: InstanceStatus, action: str, refusal: str) -> tuple[WorkflowInstance, User]:
    """Move a live instance from status `was` to `becomes`, audited with the reason; `refusal`
    when it is not `was`."""
    user = admin(session, actor)
    instance = _live(session, engine, instance_id)
    reason = _reason(reason)
    if instance.status != was:
        raise Conflict(refusal)
    instance.status = becomes
    _record(session, action, instance, user, {"status": was}, {"status": becomes, "reason": reason})
    return instance, user


def terminate(engine, actor: User, instance_id: int, reason: str) -> None:
    """End the instance wherever it stands. An assignment's instance ends as a withdrawal does
    (the assignment cancelled, its units told, no outcome counted); any other through the
    runtime's cancel."""
    with engine.db.session() as session:
        user = admin(session, actor)
        instance = _live(session, engine, instance_id)
        reason = _reason(reason)
        before = instance.status
        assignment = session.scalar(select(Assignment).where(Assignment.instance_id == instance.id))
        if assignment is not None and assignment.status not in ENDED:
            changes.withdraw_in(engine, session, assignment, user, reason)
        else:
            engine.runtime.cancel(session, instance.id, actor=user, reason=reason)
        _record(session, "instance.terminated", instance, user, {"status": before},
                {"status": instance.status, "reason": reason})


# ---------------------------------------------------------------- incidents
def incident_data(engine, actor: User, incident_id: int) -> dict:
    """The data of the task an open incident stopped at, for its correction."""
    with engine.db.reading() as session:
        user = admin(session, actor)
        incident, instance = _open_incident(session, incident_id)
        workflow = engine.runtime.workflow_of(session, instance)
        sealed = permissions.sealed_in_instances(session, user, [instance.id]).get(instance.id, Sealed())
        if (not permissions.may_read_instance_content(session, user, instance.directive_id, instance.assignment_id)
                or incident_sealed(sealed, incident, workflow)):
            raise NotFound("No open incident %(id)s.", id=incident_id)
        task = spiff.find_task(workflow, UUID(incident.task_id))
        if task is None:
            raise InstanceAdminError("This incident has no task data to correct.", "data")
        return dict(task.data)


def retry_with_data(engine, actor: User, incident_id: int, raw: str, reason: str) -> None:
    """Replace the failed task's data with `raw` (a JSON object), then retry the incident."""
    with engine.db.session() as session:
        before = incident_data(engine, actor, incident_id)
        user = admin(session, actor)
        _incident, instance = _open_incident(session, incident_id)
        reason, data = _reason(reason), parse_task_data(raw)
        changed = sorted(k for k in {*before, *data} if before.get(k, None) != data.get(k, None))
        _record(session, "incident.data_edited", instance, user, {"data": {k: before.get(k) for k in changed}},
                {"data": {k: data.get(k) for k in changed}, "reason": reason}, "incident", incident_id)
        engine.runtime.retry_incident(incident_id, user, data=data)


def _open_incident(session: Session, incident_id: int) -> tuple[Incident, WorkflowInstance]:
    incident = session.get(Incident, incident_id)
    if incident is None or incident.status != IncidentStatus.OPEN or incident.task_id is None:
        raise NotFound("No open incident %(id)s.", id=incident_id)
    return incident, session.get_one(WorkflowInstance, incident.instance_id)


def parse_task_data(raw: str) -> dict:
    """An administrator's task data: a JSON object of plain values, whose names no script
    helper has (SpiffWorkflow refuses data that hides one)."""
    if len(raw) > MAX_DATA_CHARS:
        raise InstanceAdminError("The task data is too long (at most %(limit)s characters).", "data",
                                 limit=MAX_DATA_CHARS)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InstanceAdminError("The task data is not valid JSON (line %(line)s, column %(column)s).", "data",
                                 line=exc.lineno, column=exc.colno) from None
    if not isinstance(data, dict):
        raise InstanceAdminError("The task data must be a JSON object: {\"name\": value, …}.", "data")
    if clash := sorted(set(data) & set(HELPERS)):
        raise InstanceAdminError("The task data may not use the name %(name)s: a script helper has it.", "data",
                                 name=clash[0])
    return data


# ---------------------------------------------------------------- skipping and moving
def skip(engine, actor: User, instance_id: int, task_id: str, reason: str, *, dry_run: bool) -> Preview:
    """Mark a failed or ready step done without running it; the process goes on after it."""
    def pick(workflow):
        task = spiff.find_task(workflow, _uuid(task_id))
        if task is None or not task.state & (TaskState.ERROR | TaskState.READY) or task.task_spec.bpmn_id is None:
            raise InstanceAdminError("Choose a failed or ready step to skip.", "task")
        return task, {"skipped": task.task_spec.bpmn_name or task.task_spec.bpmn_id}

    return _change(engine, actor, instance_id, reason, "instance.step_skipped", pick,
                   lambda workflow, task: task.complete(), dry_run=dry_run)


def move(engine, actor: User, instance_id: int, element_id: str, reason: str, *, dry_run: bool) -> Preview:
    """Move the token back to a step the instance has passed: what followed it is removed (its
    open steps cancelled) and the step runs again."""
    def pick(workflow):
        passed = [t for t in spiff.tasks_in(workflow, TaskState.COMPLETED)
                  if t.task_spec.bpmn_id == element_id and spiff.is_work_step(t.task_spec)]
        if not passed:
            raise InstanceAdminError("Choose a step the process has already passed.", "element")
        task = max(passed, key=lambda t: t.last_state_change)
        return task, {"moved_to": task.task_spec.bpmn_name or element_id}

    return _change(engine, actor, instance_id, reason, "instance.token_moved", pick,
                   spiff.run_again_from, dry_run=dry_run)


def _change(engine, actor: User, instance_id: int, reason: str, action: str, pick: Callable,
            apply: Callable, *, dry_run: bool) -> Preview:
    """Run `apply(workflow, task)` on the task `pick(workflow)` chooses as one engine step and
    say which steps it ended and started; a dry run rolls all of it back."""
    with engine.db.session() as session:
        user = admin(session, actor)
        savepoint = session.begin_nested() if dry_run else None
        try:
            instance = _live(session, engine, instance_id)
            reason = _reason(reason)
            if instance.status == InstanceStatus.SUSPENDED:
                raise Conflict("Resume the process first: a suspended process does not move.")
            workflow = engine.runtime.workflow_of(session, instance)
            task, what = pick(workflow)
            before, status_before = _open_steps(workflow), instance.status
            _resolve_incidents(session, instance, user)
            engine.runtime.admin_step(session, instance, workflow, user, lambda wf: apply(wf, task))
            after = _open_steps(workflow)
            preview = Preview(cancelled=sorted(before[k] for k in before.keys() - after.keys()),
                              created=sorted(after[k] for k in after.keys() - before.keys()),
                              status=instance.status, dry_run=dry_run)
            _record(session, action, instance, user, {"status": status_before},
                    {**what, "status": instance.status, "reason": reason,
                     "cancelled": preview.cancelled, "created": preview.created})
            return preview
        finally:
            if savepoint is not None:
                savepoint.rollback()


def _open_steps(workflow) -> dict[str, str]:
    return {str(t.id): t.task_spec.bpmn_name or t.task_spec.bpmn_id for t in spiff.tasks_in(workflow, TOKEN_STATES)
            if t.task_spec.bpmn_id is not None}


def _resolve_incidents(session: Session, instance: WorkflowInstance, user: User) -> None:
    """A skip or move past a failure ends the failure's incidents (as a retry does)."""
    if instance.status != InstanceStatus.ERROR:
        return
    for incident in session.scalars(select(Incident).where(Incident.instance_id == instance.id,
                                                           Incident.status == IncidentStatus.OPEN)):
        incident.status, incident.resolved_at, incident.resolved_by = IncidentStatus.RESOLVED, clock.now(), user.id
    instance.status = InstanceStatus.RUNNING


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise InstanceAdminError("Choose a failed or ready step to skip.", "task") from None


# ---------------------------------------------------------------- reassigning
def reassign(engine, actor: User, work_item_id: int, reason: str, *, unit_code: str = "",
             username: str = "") -> WorkItem:
    """Send a ready work item to another unit, or to a person (their unit: a work item waits
    for a role in a unit). The new place must have someone holding the item's role. An item
    given by name (an inspection's team step) goes to a person only, who alone then does it,
    whatever their role."""
    with engine.db.session() as session:
        user = admin(session, actor)
        item = session.get(WorkItem, work_item_id)
        if item is None:
            raise NotFound("Work item %(id)s does not exist.", id=work_item_id)
        instance = _live(session, engine, item.instance_id)
        session.refresh(item)  # as of the lock
        reason = _reason(reason)
        if item.status != WorkItemStatus.READY:
            raise AlreadyDone("This work item has already been completed.")
        if item.performers is not None:
            person = _named_person(session, username.strip())
            unit_id, performers = person.unit_id, permissions.performers_text([person.id])
            if performers == item.performers:
                raise InstanceAdminError("The work item already waits there.", "user")
        else:
            unit_id, performers = _new_unit(session, item.role, unit_code.strip(), username.strip()), None
            if unit_id == item.unit_id:
                raise InstanceAdminError("The work item already waits there.", "unit")
        codes = dict(session.execute(select(Unit.id, Unit.code)).all())
        before = {"unit": codes.get(item.unit_id)}
        item.unit_id, item.performers = unit_id, performers
        _record(session, "work_item.reassigned", instance, user, before,
                {"unit": codes[unit_id], "user": username.strip() or None, "reason": reason}, "work_item", item.id)
        return item


def _named_person(session: Session, username: str) -> User:
    if not username:
        raise InstanceAdminError("This work item is given to people by name: choose the person.", "user")
    person = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if person is None:
        raise InstanceAdminError("No active user %(name)s.", "user", name=username)
    return person


def _new_unit(session: Session, role: str, unit_code: str, username: str) -> int:
    if username:
        person = _named_person(session, username)
        if not person.has_role(role):
            raise InstanceAdminError("%(name)s does not hold the role this work item needs.", "user", name=username)
        return person.unit_id
    unit = org.unit_by_code(session, unit_code) if unit_code else None
    if unit is None:
        raise InstanceAdminError("Choose the unit.", "unit")
    if not permissions.may_receive_work(session, role, unit.id):
        raise InstanceAdminError("Nobody in %(unit)s holds the role this work item needs.", "unit", unit=unit.name)
    return unit.id
