"""Notifications (thông báo): written in the step's transaction (an outbox), delivered
in the application at once and by e-mail after commit."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class EmailStatus(StrEnum):
    PENDING = "pending"      # to send
    SENT = "sent"
    FAILED = "failed"        # gave up after retries; logged, kept
    SKIPPED = "skipped"      # no address, the account closed, or its reader may no longer see what it is about
    DIGEST = "digest"        # waits for the person's daily digest
    IN_DIGEST = "in_digest"  # taken into one


class MailOutbox:
    """Columns of a row that one e-mail is sent for, once, with retries. While a
    scheduler sends it, the row holds that scheduler's claim (engine.notifications.mail)."""

    email_status: Mapped[EmailStatus] = mapped_column(String(16), default=EmailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    claim_token: Mapped[str | None] = mapped_column(String(32))  # the claimer's random fencing token
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # wall clock, for people reading it
    # {machine boot id: that machine's monotonic clock when it first saw the claim}: the lease's clock
    claim_clocks: Mapped[dict | None] = mapped_column(JSON)


class Notification(MailOutbox, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_inbox", "user_id", "read_at"),
        Index("ix_notifications_mail", "email_status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(48))  # reminder, due_today, overdue, escalation, …
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))  # path in the app; mail prefixes base_url
    directive_id: Mapped[int | None] = mapped_column(Integer)
    assignment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    dedup_key: Mapped[str | None] = mapped_column(String(128), index=True)  # collapses catch-up bursts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailDigest(MailOutbox, Base):
    """One mail listing several notifications: the daily digest (thư tổng hợp) of a person
    who chose it, or (no day) a catch-up mail gathering a backlog of immediate mails. The
    unique (user, day) pair keeps two schedulers from building two daily digests; catch-up
    mails, without a day, may come several a day."""

    __tablename__ = "mail_digests"
    __table_args__ = (UniqueConstraint("user_id", "day"),
                      Index("ix_mail_digests_mail", "email_status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date | None] = mapped_column(Date)
    notification_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
