"""Issues a unit raises about an assignment to the office (kiến nghị), each carried by the
assignment's workflow as the message `issue_raised` (assignment.bpmn, event sub-process
raised_issue), beside the handling rounds:

- a request for the leader's direction on a disagreement the parties could not settle
  (Đắk Lắk Đ.9 k.1c, Quỳnh Nhai Đ.8 k.1c): the office head puts it to the leader with the
  office's opinion; the leader's direction goes back to the unit;
- a flag that another unit of the assignment does not do its part on time (Đắk Lắk Đ.21 k.3,
  Quỳnh Nhai Đ.18 k.3): the office records what it did and the flagged unit is urged.

engine/directives/operators.py records the steps the diagram reaches (issue.submit, issue.answer).
"""
from __future__ import annotations

from sqlalchemy import select

from engine import audit, clock
from engine.directives.models import (
    Assignment,
    AssignmentStatus,
    RaisedIssue,
    RaisedIssueKind,
)
from engine.directives.service import DirectiveError, seen_assignment, written_text
from engine.errors import Forbidden
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User

MESSAGE = "issue_raised"


def raise_issue(engine, assignment_id: int, kind: str, text: str, actor: User,
                about_unit: str | None = None) -> RaisedIssue:
    """A unit of the assignment (lead or coordinating) raises `text` to the office; a flag
    names the unit of the assignment that does not do its part (`about_unit`, a code)."""
    try:
        issue_kind = RaisedIssueKind(kind)
    except ValueError:
        raise DirectiveError("Choose what you raise: a request for direction or a coordination problem.") from None
    text = written_text(text, "Describe the issue.")
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        assignment = seen_assignment(session, user, assignment_id)
        unit_id = raising_unit(session, user, assignment)
        if unit_id is None:
            raise Forbidden("Only a unit given this assignment may raise an issue about it.")
        if assignment.status == AssignmentStatus.CLOSED or assignment.instance_id is None:
            raise DirectiveError("This assignment is closed.")
        about = _flagged_unit(session, issue_kind, about_unit, [link.unit_id for link in assignment.units], unit_id)
        issue = RaisedIssue(assignment_id=assignment.id, kind=issue_kind, unit_id=unit_id,
                            about_unit_id=about.id if about else None, text=text, raised_by=user.id,
                            raised_at=clock.now())
        session.add(issue)
        session.flush()
        raiser = session.get_one(Unit, unit_id)
        payload = {"issue_id": issue.id, "kind": issue_kind.value, "text": text, "unit": raiser.code,
                   "unit_name": raiser.name, "about_unit": about.code if about else None,
                   "about_unit_name": about.name if about else None}
        engine.runtime.deliver_message(session, assignment.instance_id, MESSAGE, payload, actor=user)
        audit.record(session, f"issue.raised_{issue_kind}", "raised_issue", issue.id, actor=user,
                     after={"text": text, "unit": raiser.name,
                            "about_unit": about.name if about else None},
                     directive_id=assignment.directive_id, assignment_id=assignment.id)
        return issue


def raising_unit(session, user: User, assignment: Assignment) -> int | None:
    """The unit of the assignment `user` raises issues for (its lead unit first), or None."""
    units = [link.unit_id for link in sorted(assignment.units, key=lambda link: link.role != "lead")]
    return permissions.unit_spoken_for(session, user, assignment.id, units)


def _flagged_unit(session, kind: RaisedIssueKind, code: str | None, units: list[int], raiser: int) -> Unit | None:
    if kind is RaisedIssueKind.DIRECTION:
        return None
    unit = org.unit_by_code(session, code) if code else None
    if unit is None or unit.id not in units or unit.id == raiser:
        raise DirectiveError("Name the unit of this assignment that does not do its part.")
    return unit


def issues_of(session, assignment_id: int) -> list[RaisedIssue]:
    return list(session.scalars(select(RaisedIssue).where(RaisedIssue.assignment_id == assignment_id)
                                .order_by(RaisedIssue.id)))
