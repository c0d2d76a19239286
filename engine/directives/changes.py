"""What the office changes after registration, each in one audited transaction:
withdrawing an assignment (thu hồi nhiệm vụ), adjusting one in progress (điều chỉnh nhiệm vụ),
correcting a directive's header and adding assignments to a directive.

A withdrawn assignment is `cancelled`: its workflow instance is ended by the runtime wherever
it stands (its work items and urging with it, on whatever stored version it runs), the units
doing it are told, and the outcome rule (engine/outcomes.py) gives it no outcome, so no
report, rate or bucket counts it; its rows and history stay. Its sections' shares
(sub-assignments) are withdrawn with it.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit, forms
from engine.directives import service as directives
from engine.directives import subassign
from engine.directives.models import ENDED, Assignment, AssignmentStatus, Directive, DirectiveStatus
from engine.directives.service import DirectiveError, written_text
from engine.errors import Conflict, Forbidden, NotFound
from engine.forms import FormValidationError, Message
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.runtime.models import LIVE_STATUSES, WorkflowInstance, WorkItem
from engine.secrecy import register as secret_register

WITHDRAWN = "withdrawn"  # the notification kind
ADJUSTED_MESSAGE = "assignment_adjusted"  # caught while the lead unit handles it (assignment_cycle.bpmn)
ADJUST_FORM = "correct_assignment"  # the form of a returned assignment's correction: the same changes
WITHDRAWN_ACTION = "assignment.withdrawn"  # the audit action, which the history reads back
# The header fields a correction may change; the secrecy level is not one of them (a secret
# directive made public, or the reverse, would bypass the secrecy rules and the register).
HEADER_FIELDS = ("symbol", "issued_on", "received_on", "issuer", "summary", "signer", "submitting_body", "urgency")
# Directive statuses that take new assignments: classified (tracked or not). One still being
# classified gets them in that step; one returned upstream or out of scope gets none.
TAKES_ASSIGNMENTS = (DirectiveStatus.ASSIGNED, DirectiveStatus.UNTRACKED)


# ---------------------------------------------------------------- withdrawing
def withdraw(engine, assignment_id: int, reason: str, actor: User, instruction: str = "") -> Assignment:
    """Withdraw an assignment with its reason; `instruction` says on whose instruction (required
    of everyone but the leader, see permissions.changes_on_instruction)."""
    reason, instruction = written_text(reason), written_text(instruction)
    if not reason:
        raise DirectiveError("Give the reason for withdrawing the assignment.")
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        share = _share_taken_back(session, user, assignment_id)
        assignment, user = (share, user) if share is not None else _changeable(
            session, assignment_id, actor, instruction,
            forbidden="Only the leader, or the tracking office on the leader's instruction, may withdraw "
                      "an assignment.",
            no_instruction="Say on whose instruction the assignment is withdrawn.")
        _withdraw(engine.runtime, session, assignment, user, {"reason": reason, "instruction": instruction or None})
        return assignment


def _share_taken_back(session: Session, user: User, assignment_id: int) -> Assignment | None:
    """The share (giao lại) `user` withdraws as the unit that passed it down: who speaks for
    the lead unit of the assignment it came from takes it back on the unit's own authority, as
    they gave it. None for any other assignment (the leader's decision)."""
    share = session.get(Assignment, assignment_id)
    if share is None or share.parent_id is None:
        return None
    parent = session.get_one(Assignment, share.parent_id)
    if not permissions.speaks_for_lead_unit(session, user, parent):
        return None
    if share.status in ENDED:
        raise DirectiveError("This assignment has already ended.")
    return share


def end_directive(engine, session: Session, directive: Directive, user: User, reason: str) -> None:
    """End everything still running of a directive its issuer recalled or replaced: its
    open assignments are withdrawn with `reason` (the units are told) and its own process ends."""
    for assignment in session.scalars(select(Assignment).where(Assignment.directive_id == directive.id,
                                                               Assignment.parent_id.is_(None),
                                                               Assignment.status.not_in(ENDED))):
        _withdraw(engine.runtime, session, assignment, user, {"reason": reason, "instruction": None})
    for instance_id in session.scalars(select(WorkflowInstance.id).where(
            WorkflowInstance.directive_id == directive.id, WorkflowInstance.assignment_id.is_(None),
            WorkflowInstance.status.in_(LIVE_STATUSES))):
        engine.runtime.cancel(session, instance_id, actor=user, reason=reason)


def withdraw_in(engine, session: Session, assignment: Assignment, user: User, reason: str) -> None:
    """Withdraw inside the caller's transaction, on no one's instruction (a process
    administrator terminating the assignment's process)."""
    _withdraw(engine.runtime, session, assignment, user, {"reason": reason, "instruction": None})


def withdraw_shares_left_behind(runtime, session: Session, assignment: Assignment, user: User | None,
                                reason: str) -> None:
    """`assignment` has a new lead unit: the shares the old lead gave its sections end with its part
    (a section of another unit neither works to nor is counted in the new lead's task); shares of
    units below the new lead stay."""
    assert assignment.lead_unit_id is not None
    for child in open_shares(session, assignment):
        if child.lead_unit_id is None or not org.is_within(session, child.lead_unit_id, assignment.lead_unit_id):
            _withdraw(runtime, session, child, user, {"reason": reason, "instruction": None})


def open_shares(session: Session, assignment: Assignment) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.parent_id == assignment.id,
                                                         Assignment.status.not_in(ENDED))))


