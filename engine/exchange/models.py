"""The outbox of edXML status messages: one row per (directive, status code), added in the
transaction that reaches the status and delivered later by the scheduler (engine.exchange.outbox)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base, UTCDateTime


class StatusMessage(Base):
    __tablename__ = "edxml_status_outbox"
    __table_args__ = (UniqueConstraint("directive_id", "status_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent as X-Message-Id with every try: the hub keeps one message per id, however often it comes.
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    status_code: Mapped[str] = mapped_column(String(2))
    body: Mapped[str] = mapped_column(Text)  # the edXML status message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Wall-clock time until which one scheduler is sending it (a killed one's claim runs out).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


_TOUCHED = "dondoc.edxml_touched"


@event.listens_for(Session, "before_flush")
def _note_touched(session: Session, _context, _instances) -> None:
    """Directives (of edXML documents) whose state may have reached a status the sender is told."""
    from engine.exchange.outbox import touched_objects

    found = touched_objects(session)
    if found:
        session.info.setdefault(_TOUCHED, set()).update(found)


@event.listens_for(Session, "before_commit")
def _enqueue(session: Session) -> None:
    from engine.exchange.outbox import directive_ids, follow

    touched = session.info.pop(_TOUCHED, None)
    if touched:
        session.flush()
        for directive_id in directive_ids(session, touched):
            follow(session, directive_id)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
