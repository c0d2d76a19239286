"""Reading running instances for their administrators: a filtered, paged list with names, and
one instance's state (tokens, data, work items, incidents, history)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from SpiffWorkflow import TaskState
from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from engine import clock
from engine.audit.models import AuditEntry
from engine.directives.models import Assignment, Directive
from engine.errors import Forbidden, NotFound
from engine.inspections.service import titles_of_instances as inspection_titles
from engine.org import permissions
from engine.org.models import Unit, User
from engine.org.permissions import Sealed
from engine.registry.service import history
from engine.reports.operators import titles_of_instances as report_titles
from engine.rulesets.models import ProcessBundle
from engine.runtime.models import (
    LIVE_STATUSES,
    Incident,
    IncidentStatus,
    WorkflowInstance,
    WorkItem,
    WorkItemStatus,
)
from engine.spiff.workflow import find_task, is_work_step, tasks_in

PAGE_SIZE = 50
# Where a token stands: tasks that wait, are ready or failed (not the sub-processes holding them).
TOKEN_STATES = TaskState.READY | TaskState.WAITING | TaskState.ERROR


@dataclass(frozen=True)
class InstanceFilter:
    bundle_id: int | None = None
    process_id: str | None = None
    element_ids: tuple[str, ...] = ()   # an open work item's element, any of these (one step, named alike)
    older_than_days: int | None = None  # started at least that many days ago
    incident: bool | None = None        # True: with an open incident; False: without
    status: str | None = None           # one of LIVE_STATUSES; None: any of them
    page: int = 1


@dataclass
class InstanceRow:
    instance: WorkflowInstance
    version: str                 # the ruleset's name and version number
    process: str                 # the process's name
    symbol: str | None           # the directive's symbol
    content: str | None          # the task's content (or the directive's summary)
    hidden: bool                 # a secret directive the admin may not read: no symbol, content or data
    steps: list[str] = field(default_factory=list)   # open work items' titles
    units: list[str] = field(default_factory=list)   # and where they wait
    open_incidents: int = 0


@dataclass(frozen=True)
class Token:
    task_id: str
    element_id: str
    name: str
    state: str  # ready | waiting | started | error


@dataclass
class InstanceState:
    row: InstanceRow
    tokens: list[Token]
    data: dict | None                        # None when hidden
    work_items: list[tuple[WorkItem, str]]   # (item, unit name)
    incidents: list[Incident]
    history: list[tuple[AuditEntry, str]]
    move_targets: list[tuple[str, str]]      # (element id, name) of the steps already passed
    # a secret record about no directive the admin may not read (a unit's report marked mật), sealed where it
    # stands: the data's keys holding it (their values left out), the history's entries and the incidents
    sealed_keys: list[str] = field(default_factory=list)
    sealed_entries: set[int] = field(default_factory=set)
    sealed_incidents: set[int] = field(default_factory=set)


def admin(session: Session, actor: User) -> User:
    """The actor, refused unless they administer instances."""
    user = session.get_one(User, actor.id)
    if not permissions.may_administer_instances(user):
        raise Forbidden("Only a process administrator may administer running processes.")
    return user


def list_instances(engine, actor: User, chosen: InstanceFilter) -> tuple[list[InstanceRow], int]:
    """One page of the live instances `chosen` selects, oldest first, and how many there are."""
    with engine.db.reading() as session:
        user = admin(session, actor)
        where = _conditions(chosen)
        total = session.scalar(select(func.count()).select_from(WorkflowInstance).where(*where)) or 0
        instances = session.scalars(select(WorkflowInstance).where(*where)
                                    .order_by(WorkflowInstance.created_at, WorkflowInstance.id)
                                    .offset((max(chosen.page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
        return _rows(engine, session, user, list(instances)), total


def _conditions(chosen: InstanceFilter) -> list[ColumnElement[bool]]:
    statuses = [chosen.status] if chosen.status in LIVE_STATUSES else list(LIVE_STATUSES)
    where: list[ColumnElement[bool]] = [WorkflowInstance.status.in_(statuses)]
    if chosen.bundle_id:
        where.append(WorkflowInstance.bundle_id == chosen.bundle_id)
    if chosen.process_id:
        where.append(WorkflowInstance.process_id == chosen.process_id)
    if chosen.element_ids:
        where.append(exists().where(WorkItem.instance_id == WorkflowInstance.id,
                                    WorkItem.status == WorkItemStatus.READY,
                                    WorkItem.element_id.in_(chosen.element_ids)))
    if chosen.older_than_days:
        where.append(WorkflowInstance.created_at <= clock.now() - timedelta(days=chosen.older_than_days))
    if chosen.incident is not None:
        has_one = exists().where(Incident.instance_id == WorkflowInstance.id, Incident.status == IncidentStatus.OPEN)
        where.append(has_one if chosen.incident else ~has_one)
    return where


def filter_choices(engine, session: Session) -> dict[str, list[tuple]]:
    """What the list's filters offer: versions (id, words), processes (id, name) and open steps
    (element ids joined by commas, name): the elements of one name are one step to the reader —
    an internal inspection's findings and the office's are both "Kiểm tra, ghi nhận kết quả"."""
    bundles = session.scalars(select(ProcessBundle).where(ProcessBundle.id.in_(
        select(WorkflowInstance.bundle_id).where(WorkflowInstance.status.in_(LIVE_STATUSES)))).order_by(ProcessBundle.id)).all()
    processes: dict[str, str] = {}
    for bundle in bundles:
        compiled = engine.compiled(bundle)
        processes |= {pid: spec.description or pid for pid, spec in compiled.specs.items()}
    steps: dict[str, list[str]] = {}
    for element_id, name in session.execute(select(WorkItem.element_id, func.min(WorkItem.title)).where(
            WorkItem.status == WorkItemStatus.READY).group_by(WorkItem.element_id).order_by(WorkItem.element_id)):
        steps.setdefault(name, []).append(element_id)
    return {"versions": [(b.id, version_words(b)) for b in bundles], "processes": sorted(processes.items()),
            "steps": [(",".join(ids), name) for name, ids in steps.items()]}


def version_words(bundle: ProcessBundle) -> str:
    return f"{bundle.settings.get('name', bundle.ruleset)} · {bundle.number}"


def _rows(engine, session: Session, user: User, instances: list[WorkflowInstance]) -> list[InstanceRow]:
    ids = [i.id for i in instances]
    bundles = {b.id: b for b in session.scalars(select(ProcessBundle).where(
        ProcessBundle.id.in_({i.bundle_id for i in instances})))}
    directives = {d.id: d for d in session.scalars(select(Directive).where(
        Directive.id.in_({i.directive_id for i in instances if i.directive_id})))}
    assignments = {a.id: a for a in session.scalars(select(Assignment).where(
        Assignment.id.in_({i.assignment_id for i in instances if i.assignment_id})))}
    titles = {**inspection_titles(session, ids), **report_titles(session, ids)}  # records about no directive
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    open_items = session.scalars(select(WorkItem).where(WorkItem.instance_id.in_(ids),
                                                        WorkItem.status == WorkItemStatus.READY)
                                 .order_by(WorkItem.id)).all()
    incidents = dict(session.execute(select(Incident.instance_id, func.count()).where(
        Incident.instance_id.in_(ids), Incident.status == IncidentStatus.OPEN).group_by(Incident.instance_id))
        .all())
    rows = []
    for instance in instances:
        bundle = bundles[instance.bundle_id]
        spec = engine.compiled(bundle).specs.get(instance.process_id)
        directive = directives.get(instance.directive_id or 0)
        assignment = assignments.get(instance.assignment_id or 0)
        about = (assignment.content if assignment else directive.summary if directive
                 else titles.get(instance.id))
        hidden = not permissions.may_read_instance_content(session, user, instance.directive_id,
                                                           instance.assignment_id)
        mine = [item for item in open_items if item.instance_id == instance.id]
        rows.append(InstanceRow(
            instance=instance, version=version_words(bundle),
            process=(spec.description if spec else None) or instance.process_id,
            symbol=None if hidden or directive is None else directive.symbol,
            content=None if hidden else about,
            hidden=hidden, steps=[item.title for item in mine],
            units=sorted({units[item.unit_id] for item in mine if item.unit_id in units}),
            open_incidents=incidents.get(instance.id, 0)))
    return rows


def instance_state(engine, actor: User, instance_id: int) -> InstanceState:
    with engine.db.reading() as session:
        user = admin(session, actor)
        instance = session.get(WorkflowInstance, instance_id)
        if instance is None:
            raise NotFound("Workflow instance %(id)s does not exist.", id=instance_id)
        [row] = _rows(engine, session, user, [instance])
        workflow = engine.runtime.workflow_of(session, instance)
        items = session.execute(select(WorkItem, Unit.name).outerjoin(Unit, Unit.id == WorkItem.unit_id)
                                .where(WorkItem.instance_id == instance.id).order_by(WorkItem.id)).all()
        incidents = session.scalars(select(Incident).where(Incident.instance_id == instance.id)
                                    .order_by(Incident.id)).all()
        history = _history(session, instance, [i for i, _ in items], incidents)
        sealed = permissions.sealed_in_instances(session, user, [instance.id]).get(instance.id, Sealed())
        data = None if row.hidden else current_data(workflow)
        sealed_keys = [key for key, value in (data or {}).items() if sealed.holds(value)]
        return InstanceState(
            row=row, tokens=tokens(workflow),
            data=None if data is None else {key: None if key in sealed_keys else value for key, value in data.items()},
            work_items=[(item, name or "") for item, name in items], incidents=list(incidents), history=history,
            move_targets=move_targets(workflow), sealed_keys=sealed_keys,
            sealed_entries={entry.id for entry, _who in history if _entry_sealed(sealed, entry)},
            sealed_incidents={i.id for i in incidents if incident_sealed(sealed, i, workflow)})


def _entry_sealed(sealed: Sealed, entry: AuditEntry) -> bool:
    """A history entry of a step that made a sealed record, or one whose data carries it."""
    by_step = entry.object_type == "work_item" and int(entry.object_id) in sealed.work_items
    return by_step or sealed.holds([entry.before, entry.after, entry.comment])


def unreadable_incidents(engine, session: Session, user: User,
                         incidents: list[tuple[Incident, WorkflowInstance]]) -> set[int]:
    """The incidents among `incidents` (each with its instance) whose error and data `user` may not read: of a
    secret directive's process they may not read, or carrying a sealed record (incident_sealed) — the incidents'
    list shows them as the instance's page does, without the error and with no correction of the data."""
    sealed = permissions.sealed_in_instances(session, user, {instance.id for _incident, instance in incidents})
    workflows: dict[int, object] = {}
    unreadable = set()
    for incident, instance in incidents:
        if not permissions.may_read_instance_content(session, user, instance.directive_id, instance.assignment_id):
            unreadable.add(incident.id)
        elif instance.id in sealed:
            if instance.id not in workflows:
                workflows[instance.id] = engine.runtime.workflow_of(session, instance)
            if incident_sealed(sealed[instance.id], incident, workflows[instance.id]):
                unreadable.add(incident.id)
    return unreadable