def _withdraw(runtime, session: Session, assignment: Assignment, user: User | None, why: dict) -> None:
    before = assignment.status
    assignment.status = AssignmentStatus.CANCELLED
    if assignment.instance_id is not None:
        runtime.cancel(session, assignment.instance_id, actor=user, reason=why["reason"])
    audit.record(session, WITHDRAWN_ACTION, "assignment", assignment.id, actor=user,
                 before={"status": before}, after=why, directive_id=assignment.directive_id,
                 assignment_id=assignment.id)
    units = {link.unit_id for link in assignment.units}
    notify_users(session, [u for unit_id in sorted(units) for u in permissions.unit_staff(session, unit_id)],
                 WITHDRAWN, directive=assignment.directive, assignment=assignment, reason=why["reason"])
    for child in open_shares(session, assignment):
        _withdraw(runtime, session, child, user, why)
    parent = session.get(Assignment, assignment.parent_id) if assignment.parent_id else None
    if parent is not None and parent.status not in ENDED and subassign.children(session, parent):
        subassign.roll_up(session, runtime, parent, user)  # it follows the shares left


# ---------------------------------------------------------------- adjusting
def corrected_deadline(session: Session, item: WorkItem, values: dict) -> tuple[list[dict], int]:
    """The task whose deadline the step `item` sets, as `directives.day_off_deadlines` reads it, and its
    number: a returned assignment's correction (ADJUST_FORM, by the office or the leader) sets its new
    deadline as an adjustment does, and warns the same way of one on a day off; ([], 1) for another step."""
    if item.form_key != ADJUST_FORM or item.assignment_id is None:
        return [], 1
    return [{"deadline": values.get("new_deadline")}], session.get_one(Assignment, item.assignment_id).seq


