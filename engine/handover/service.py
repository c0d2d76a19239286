"""Work given by name to a person who can no longer act waits for them: nobody else may do a step whose
`performers` name only people who left (an inspection team's findings, a section's hand-over, a step an
administrator gave a person), and an assignment's follow-up officer who left is named on it still. `held_work` finds
it for those who may hand it over (permissions.may_hand_over), `hand_over` gives it to someone in force
(permissions.may_take_over): audited in the task's history, the new holder told."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from engine import audit, clock
from engine.directives.models import ENDED, Assignment, Directive
from engine.errors import AlreadyDone, EngineError, NotFound
from engine.inspections import service as inspections
from engine.inspections.models import Inspection
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org.models import Unit, User
from engine.runtime.models import WorkItem, WorkItemStatus

WORK_ITEM, FOLLOW_UP = "work_item", "follow_up"
KINDS = (WORK_ITEM, FOLLOW_UP)
HANDED_OVER = "work.handed_over"  # the audit action, read in the task's history


class HandOverError(EngineError):
    """A refused hand-over, naming the field at fault (`field`)."""

    def __init__(self, message: str, field: str, **params):
        super().__init__(message, **params)
        self.field = field


@dataclass(frozen=True)
class Held:
    """One piece of work waiting for a person who can no longer act."""

    kind: str                  # WORK_ITEM or FOLLOW_UP
    record_id: int             # the work item's id, or the assignment's
    holder: User               # who holds it by name
    why: str                   # permissions.why_ended: "disabled" | "unit_ended"
    ended_on: date | None      # the holder's unit's end date ("unit_ended")
    step: str                  # the step's title (FOLLOW_UP: none, the page names it)
    unit_id: int | None        # where it waits
    assignment_id: int | None
    directive_id: int | None
    inspection_id: int | None  # an inspection's step: the inspection, and its title
    inspection: str | None


def ended_accounts(session: Session) -> dict[int, User]:
    """The accounts that no longer act today (disabled, or ended with their unit), by id: a few, read with their
    units."""
    users = session.scalars(select(User).join(Unit, Unit.id == User.unit_id).options(joinedload(User.unit)).where(
        or_(User.active.is_(False), Unit.valid_to <= clock.today())))
    return {user.id: user for user in users if permissions.why_ended(user) is not None}


def held_work(session: Session, viewer: User, holder_id: int | None = None) -> list[Held]:
    """The open work held by people who can no longer act (only `holder_id`'s when given) that `viewer` may hand over
    and see: steps given by name to nobody in force any more, and open assignments whose follow-up officer left."""
    ended = ended_accounts(session)
    if not ended or (holder_id is not None and holder_id not in ended):
        return []
    found = [*_held_items(session, ended), *_held_follow_ups(session, ended)]
    return [held for held in found if (holder_id is None or held.holder.id == holder_id)
            and _may_hand_over(session, viewer, held)]


def _held_items(session: Session, ended: dict[int, User]) -> Iterable[Held]:
    """Each open step given by name to ended people only, once for each of them (the few steps given by name are
    read apart from the others: ix_work_items_named)."""
    items = session.scalars(select(WorkItem).where(WorkItem.status == WorkItemStatus.READY,
                                                   WorkItem.performers.is_not(None)).order_by(WorkItem.id))
    for item in items:
        named = permissions.performer_ids(item.performers or "")
        if not named or not set(named) <= ended.keys():
            continue  # someone named still acts: the work does not wait
        inspection = inspections.of_instance(session, item.instance_id)
        for user_id in named:
            yield _held(WORK_ITEM, item.id, ended[user_id], item.title, item.unit_id, item.assignment_id,
                        item.directive_id, inspection)


def _held_follow_ups(session: Session, ended: dict[int, User]) -> Iterable[Held]:
    rows = session.scalars(select(Assignment).where(Assignment.follow_up_officer_id.in_(list(ended)),
                                                    Assignment.status.not_in(ENDED)).order_by(Assignment.id))
    for assignment in rows:
        officer = ended[assignment.follow_up_officer_id or 0]
        yield _held(FOLLOW_UP, assignment.id, officer, "", officer.unit_id, assignment.id, assignment.directive_id,
                    None)


def _held(kind: str, record_id: int, holder: User, step: str, unit_id: int | None, assignment_id: int | None,
          directive_id: int | None, inspection: Inspection | None) -> Held:
    why, ended_on = permissions.why_ended(holder) or ("disabled", None)
    return Held(kind, record_id, holder, why, ended_on, step, unit_id, assignment_id, directive_id,
                inspection.id if inspection else None, inspection.title if inspection else None)


def _may_hand_over(session: Session, viewer: User, held: Held) -> bool:
    """`viewer` may hand it over (permissions.may_hand_over) and sees what it belongs to."""
    if not permissions.may_hand_over(session, viewer, held.unit_id):
        return False
    if held.assignment_id is not None:
        return permissions.may_see(session, viewer, permissions.ASSIGNMENT, held.assignment_id)
    if held.directive_id is not None:
        return permissions.may_see(session, viewer, permissions.DIRECTIVE, held.directive_id)
    if held.inspection_id is not None:  # another body's office does not see its inspections
        try:
            inspections.get(session, held.inspection_id, viewer)
        except NotFound:
            return False
    return True


def candidates(session: Session, held: Held, working: list[User] | None = None) -> list[User]:
    """Whom it may be given, by full name: people in force of the holder's unit or of the unit doing its work today
    (permissions.may_take_over); for a follow-up, those who may follow the assignment up (the office's clerks).
    `working`: the accounts in force (permissions.working_users), read once for a page of held work."""
    body = _body(session, held)
    return [user for user in (permissions.working_users(session) if working is None else working)
            if _may_take(session, user, held, body)]


def _body(session: Session, held: Held) -> Unit | None:
    """The body whose directive a followed-up assignment is (whose clerks may follow it up)."""
    return permissions.record_body(session, None, held.assignment_id) if held.kind == FOLLOW_UP else None


def _may_take(session: Session, person: User, held: Held, body: Unit | None) -> bool:
    if held.kind == FOLLOW_UP:
        return permissions.may_follow_up(session, person, body)
    return permissions.may_take_over(session, person, held.holder)


def hand_over(session: Session, actor: User, kind: str, record_id: int, holder: str, username: str) -> Held:
    """Give the work the person `holder` (a username) holds by name on record `record_id` (a work item, or an
    assignment followed up) to the person `username`: audited in the task's history ("Chuyển công việc của … cho
    …"), the new holder told. Refused, naming the field: `user` for a person who may not take it, `id` for work
    not held (done, handed over already, or not the actor's to hand over: alike, so nothing is learnt of it)."""
    if kind not in KINDS:
        raise HandOverError("Choose what to hand over.", "kind")
    holder_id = session.scalar(select(User.id).where(User.username == holder.strip()))
    held = next((h for h in held_work(session, actor, holder_id) if h.kind == kind and h.record_id == record_id),
                None) if holder_id is not None else None
    if held is None:  # done, handed over already, or not the actor's to hand over: as if it were not there
        raise HandOverError("This work is not held by someone who can no longer act.", "id")
    person = session.scalar(select(User).options(joinedload(User.unit)).where(User.username == username.strip()))
    if person is None or not _may_take(session, person, held, _body(session, held)):
        raise HandOverError("Choose a person in force of the unit to take this work.", "user")
    _give(session, held, person)
    audit.record(session, HANDED_OVER, *_object(held), actor=actor,
                 after={"held_by": held.holder.full_name, "given_to": person.full_name, "step": held.step or None},
                 directive_id=held.directive_id, assignment_id=held.assignment_id)
    _tell(session, held, person)
    return held


def _give(session: Session, held: Held, person: User) -> None:
    """The new holder in the holder's place, on the record locked and read again: a second hand-over of the same
    work at the same moment finds it given already."""
    if held.kind == FOLLOW_UP:
        assignment = session.get_one(Assignment, held.record_id, with_for_update=True, populate_existing=True)
        if assignment.follow_up_officer_id != held.holder.id:
            raise AlreadyDone("This work has already been handed over.")
        assignment.follow_up_officer_id = person.id
        return
    item = session.get_one(WorkItem, held.record_id, with_for_update=True, populate_existing=True)
    named = permissions.performer_ids(item.performers or "")
    if item.status != WorkItemStatus.READY or held.holder.id not in named:
        raise AlreadyDone("This work has already been handed over.")
    item.performers = permissions.performers_text([person.id if user_id == held.holder.id else user_id
                                                   for user_id in named])


def _object(held: Held) -> tuple[str, int]:
    """What the entry is about: the inspection for an inspection's step (its history reads it), else the record."""
    if held.inspection_id is not None:
        return "inspection", held.inspection_id
    return ("assignment" if held.kind == FOLLOW_UP else "work_item"), held.record_id


def _tell(session: Session, held: Held, person: User) -> None:
    assignment = session.get(Assignment, held.assignment_id) if held.assignment_id else None
    directive = session.get(Directive, held.directive_id) if held.directive_id else None
    link = f"/work/{held.record_id}" if held.kind == WORK_ITEM else None
    notify_users(session, [person], "handed_over", directive=directive, assignment=assignment, link=link,
                 held_by=held.holder.full_name, step=held.step, title=held.inspection or "")
