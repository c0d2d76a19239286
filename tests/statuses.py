"""The status-like columns and the StrEnum each one's values come from (tests/engine/test_statuses.py),
and the check that a database holds no other value (run after every scenario)."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from engine.directives.models import (
    Assignment,
    AssignmentStatus,
    DeadlineKind,
    Directive,
    DirectiveStatus,
    ExplanationRequest,
    ExplanationStatus,
    ExtensionRequest,
    ExtensionStatus,
)
from engine.inspections.models import Inspection, InspectionKind, InspectionStatus
from engine.notifications.models import EmailStatus, MailDigest, Notification
from engine.reports.models import PeriodicReport, PeriodicReportStatus
from engine.rulesets.models import BundleStatus, DraftStatus, ProcessBundle, ProcessDraft
from engine.runtime.models import Incident, IncidentStatus, InstanceStatus, WorkflowInstance, WorkItem, WorkItemStatus
from engine.secrecy.models import SecretDocument, SecretDocumentStatus
from engine.sync.models import OutboxStatus, SyncOutbox

COLUMNS: list[tuple[InstrumentedAttribute, type[StrEnum]]] = [
    (WorkflowInstance.status, InstanceStatus),
    (WorkItem.status, WorkItemStatus),
    (Incident.status, IncidentStatus),
    (ProcessBundle.status, BundleStatus),
    (ProcessDraft.status, DraftStatus),
    (Directive.status, DirectiveStatus),
    (Assignment.status, AssignmentStatus),
    (Assignment.deadline_kind, DeadlineKind),
    (ExtensionRequest.status, ExtensionStatus),
    (ExplanationRequest.status, ExplanationStatus),
    (SecretDocument.status, SecretDocumentStatus),
    (Notification.email_status, EmailStatus),
    (MailDigest.email_status, EmailStatus),
    (Inspection.kind, InspectionKind),
    (Inspection.status, InspectionStatus),
    (SyncOutbox.status, OutboxStatus),
    (PeriodicReport.status, PeriodicReportStatus),
]


def name(column: InstrumentedAttribute) -> str:
    return f"{column.class_.__tablename__}.{column.key}"


ENUMS = {name(column): enum for column, enum in COLUMNS}


def outside_their_enums(session: Session) -> dict[str, set[str]]:
    """{table.column: values stored that are not members of its enum}, for the columns holding any."""
    found = {name(column): set(session.scalars(select(column).distinct().where(column.not_in(list(enum)))))
             for column, enum in COLUMNS}
    return {column: values for column, values in found.items() if values}