def adjust(engine, assignment_id: int, raw: dict, actor: User, instruction: str = "") -> Assignment:
    """Adjust an assignment while its lead unit handles it — lead unit, coordinating units,
    content, deadline, any combination, checked by the correction form — as a correction of a
    returned assignment does (the same step of the process, history and announcements).
    `instruction` as for `withdraw`."""
    instruction = written_text(instruction)
    with engine.db.session() as session:
        assignment, user = _changeable(
            session, assignment_id, actor, instruction,
            forbidden="Only the leader, or the tracking office on the leader's instruction, may adjust "
                      "an assignment.",
            no_instruction="Say on whose instruction the assignment is adjusted.")
        if assignment.instance_id is None:
            raise DirectiveError("This assignment has already ended.")
        if assignment.is_share:  # its process takes no adjustment: the unit gives it again
            raise DirectiveError("This is a share passed down to a section: the unit that passed it down "
                                 "withdraws it and gives it again.")
        form = engine.compiled(engine.current_bundle(session)).forms[ADJUST_FORM]
        # the bounds the form sets (a new deadline not in the past), as the return's correction checks them
        values = forms.validate(form, raw, directives.lookups(session), facts=forms.day_facts())
        if not any(values.get(key) for key in ("new_lead_unit", "new_content", "new_deadline")) \
                and values.get("coordinating_change") != "replace":
            raise DirectiveError("Say what changes: the lead unit, the coordinating units, the content or the "
                                 "deadline.")
        if instruction:
            values["correction_note"] = f"{values['correction_note']} ({instruction})"
        try:
            engine.runtime.deliver_message(session, assignment.instance_id, ADJUSTED_MESSAGE, values, actor=user)
        except Conflict:  # waiting on the office (review, a return's correction) or on an older version
            raise DirectiveError("The assignment can be adjusted while its lead unit handles it: when it waits "
                                 "for the office's review or the correction of a return, use that step.") from None
        return assignment


def _changeable(session: Session, assignment_id: int, actor: User, instruction: str, *, forbidden: str,
                no_instruction: str) -> tuple[Assignment, User]:
    """The assignment the actor withdraws or adjusts, once the permission rules allow it: it
    must be visible to them, theirs to change (`forbidden` says why not), on a named
    instruction where they need one (`no_instruction`), and not ended."""
    user = session.get_one(User, actor.id)
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or not permissions.may_see(session, user, permissions.ASSIGNMENT, assignment_id):
        raise NotFound("Assignment %(id)s does not exist.", id=assignment_id)
    if not permissions.may_change_assignment(user) or not permissions.acts_as_office_on(
            session, user, permissions.ASSIGNMENT, assignment_id):
        raise Forbidden(forbidden)
    if permissions.changes_on_instruction(user) and not instruction:
        raise DirectiveError(no_instruction)
    if assignment.status in ENDED:
        raise DirectiveError("This assignment has already ended.")
    return assignment, user


# ---------------------------------------------------------------- the header
def edit_header(engine, directive_id: int, raw: dict, actor: User, *, action: str = "directive.edited",
                comment: str | None = None, sender_dated: bool = False) -> Directive:
    """Correct the header fields in `raw` (others keep their values), checked by the ruleset's
    register_directive form like a registration (dates bounded unless `sender_dated`, as there).
    Returns the directive; audited (as `action`, with `comment`) only when something changed."""
    with engine.db.session() as session:
        directive, _user = _editable(session, directive_id, actor)
        if "secrecy" in raw and (raw["secrecy"] or None) != directive.secrecy:
            raise DirectiveError("The secrecy level of a registered directive cannot be changed.")
        was = header_of(directive)
        compiled = engine.compiled(engine.current_bundle(session))
        merged = {**was, **{k: v for k, v in raw.items() if k in HEADER_FIELDS}, "secrecy": directive.secrecy or ""}
        form = compiled.forms[directives.HEADER_FORM]
        header = forms.validate(form, merged, directives.lookups(session),
                                facts=directives.header_facts(sender_dated))
        columns = directives.symbol_columns(header)
        directives.check_fits(header, columns)
        now = {**was, **{key: header.get(key) or None for key in HEADER_FIELDS if form.field(key)}}
        now["urgency"] = now["urgency"] or "normal"
        changed = [key for key in HEADER_FIELDS if now[key] != was[key]]
        if not changed:
            return directive
        if {"symbol", "issued_on", "issuer"} & set(changed):
            directives.refuse_duplicate(session, now, directive.id)
        if "issued_on" in changed:
            _refuse_tasks_due_before(session, directive.id, date.fromisoformat(now["issued_on"]))
        for key in changed:
            setattr(directive, key, date.fromisoformat(now[key]) if key.endswith("_on") and now[key] else now[key])
        if "symbol" in changed:
            directive.number, directive.doc_type = columns["number"], columns["doc_type"]
        secret_register.follow_directive(session, directive)
        audit.record(session, action, "directive", directive.id, actor=actor,
                     before={key: was[key] for key in changed}, after={key: now[key] for key in changed},
                     comment=comment, directive_id=directive.id)
        return directive


