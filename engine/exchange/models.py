"""The outbox of edXML status messages for the sender of an edXML document (QCVN 102:2016
Status): 01 when the document arrives, 03 when the office registers the directive, 04 when its
tasks are assigned, 05 when a unit reports progress, 06 when every task is done. One row per
(directive, status code) and per (DocumentId, status code), added in the transaction that
reaches the status; the scheduler delivers it (engine.exchange.outbox)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree
from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, event, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine import clock
from engine.db import Base, UTCDateTime
from engine.directives.models import (
    DOCUMENT_ID_LENGTH,
    ENDED_BY_ISSUER,
    Assignment,
    AssignmentStatus,
    Directive,
    DirectiveStatus,
    tasks_given,
)
from engine.imports.edxml import STATUS_NAMES
from engine.org import permissions
from engine.org import service as org

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
# The answers dondoc sends besides following a directive (STATUS_NAMES): từ chối tiếp nhận;
# đồng ý lấy lại / cập nhật; từ chối lấy lại / cập nhật.
REFUSED, AGREED, DECLINED = "02", "15", "16"


class StatusMessage(Base):
    __tablename__ = "edxml_status_outbox"
    __table_args__ = (UniqueConstraint("directive_id", "status_code"), UniqueConstraint("document_id", "status_code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent as X-Message-Id with every try: the hub keeps one message per id, however often it comes.
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    # None for 01 of a document still waiting for the office (no directive yet).
    directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"), index=True)
    # The sender's DocumentId: 01 is sent once per document, whichever way it came in.
    document_id: Mapped[str | None] = mapped_column(String(DOCUMENT_ID_LENGTH))
    status_code: Mapped[str] = mapped_column(String(2))
    body: Mapped[str] = mapped_column(Text)  # the edXML status message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Wall-clock time until which one scheduler is sending it (a killed one's claim runs out).
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A reply (15) to a recall or an update: the digest of the message it answers (its receipt),
    # one reply per message. It names no directive or DocumentId of its own (once per
    # directive): a directive may be updated, then recalled, and each message is answered.
    reply_to: Mapped[str | None] = mapped_column(String(64), unique=True)


class ReceivedDocument(Base):
    """A document from the hub that came without assignments (văn bản đến chờ đăng ký): kept,
    message and all, until the office registers it with its tasks or dismisses it
    (engine.exchange.received)."""

    __tablename__ = "edxml_received"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same message twice is one row; a message without a DocumentId cannot be told apart.
    document_id: Mapped[str | None] = mapped_column(String(DOCUMENT_ID_LENGTH), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)  # the edXML message, registered as it is
    business: Mapped[str] = mapped_column(String(1))  # new or replace: what registering it does
    header: Mapped[dict] = mapped_column(JSON)        # edxml.Document.preview() of the message
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), index=True)  # waiting, registered or dismissed
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)  # why dismissed (the clerk's, or the hub's recall)
    directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"))


class RecallRequest(Base):
    """A sender's request to have a registered document back (13, yêu cầu lấy lại), waiting
    for the office's clerk to accept it (the directive is recalled as an issuer's recall is, 15
    goes back) or refuse it (16, with the clerk's reason) (engine.exchange.recalls)."""

    __tablename__ = "edxml_recall_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The 13 message's (its receipt's): the answer is queued with it as reply_to, once.
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"), index=True)
    sender_organ_id: Mapped[str] = mapped_column(String(64))  # From/OrganId of the request
    sender_name: Mapped[str] = mapped_column(String(255))    # From/OrganName
    description: Mapped[str] = mapped_column(Text)           # the sender's Description
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), index=True)  # waiting, accepted or refused
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)  # why refused (sent with 16)


