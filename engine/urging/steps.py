"""Urging the steps that wait past their due day (đôn đốc việc quá hạn xử lý): the office's own
(classifying a directive, recording an assignment's status, consolidating the units' reports — the
steps the regulations give the office a time limit for), a unit's (an explanation the office asked
for) and a leader's where a ruleset dates one — and the steps a ruleset names as waiting on someone
who must be told.

One rule over the open work items, run by every scheduler tick (engine.scheduler.service), rather
than a boundary timer on each step of each diagram: the items already carry their due day (the
diagram's `due`, recomputed after a calendar correction), so the rule holds for every dated step
of every ruleset, and for the instances that were already running when it came, without moving
them to a new diagram. It reads the ruleset as published now (`[reminders]`, and which steps its
diagrams urge themselves), so a version that adds `waiting_steps` covers the steps already waiting.

Who is told follows the regulations: the office is the leader's point for following and urging
the units (đôn đốc: Đắk Lắk Đ.9 k.1a, Đ.11; Cần Thơ Đ.8; Bạc Liêu Đ.14), a unit's head answers for
its work; none of the five gives a leader's decision (an extension, a returned task, Gia Lai's
Director's assignment) a time limit, and none has the office urge the leader it works for.

- A step held by the office (OFFICE_WORK roles) or by a unit (UNIT_STAFF) whose due day has ended
  — a due day that is a day off ends with the next working day (WorkingCalendar.effective_deadline)
  — reminds the people holding it (`step_overdue`), once; `office_escalate_after` working days past
  it, the office head is told as well, and for a unit's step the unit's head (`step_escalation`),
  once. After a server was off, only the more serious of the two is sent. A step its diagram urges
  itself (user task property `urging = "diagram"`: a unit's task, report, hand-over, each with its
  own timers or urging branch) is left to its diagram.
- A step of the office's inspection team (role `inspector`: recording the findings by the
  decision's last day, thời hạn kiểm tra) reminds the team the decision names, then tells the office
  head — the office advises the leader on the inspection and urges for him (Đắk Lắk Đ.9 k.1a, Đ.12 k.1;
  Quỳnh Nhai Đ.9 k.1, Đ.16 k.3) —, the office of the body whose inspection it is.
- A leader's step with a due day (none of our diagrams dates one) is not urged at the leader: the
  office head is told (`step_escalation`), once, when its day has ended.
- A step named in `waiting_steps` (Gia Lai's Director's assignment) tells its holders that it
  waits (`step_waiting`), once.

Each event is sent once: the item's row is locked while its history is read and written, and the
history entry (STEP_URGED) is what says it was sent, so a restart or a second scheduler finds it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.audit.models import AuditEntry
from engine.directives.models import Assignment, Directive
from engine.notifications.service import notify_users, told_people
from engine.org import permissions
from engine.org.models import User
from engine.rulesets.loader import BY_DIAGRAM, URGING, CompiledBundle
from engine.rulesets.service import published_bundle
from engine.runtime.models import WorkItem, WorkItemStatus
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import Deadline

STEP_URGED = "step.urged"  # the audit action of a step's reminder, escalation or waiting notice
WAITING, OVERDUE, ESCALATION = "step_waiting", "step_overdue", "step_escalation"
STEP_KINDS = (WAITING, OVERDUE, ESCALATION)
# Events about one due day (the waiting notice: about none): an escalation covers the reminder, which
# is not sent after it.
_SEVERITY = {WAITING: 1, OVERDUE: 1, ESCALATION: 2}
# the item's row, locked before its history is read again (built once: Database.lock caches it FOR UPDATE)
_LOCK_ITEM = select(WorkItem).where(WorkItem.id == bindparam("item_id"))
# Events sent in one tick at most: the first tick after an upgrade (or a long stop) may find thousands
# of steps late (2,000 took 37 s on SQLite); the rest go on the next ticks, the timers and mail not held up.
BATCH = 200
ESCALATE_AFTER = 2  # working days past a step's due day: a product value, no regulation sets one
URGED_ROLES = (*permissions.OFFICE_WORK, *permissions.UNIT_STAFF, permissions.INSPECTOR, permissions.LEADER)


@dataclass(frozen=True)
class StepPolicy:
    """`ruleset.toml [reminders]`: `office_escalate_after`, `waiting_steps` and the step kinds of
    `[reminders.recipients]`; and the BPMN ids of the steps its diagrams urge themselves."""

    escalate_after: int = ESCALATE_AFTER
    waiting_steps: tuple[str, ...] = ()
    recipients: Mapping[str, list[str]] | None = None
    urged_by_diagram: tuple[str, ...] = ()

    @classmethod
    def of(cls, compiled: CompiledBundle) -> StepPolicy:
        reminders = compiled.settings.get("reminders") or {}
        return cls(escalate_after=int(reminders.get("office_escalate_after", ESCALATE_AFTER)),
                   waiting_steps=tuple(reminders.get("waiting_steps", ())),
                   recipients=reminders.get("recipients") or {}, urged_by_diagram=urged_by_diagram(compiled))


def urged_by_diagram(compiled: CompiledBundle) -> tuple[str, ...]:
    """The BPMN ids of the user tasks whose diagram urges them (property `urging = "diagram"`), in
    any process of the bundle: the rule leaves them alone, also an instance's running on an older version."""
    return tuple(sorted({task.bpmn_id for spec in compiled.specs.values() for task in spec.task_specs.values()
                         if getattr(task, "extensions", {}).get("properties", {}).get(URGING) == BY_DIAGRAM}))


