"""Urging by hand (đôn đốc): the office, or the leader, writes to the units doing a task —
beside the reminders the schedule sends (urging.bpmn), when a task needs a push now. The lead
unit's staff are told, and the coordinating units' too when the office chooses; the message
is in the assignment's history, and so is the công văn đôn đốc (engine.urging.letter) when
the office asks for one: stored with the urging, downloadable by whoever sees the task."""
from __future__ import annotations

import io
from dataclasses import dataclass

from engine import audit
from engine.directives import attachments
from engine.directives.models import ENDED, URGED_ACTION, Attachment
from engine.directives.service import DirectiveError, seen_assignment, written_text
from engine.errors import Forbidden
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org.models import Unit, User
from engine.urging import letter

KIND = "urged"


@dataclass(frozen=True)
class Urged:
    told: int                       # people notified
    letter: Attachment | None       # the công văn, when asked for


def urge(engine, assignment_id: int, message: str, actor: User, *, coordinating: bool = False,
         with_letter: bool = False) -> Urged:
    """Tell the units doing the assignment `message`, with a công văn đôn đốc if `with_letter`."""
    message = written_text(message, "Write what the unit is urged to do.")
    with engine.db.session() as session:
        user = session.get_one(User, actor.id)
        assignment = seen_assignment(session, user, assignment_id)
        if not permissions.may_urge(user) or not permissions.acts_as_office_on(
                session, user, permissions.ASSIGNMENT, assignment.id):
            raise Forbidden("Only the tracking office or the leader may urge a unit.")
        if assignment.status in ENDED:
            raise DirectiveError("This assignment is closed.")
        units = sorted((link for link in assignment.units if link.role == "lead" or coordinating),
                       key=lambda link: link.role != "lead")
        told = notify_users(session, [u for link in units for u in permissions.unit_staff(session, link.unit_id)],
                            KIND, directive=assignment.directive, assignment=assignment, reason=message)
        urged = [session.get_one(Unit, link.unit_id) for link in units]
        names = [unit.name for unit in urged]
        written = None
        if with_letter:
            settings = engine.compiled(engine.current_bundle(session)).settings
            data = letter.write_letter(session, settings, assignment, message, urged,
                                       engine.settings.organisation_name)
            written = attachments.store(session, engine.blobs, io.BytesIO(data),
                                        letter.filename(assignment), user)
        audit.record(session, URGED_ACTION, "assignment", assignment.id, actor=user,
                     after={"text": message, "units": names, **({"attachments": [written.sha256]} if written else {})},
                     directive_id=assignment.directive_id, assignment_id=assignment.id)
        return Urged(len(told), written)
