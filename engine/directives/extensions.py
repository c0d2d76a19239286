"""Actions on a running assignment: extension requests (xin gia hạn) and explanation
requests (yêu cầu giải trình).

Each request is a row here plus a BPMN message to the assignment's workflow, delivered in
the same transaction: `extension_requested` (an event sub-process beside the handling
rounds, so the unit keeps reporting while it waits: the role the ruleset's lane "Quyết định
gia hạn" names decides, after the office head's proposal where `[extensions] office_proposes`;
the new deadline applies, urging restarts and the unit's round is planned again) and
`explanation_requested` (an event sub-process: the lead unit answers). The operators at the
bottom are what the diagrams call when the decision or the answer comes back.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, forms
from engine.directives.models import (
    EXPLANATION_DUE,
    Assignment,
    AssignmentStatus,
    ExplanationRequest,
    ExtensionRequest,
    ExtensionStatus,
)
from engine.directives.service import DirectiveError, written_text
from engine.errors import Conflict, Forbidden, NotFound
from engine.org import permissions
from engine.org.models import Unit, User
from engine.runtime.models import WorkflowInstance
from engine.sandbox.helpers import get_path
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import Deadline

EXTENSION_MESSAGE = "extension_requested"
EXPLANATION_MESSAGE = "explanation_requested"
EXPLANATION_DAYS = 3  # working days to answer, unless the ruleset says otherwise


def request_extension(engine, assignment_id: int, new_deadline, reason: str, actor: User) -> ExtensionRequest:
    """The lead unit asks to move its deadline to `new_deadline` (a date, ISO or dd/mm/yyyy)."""
    reason = written_text(reason, "Give the reason for the extension.")
    try:
        day = forms.parse_date(new_deadline)
    except forms.Invalid:
        raise DirectiveError("The new deadline must be a date from %(first)s to %(last)s (dd/mm/yyyy).",
                             **forms.DATE_RANGE) from None
    with engine.db.session() as session:
        assignment, user = _open_assignment(session, assignment_id, actor)
        _require_lead_unit(session, user, assignment)
        if session.scalar(select(ExtensionRequest.id).where(ExtensionRequest.assignment_id == assignment.id,
                                                            ExtensionRequest.status == ExtensionStatus.PENDING)):
            raise Conflict("An extension request for this assignment is still waiting for a decision.")
        if assignment.deadline is not None and day <= assignment.deadline:
            raise DirectiveError("The new deadline must be later than the current one (%(d)s).",
                                 d=assignment.deadline.strftime("%d/%m/%Y"))
        if day <= clock.today():
            raise DirectiveError("The new deadline must be in the future.")
        request = ExtensionRequest(assignment_id=assignment.id, unit_id=assignment.lead_unit_id,
                                   requested_by=user.id, requested_at=clock.now(),
                                   current_deadline=assignment.deadline, new_deadline=day, reason=reason)
        session.add(request)
        session.flush()
        payload = {"request_id": request.id, "new_deadline": day.isoformat(), "reason": reason,
                   "requested_by": user.username, "lead_unit": session.get_one(Unit, assignment.lead_unit_id).code}
        engine.runtime.deliver_message(session, assignment.instance_id, EXTENSION_MESSAGE, payload, actor=user)
        audit.record(session, "extension.requested", "extension_request", request.id, actor=user,
                     after={"new_deadline": day.isoformat(), "reason": reason},
                     directive_id=assignment.directive_id, assignment_id=assignment.id)
        return request


def request_explanation(engine, assignment_id: int, question: str, actor: User) -> ExplanationRequest:
    """The office (or the leader) asks the lead unit to explain, e.g. why it is late."""
    question = (question or "").strip()
    if not question:
        raise DirectiveError("Say what the unit must explain.")
    with engine.db.session() as session:
        assignment, user = _open_assignment(session, assignment_id, actor)
        if not permissions.may_ask_explanation(user) or not permissions.acts_as_office_on(
                session, user, permissions.ASSIGNMENT, assignment.id):
            raise Forbidden("Only the tracking office or the leader may ask for an explanation.")
        instance = session.get(WorkflowInstance, assignment.instance_id)  # the version it runs on
        settings = engine.cache.by_id(session, instance.bundle_id).settings
        days = get_path(settings, "deadlines.explanation", EXPLANATION_DAYS)
        due = Deadline.counted(WorkingCalendar.from_db(session), clock.today(), days)
        unit = session.get(Unit, assignment.lead_unit_id)
        request = ExplanationRequest(assignment_id=assignment.id, unit_id=unit.id, question=question,
                                     requested_by=user.id, requested_at=clock.now())
        EXPLANATION_DUE.write(request, due)
        session.add(request)
        session.flush()
        payload = {"request_id": request.id, "question": question, "lead_unit": unit.code, "due": due.to_json(),
                   "requested_by": user.username, "requested_by_name": user.full_name}
        engine.runtime.deliver_message(session, assignment.instance_id, EXPLANATION_MESSAGE, payload, actor=user)
        audit.record(session, "explanation.requested", "explanation_request", request.id, actor=user,
                     after={"question": question, "unit": unit.code}, directive_id=assignment.directive_id,
                     assignment_id=assignment.id)
        return request


def _open_assignment(session: Session, assignment_id: int, actor: User) -> tuple[Assignment, User]:
    assignment = session.get(Assignment, assignment_id)
    user = session.get_one(User, actor.id)
    # Not there for who cannot see it; who sees it (a coordinating unit) is told why it may not act.
    if assignment is None or not permissions.may_see(session, user, permissions.ASSIGNMENT, assignment.id):
        raise NotFound("Assignment %(id)s does not exist.", id=assignment_id)
    if assignment.status == AssignmentStatus.CLOSED or assignment.instance_id is None:
        raise DirectiveError("This assignment is closed.")
    return assignment, user


def _require_lead_unit(session: Session, user: User, assignment: Assignment) -> None:
    if not permissions.speaks_for_lead_unit(session, user, assignment):
        raise Forbidden("Only the lead unit may ask for an extension.")