def incident_sealed(sealed: Sealed, incident: Incident, workflow) -> bool:
    """Whether an incident's error, or the data of the task it stopped at, carries a sealed record: the
    administrator neither reads that error nor corrects that data."""
    task = find_task(workflow, UUID(incident.task_id)) if incident.task_id else None
    return sealed.holds(incident.error) or (task is not None and sealed.holds(task.data))


def tokens(workflow) -> list[Token]:
    return [Token(str(t.id), t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id,
                  TaskState.get_name(t.state).lower())
            for t in tasks_in(workflow, TOKEN_STATES) if t.task_spec.bpmn_id is not None]


def current_data(workflow) -> dict:
    """The data the tokens' tasks hold (failed ones too), else the finished workflow's."""
    merged = dict(workflow.data)
    for task in tasks_in(workflow, TOKEN_STATES):
        merged.update(task.data)
    return dict(sorted(merged.items()))


def move_targets(workflow) -> list[tuple[str, str]]:
    """The elements a token may be moved back to: steps the instance has passed."""
    passed = {t.task_spec.bpmn_id: t.task_spec.bpmn_name or t.task_spec.bpmn_id
              for t in tasks_in(workflow, TaskState.COMPLETED) if is_work_step(t.task_spec)}
    return sorted(passed.items(), key=lambda pair: pair[1])


def _history(session: Session, instance: WorkflowInstance, items: list[WorkItem],
             incidents: list[Incident]) -> list[tuple[AuditEntry, str]]:
    about = or_(and_(AuditEntry.object_type == "workflow_instance", AuditEntry.object_id == str(instance.id)),
                and_(AuditEntry.object_type == "work_item", AuditEntry.object_id.in_([str(i.id) for i in items])),
                and_(AuditEntry.object_type == "incident", AuditEntry.object_id.in_([str(i.id) for i in incidents])))
    return history(session, about)