@dataclass(frozen=True)
class StepRecord:
    """What a step about no directive or assignment is about, as the feature keeping that record names
    it (an inspection): `name` for its messages, `body_code` the body whose office is told (None: the
    home body's)."""

    name: str
    body_code: str | None = None


# Declared by the features whose work items carry no directive or assignment (engine.inspections), asked
# with (session, the item); the first answer other than None says what the item is about.
_records: list[Callable[[Session, WorkItem], StepRecord | None]] = []


def declare_step_record(source: Callable[[Session, WorkItem], StepRecord | None]) -> None:
    _records.append(source)


def step_record(session: Session, item: WorkItem) -> StepRecord | None:
    """What the step `item` about no directive or assignment is about (`declare_step_record`); None
    for the others, which their directive names."""
    if item.directive_id is not None or item.assignment_id is not None:
        return None
    return next((found for found in (source(session, item) for source in _records) if found is not None), None)


@dataclass(frozen=True)
class Due:
    """What one open step is owed today: `kind`, about its due day `due` (None for a waiting
    notice), `days` working days past it."""

    kind: str
    due: date | None = None
    days: int = 0


def urge_steps(engine, moment: datetime | None = None) -> int:
    """Send what the open steps are owed (module doc), BATCH at most; returns how many events were
    sent."""
    moment = moment or clock.now()
    with engine.db.reading() as session:
        bundle = published_bundle(session, engine.ruleset)
        if bundle is None:  # nothing runs before the ruleset is loaded
            return 0
        policy = StepPolicy.of(engine.compiled(bundle))
        owed = list(islice(_owed(session, policy, WorkingCalendar.from_db(session), moment), BATCH))
    sent = 0
    for item_id, due in owed:
        with engine.db.session() as session:
            sent += _send(engine, session, item_id, due, policy)
    return sent


def _owed(session: Session, policy: StepPolicy, calendar: WorkingCalendar, moment: datetime
          ) -> Iterable[tuple[int, Due]]:
    """(item id, what it is owed) of the open steps owed something not yet sent."""
    today = moment.astimezone(clock.VN_TZ).date()
    # its due moment has passed, and its diagram leaves it to us: the many late tasks of the units, which
    # their diagrams urge, are not read (bench/step_urging.py)
    late = (WorkItem.role.in_(URGED_ROLES) & (WorkItem.due_at < moment)
            & WorkItem.element_id.not_in(policy.urged_by_diagram))
    waiting = WorkItem.element_id.in_(policy.waiting_steps)
    items = session.execute(select(WorkItem.id, WorkItem.element_id, WorkItem.role, WorkItem.due_at,
                                   late.label("late")).where(
        WorkItem.status == WorkItemStatus.READY, late | waiting).order_by(WorkItem.id)).all()
    sent = _sent(session, [item.id for item in items])
    for item in items:
        told_waiting = Due(WAITING) if item.element_id in policy.waiting_steps else None
        overdue = _late(policy, calendar, today, item.due_at, item.role) if item.late else None
        yield from ((item.id, due) for due in (told_waiting, overdue)
                    if due is not None and _unsent(sent.get(item.id, {}), due))


def _late(policy: StepPolicy, calendar: WorkingCalendar, today: date, due_at: datetime, role: str) -> Due | None:
    """What a step of `role` due at `due_at` is owed today: nothing before its due day has ended; a
    leader's, at once what goes to the office head."""
    day = due_at.astimezone(clock.VN_TZ).date()
    days = calendar.working_days_between(calendar.effective_deadline(day), today)
    if days < 1:
        return None
    serious = role == permissions.LEADER or days >= policy.escalate_after
    return Due(ESCALATION if serious else OVERDUE, day, days)


