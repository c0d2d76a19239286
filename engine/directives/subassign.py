"""Sub-assignment (giao lại): a unit passes its assignment down to its sections, each with a
deadline no later than the unit's own, and the unit's assignment follows theirs.

Each section's share is a child Assignment (`parent_id`) running the `subassignment`
process (processes/common/subassignment.bpmn, replaceable per ruleset). `roll_up`, called
by its rollup step after every report and when a share is withdrawn, makes the parent's
progress the combined progress of the shares left (never `done` by itself — the unit
confirms that upward in its own process), and when every section is done the unit's staff
are notified and the parent's process gets the message `subassignments_done` if it waits
for one.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, forms
from engine.db import lock_name
from engine.directives.models import Assignment, AssignmentStatus, AssignmentUnit, DeadlineKind
from engine.directives.service import AssignmentError, DirectiveError
from engine.errors import Forbidden, NotFound
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User
from engine.outcomes import calendar_of, past_deadline
from engine.rulesets.models import ProcessBundle
from engine.runtime.models import InstanceStatus, WorkflowInstance

PURPOSE = "subassignment"
ALL_DONE_MESSAGE = "subassignments_done"
DEADLINE_MOVED_MESSAGE = "share_deadline_moved"  # the unit's task brought forward before the share's date
SHARES = "items"  # the list of shares a request passes down, as the API names it


def sub_assign(engine, assignment_id: int, items: list[dict], actor: User) -> list[int]:
    """Pass `assignment_id` down: items are {"unit": section code, "content"?, "deadline"?}.
    One transaction; returns the new child assignment ids."""
    if not items:
        raise DirectiveError("Name at least one section to pass the assignment to.")
    with engine.db.session() as session:
        parent, user = _parent(session, assignment_id, actor)
        lock_name(session, f"shares:{parent.id}")  # a double-click's second request sees the first's shares
        below = {unit.id for unit in sections(session, parent)}
        shares = [_share(session, parent, below, n, item) for n, item in enumerate(items, start=1)]
        _refuse_given_twice(session, parent, shares)
        instance = session.get(WorkflowInstance, parent.instance_id) if parent.instance_id else None
        bundle = session.get(ProcessBundle, instance.bundle_id) if instance else engine.current_bundle(session)
        return [_create_child(session, engine.runtime, bundle, parent, unit, content, deadline, user)
                for unit, content, deadline in shares]


def sections(session: Session, parent: Assignment) -> list[Unit]:
    """The units `parent` may be passed down to: those below the unit doing its lead unit's work
    today (a pre-2025 commune's task goes to its new ward's sections), by name."""
    lead = org.in_force(session, session.get_one(Unit, parent.lead_unit_id), clock.today())
    below = org.subtree_ids(session, lead.id) - {lead.id}
    return list(session.scalars(select(Unit).where(Unit.id.in_(below)).order_by(Unit.name)))


def _parent(session: Session, assignment_id: int, actor: User) -> tuple[Assignment, User]:
    parent = session.get(Assignment, assignment_id)
    user = session.get_one(User, actor.id)
    # Not there for who cannot see it; who sees it (a coordinating unit) is told why it may not act.
    if parent is None or not permissions.may_see(session, user, permissions.ASSIGNMENT, parent.id):
        raise NotFound("Assignment %(id)s does not exist.", id=assignment_id)
    if not permissions.speaks_for_lead_unit(session, user, parent):
        raise Forbidden("Only the lead unit may pass its assignment down.")
    if parent.status in (AssignmentStatus.CLOSED, AssignmentStatus.CANCELLED):
        raise DirectiveError("This assignment is closed.")
    return parent, user


def _share(session: Session, parent: Assignment, below: set[int], n: int, item: dict):
    unit = org.unit_by_code(session, str(item.get("unit") or "").strip())
    if unit is None or unit.id not in below:
        raise AssignmentError(n, "unit", "Share %(n)s: choose a section of the lead unit.", SHARES)
    try:
        deadline = forms.parse_date(item["deadline"]) if item.get("deadline") else None
    except forms.Invalid:
        raise AssignmentError(n, "deadline", "Share %(n)s: the deadline must be a date from %(first)s to %(last)s "
                              "(dd/mm/yyyy).", SHARES, **forms.DATE_RANGE) from None
    deadline = _share_deadline(parent, n, deadline)
    try:
        content = forms.clean_input(item.get("content") or "") or parent.content
    except forms.Invalid:
        raise AssignmentError(n, "content", "Share %(n)s: the content must be text.", SHARES) from None
    return unit, content, deadline


def is_overdue(parent: Assignment) -> bool:
    """The unit's task is past its deadline (quá hạn): a share of it can only be late with it."""
    return past_deadline(parent.deadline, clock.today(), calendar_of(parent))


def _share_deadline(parent: Assignment, n: int, given: date | None) -> date | None:
    """The share's deadline: the one given, else the unit's own; never later than the unit's own
    (a later day needs the task's extension first). An overdue task's share keeps its deadline,
    late with it from the day it is given; any other share is not born overdue."""
    if is_overdue(parent):
        assert parent.deadline is not None
        if given not in (None, parent.deadline):
            raise AssignmentError(n, "deadline", "Share %(n)s: the unit's task is overdue (deadline %(d)s): the share "
                                  "keeps that deadline; for a later one the unit asks for an extension of the task "
                                  "first.", SHARES, d=parent.deadline.strftime("%d/%m/%Y"))
        return parent.deadline
    if given is not None and given < clock.today():
        raise AssignmentError(n, "deadline", "Share %(n)s: the deadline may not be in the past (today is %(d)s).",
                              SHARES, d=clock.today().strftime("%d/%m/%Y"))
    if parent.deadline is not None and given is not None and given > parent.deadline:
        raise AssignmentError(n, "deadline", "Share %(n)s: the deadline may not be later than the unit's own "
                              "(%(d)s).", SHARES, d=parent.deadline.strftime("%d/%m/%Y"))
    return given or parent.deadline


