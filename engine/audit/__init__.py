"""Audit trail: every change of state is appended here, never updated or deleted."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine import clock
from engine.audit.models import AuditEntry


def record(
    session: Session,
    action: str,
    object_type: str,
    object_id: object,
    *,
    actor=None,
    before: dict | None = None,
    after: dict | None = None,
    comment: str | None = None,
    directive_id: int | None = None,
    assignment_id: int | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
        comment=comment,
        directive_id=directive_id,
        assignment_id=assignment_id,
    )
    session.add(entry)
    return entry
