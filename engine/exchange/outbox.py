"""Status messages sent back to the sender of an edXML document (QCVN 102:2016 Status):
03 when the office registers the directive, 04 when its tasks are assigned, 05 when a unit
reports progress, 06 when every task is done. Each is queued once, in the transaction that
reaches it (engine.exchange.models), and the scheduler POSTs it to `edxml_status_endpoint`
until the hub answers 2xx — with backoff between tries and the same X-Message-Id every time,
so that the hub keeps it once however often it arrives."""
from __future__ import annotations

import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lxml import etree
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine import clock
from engine.directives.models import Assignment, AssignmentStatus, Directive, DirectiveStatus
from engine.exchange.models import StatusMessage
from engine.imports.edxml import STATUS_NAMES
from engine.org import service as org

log = logging.getLogger(__name__)
NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(minutes=1)
BATCH = 100
_ENDED = (DirectiveStatus.REVOKED, DirectiveStatus.REPLACED)


def touched_objects(session: Session) -> list:
    return [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Directive | Assignment)]


def directive_ids(session: Session, objects) -> list[int]:
    ids = {obj.id if isinstance(obj, Directive) else obj.directive_id for obj in objects}
    return sorted(i for i in ids if i is not None)


def reached(session: Session, directive: Directive) -> list[str]:
    """The status codes the directive has reached."""
    if directive.status in _ENDED:
        return []
    tasks = session.scalars(select(Assignment).where(Assignment.directive_id == directive.id,
                                                     Assignment.parent_id.is_(None))).all()
    codes = ["03"]
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
    queued = set(session.scalars(select(StatusMessage.status_code)
                                 .where(StatusMessage.directive_id == directive_id)))
    for code in reached(session, directive):
        if code not in queued:
            now = clock.now()
            session.add(StatusMessage(message_id=uuid.uuid4().hex, directive_id=directive_id, status_code=code,
                                      body=status_body(session, directive, sender, code, now), created_at=now,
                                      attempts=0, next_attempt_at=now))
    session.flush()


def status_body(session: Session, directive: Directive, sender: dict, code: str, at: datetime) -> str:
    """The edXML status message: which document (ResponseFor), from whom (the tracking office,
    by its agency identifier), what status and when."""
    ns = f"{{{NAMESPACE}}}"
    envelope = etree.Element(ns + "edXMLEnvelope", nsmap={"edXML": NAMESPACE})
    status = etree.SubElement(etree.SubElement(envelope, ns + "edXMLHeader"), ns + "Status")
    office = org.tracking_office(session)

    def add(parent, name: str, text: str | None) -> etree._Element:
        child = etree.SubElement(parent, ns + name)
        child.text = text or ""
        return child

    target = etree.SubElement(status, ns + "ResponseFor")
    add(target, "OrganId", sender.get("organ_id"))
    add(target, "Code", directive.symbol)
    add(target, "PromulgationDate", directive.issued_on.strftime("%Y/%m/%d"))
    add(target, "DocumentId", directive.source_document_id)
    origin = etree.SubElement(status, ns + "From")
    add(origin, "OrganId", office.agency_code if office else "")
    add(origin, "OrganName", office.name if office else "")
    add(status, "StatusCode", code)
    add(status, "Description", STATUS_NAMES[code])
    add(status, "Timestamp", at.astimezone(clock.VN_TZ).strftime("%Y/%m/%d %H:%M:%S"))
    etree.SubElement(envelope, ns + "edXMLBody")
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8").decode()


# ---------------------------------------------------------------- delivery
@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0


def deliver_due(db, settings, moment: datetime | None = None) -> Delivery:
    """POST every due status message once; a failed one is tried again after 1, 2, 4… minutes
    (at most an hour). Nothing happens while `edxml_status_endpoint` is unset."""
    result = Delivery()
    if not settings.edxml_status_endpoint:
        return result
    now = moment or clock.now()
    with db.session() as session:
        due = session.scalars(select(StatusMessage.id).where(
            StatusMessage.delivered_at.is_(None), StatusMessage.next_attempt_at <= now)
            .order_by(StatusMessage.id).limit(BATCH)).all()
    for message_id in due:
        claimed = _claim(db, message_id, settings.edxml_status_lease_seconds)
        if claimed is None:
            continue
        error = _post(settings.edxml_status_endpoint, claimed, settings.edxml_status_timeout_seconds)
        _settle(db, message_id, error, now)
        result.sent += error is None
        result.failed += error is not None
    return result


def _claim(db, message_id: int, lease_seconds: int) -> StatusMessage | None:
    """The message, leased to this scheduler; None when another one holds it or sent it."""
    wall = datetime.now(UTC)
    with db.session() as session:
        taken = session.execute(update(StatusMessage).where(
            StatusMessage.id == message_id, StatusMessage.delivered_at.is_(None),
            or_(StatusMessage.leased_until.is_(None), StatusMessage.leased_until < wall))
            .values(leased_until=wall + timedelta(seconds=lease_seconds))).rowcount
        if not taken:
            return None
        message = session.get_one(StatusMessage, message_id)
        session.expunge(message)
        return message


def _post(endpoint: str, message: StatusMessage, timeout: float) -> str | None:
    """None when the hub took it, else what went wrong."""
    request = urllib.request.Request(endpoint, data=message.body.encode(), method="POST", headers={
        "Content-Type": "application/xml; charset=utf-8", "X-Message-Id": message.message_id})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured endpoint)
            response.read()
        return None
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))


def _settle(db, message_id: int, error: str | None, now: datetime) -> None:
    with db.session() as session:
        message = session.get_one(StatusMessage, message_id)
        message.attempts += 1
        message.leased_until = None
        if error is None:
            message.delivered_at, message.last_error = clock.now(), None
            return
        message.last_error = error[:1000]
        message.next_attempt_at = now + min(FIRST_BACKOFF * 2 ** (message.attempts - 1), MAX_BACKOFF)
        log.warning("edXML status %s of directive %s not delivered (%s); next try at %s", message.status_code,
                    message.directive_id, error, message.next_attempt_at)