def _refuse_given_twice(session: Session, parent: Assignment, shares: list[tuple[Unit, str, object]]) -> None:
    """The same content to the same section while a share of it is open (a double-click, a form
    sent again) would give the section the task twice; other content, or after it closed, is new."""
    given = {(child.lead_unit_id, child.content) for child in children(session, parent)
             if child.status != AssignmentStatus.CLOSED}
    for n, (unit, content, _deadline) in enumerate(shares, start=1):
        if (unit.id, content) in given:
            raise AssignmentError(n, "unit", "Share %(n)s: %(unit)s already has this share.", SHARES, unit=unit.name)
        given.add((unit.id, content))


def _create_child(session: Session, runtime, bundle: ProcessBundle, parent: Assignment, unit: Unit, content: str,
                  deadline, actor: User) -> int:
    child = Assignment(
        directive_id=parent.directive_id, seq=parent.seq, content=content, lead_unit_id=unit.id,
        deadline_kind=DeadlineKind.DATED if deadline else DeadlineKind.OPEN, deadline=deadline,
        original_deadline=deadline,
        urgency=parent.urgency, requires_report=parent.requires_report, secret=parent.secret, parent_id=parent.id,
        assigned_on=clock.today(), created_at=clock.now())
    child.units.append(AssignmentUnit(unit_id=unit.id, role="lead", deadline=deadline))
    session.add(child)
    session.flush()
    data = {"assignment_id": child.id, "directive_id": parent.directive_id, "parent_assignment_id": parent.id,
            "symbol": parent.directive.symbol, "content": content, "lead_unit": unit.code,
            "deadline": deadline.isoformat() if deadline else None, "deadline_kind": child.deadline_kind,
            "urgency": child.urgency, "assigned_on": clock.today().isoformat()}
    instance = runtime.start(session, bundle, PURPOSE, data, actor=actor, directive_id=parent.directive_id,
                             assignment_id=child.id, parent_id=parent.instance_id)
    child.instance_id = instance.id
    audit.record(session, "assignment.passed_down", "assignment", child.id, actor=actor,
                 after={"parent": parent.id, "unit": unit.code, "deadline": data["deadline"]},
                 directive_id=parent.directive_id, assignment_id=child.id)
    return child.id


def shares_seen_by(session: Session, user: User, parent: Assignment) -> list[Assignment]:
    """The shares of `parent` that `user` may read: the lead unit's affair and the office's, not
    a coordinating unit's (which sees the assignment, not how the lead unit divides it)."""
    return children(session, parent) if permissions.may_reach_assignment(session, user, parent) else []


def children(session: Session, parent: Assignment) -> list[Assignment]:
    """The shares of `parent` not withdrawn, given by its lead unit as it is now: a share an
    earlier lead's section finished stays that unit's record, not a share of this lead's task."""
    if parent.lead_unit_id is None:
        return []
    lead = org.in_force(session, session.get_one(Unit, parent.lead_unit_id), clock.today())
    return [child for child in session.scalars(select(Assignment).where(
                Assignment.parent_id == parent.id, Assignment.status != AssignmentStatus.CANCELLED)
                .order_by(Assignment.id))
            if child.lead_unit_id is not None and org.is_within(session, child.lead_unit_id, lead.id)]


def roll_up(session: Session, runtime, parent: Assignment, actor: User | None) -> str:
    """`parent`'s progress follows its shares (not withdrawn) after one reported or was
    withdrawn; when every share is done its unit's staff are told and its process gets
    ALL_DONE_MESSAGE if it waits for it. Returns the shares' combined progress."""
    combined = combined_progress([c.progress for c in children(session, parent)])
    before = parent.progress
    if parent.progress != "done":
        parent.progress = "in_progress" if combined == "done" else combined
        parent.last_update_at = clock.now()
    audit.record(session, "assignment.rolled_up", "assignment", parent.id, actor=actor,
                 before={"progress": before}, after={"progress": parent.progress, "sections": combined},
                 directive_id=parent.directive_id, assignment_id=parent.id)
    if combined == "done":
        _all_sections_done(session, runtime, parent, actor)
    return combined


def _all_sections_done(session: Session, runtime, parent: Assignment, actor: User | None) -> None:
    assert parent.lead_unit_id is not None  # it was passed down by its lead unit
    notify_users(session, permissions.unit_staff(session, parent.lead_unit_id), ALL_DONE_MESSAGE,
                 directive=parent.directive, assignment=parent, dedup_key=f"{ALL_DONE_MESSAGE}:{parent.id}")
    instance = session.get(WorkflowInstance, parent.instance_id) if parent.instance_id else None
    if instance is not None and instance.status == InstanceStatus.RUNNING \
            and ALL_DONE_MESSAGE in runtime.waiting_messages(session, instance):
        runtime.deliver_message(session, instance.id, ALL_DONE_MESSAGE, {"assignment_id": parent.id}, actor=actor)


def combined_progress(states: list[str]) -> str:
    """The sections' progress as one: done only when all are; blocked when any is; started
    when any has started."""
    if states and all(s == "done" for s in states):
        return "done"
    if "blocked" in states:
        return "blocked"
    return "in_progress" if any(s != "not_started" for s in states) else "not_started"
