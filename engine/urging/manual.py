"""Urging by hand (đôn đốc): the office, or the leader, writes to the units doing a task —
beside the reminders the schedule sends (urging.bpmn), when a task needs a push now. The lead
unit's staff are told, and the coordinating units' too when the office chooses; the message
is in the assignment's history."""
from __future__ import annotations

from engine import audit
from engine.directives.models import ENDED
from engine.directives.service import DirectiveError, seen_assignment, written_text
from engine.errors import Forbidden
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org.models import Unit, User

KIND = "urged"


def urge(engine, assignment_id: int, message: str, actor: User, *, coordinating: bool = False) -> int:
    """Tell the units doing the assignment `message`; returns how many people were told."""
    message = written_text(message, "Write what the unit is urged to do.")
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        assignment = seen_assignment(session, user, assignment_id)
        if not permissions.may_urge(user):
            raise Forbidden("Only the tracking office or the leader may urge a unit.")
        if assignment.status in ENDED:
            raise DirectiveError("This assignment is closed.")
        units = [link.unit_id for link in assignment.units if link.role == "lead" or coordinating]
        told = notify_users(session, [u for unit_id in units for u in permissions.unit_staff(session, unit_id)],
                            KIND, directive=assignment.directive, assignment=assignment, reason=message)
        names = [session.get_one(Unit, unit_id).name for unit_id in units]
        audit.record(session, "assignment.urged", "assignment", assignment.id, actor=user,
                     after={"text": message, "units": names}, directive_id=assignment.directive_id,
                     assignment_id=assignment.id)
        return len(told)