def _sent(session: Session, item_ids: list[int]) -> dict[int, dict[date | None, int]]:
    """item id -> {due day (None: the waiting notice) -> the most serious event sent about it}.
    A due day moved (a calendar correction, a new deadline) is owed its own events."""
    found: dict[int, dict[date | None, int]] = {}
    if not item_ids:
        return found
    rows = session.execute(select(AuditEntry.object_id, AuditEntry.after).where(
        AuditEntry.action == STEP_URGED, AuditEntry.object_type == "work_item",
        AuditEntry.object_id.in_([str(i) for i in item_ids])))
    for object_id, after in rows:
        day = date.fromisoformat(after["due"]) if after.get("due") else None
        seen = found.setdefault(int(object_id), {})
        seen[day] = max(seen.get(day, 0), _SEVERITY[after["kind"]])
    return found


def _unsent(sent: dict[date | None, int], due: Due) -> bool:
    """Neither `due` nor a more serious event about its day was sent (`sent`: an item's, `_sent`)."""
    return sent.get(due.due, 0) < _SEVERITY[due.kind]


def _send(engine, session: Session, item_id: int, due: Due, policy: StepPolicy) -> int:
    """Send `due` about the item, unless it was done meanwhile or sent by another scheduler: its row
    is locked (SQLite: the database's write lock) before its history is read again."""
    row = engine.db.lock(session, _LOCK_ITEM, {"item_id": item_id})
    if row is None or row[0].status != WorkItemStatus.READY:
        return 0
    item = row[0]
    if not _unsent(_sent(session, [item.id]).get(item.id, {}), due):
        return 0
    holders = step_holders(session, item)
    record = step_record(session, item)
    recipients = step_recipients(session, item, holders, due.kind, policy.recipients,
                                 record.body_code if record else None)
    directive = session.get(Directive, item.directive_id) if item.directive_id else None
    assignment = session.get(Assignment, item.assignment_id) if item.assignment_id else None
    # such a record's step is named by the record; its instructions (an inspection's content) stay out
    # of the message, which leaves the system by mail: the link opens them to those who may read them
    created = notify_users(session, recipients, due.kind, directive=directive, assignment=assignment,
                           link=f"/work/{item.id}", step=item.title, about=record.name if record else "",
                           instructions="" if record else item.instructions or "",
                           due=Deadline(due.due).format_vn() if due.due else "", days_late=due.days,
                           holders=", ".join(user.full_name for user in holders))
    told = {user.id: user for user in recipients}
    audit.record(session, STEP_URGED, "work_item", item.id,
                 after={"kind": due.kind, "step": item.title, "due": due.due.isoformat() if due.due else None,
                        "days": due.days, "told": told_people(session, [(told[n.user_id], n) for n in created])},
                 directive_id=item.directive_id, assignment_id=item.assignment_id)
    return 1


def step_recipients(session: Session, item: WorkItem, holders: list[User], kind: str,
                    configured: Mapping[str, list[str]] | None, body_code: str | None = None) -> list[User]:
    """Who is told of `kind` about the step `item`: those who hold it (`holders`: `step_holders`) — of a
    leader's step only of its waiting, its lateness is not urged at him —, the holders of the roles
    `[reminders.recipients]` names for the kind (ours: the office head for an escalation,
    permissions.URGING_RECIPIENTS) where the record's body has them — its office, its leader —, and
    for the escalation of a unit's step, the unit's head (thủ trưởng: he answers for its work); of a
    unit's own work about no directive or assignment, its head alone. `body_code`: the body of a step
    about no directive or assignment (`step_record`), whose office is told."""
    found = {user.id: user for user in holders if kind == WAITING or item.role != permissions.LEADER}
    if kind == ESCALATION and item.role in permissions.UNIT_STAFF and item.unit_id is not None:
        found.update((user.id, user) for user in permissions.holders(session, permissions.UNIT_HEAD, item.unit_id))
        if item.directive_id is None and item.assignment_id is None:
            # the unit's own work (its internal inspection's team): its head runs it, the office follows
            # only what was given to the unit (an internal inspection reaches the office only where
            # `[inspection] office_told_of_internal` sends it the results report)
            return list(found.values())
    for role in permissions.urging_roles(kind, (configured or {}).get(kind)):
        unit = permissions.default_unit(session, role, item.directive_id, item.assignment_id, body_code)
        found.update((user.id, user) for user in permissions.holders(session, role, unit.id if unit else None))
    return list(found.values())


def step_holders(session: Session, item: WorkItem) -> list[User]:
    """Who holds the step `item` for its reminders: a clerks' step of an assignment (recording its
    status) not given by name is its follow-up officer's when one is named and in force
    (`permissions.follow_up_officer`: he takes the clerks' part of it, the other clerks need not be
    told); otherwise those it is given to by name, else the holders of its role in its unit."""
    if item.performers is None and item.role == permissions.CLERK and item.assignment_id:
        officer = permissions.follow_up_officer(session, session.get_one(Assignment, item.assignment_id))
        if officer is not None:
            return [officer]
    return permissions.item_holders(session, item)