class MessageReceipt(Base):
    """An edXML message received, known by the digest of its bytes and written in the
    transaction that applied it: the same message again (a scheduler killed after importing it
    and before moving its file, the hub delivering it twice, one without a DocumentId) is
    known as received, not applied again (engine.exchange.received)."""

    __tablename__ = "edxml_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the message, hex
    action: Mapped[str] = mapped_column(String(16))  # what receiving it did (received.Received.action)
    directive_id: Mapped[int | None] = mapped_column(ForeignKey("directives.id"))
    received_id: Mapped[int | None] = mapped_column(ForeignKey("edxml_received.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


def touched_objects(session: Session) -> list:
    return [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Directive | Assignment)]


def directive_ids(session: Session, objects) -> list[int]:
    ids = {obj.id if isinstance(obj, Directive) else obj.directive_id for obj in objects}
    return sorted(i for i in ids if i is not None)


def reached(session: Session, directive: Directive) -> list[str]:
    """The status codes the directive has reached (01: it arrived)."""
    if directive.status in ENDED_BY_ISSUER:
        return []
    tasks = session.scalars(select(Assignment).where(Assignment.directive_id == directive.id,
                                                     tasks_given())).all()
    codes = ["01", "03"]
    if directive.status == DirectiveStatus.ASSIGNED:
        codes.append("04")
    if any(t.progress != "not_started" or t.status == AssignmentStatus.CLOSED for t in tasks):
        codes.append("05")
    if tasks and all(t.status in (AssignmentStatus.CLOSED, AssignmentStatus.CANCELLED) for t in tasks) \
            and any(t.status == AssignmentStatus.CLOSED for t in tasks):
        codes.append("06")
    return codes


def follow(session: Session, directive_id: int) -> None:
    """Queue the statuses the directive has reached and not queued yet (an edXML document's only)."""
    directive = session.get(Directive, directive_id)
    sender = ((directive.extra or {}).get("edxml") or {}).get("sender") if directive else None
    if not directive or not directive.source_document_id or not sender:
        return
    queued = set(session.scalars(select(StatusMessage.status_code).where(or_(
        StatusMessage.directive_id == directive_id, StatusMessage.document_id == directive.source_document_id))))
    if "03" in queued:  # registered before 01 was sent: it is no news to the sender now
        queued.add("01")
    target = Target(sender.get("organ_id"), directive.symbol, directive.issued_on, directive.source_document_id)
    for code in reached(session, directive):
        if code not in queued:
            queue(session, target, code, directive_id)
    session.flush()


@dataclass(frozen=True)
class Target:
    """The sender's document a status is about (ResponseFor)."""

    organ_id: str | None
    symbol: str
    issued_on: date | None  # None: a refused message whose date is none (engine.exchange.received.refused)
    document_id: str


def arrived(session: Session, target: Target) -> None:
    """01 (đã đến) for a document that came from the hub and waits for the office, once per DocumentId."""
    if session.scalar(select(StatusMessage.id).where(StatusMessage.document_id == target.document_id,
                                                     StatusMessage.status_code == "01")) is None:
        queue(session, target, "01", None)


def with_reason(code: str, reason: str) -> str:
    """A refusal's Description: the status's name, then why ("Từ chối tiếp nhận: …")."""
    return f"{STATUS_NAMES[code]}: {reason}"


def queue(session: Session, target: Target, code: str, directive_id: int | None, *, reply_to: str | None = None,
          description: str | None = None) -> None:
    """One status for the sender; a reply (`reply_to`) is the message's, not the directive's."""
    now = clock.now()
    body = status_body(session, target, code, now, directive_id, description)
    session.add(StatusMessage(message_id=uuid.uuid4().hex, directive_id=None if reply_to else directive_id,
                              document_id=None if reply_to else target.document_id, reply_to=reply_to,
                              status_code=code, body=body, created_at=now, attempts=0, next_attempt_at=now))


def status_body(session: Session, target: Target, code: str, at: datetime, directive_id: int | None,
                description: str | None = None) -> str:
    """The edXML status message: which document (ResponseFor), from whom (the office of the body that
    tracks the directive, by its agency identifier: the tracking office for the province's and for a
    document still waiting, a commune's own unit for its committee's), what status and when."""
    ns = f"{{{NAMESPACE}}}"
    envelope = etree.Element(ns + "edXMLEnvelope", nsmap={"edXML": NAMESPACE})
    status = etree.SubElement(etree.SubElement(envelope, ns + "edXMLHeader"), ns + "Status")
    body = permissions.record_body(session, directive_id) if directive_id is not None else None
    office = org.body_office(session, body) if body is not None else org.tracking_office(session)

    def add(parent, name: str, text: str | None) -> etree._Element:
        child = etree.SubElement(parent, ns + name)
        child.text = text or ""
        return child

    response_for = etree.SubElement(status, ns + "ResponseFor")
    add(response_for, "OrganId", target.organ_id)
    add(response_for, "Code", target.symbol)
    add(response_for, "PromulgationDate", target.issued_on.strftime("%Y/%m/%d") if target.issued_on else "")
    add(response_for, "DocumentId", target.document_id)
    origin = etree.SubElement(status, ns + "From")
    add(origin, "OrganId", office.agency_code if office else "")
    add(origin, "OrganName", office.name if office else "")
    add(status, "StatusCode", code)
    add(status, "Description", description or STATUS_NAMES[code])
    add(status, "Timestamp", at.astimezone(clock.VN_TZ).strftime("%Y/%m/%d %H:%M:%S"))
    etree.SubElement(envelope, ns + "edXMLBody")
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8").decode()


_TOUCHED = "dondoc.edxml_touched"


@event.listens_for(Session, "before_flush")
def _note_touched(session: Session, _context, _instances) -> None:
    """Directives (of edXML documents) whose state may have reached a status the sender is told."""
    found = touched_objects(session)
    if found:
        session.info.setdefault(_TOUCHED, set()).update(found)


@event.listens_for(Session, "before_commit")
def _enqueue(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        session.flush()
        for directive_id in directive_ids(session, touched):
            follow(session, directive_id)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
