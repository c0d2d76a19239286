"""Imports every table so that metadata (create_all, Alembic) sees the whole schema."""
from engine.audit.models import AuditEntry  # noqa: F401
from engine.directives.models import Assignment, AssignmentUnit, Attachment, Directive, ProgressUpdate  # noqa: F401
from engine.notifications.models import Notification  # noqa: F401
from engine.org.models import Unit, User  # noqa: F401
from engine.rulesets.models import ProcessBundle  # noqa: F401
from engine.runtime.models import Incident, WorkflowInstance, WorkItem  # noqa: F401
from engine.working_days.models import CalendarOverride  # noqa: F401