def _refuse_tasks_due_before(session: Session, directive_id: int, issued: date) -> None:
    """A later issue date may not leave a task due before it (the registration's refusal, hạn trước
    ngày ban hành): named beside the issue date, nothing changed."""
    early = directives.tasks_due_before(session, directive_id, issued)
    if early:
        raise FormValidationError({"issued_on": Message(
            "Tasks are due before the issue date %(issued)s: %(tasks)s. Correct their deadlines first.",
            {"issued": issued.strftime("%d/%m/%Y"), "tasks": "; ".join(early)})})


def header_of(directive: Directive) -> dict:
    """The header as the form gives it (ISO dates, None for empty)."""
    values = {key: getattr(directive, key) for key in HEADER_FIELDS}
    return {key: value.isoformat() if isinstance(value, date) else value or None for key, value in values.items()}


# ---------------------------------------------------------------- new assignments
def add_assignments(engine, directive_id: int, items: list[dict], actor: User) -> list[int]:
    """Add assignments to a classified directive, cleaned as at registration (errors name the
    row from 1) and numbered after the last one; each starts its own assignment process on the
    current version. A directive filed as untracked becomes tracked."""
    if not items:
        raise DirectiveError("Give at least one assignment to add.")
    with engine.db.session() as session:
        directive, user = _editable(session, directive_id, actor)
        if directive.status not in TAKES_ASSIGNMENTS:
            raise DirectiveError("Assignments can be added once the directive is classified, and not to one "
                                 "returned or out of scope.")
        body = permissions.record_body(session, directive.id)
        cleaned = [directives.clean_assignment(session, n, item, {"urgency": directive.urgency}, body=body,
                                               issued_on=directive.issued_on)
                   for n, item in enumerate(items, start=1)]
        last = session.scalar(select(func.max(Assignment.seq)).where(Assignment.directive_id == directive.id)) or 0
        cleaned = [{**item, "seq": last + n} for n, item in enumerate(cleaned, start=1)]
        if not directive.tracked:
            audit.record(session, "directive.updated", "directive", directive.id, actor=user,
                         before={"status": directive.status, "tracked": directive.tracked},
                         after={"status": DirectiveStatus.ASSIGNED, "tracked": True}, directive_id=directive.id)
            directive.status, directive.tracked = DirectiveStatus.ASSIGNED, True
        ids = directives.create_assignments(session, engine.runtime, engine.current_bundle(session), directive,
                                            cleaned, user)
        secret_register.follow_directive(session, directive, cleaned)
        audit.record(session, "directive.assignments_added", "directive", directive.id, actor=user,
                     after={"assignments": [item["seq"] for item in cleaned]}, directive_id=directive.id)
        return ids


def _editable(session: Session, directive_id: int, actor: User) -> tuple[Directive, User]:
    user = session.get_one(User, actor.id)
    directive = session.get(Directive, directive_id)
    if directive is None or not permissions.may_see(session, user, permissions.DIRECTIVE, directive_id):
        raise NotFound("Directive %(id)s does not exist.", id=directive_id)
    if not permissions.may_edit_directives(user) or not permissions.acts_as_office_on(
            session, user, permissions.DIRECTIVE, directive_id):
        raise Forbidden("Only the tracking office corrects a directive or adds assignments to it.")
    return directive, user



