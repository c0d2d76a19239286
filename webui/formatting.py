"""Jinja filters every page uses: Vietnamese date formats (dd/mm/yyyy, Vietnam time) and
the names of outcomes, urgencies and progress in the user's language."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from engine import clock
from engine.directives.attachments import MAX_SIZE as MAX_ATTACHMENT_BYTES
from engine.directives.models import (
    AssignmentStatus,
    ExplanationStatus,
    ExtensionStatus,
    RaisedIssueKind,
    RaisedIssueStatus,
)
from engine.numbers import vn_number, vn_percent
from engine.outcomes import TERMS, Outcome
from engine.runtime.models import InstanceStatus

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
URGENCY_LABELS = {"normal": _l("Normal"), "urgent": _l("Urgent"), "very_urgent": _l("Very urgent"),
                  "flash": _l("Flash")}
PROGRESS_LABELS = {"not_started": _l("Not started"), "in_progress": _l("In progress"),
                   "blocked": _l("In progress, with difficulties"), "done": _l("Done")}
# What a coordinating unit reports is its part of the work, not the task's progress.
CONTRIBUTION_LABELS = {"done": _l("Coordination opinion sent"), "in_progress": _l("Coordinating part in progress"),
                       "blocked": _l("Coordinating part meets difficulties")}
STATUS_LABELS = {AssignmentStatus.OPEN: _l("Being tracked"), AssignmentStatus.RETURNED: _l("Returned"),
                 AssignmentStatus.CLOSED: _l("Closed"), AssignmentStatus.CANCELLED: _l("Cancelled")}
INSTANCE_STATUS_LABELS = {InstanceStatus.RUNNING: _l("Running"), InstanceStatus.ERROR: _l("Stopped at an incident"),
                          InstanceStatus.SUSPENDED: _l("Suspended"), InstanceStatus.COMPLETED: _l("Ended")}
# The outcome vocabulary of engine/outcomes.py; a cancelled assignment has none (None) and shows its status.
OUTCOME_LABELS = {**{outcome: _l(term.msgid) for outcome, term in TERMS.items()},
                  None: STATUS_LABELS[AssignmentStatus.CANCELLED]}
# The sums a report shows beside the buckets (engine.outcomes.GROUPS).
GROUP_LABELS = {"done": _l("Done, on time or late"), "fallen_due": _l("Fallen due: done, or past the deadline")}
# An extension request's status, or an explanation request's (pending is the same word in both).
REQUEST_LABELS = {ExtensionStatus.PENDING: _l("Waiting for an answer"), ExtensionStatus.APPROVED: _l("Approved"),
                  ExtensionStatus.REFUSED: _l("Refused"), ExplanationStatus.ANSWERED: _l("Answered"),
                  RaisedIssueStatus.SUBMITTED: _l("Put to the leader")}
# What a unit raises about an assignment (kiến nghị, engine/directives/raised.py).
ISSUE_LABELS = {RaisedIssueKind.DIRECTION: _l("Request for the leader's direction"),
                RaisedIssueKind.COORDINATION: _l("A unit does not do its part")}
ROLE_LABELS = {
    "clerk": _l("Tracking clerk (office)"), "office_head": _l("Office head"), "unit_officer": _l("Unit officer"),
    "unit_head": _l("Unit head"), "leader": _l("Leader"), "inspector": _l("Inspector"),
    "process_admin": _l("Process administrator"), "system_admin": _l("System administrator"),
    "office": _l("The office (clerks and office head)"),
}
# What the history of an assignment calls each audit action (nhật ký xử lý).
AUDIT_LABELS = {
    "instance.started": _l("Process started"), "work_item.completed": _l("Work item completed"),
    "assignment.created": _l("Assignment given"), "assignment.updated": _l("Assignment updated"),
    "assignment.returned": _l("Returned by the unit"), "assignment.reassigned": _l("Assignment corrected"),
    "progress.recorded": _l("Progress reported"), "extension.requested": _l("Extension requested"),
    "coordination.contributed": _l("Coordinating unit reported its part"),
    "extension.approved": _l("Extension approved"), "extension.refused": _l("Extension refused"),
    "extension.supported": _l("Office proposes granting the extension"),
    "extension.opposed": _l("Office proposes refusing the extension"),
    "explanation.requested": _l("Explanation requested"), "explanation.answered": _l("Explanation given"),
    "issue.raised_direction": _l("Asked for the leader's direction"),
    "issue.raised_coordination": _l("Flagged a unit that does not do its part"),
    "issue.submitted": _l("Office put the issue to the leader"),
    "issue.answered_direction": _l("Leader gave direction"),
    "issue.answered_coordination": _l("Office urged the flagged unit"),
    "instance.message": _l("Message received"), "instance.timers": _l("Timer fired"),
    "deadlines.recomputed": _l("Deadlines recomputed"), "assignment.deadline_recomputed": _l("Deadlines recomputed"),
    "assignment.first_update_due_recomputed": _l("Deadlines recomputed"),
    "assignment.withdrawn": _l("Assignment withdrawn"), "instance.cancelled": _l("Process ended"),
    "directive.registered": _l("Directive registered"), "directive.updated": _l("Directive updated"),
    "directive.edited": _l("Directive corrected"), "directive.assignments_added": _l("Assignments added"),
    "directive.scope_decided": _l("Scope decided"),
    "directive.documents_attached": _l("Document and annexes attached"),
    "assignment.urged": _l("Urged"), "assignment.sent_back": _l("Sent back to the unit"),
    "urging.sent": _l("Urged by the schedule"), "step.urged": _l("Office step urged"),
    "assignment.passed_down": _l("Passed down to a section"),
    "assignment.rolled_up": _l("Sections' progress combined"),
    "explanation.due_recomputed": _l("Deadlines recomputed"),
    "inspection.proposed": _l("Inspection proposed"), "inspection.decided": _l("Inspection decided"),
    "inspection.ended": _l("Inspection ended"), "inspection.reported": _l("Inspection results reported"),
    "inspection.paper_added": _l("Paper added to the inspection file"),
    "inspection.report_due_recomputed": _l("Deadlines recomputed"),
    "inspection.handed_over": _l("Documents handed over to the team"),
    "inspection.followed_up": _l("Follow-up tasks registered"),
    "inspection.council_missing": _l("Emulation council not told: its unit does not exist"),
    "office_report.council_missing": _l("Emulation council not told: its unit does not exist"),
    "periodic_report.unit_reports_unit_missing": _l("Unit the units' reports also go to not told: "
                                                    "its unit does not exist"),
    "periodic_report.opened": _l("Periodic report opened"),
    "periodic_report.unit_submitted": _l("Unit report sent"),
    "periodic_report.consolidated": _l("Periodic report consolidated"),
    "adhoc_report.requested": _l("Ad-hoc report requested"),
    "office_report.returned": _l("Report returned to the office for revision"),
    "office_report.issued": _l("Report approved and issued"),
    "secret_document.registered": _l("Secret document registered"),
    "secret_document.closed": _l("Secret document closed"),
    "secret_document.paper_report_sent": _l("Paper report sent"),
    "sync.received": _l("Received from the level below"),
    # process administration (engine/rulesets, engine/runtime)
    "bundle.created": _l("Process version created"), "bundle.published": _l("Process version published"),
    "bundle.written_to_disk": _l("Process version written to disk"),
    "draft.saved": _l("Process draft saved"), "draft.discarded": _l("Process draft discarded"),
    "draft.conflict_resolved": _l("Process draft conflict resolved"),
    "scenario.saved": _l("Scenario file saved into a process version"),
    "settings.saved": _l("Ruleset settings saved into a process version"),
    "instance.migrated": _l("Moved to a new process version"),
    "instance.migration_refused": _l("Not moved to the new process version"),
    "incident.retried": _l("Incident retried"), "calendar.changed": _l("Working-day calendar changed"),
    # instance administration (engine/instances)
    "instance.suspended": _l("Process suspended"), "instance.resumed": _l("Process resumed"),
    "instance.terminated": _l("Process terminated by an administrator"),
    "instance.step_skipped": _l("Step skipped by an administrator"),
    "instance.token_moved": _l("Process moved back to an earlier step"),
    "incident.data_edited": _l("Task data corrected before a retry"),
    "work_item.reassigned": _l("Work item reassigned"),
    "work.handed_over": _l("Work handed over"),  # engine/handover: the history's line names both people
    "inbox.filter_saved": _l("Inbox filter saved"),
    # edXML messages of the issuer (engine/imports/edxml.py)
    "directive.updated_by_issuer": _l("Corrected by the issuer's update (edXML)"),
    "directive.recalled": _l("Recalled by the issuer (edXML)"),
    "directive.replaced": _l("Replaced by a new document (edXML)"),
    "directive.replaces": _l("Replaces an earlier document (edXML)"),
    "directive.status_received": _l("Handling status received (edXML)"),
    "directive.recall_request_accepted": _l("Given back at its sender's request (edXML)"),
    "directive.recall_request_refused": _l("Its sender's request to have it back refused (edXML)"),
    "directive.recall_request_agreed": _l("Its sender's request to have it back agreed: no longer tracked (edXML)"),
    "received.given_back": _l("Set-aside document given back at its sender's request (edXML)"),
    "directive.dated_ahead": _l("Dated after the day it arrived: check the date with the issuer (edXML)"),
    # accounts (engine.org.accounts, engine.org.signin, engine.api_tokens)
    "user.created": _l("Account created"), "user.updated": _l("Account changed"),
    "user.deactivated": _l("Account deactivated"), "user.activated": _l("Account reactivated"),
    "password.changed": _l("Password changed by its owner"), "password.reset": _l("Password reset by an administrator"),
    "login.throttled": _l("Sign-in slowed after failed attempts"),
    "login.throttle_cleared": _l("Failed sign-ins forgotten"),
    "api_token.created": _l("API token made"), "api_token.revoked": _l("API token revoked"),
    "api_token.revoked_with_password": _l("API token revoked with the password change"),
    "api_token.revoked_with_deactivation": _l("API token revoked with the account's deactivation"),
    "unit.retired": _l("Unit closed, its work passed to its successor"),  # dondoc org retire
    "unit.issuing_body": _l("Unit marked or unmarked as an issuing body"),
    "unit.moved": _l("Unit moved below the successor of the closed unit it was part of"),
}


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


def count_label(total: int, exact: bool = True) -> str:
    """A count as people read it, thousands grouped ("20.000"); where counting stopped (the
    registry counts up to a limit, and `total` is then the limit + 1), a lower bound ("hơn 20.000")."""
    grouped = f"{total if exact else total - 1:,}".replace(",", ".")
    return grouped if exact else gettext("more than %(n)s", n=grouped)


def init_app(app: Flask) -> None:
    app.add_template_filter(vn_date)
    app.add_template_filter(vn_datetime)
    app.add_template_global(clock.now, "clock_now")  # the printed pages' date (base.html)
    app.add_template_filter(vn_number)
    app.add_template_filter(vn_percent, "percent")
    app.add_template_filter(count_label)
    app.add_template_global(AUDIT_LABELS, "AUDIT_LABELS")
    app.add_template_global(ROLE_LABELS, "ROLE_LABELS")
    app.add_template_global(INSTANCE_STATUS_LABELS, "INSTANCE_STATUS_LABELS")
    app.add_template_global(REQUEST_LABELS, "REQUEST_LABELS")
    app.add_template_global(ISSUE_LABELS, "ISSUE_LABELS")
    app.add_template_global(OUTCOME_LABELS, "OUTCOME_LABELS")
    app.add_template_global(GROUP_LABELS, "GROUP_LABELS")
    app.add_template_global({outcome.value: term.colour for outcome, term in TERMS.items()}, "OUTCOME_COLOURS")
    app.add_template_global(tuple(Outcome), "OUTCOMES")
    app.add_template_global(URGENCY_LABELS, "URGENCY_LABELS")
    app.add_template_global(PROGRESS_LABELS, "PROGRESS_LABELS")
    app.add_template_global(MAX_ATTACHMENT_BYTES, "MAX_ATTACHMENT_BYTES")
    app.add_template_global(CONTRIBUTION_LABELS, "CONTRIBUTION_LABELS")
    app.add_template_global(STATUS_LABELS, "STATUS_LABELS")
