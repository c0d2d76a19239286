"""The secret-document register: only the identity of a document and who must do what by
when — never its summary, content or files unless the ruleset allows storing them."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UTCDateTime


class SecretDocumentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class SecretDocument(Base):
    __tablename__ = "secret_documents"
    __table_args__ = (UniqueConstraint("symbol", "issued_on", "issuer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(64))
    number: Mapped[str] = mapped_column(String(16))
    symbol: Mapped[str] = mapped_column(String(64), index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(255))
    secrecy: Mapped[str] = mapped_column(String(16))  # confidential | secret | top_secret
    directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"))  # when content is stored
    # The body whose office registered it, whose register readers read it (permissions.recorded_body); None:
    # the home body's
    body_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    status: Mapped[SecretDocumentStatus] = mapped_column(String(16), default=SecretDocumentStatus.OPEN)
    instance_id: Mapped[int | None] = mapped_column(Integer)  # the paper-report reminder process
    registered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The paper reports (báo cáo bằng văn bản giấy), kept here as they change so that the register is read
    # in one query: the next one's day (written by the reminder process's step that plans it), the day of
    # the last one reminded of, and the last one the keeper recorded as sent, with who recorded it
    paper_due: Mapped[date | None] = mapped_column(Date)
    paper_reminded: Mapped[date | None] = mapped_column(Date)
    paper_sent_on: Mapped[date | None] = mapped_column(Date)
    paper_sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    entries: Mapped[list[SecretAssignment]] = relationship(cascade="all, delete-orphan",
                                                           order_by="SecretAssignment.seq")


class SecretAssignment(Base):
    """One task of a secret document: its lead unit and deadline, nothing else."""

    __tablename__ = "secret_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("secret_documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date)
