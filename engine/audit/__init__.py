"""Audit trail: every change of state is appended here, never updated or deleted."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine import clock
from engine.audit.models import AuditEntry

_INSERT = insert(AuditEntry.__table__)


def entry(
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
) -> dict:
    """The row of an entry made now; `record` writes it (an engine step writes its own
    entry with the step's other writes, engine.runtime.persistence.write_step)."""
    return {
        "at": clock.now(),
        "actor_id": getattr(actor, "id", None),
        "actor_name": getattr(actor, "username", None) or "system",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "before": before,
        "after": after,
        "comment": comment,
        "directive_id": directive_id,
        "assignment_id": assignment_id,
    }


def record(session: Session, action: str, object_type: str, object_id: object, **details) -> None:
    """Append an entry (`entry`'s arguments) within the session's transaction. It is written
    at once, in call order, with a prebuilt INSERT rather than through the unit of work."""
    write(session, entry(action, object_type, object_id, **details))


def write(session: Session, row: dict) -> None:
    """Append the entry `row` (made by `entry`)."""
    session.connection().execute(_INSERT, row)
