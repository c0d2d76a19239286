"""Imports every feature's tables so that metadata (create_all, Alembic) sees the whole schema."""
import engine.api_tokens.models
import engine.audit.models
import engine.directives.models
import engine.inbox.models
import engine.inspections.models
import engine.notifications.models
import engine.org.models
import engine.reports.models
import engine.rulesets.drafts
import engine.rulesets.models
import engine.runtime.models
import engine.secrecy.models
import engine.sync.models
import engine.working_days.models  # noqa: F401
