"""E-mail from the outbox, after commit: immediate mails and daily digests.

Each mail row is claimed with a conditional UPDATE (a lease on `next_attempt_at`), so two
scheduler processes never send the same mail; one that dies mid-send leaves a lease that
expires and the mail is sent again (at least once, never lost). A failed attempt is
logged and retried with exponential backoff; after MAX_ATTEMPTS the row is marked
`failed` with its error, still in the person's in-app list.
"""
from __future__ import annotations

import contextlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engine import clock
from engine.config import Settings
from engine.db import Database
from engine.notifications.models import MailDigest, Notification
from engine.notifications.service import render
from engine.org.models import User

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
LEASE = timedelta(minutes=5)  # a claimed mail not settled by then is someone else's to send
BATCH = 200


@dataclass
class MailResult:
    sent: int = 0
    failed: int = 0
    digests: int = 0


class Mailer:
    """One SMTP connection, opened when the first mail of a batch goes out."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, to: str, subject: str, body: str, reference: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.smtp_sender
        message["To"] = to
        message["Subject"] = subject
        message["X-Dondoc-Ref"] = reference  # which outbox row: traces a mail back
        message.set_content(body)
        self._connection().send_message(message)

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=15)
            if self.settings.smtp_starttls:
                smtp.starttls()
            if self.settings.smtp_user:
                smtp.login(self.settings.smtp_user, self.settings.smtp_password)
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # dropped anyway
                self._smtp.quit()
            self._smtp = None


def send_due_mail(db: Database, settings: Settings, moment: datetime | None = None) -> MailResult:
    """Build today's digests when their hour has come, then send every mail that is due."""
    moment = moment or clock.now()
    result = MailResult()
    if not settings.smtp_host:
        return result  # mail is off; notifications stay in the application
    result.digests = build_digests(db, settings, moment)
    mailer = Mailer(settings)
    try:
        for model in (Notification, MailDigest):
            for row_id in _due_ids(db, model, moment):
                if not _claim(db, model, row_id, moment):
                    continue
                outcome = _deliver(db, settings, mailer, model, row_id, moment)
                result.sent += outcome == "sent"
                result.failed += outcome != "sent"
                if outcome == "unreachable":
                    return result  # the rest waits for the next tick, not a timeout each
    finally:
        mailer.close()
    return result


def _due_ids(db: Database, model, moment: datetime) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(model.id).where(model.email_status == "pending",
                                                           model.next_attempt_at <= moment)
                                    .order_by(model.next_attempt_at).limit(BATCH)))


def _claim(db: Database, model, row_id: int, moment: datetime) -> bool:
    """Take the row for LEASE; False when another process holds or settled it."""
    with db.session() as session:
        claimed = session.execute(update(model).where(model.id == row_id, model.email_status == "pending",
                                                      model.next_attempt_at <= moment)
                                  .values(next_attempt_at=moment + LEASE)).rowcount
    return claimed == 1


def _deliver(db: Database, settings: Settings, mailer: Mailer, model, row_id: int, moment: datetime) -> str:
    """Send one claimed row and record the outcome: "sent", "failed" (the server refused
    it) or "unreachable". No transaction stays open while the SMTP server talks, and each
    starts with its write (SQLite: no lock upgrade under a concurrent writer)."""
    with db.session() as session:
        row = session.get(model, row_id)
        user = session.get(User, row.user_id)
        subject, body = _compose(session, settings, row, user)
        user_id, attempts, email = row.user_id, row.attempts + 1, user.email
    if not email:  # the address was removed since
        _record(db, model, row_id, email_status="skipped")
        return "failed"
    try:
        mailer.send(formataddr((user.full_name, email)), subject, body, f"{model.__tablename__}/{row_id}")
    except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:  # this mail, not the server
        _record(db, model, row_id, **_failure(model, row_id, user_id, attempts, exc, moment))
        return "failed"
    except (smtplib.SMTPException, OSError) as exc:
        mailer.close()
        _record(db, model, row_id, **_failure(model, row_id, user_id, attempts, exc, moment))
        return "unreachable"
    _record(db, model, row_id, email_status="sent", sent_at=clock.now(), attempts=attempts, last_error=None)
    return "sent"


def _record(db: Database, model, row_id: int, **values) -> None:
    with db.session() as session:
        session.execute(update(model).where(model.id == row_id).values(**values))


def _failure(model, row_id: int, user_id: int, attempts: int, exc: Exception, moment: datetime) -> dict:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    what = f"mail {model.__tablename__}/{row_id} to user {user_id}"
    if attempts >= MAX_ATTEMPTS:
        log.error("%s given up after %s attempts: %s", what, attempts, error)
        return {"email_status": "failed", "attempts": attempts, "last_error": error}
    retry_at = moment + retry_delay(attempts)
    log.warning("%s failed (attempt %s, retry at %s): %s", what, attempts, retry_at.isoformat(), error)
    return {"attempts": attempts, "last_error": error, "next_attempt_at": retry_at}


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _compose(session, settings: Settings, row, user: User) -> tuple[str, str]:
    base = settings.base_url.rstrip("/")
    if isinstance(row, Notification):
        body = render("mail_single", "body", recipient=user.full_name, body=row.body,
                      link=f"{base}{row.link or '/notifications'}", base_url=base)
        return row.subject, body
    notes = list(session.scalars(select(Notification).where(Notification.id.in_(row.notification_ids))
                                 .order_by(Notification.created_at)))
    values = {"recipient": user.full_name, "day": row.day.strftime("%d/%m/%Y"), "count": len(notes),
              "base_url": base, "notes": [{"subject": n.subject, "link": f"{base}{n.link or '/notifications'}"}
                                          for n in notes]}
    return render("mail_digest", "subject", **values), render("mail_digest", "body", **values)


# ---------------------------------------------------------------- daily digests
def build_digests(db: Database, settings: Settings, moment: datetime) -> int:
    """From the digest hour on, gather each digest person's notifications written before
    that hour into that day's one MailDigest. Returns how many were built."""
    local = moment.astimezone(clock.VN_TZ)
    cutoff = datetime.combine(local.date(), time(settings.mail_digest_hour), tzinfo=clock.VN_TZ)
    if local < cutoff:
        return 0
    with db.session() as session:
        user_ids = list(session.scalars(select(Notification.user_id).where(
            Notification.email_status == "digest", Notification.created_at < cutoff).distinct()))
    return sum(_build_digest(db, user_id, cutoff, moment) for user_id in user_ids)


class _NothingToDigest(Exception):
    pass


def _build_digest(db: Database, user_id: int, cutoff: datetime, moment: datetime) -> bool:
    """Insert the day's digest row first (a write first: the unique (user, day) pair
    decides between two schedulers), then take the waiting notifications into it."""
    try:
        with db.session() as session:
            digest = MailDigest(user_id=user_id, day=cutoff.date(), notification_ids=[], created_at=moment,
                                email_status="pending", attempts=0, next_attempt_at=moment)
            session.add(digest)
            session.flush()
            ids = list(session.scalars(select(Notification.id).where(
                Notification.user_id == user_id, Notification.email_status == "digest",
                Notification.created_at < cutoff)))
            if not ids:
                raise _NothingToDigest
            digest.notification_ids = ids
            session.execute(update(Notification).where(Notification.id.in_(ids))
                            .values(email_status="in_digest"))
        return True
    except (IntegrityError, _NothingToDigest):
        return False  # today's digest is built already (the rest waits for tomorrow's), or empty
