"""Imports every table so that metadata (create_all, Alembic) sees the whole schema."""
from engine.audit.models import AuditEntry  # noqa: F401
from engine.directives.models import Assignment, AssignmentUnit, Attachment, Directive, ProgressUpdate  # noqa: F401
from engine.notifications.models import MailDigest, Notification  # noqa: F401
from engine.org.models import Unit, User  # noqa: F401
from engine.rulesets.drafts import ProcessDraft  # noqa: F401
from engine.rulesets.models import ProcessBundle  # noqa: F401
from engine.runtime.models import Incident, WorkflowInstance, WorkItem  # noqa: F401
from engine.working_days.models import CalendarOverride  # noqa: F401
from engine.reports.models import PeriodicReport, UnitReport  # noqa: F401
from engine.inbox.models import SavedFilter  # noqa: F401
from engine.api_tokens.models import ApiToken, IdempotencyKey  # noqa: F401
from engine.sync.models import SyncedAssignment, SyncOutbox  # noqa: F401
from engine.directives.models import ExplanationRequest, ExtensionRequest  # noqa: F401
from engine.secrecy.models import SecretAssignment, SecretDocument  # noqa: F401
from engine.inspections.models import InspectedUnit, Inspection, InspectionMember, InspectionPaper  # noqa: F401
