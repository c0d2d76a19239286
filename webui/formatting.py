"""Jinja filters every page uses: Vietnamese date formats (dd/mm/yyyy, Vietnam time) and
the names of outcomes, urgencies and progress in the user's language."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask
from flask_babel import lazy_gettext as _l

from engine import clock
from engine.directives.models import AssignmentStatus, ExplanationStatus, ExtensionStatus
from engine.outcomes import TERMS, Outcome

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
URGENCY_LABELS = {"normal": _l("Normal"), "urgent": _l("Urgent"), "very_urgent": _l("Very urgent"),
                  "flash": _l("Flash")}
PROGRESS_LABELS = {"not_started": _l("Not started"), "in_progress": _l("In progress"),
                   "blocked": _l("In progress, with difficulties"), "done": _l("Done")}
STATUS_LABELS = {AssignmentStatus.OPEN: _l("Being tracked"), AssignmentStatus.RETURNED: _l("Returned"),
                 AssignmentStatus.CLOSED: _l("Closed"), AssignmentStatus.CANCELLED: _l("Cancelled")}
# The outcome vocabulary of engine/outcomes.py; a cancelled assignment has none (None) and shows its status.
OUTCOME_LABELS = {**{outcome: _l(term.msgid) for outcome, term in TERMS.items()},
                  None: STATUS_LABELS[AssignmentStatus.CANCELLED]}
# An extension request's status, or an explanation request's (pending is the same word in both).
REQUEST_LABELS = {ExtensionStatus.PENDING: _l("Waiting for an answer"), ExtensionStatus.APPROVED: _l("Approved"),
                  ExtensionStatus.REFUSED: _l("Refused"), ExplanationStatus.ANSWERED: _l("Answered")}
ROLE_LABELS = {
    "clerk": _l("Tracking clerk (office)"), "office_head": _l("Office head"), "unit_officer": _l("Unit officer"),
    "unit_head": _l("Unit head"), "leader": _l("Leader"), "inspector": _l("Inspector"),
    "process_admin": _l("Process administrator"), "system_admin": _l("System administrator"),
}
# What the history of an assignment calls each audit action (nhật ký xử lý).
AUDIT_LABELS = {
    "instance.started": _l("Process started"), "work_item.completed": _l("Work item completed"),
    "assignment.created": _l("Assignment given"), "assignment.updated": _l("Assignment updated"),
    "assignment.returned": _l("Returned by the unit"), "assignment.reassigned": _l("Assignment corrected"),
    "progress.recorded": _l("Progress reported"), "extension.requested": _l("Extension requested"),
    "extension.approved": _l("Extension approved"), "extension.refused": _l("Extension refused"),
    "extension.supported": _l("Office proposes granting the extension"),
    "extension.opposed": _l("Office proposes refusing the extension"),
    "explanation.requested": _l("Explanation requested"), "explanation.answered": _l("Explanation given"),
    "instance.message": _l("Message received"), "instance.timers": _l("Timer fired"),
    "deadlines.recomputed": _l("Deadlines recomputed"), "assignment.deadline_recomputed": _l("Deadlines recomputed"),
    "assignment.withdrawn": _l("Assignment withdrawn"), "instance.cancelled": _l("Process ended"),
    "directive.registered": _l("Directive registered"), "directive.updated": _l("Directive updated"),
    "directive.edited": _l("Directive corrected"), "directive.assignments_added": _l("Assignments added"),
    "directive.scope_decided": _l("Scope decided"),
    # inspections (engine.inspections)
    "inspection.proposed": _l("Inspection proposed"), "inspection.decided": _l("Inspection decided"),
    "inspection.handed_over": _l("Documents handed over to the team"), "inspection.ended": _l("Inspection ended"),
    "inspection.reported": _l("Results report sent"), "inspection.paper_added": _l("Paper added to the file"),
    "inspection.followed_up": _l("Follow-up tasks registered"),
    "inspection.council_missing": _l("Emulation council not told: its unit does not exist"),
    "inspection.report_due_recomputed": _l("Deadlines recomputed"),
    # accounts (engine.org.accounts, engine.org.signin, engine.api_tokens)
    "user.created": _l("Account created"), "user.updated": _l("Account changed"),
    "user.deactivated": _l("Account deactivated"), "user.activated": _l("Account reactivated"),
    "password.changed": _l("Password changed by its owner"), "password.reset": _l("Password reset by an administrator"),
    "login.throttled": _l("Sign-in slowed after failed attempts"),
    "login.throttle_cleared": _l("Failed sign-ins forgotten"),
    "api_token.created": _l("API token made"), "api_token.revoked": _l("API token revoked"),
    "api_token.revoked_with_password": _l("API token revoked with the password change"),
}


def audit_details(after) -> list[tuple[str, str]]:
    """The non-empty values of an audit entry, one level deep, as (name, text) pairs."""
    pairs = []
    for key, value in (after or {}).items():
        if isinstance(value, dict):
            pairs += [(f"{key}.{k}" if key != "data" else k, audit_value(v)) for k, v in value.items() if _filled(v)]
        elif _filled(value):
            pairs.append((key, audit_value(value)))
    return pairs


def audit_value(value) -> str:
    """One value an audit entry kept: an ISO date as dd/mm/yyyy, nothing as a dash."""
    if not _filled(value):
        return "—"
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return vn_date(value)
    return _plain(value)


def _filled(value) -> bool:
    return value not in (None, "", [], {})


def _plain(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def vn_date(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(clock.VN_TZ).date()
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | None) -> str:
    return value.astimezone(clock.VN_TZ).strftime("%d/%m/%Y %H:%M") if value else ""


def init_app(app: Flask) -> None:
    app.add_template_filter(vn_date)
    app.add_template_filter(vn_datetime)
    app.add_template_filter(audit_details)
    app.add_template_filter(audit_value)
    app.add_template_global(AUDIT_LABELS, "AUDIT_LABELS")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
    app.add_template_global(REQUEST_LABELS, "REQUEST_LABELS")
    app.add_template_global(OUTCOME_LABELS, "OUTCOME_LABELS")
    app.add_template_global(tuple(Outcome), "OUTCOMES")
    app.add_template_global(URGENCY_LABELS, "URGENCY_LABELS")
    app.add_template_global(PROGRESS_LABELS, "PROGRESS_LABELS")
    app.add_template_global(STATUS_LABELS, "STATUS_LABELS")
