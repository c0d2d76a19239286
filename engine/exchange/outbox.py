"""Delivery of the edXML status messages queued for documents' senders (engine.exchange.models):
the scheduler POSTs each to `edxml_status_endpoint` until the hub answers 2xx, with backoff
between tries and the same X-Message-Id every time, so that the hub keeps it once however
often it arrives."""
from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update

from engine import clock
from engine.exchange.models import StatusMessage

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
FIRST_BACKOFF = timedelta(minutes=1)
BATCH = 100


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
