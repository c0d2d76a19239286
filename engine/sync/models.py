"""What the lower deployment remembers about its upper level."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class OutboxStatus(StrEnum):
    PENDING = "pending"    # to send (again)
    SENT = "sent"          # the upper level accepted it
    REJECTED = "rejected"  # the upper level refused it for good


class SyncedAssignment(Base):
    """An assignment the upper level gave us, and the local assignment tracking it."""

    __tablename__ = "sync_assignments"
    __table_args__ = (UniqueConstraint("peer", "upper_assignment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer: Mapped[str] = mapped_column(String(255))  # the upper level's base URL
    upper_assignment_id: Mapped[int] = mapped_column(Integer)
    upper_directive_id: Mapped[int] = mapped_column(Integer)
    local_assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    last_reported_update_id: Mapped[int] = mapped_column(Integer, default=0)  # local ProgressUpdate.id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SyncOutbox(Base):
    """One call to make to the upper level. Written in the same transaction as the change it
    reports; sent until the upper level accepts it; its key makes a repeated delivery harmless."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(64), unique=True)  # sent as Idempotency-Key
    path: Mapped[str] = mapped_column(String(255))             # e.g. /api/v1/assignments/12/progress
    payload: Mapped[dict] = mapped_column(JSON)
    local_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
