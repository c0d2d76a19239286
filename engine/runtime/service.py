"""Running workflow instances: one step, one transaction.

A step is: lock the instance row -> load its state -> run SpiffWorkflow -> save the state
(version checked) -> update work items and other read models -> append the audit entry.
Nothing is committed unless all of it is. A script or service failure inside the step
becomes an incident, never a lost submission.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import ParamSpec, TypeVar
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import audit, clock, forms, metrics, sandbox
from engine.db import Database
from engine.errors import AlreadyDone, Conflict, Forbidden, NotFound
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.rulesets.loader import CompiledBundle
from engine.rulesets.models import ProcessBundle
from engine.rulesets.service import BundleCache
from engine.runtime import persistence
from engine.runtime.kept import KeptWorkflows
from engine.runtime.models import (
    Incident,
    IncidentStatus,
    InstanceStatus,
    WorkflowInstance,
    WorkItem,
    WorkItemStatus,
    people_of,
    performers_of,
    start_data_of,
)
from engine.sandbox import TASK_STARTED, ScriptLimits, make_script_engine
from engine.sandbox.budget import step_budget
from engine.sandbox.helpers import HELPERS, current_calendar, current_settings
from engine.sandbox.operators import OperatorRegistry, StepContext, current_step
from engine.spiff import workflow as spiff
from engine.spiff.state import as_loaded, dump_state_exact, load_state, prune
from engine.spiff.timers import live_task_data, next_timer_due, reevaluate_date_timers
from engine.working_days import WorkingCalendar, remember_revision, revision_column
from engine.working_days.deadline import WORKING_DAYS_KEY, Deadline

log = logging.getLogger(__name__)

_OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED  # the steps whose data the next ones take


def has_open_incidents(session: Session) -> bool:
    """Whether some instance waits for an administrator (its process admin lands on them)."""
    return session.scalar(select(Incident.id).where(Incident.status == IncidentStatus.OPEN).limit(1)) is not None


def _due(*columns) -> Select:
    """Running instances whose timer is due before `moment`, oldest timer first, `limit` of
    them; strictly before: SpiffWorkflow fires a timer only once its moment has passed."""
    return (select(*columns)
            .where(WorkflowInstance.status == InstanceStatus.RUNNING,
                   WorkflowInstance.next_timer_due < bindparam("moment"))
            .order_by(WorkflowInstance.next_timer_due, WorkflowInstance.id).limit(bindparam("limit")))


_DUE_IDS = _due(WorkflowInstance.id)
DUE_TO_CLAIM = _due(WorkflowInstance, revision_column()).execution_options(populate_existing=True)


_IN_STEP_CALL = ContextVar("in_step_call", default=False)
P = ParamSpec("P")
R = TypeVar("R")


def _cpu_counted(call: Callable[P, R]) -> Callable[P, R]:
    """Counts the CPU time of the thread running `call` (its lock, load, run, save and, where the
    transaction is its own, commit) in metrics.STEP_CPU under the call's name; a call made inside
    another (a step's service task starting an instance) is counted with the outer one."""
    @functools.wraps(call)
    def counted(*args: P.args, **kwargs: P.kwargs) -> R:
        if _IN_STEP_CALL.get():
            return call(*args, **kwargs)
        token, began = _IN_STEP_CALL.set(True), time.thread_time()
        try:
            return call(*args, **kwargs)
        finally:
            _IN_STEP_CALL.reset(token)
            metrics.count_step_cpu(call.__name__.lstrip("_"), time.thread_time() - began)
    return counted


class DbLookups(forms.Lookups):
    """Lookups in the database; with an `actor`, files they may not see are refused (without
    one, for a check before completion, which checks again with its actor)."""

    def __init__(self, session: Session, actor: User | None = None, people: Mapping[str, list] | None = None):
        self.session, self.actor = session, actor
        # the step's own narrower choices (people_of), by field: user names
        self._people = {name: {u.username for u in users} for name, users in (people or {}).items()}

    def unit_exists(self, code: str) -> bool:
        return org.unit_by_code(self.session, code) is not None

    def user_exists(self, username: str) -> bool:
        return self.session.scalar(select(User.id).where(User.username == username)) is not None

    def user_offered(self, username: str, roles: Collection[str] = ()) -> bool:
        user = self.session.scalar(select(User).where(User.username == username))
        return user is not None and permissions.account_in_force(user) and (not roles or user.has_role(*roles))

    def user_name(self, username: str) -> str:
        return self.session.scalar(select(User.full_name).where(User.username == username)) or username

    def people(self, field_name: str) -> Collection[str] | None:
        return self._people.get(field_name)

    def may_attach(self, sha256: str) -> bool:
        return self.actor is None or permissions.may_see_file(self.session, self.actor, sha256)


class Runtime:
    def __init__(self, db: Database, cache: BundleCache, operators: OperatorRegistry, limits: ScriptLimits,
                 kept_workflows: int):
        self.db = db
        self.cache = cache
        self.limits = limits
        self.script_engine = make_script_engine(operators, self.limits)
        self.kept = KeptWorkflows(kept_workflows)  # the workflows this worker saved last (engine.runtime.kept)

    # ------------------------------------------------------------------ starting
    @_cpu_counted
    def start(self, session: Session, bundle: ProcessBundle, purpose: str, data: dict, *, actor: User | None = None,
              directive_id: int | None = None, assignment_id: int | None = None,
              parent_id: int | None = None) -> WorkflowInstance:
        """Start the ruleset's process for `purpose` inside the caller's transaction."""
        compiled = self.cache.get(bundle)
        process_id = compiled.process_id(purpose)
        workflow = spiff.start(compiled.specs[process_id], compiled.subprocess_specs(process_id),
                               self.script_engine, data)
        moment = clock.now()
        instance = WorkflowInstance(bundle_id=bundle.id, process_id=process_id, purpose=purpose, state="",
                                    directive_id=directive_id, assignment_id=assignment_id, parent_id=parent_id,
                                    created_at=moment, updated_at=moment)
        session.add(instance)
        session.flush()
        self._step(session, instance, compiled, workflow, actor, action=None, open_items=[])  # a new one has none
        audit.record(session, "instance.started", "workflow_instance", instance.id, actor=actor,
                     after={"process": process_id, "bundle": bundle.id}, directive_id=directive_id,
                     assignment_id=assignment_id)
        return instance

    # ------------------------------------------------------------------ work items
    def validate_submission(self, work_item_id: int, raw: dict) -> dict:
        """Check a form submission without taking any lock; raises FormValidationError."""
        with self.db.session() as session:
            item = self._work_item(session, work_item_id)
            compiled = self._compiled(session, item.instance_id)
            lookups = DbLookups(session, people=self.people(session, item))
            return forms.validate(compiled.forms[item.form_key], raw, lookups)

    @_cpu_counted
    def complete(self, work_item_id: int, raw: dict, actor: User, *, locked: WorkflowInstance | None = None
                 ) -> WorkItem:
        """Complete a work item with a form submission, in one transaction. Refuses politely
        when the item was already completed (double submit, stale form). `locked`: an instance the
        caller locked (`locked`) in the transaction this call joins; when the item is one of its
        own, it is not locked and read a second time."""
        with self.db.session() as session:
            instance, open_items = self._item_locked(session, work_item_id, locked)
            refuse_if_suspended(instance)
            item = next(i for i in open_items if i.id == work_item_id)
            if item.status != WorkItemStatus.READY:
                raise AlreadyDone("This work item has already been completed.")
            user = org.in_session(session, actor)
            self.check_may_act(session, user, item)
            compiled, workflow = self._load(session, instance, take=True)
            task = spiff.find_task(workflow, UUID(item.task_id))
            if task is None or task.state != TaskState.READY:
                raise AlreadyDone("This work item has already been completed.")
            lookups = DbLookups(session, user, people_of(session, compiled.lanes, item))
            clean = forms.validate(compiled.forms[item.form_key], raw, lookups,
                                   facts={**task.data, **forms.day_facts()})

            def run_user_task(_wf):
                task.data.update(clean)
                task.data["completed_by"] = user.username
                task.run()

            def completion_entry() -> dict:
                # Closed after the run, so that no query of the run autoflushes it before the
                # save writes it (with the other items this step closes).
                persistence.close(item, WorkItemStatus.COMPLETED, clock.now(), by=user.id)
                return audit.entry("work_item.completed", "work_item", item.id, actor=user,
                                   before={"status": WorkItemStatus.READY},
                                   after={"element": item.element_id, "data": clean},
                                   directive_id=item.directive_id, assignment_id=item.assignment_id)

            self._step(session, instance, compiled, workflow, user, action=run_user_task, record=completion_entry,
                       open_items=open_items)
            return item

    def _item_locked(self, session: Session, work_item_id: int, locked: WorkflowInstance | None
                     ) -> tuple[WorkflowInstance, list[WorkItem]]:
        """The instance of work item `work_item_id`, locked, and its open items with that one."""
        if locked is not None:
            open_items = persistence.open_items(session, locked.id, also=work_item_id)
            if any(i.id == work_item_id and i.instance_id == locked.id for i in open_items):
                return locked, open_items
        # The lock comes first: on SQLite a read before it pins a snapshot that a concurrent
        # commit makes stale, and the lock then fails with "database is locked".
        instance = self._lock_by(session, persistence.LOCK_OF_WORK_ITEM, {"work_item_id": work_item_id},
                                 missing=NotFound("Work item %(id)s does not exist.", id=work_item_id))
        return instance, persistence.open_items(session, instance.id, also=work_item_id)

    def people(self, session: Session, item: WorkItem) -> Mapping[str, list]:
        """Whom `item`'s person fields may name, where a feature narrows them (people_of)."""
        return people_of(session, self._compiled(session, item.instance_id).lanes, item)

    def starting_values(self, session: Session, item: WorkItem, form: forms.FormDefinition) -> dict:
        """What the fields with a `default_from` start with, read in the item's task data (the
        workflow is loaded only for a form that has one)."""
        fields = [f for f in form.fields if f.default_from]
        if not fields:
            return {}
        data = self.task_data(session, item)
        values = {f.name: forms.starting_value(f, data) for f in fields}
        return {name: value for name, value in values.items() if value is not None}

    def task_data(self, session: Session, item: WorkItem) -> dict:
        """The data of the user task behind `item` (the workflow is loaded: read it for one item at
        a time); empty when the task is gone."""
        task = spiff.find_task(self.workflow_of(session, session.get_one(WorkflowInstance, item.instance_id)),
                               UUID(item.task_id))
        return task.data if task else {}

    def save_draft(self, work_item_id: int, raw: dict, actor: User) -> None:
        with self.db.session() as session:
            item = self._work_item(session, work_item_id)
            user = session.get_one(User, actor.id)
            self.check_may_act(session, user, item)
            if item.status != WorkItemStatus.READY:
                raise AlreadyDone("This work item has already been completed.")
            # A draft lists files for whoever opens the work item: only files its author may see.
            listed = [v for value in raw.values() if isinstance(value, list) for v in value
                      if isinstance(v, str) and forms.DIGEST.fullmatch(v)]
            if not all(permissions.may_see_file(session, user, digest) for digest in listed):
                raise Forbidden("You may attach only files you sent or may already see.")
            item.draft = {k: v for k, v in raw.items() if k != "csrf_token"}

    def check_may_act(self, session: Session, user: User, item: WorkItem) -> None:
        if not permissions.may_act(session, user, item):
            raise Forbidden("You may not handle this work item.")

    # ------------------------------------------------------------------ events from outside
    @_cpu_counted
    def send_message(self, instance_id: int, name: str, payload: dict | None = None, *,
                     actor: User | None = None) -> None:
        with self.db.session() as session:
            self.deliver_message(session, instance_id, name, payload, actor=actor)

    @_cpu_counted
    def deliver_message(self, session: Session, instance_id: int, name: str, payload: dict | None = None, *,
                        actor: User | None = None) -> None:
        """send_message inside the caller's transaction (so that a domain row written with
        it commits or not together). Refuses when the workflow is not waiting for `name`."""
        instance = self._lock(session, instance_id)
        compiled, workflow = self._load(session, instance, take=True)
        if instance.status != InstanceStatus.RUNNING or name not in spiff.waiting_message_names(workflow):
            raise Conflict("This action is not possible at this stage of the process.")
        self._step(session, instance, compiled, workflow, actor,
                   action=lambda wf: spiff.send_message(wf, name, payload or {}))
        audit.record(session, "instance.message", "workflow_instance", instance.id, actor=actor,
                     after={"message": name, "payload": payload}, directive_id=instance.directive_id,
                     assignment_id=instance.assignment_id)

    @_cpu_counted
    def cancel(self, session: Session, instance_id: int, *, actor: User | None, reason: str) -> bool:
        """End an instance wherever it stands, inside the caller's transaction (a withdrawn
        assignment): its open tasks are cancelled, its work items with them, and no timer is
        left. It needs nothing of the diagram, so it ends instances on any stored version alike.
        An instance stopped by an incident ends too, its incidents resolved with it. False when
        it had ended already (read under the lock: another process may have ended it)."""
        instance = self._lock(session, instance_id)
        if instance.status == InstanceStatus.COMPLETED:
            return False
        for incident in session.scalars(select(Incident).where(Incident.instance_id == instance.id,
                                                               Incident.status == IncidentStatus.OPEN)):
            incident.status, incident.resolved_at = IncidentStatus.RESOLVED, clock.now()
            incident.resolved_by = getattr(actor, "id", None)
        instance.status = InstanceStatus.RUNNING  # so that the save records the end, not the error
        compiled, workflow = self._load(session, instance, take=True)
        self._step(session, instance, compiled, workflow, actor, action=spiff.cancel)
        audit.record(session, "instance.cancelled", "workflow_instance", instance.id, actor=actor,
                     after={"reason": reason}, directive_id=instance.directive_id,
                     assignment_id=instance.assignment_id)
        return True

    def waiting_messages(self, session: Session, instance: WorkflowInstance) -> list[str]:
        """The messages `instance` waits for, as its last step saved them (read from its state when it was
        saved before they were kept)."""
        if instance.waiting_messages is not None:
            return list(instance.waiting_messages)
        _compiled, workflow = self._load(session, instance)
        return sorted(spiff.waiting_message_names(workflow))

    # ------------------------------------------------------------------ timers
    def due_instance_ids(self, moment: datetime | None = None, limit: int = 500) -> list[int]:
        moment = moment or clock.now()
        with self.db.session() as session:
            return list(session.scalars(_DUE_IDS, {"moment": moment, "limit": limit}))

    @_cpu_counted
    def fire_timers(self, instance_id: int, moment: datetime | None = None) -> bool:
        """Advance one instance whose timers are due. False when another worker got there
        first (the row is locked, or its due time moved on)."""
        moment = moment or clock.now()
        with self.db.session() as session:
            instance = self._lock_if_free(session, instance_id)
            if instance is None or instance.status != InstanceStatus.RUNNING or not instance.next_timer_due \
                    or instance.next_timer_due >= moment:
                return False
            self._fire(session, instance)
            return True

    @_cpu_counted
    def fire_due_batch(self, moment: datetime | None = None, limit: int = 10) -> int:
        """Claim up to `limit` due instances and advance them in one transaction; returns how
        many were claimed. The claim is the row locks (PostgreSQL: FOR UPDATE SKIP LOCKED, so
        that schedulers running at once take disjoint batches; SQLite: the write lock), held to
        the commit: a scheduler killed mid-batch commits none of it, and each instance fires
        once. An instance changed under its step is left for the next round (a savepoint each)."""
        moment = moment or clock.now()
        with self.db.session() as session:
            claimed = self.db.lock_all(session, DUE_TO_CLAIM, {"moment": moment, "limit": limit}, skip_locked=True)
            for instance, revision in claimed:
                remember_revision(session, revision)
                try:
                    with session.begin_nested():
                        self._fire(session, instance)
                except (Conflict, StaleDataError):
                    log.info("instance %s changed under the timer run; it will be retried", instance.id)
            return len(claimed)

    def _fire(self, session: Session, instance: WorkflowInstance) -> None:
        """The step of a locked instance whose timers are due."""
        compiled, workflow = self._load(session, instance, take=True)

        def fired_entry() -> dict:  # written with the step's writes (one statement on PostgreSQL)
            return audit.entry("instance.timers", "workflow_instance", instance.id,
                               after={"next_timer_due": _iso(next_timer_due(workflow))},
                               directive_id=instance.directive_id, assignment_id=instance.assignment_id)

        self._step(session, instance, compiled, workflow, None, action=None, record=fired_entry)

    def run_due_timers(self, moment: datetime | None = None) -> int:
        fired = 0
        for instance_id in self.due_instance_ids(moment):
            try:
                fired += self.fire_timers(instance_id, moment)
            except (Conflict, StaleDataError):
                log.info("instance %s changed under the timer run; it will be retried", instance_id)
        return fired

    # ------------------------------------------------------------------ incidents
    @_cpu_counted
    def retry_incident(self, incident_id: int, actor: User, data: dict | None = None) -> Incident:
        """Run the failed steps again; `data` (an administrator's correction) replaces the data
        of the incident's task first."""
        with self.db.session() as session:
            missing = NotFound("No open incident %(id)s.", id=incident_id)
            instance = self._lock_by(session, persistence.LOCK_OF_INCIDENT, {"incident_id": incident_id},
                                     missing=missing)  # the lock first: see complete
            incident = session.get(Incident, incident_id)
            if incident is None or incident.status != IncidentStatus.OPEN:
                raise NotFound("No open incident %(id)s.", id=incident_id)
            compiled, workflow = self._load(session, instance, take=True)
            start_data = start_data_of(session, instance)

            def reset(wf):
                for task in spiff.error_tasks(wf):
                    # a step that stopped for want of start data its version reads runs again from the
                    # computing steps before it, given that data as a move gives it
                    lacking = data is None and _missing(start_data, task.data)
                    wf.reset_from_task_id(spiff.first_computing_step(task).id if lacking else task.id)
                    if data is not None and str(task.id) == incident.task_id:
                        task.data = dict(data)  # after the reset, which inherits the parent's data
                _fill_in(wf, start_data)

            incident.status, incident.resolved_at, incident.resolved_by = IncidentStatus.RESOLVED, clock.now(), actor.id
            instance.status = InstanceStatus.RUNNING
            self._step(session, instance, compiled, workflow, actor, action=reset)
            audit.record(session, "incident.retried", "incident", incident.id, actor=actor,
                         after={"instance_status": instance.status})
            return incident

    def fill_in_start_data(self, session: Session, instance: WorkflowInstance, workflow: BpmnWorkflow) -> None:
        """On a move to a newer version (engine.rulesets.migration): see _fill_in."""
        _fill_in(workflow, start_data_of(session, instance))

    # ------------------------------------------------------------------ administration (engine/instances)
    def locked(self, session: Session, instance_id: int) -> WorkflowInstance:
        """The instance, its row locked for the caller's transaction."""
        return self._lock(session, instance_id)

    def workflow_of(self, session: Session, instance: WorkflowInstance) -> BpmnWorkflow:
        return self._load(session, instance)[1]

    @_cpu_counted
    def admin_step(self, session: Session, instance: WorkflowInstance, workflow: BpmnWorkflow, actor: User,
                   action) -> None:
        """An administrator's change of `workflow` (loaded by workflow_of under the lock) as one
        step: the engine runs on from it, the work items follow, the state is saved."""
        self._step(session, instance, self.cache.by_id(session, instance.bundle_id), workflow, actor, action=action)

    # ------------------------------------------------------------------ calendar changes
    def refresh_deadlines(self, actor: User | None = None, batch_size: int = 200) -> int:
        """Recompute the open working-day deadlines, and the timers waiting on them, of every
        running instance that may hold one, after the calendar changed (the change must be
        committed first). Returns how many instances changed.

        Scales to many instances: candidates are listed `batch_size` at a time by id, and each
        is refreshed in its own short transaction (lock, reload, recompute, save), so nobody
        waits on a lock for more than one instance's work. The trade-off: while a run is under
        way some instances show the new calendar and some still the old one, and a crash
        leaves the rest unrefreshed; refreshing is idempotent, so running it again (another
        calendar save, `dondoc calendar`) completes it. Each instance reads the calendar after
        taking its lock, so two corrections saved at once cannot leave it on the older one."""
        changed, after_id = 0, 0
        while ids := self._refresh_candidates(after_id, batch_size):
            for instance_id in ids:
                changed += self._refresh_instance(instance_id, actor)
            after_id = ids[-1]
        return changed

    def _refresh_candidates(self, after_id: int, limit: int) -> list[int]:
        """Running instances that wait on a timer or hold a working-day rule (a
        working_deadline dict, an assignment's deadline rule) or a step's start that a due
        date may count from (`task_started`) somewhere in their state: the others cannot
        depend on the calendar."""
        may_depend = or_(WorkflowInstance.next_timer_due.is_not(None),
                         WorkflowInstance.state.contains(f'"{WORKING_DAYS_KEY}"'),
                         WorkflowInstance.state.contains(f'"{TASK_STARTED}"'))
        with self.db.session() as session:
            return list(session.scalars(
                select(WorkflowInstance.id)
                .where(WorkflowInstance.status == InstanceStatus.RUNNING, WorkflowInstance.id > after_id, may_depend)
                .order_by(WorkflowInstance.id).limit(limit)))

    @_cpu_counted
    def _refresh_instance(self, instance_id: int, actor: User | None) -> bool:
        """One instance, one transaction. A failure is logged and leaves the instance as it
        was: one broken workflow must not stop the others from following the calendar."""
        try:
            with self.db.session() as session:
                instance = self._lock(session, instance_id)
                if instance.status != InstanceStatus.RUNNING:
                    return False
                compiled, workflow = self._load(session, instance)
                calendar = WorkingCalendar.lazily_from_db(session)
                was_due = _ready_due(session, instance.id)
                tokens = (current_calendar.set(calendar), current_settings.set(compiled.settings))
                try:
                    moved = _recompute_working_deadlines(workflow, calendar)
                    moved += self._refresh_due_dates(session, instance, workflow)
                finally:
                    current_settings.reset(tokens[1])
                    current_calendar.reset(tokens[0])
                if not moved:
                    return False
                self._step(session, instance, compiled, workflow, actor, action=None)
                is_due = _ready_due(session, instance.id)
                # the open steps whose due date moved, from and to which day: the history names them
                items = [(title, due, is_due[key][1]) for key, (title, due) in was_due.items()
                         if key in is_due and is_due[key][1] != due]
                audit.record(session, "deadlines.recomputed", "workflow_instance", instance.id, actor=actor,
                             before={"due": [_day(due) for _title, due, _new in items]},
                             after={"changed": moved, "next_timer_due": _iso(instance.next_timer_due),
                                    "steps": [title for title, _due, _new in items],
                                    "due": [_day(new) for _title, _due, new in items]},
                             directive_id=instance.directive_id, assignment_id=instance.assignment_id)
                return True
        except (Conflict, NotFound, WorkflowException, ValueError, LookupError, TypeError) as exc:
            log.warning("deadlines of instance %s not recomputed: %s", instance_id, exc)
            return False

    def _refresh_due_dates(self, session: Session, instance: WorkflowInstance, workflow: BpmnWorkflow) -> int:
        """Re-evaluate the `due` property of the instance's open work items (the inbox shows
        it), also when no data moved: a due date may count working days itself; returns how
        many moved."""
        moved = 0
        for item in session.scalars(select(WorkItem).where(WorkItem.instance_id == instance.id,
                                                           WorkItem.status == WorkItemStatus.READY)):
            task = spiff.find_task(workflow, UUID(item.task_id))
            due = task.task_spec.extensions.get("properties", {}).get("due") if task else None
            fresh = _due_moment(self.script_engine.evaluate(task, due)) if due else item.due_at
            if fresh != item.due_at:
                item.due_at, moved = fresh, moved + 1
        return moved

    # ------------------------------------------------------------------ internals
    def _work_item(self, session: Session, work_item_id: int) -> WorkItem:
        item = session.get(WorkItem, work_item_id)
        if item is None:
            raise NotFound("Work item %(id)s does not exist.", id=work_item_id)
        return item

    def _lock(self, session: Session, instance_id: int) -> WorkflowInstance:
        return self._lock_by(session, persistence.LOCK_BY_ID, {"instance_id": instance_id},
                             missing=NotFound("Workflow instance %(id)s does not exist.", id=instance_id))

    def _lock_if_free(self, session: Session, instance_id: int) -> WorkflowInstance | None:
        """The instance, locked; None when another worker holds its lock (or it is gone)."""
        return self._locked_row(session, persistence.LOCK_BY_ID, {"instance_id": instance_id}, skip_locked=True)

    def _lock_by(self, session: Session, query: Select, params: dict, *, missing: Exception) -> WorkflowInstance:
        """_locked_row that raises `missing` when there is no such row."""
        instance = self._locked_row(session, query, params)
        if instance is None:
            raise missing
        return instance

    def _locked_row(self, session: Session, query: Select, params: dict, skip_locked: bool = False
                    ) -> WorkflowInstance | None:
        """Lock the instance row with one of persistence's LOCK_* queries (see Database.lock)
        and note the calendar revision read with it, which the step will use. None when there
        is no such row."""
        row = self.db.lock(session, query, params, skip_locked=skip_locked)
        if row is None:
            return None
        instance, revision = row
        remember_revision(session, revision)
        return instance

    def _compiled(self, session: Session, instance_id: int) -> CompiledBundle:
        return self.cache.by_id(session, session.get_one(WorkflowInstance, instance_id).bundle_id)

    def _load(self, session: Session, instance: WorkflowInstance, take: bool = False
              ) -> tuple[CompiledBundle, BpmnWorkflow]:
        """The instance's workflow loaded from its row. `take`: for a step of the locked instance, which
        may use (and so takes away) the workflow this worker kept at its last save of it, if the row
        still holds what that save wrote; a step that saves keeps its workflow again."""
        compiled = self.cache.by_id(session, instance.bundle_id)
        spec = compiled.specs[instance.process_id]
        workflow = self.kept.take(instance.id, instance.version, instance.state, spec) if take else None
        if take:
            metrics.count_step_workflow(kept=workflow is not None)
        if workflow is None:
            workflow = load_state(instance.state, spec, compiled.subprocess_specs(instance.process_id),
                                  self.script_engine)
        return compiled, workflow

    def _step(self, session: Session, instance: WorkflowInstance, compiled: CompiledBundle,
              workflow: BpmnWorkflow, actor: User | None, action, record: Callable[[], dict] | None = None,
              open_items: list[WorkItem] | None = None) -> None:
        """Run `action` and the engine steps, then save. `record` makes the step's audit entry
        (audit.entry) after the run (so that it follows what the run recorded); the save writes
        it. `open_items`: the instance's ready work items (the caller may have closed some of
        them in memory, as `complete` does), when the caller read them under the lock."""
        started = time.perf_counter()
        try:
            with self.step_context(session, instance, compiled, actor):
                self._run(session, instance, workflow, action)
                self._save(session, instance, compiled, workflow, open_items, record() if record else None)
        finally:
            metrics.observe_step(instance.purpose, time.perf_counter() - started)

    @contextmanager
    def step_context(self, session: Session, instance: WorkflowInstance, compiled: CompiledBundle,
                     actor: User | None) -> Iterator[None]:
        """What the diagram's expressions read while `instance` steps on `compiled`: its settings,
        the working-day calendar of the database, the step's operators, within the step's budget."""
        ctx = StepContext(session=session, instance=instance, bundle=compiled, actor=actor, runtime=self)
        tokens = (current_step.set(ctx), current_calendar.set(WorkingCalendar.lazily_from_db(session)),
                  current_settings.set(compiled.settings))
        try:
            with step_budget(self.limits, HELPERS):
                yield
        finally:
            current_settings.reset(tokens[2])
            current_calendar.reset(tokens[1])
            current_step.reset(tokens[0])

    def _run(self, session: Session, instance: WorkflowInstance, workflow: BpmnWorkflow, action) -> None:
        """`action` and the engine steps; a script, expression or operator that fails (or
        exceeds the step's budget) becomes an incident."""
        try:
            with spiff.instance_limit(self.limits.max_instances):
                if action is not None:
                    action(workflow)
                spiff.advance(workflow)
        except SQLAlchemyError:
            raise
        except Exception as exc:
            _reraise_database_error(exc)
            self._record_incident(session, instance, workflow, exc)

    def _save(self, session: Session, instance: WorkflowInstance, compiled: CompiledBundle,
              workflow: BpmnWorkflow, open_items: list[WorkItem] | None, entry: dict | None) -> None:
        """Close the stored items whose task is no longer ready (or that the caller closed, as
        `complete` does), add one for each newly ready user task, and save the state, with
        `entry` (the step's audit entry). New items that cannot be built (a due date, unit or
        template fails) become an incident and are added when it is retried."""
        ready = {str(t.id): t for t in spiff.ready_user_tasks(workflow)}
        with session.no_autoflush:  # the step writes the work items itself
            stored = persistence.open_items(session, instance.id) if open_items is None else open_items
        with persistence.read_again_on_error(session, stored):
            with session.no_autoflush:
                drafts = {item.task_id: item.draft for item in stored if item.draft}  # `close` drops them
                closing = self._closing(workflow, stored, ready)
                known = {item.task_id for item in stored}
                try:
                    adding = [self._new_work_item(session, instance, compiled, task)
                              for task_id, task in ready.items() if task_id not in known]
                except (sandbox.ScriptFailed, WorkflowException) as exc:
                    self._record_incident(session, instance, workflow, exc)
                    adding = []
            status = instance.status if instance.status == InstanceStatus.ERROR \
                else InstanceStatus.COMPLETED if workflow.completed else InstanceStatus.RUNNING
            prune(workflow)
            keepable = as_loaded(workflow)
            state, exact = dump_state_exact(workflow)
            persistence.write_step(session, instance, entry=entry, closing=closing, adding=adding,
                                   state=state, status=status,
                                   next_timer_due=None if status == InstanceStatus.COMPLETED
                                   else next_timer_due(workflow),
                                   waiting_messages=sorted(spiff.waiting_message_names(workflow)),
                                   updated_at=clock.now())
            if keepable and exact:  # else a load of its text would give other values (a tuple as a list)
                self.kept.keep(instance.id, instance.version, state, workflow)
            persistence.keep_drafts(session, _given_again(closing, drafts, adding))
            session.flush()  # what the run's operators left pending: its errors belong to the step

    @staticmethod
    def _closing(workflow: BpmnWorkflow, stored: list[WorkItem], ready: dict) -> list[WorkItem]:
        """The items of `stored` this step closes: those the caller closed, and the ready ones
        whose task is no longer ready (closed here)."""
        closing = []
        for item in stored:
            if item.status == WorkItemStatus.READY and item.task_id not in ready:
                task = spiff.find_task(workflow, UUID(item.task_id))  # gone: its branch was cancelled
                done = task is not None and task.state == TaskState.COMPLETED
                persistence.close(item, WorkItemStatus.COMPLETED if done else WorkItemStatus.CANCELLED, clock.now())
            if item.status != WorkItemStatus.READY:
                closing.append(item)
        return closing

    def _new_work_item(self, session: Session, instance: WorkflowInstance, compiled: CompiledBundle,
                       task) -> dict:
        """The work_items row for a newly ready user task."""
        spec = task.task_spec
        props = spec.extensions.get("properties", {})
        role = permissions.lane_role(compiled.lanes, spec.lane)
        assignment_id = task.data.get("assignment_id", instance.assignment_id)
        unit_id = self._resolve_unit(session, task, props.get("unit"), role, instance.directive_id, assignment_id,
                                     task.data.get(permissions.BODY_VARIABLE))
        role = permissions.office_step_role(session, compiled.settings, role, unit_id, instance.directive_id,
                                            assignment_id)
        due = self.script_engine.evaluate(task, props["due"]) if props.get("due") else None
        instructions = spec.extensions.get("instructionsForEndUser")
        return dict(
            instance_id=instance.id, task_id=str(task.id), element_id=spec.bpmn_id,
            title=spec.bpmn_name or spec.bpmn_id, lane=spec.lane, role=role, unit_id=unit_id,
            instructions=self._instructions(session, task, instructions) if instructions else None,
            form_key=props.get("formKey", ""), directive_id=instance.directive_id,
            assignment_id=assignment_id,
            performers=performers_of(session, instance.id, props.get("formKey", ""), unit_id, role),
            due_at=_due_moment(due), status=WorkItemStatus.READY, created_at=clock.now())

    def _instructions(self, session: Session, task, template: str) -> str:
        """The instructions people read; `unit_names[code]` gives a unit's name (task data
        carries codes, people read names)."""
        data = {**task.data, "unit_names": org.unit_names(session)} if "unit_names" in template else task.data
        try:
            return sandbox.render(template, data, self.limits)
        except sandbox.ScriptFailed as exc:
            raise sandbox.ScriptFailed(f"instructions of {task.task_spec.bpmn_id}: {exc}", task=task) from exc

    def _resolve_unit(self, session: Session, task, unit_expression: str | None, role: str,
                      directive_id: int | None, assignment_id: int | None, body_code: str | None) -> int | None:
        """The unit the diagram names, else the default of `role` in the body of the record (its directive's),
        or without one in the body the instance names (`body_code`: an ad-hoc report of a commune's office)."""
        if unit_expression:
            code = self.script_engine.evaluate(task, unit_expression)
            unit_id = org.unit_id_by_code(session, str(code)) if code else None
            if unit_id is None:
                raise LookupError(f"user task {task.task_spec.bpmn_id}: unit '{code}' does not exist")
            return unit_id
        default = permissions.default_unit(session, role, directive_id, assignment_id, body_code)
        return default.id if default else None

    def _record_incident(self, session: Session, instance: WorkflowInstance, workflow: BpmnWorkflow,
                         exc: Exception) -> None:
        failed = spiff.error_tasks(workflow)
        task = failed[0] if failed else getattr(exc, "task", None)
        instance.status = InstanceStatus.ERROR
        session.add(Incident(instance_id=instance.id, task_id=str(task.id) if task else None,
                             element_id=task.task_spec.bpmn_id if task else None,
                             error=f"{type(exc).__name__}: {exc}", created_at=clock.now()))
        log.warning("incident on instance %s: %s", instance.id, exc)


def _given_again(closing: list[WorkItem], drafts: dict[str, dict], adding: list[dict]) -> dict[str, dict]:
    """{new item's task id: draft}: a step given again in this step (its item cancelled, one of the
    same element for the same unit and role added: a share's step re-given with a new date) keeps
    the draft saved on the one it replaces; completing a step, or one given elsewhere, does not."""
    kept = {(item.element_id, item.unit_id, item.role): drafts[item.task_id] for item in closing
            if item.status == WorkItemStatus.CANCELLED and item.task_id in drafts}
    return {row["task_id"]: kept[key] for row in adding
            if (key := (row["element_id"], row["unit_id"], row["role"])) in kept}


def refuse_if_suspended(instance: WorkflowInstance) -> None:
    if instance.status == InstanceStatus.SUSPENDED:
        raise Conflict("This process is suspended by a process administrator: its work items can be handled "
                       "once it is resumed.")


def _reraise_database_error(exc: Exception) -> None:
    inner = getattr(exc, "exception", None) or exc.__cause__
    if isinstance(inner, SQLAlchemyError):
        raise inner


def _recompute_working_deadlines(workflow: BpmnWorkflow, calendar: WorkingCalendar) -> int:
    """Rewrite every deadline counted in working days in waiting/ready task data and
    re-evaluate the date timers waiting on them (`calendar` must be the step's calendar too).
    Returns how many values moved."""
    moved = 0

    def walk(value):
        nonlocal moved
        if isinstance(value, dict):
            counted = Deadline.counted_in(value)
            if counted and (fresh := counted.recomputed(calendar)) != counted:
                value.update(fresh.to_json())
                moved += 1
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for data in live_task_data(workflow):
        walk(data)
    return moved + reevaluate_date_timers(workflow)


def _due_moment(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dict):
        value = Deadline.from_json(value).date
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.isoformat()
    text = str(value)
    if len(text) == 10:  # a date: due at the end of that working day
        from engine.sandbox.helpers import end_of_day

        text = end_of_day(text)
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=clock.VN_TZ)).astimezone(UTC)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _day(moment: datetime | None) -> str | None:
    """The day in Vietnam (a due moment is 17:00 there, stored in UTC)."""
    return moment.astimezone(clock.VN_TZ).date().isoformat() if moment else None


def _ready_due(session: Session, instance_id: int) -> dict[int, tuple[str, datetime | None]]:
    """The instance's open work items: id → (title, due)."""
    return {row.id: (row.title, row.due_at) for row in session.execute(
        select(WorkItem.id, WorkItem.title, WorkItem.due_at).where(
            WorkItem.instance_id == instance_id, WorkItem.status == WorkItemStatus.READY))}


def _missing(start_data: Mapping[str, object], data: Mapping[str, object]) -> dict[str, object]:
    """The start data `data` lacks or left empty."""
    return {key: value for key, value in start_data.items() if data.get(key) is None}


def _fill_in(workflow: BpmnWorkflow, start_data: Mapping[str, object]) -> None:
    """Give the open steps of `workflow` and its sub-processes the start data (models.declare_start_data)
    their version reads that theirs lacks or left empty (a directive registered before `received_on` was
    passed on): the steps after them take it from them. On a move and on an incident's retry."""
    for task in spiff.tasks_in(workflow, _OPEN):
        task.data.update(_missing(start_data, task.data))
