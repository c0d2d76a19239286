"""E-mail from the outbox, after commit: immediate mails, catch-up mails and daily digests.

Claims. A mail row is claimed just before it is sent, one row at a time, by a conditional
UPDATE writing a random fencing token (`claim_token`) and the claim's time (`claimed_at`, wall
clock, for people; `claim_clocks`, below). Recording the outcome (sent, skipped, or failed with
a retry time) is an UPDATE conditional on that token, and ends the claim: a claimer whose lease
ran out and whose mail another scheduler took cannot overwrite that one's outcome, and then
does not send the mail (see "Exactly once").

The lease (`mail_lease_seconds`) counts from the claim itself, on clocks a jump cannot move.
The wall clock (an NTP step, a VM restored from a snapshot, the testing clock) may jump by
minutes or days while a mail is in flight; a lease compared with it (or with the database
server's clock, another wall clock; SQLite has none) would hand that mail to a second scheduler
at once. So a claim keeps `claim_clocks`: for each machine that has seen it
(Linux boot id), that machine's monotonic clock (`time.monotonic()`, CLOCK_MONOTONIC: one for
all processes of a boot, never stepped) when it first saw it. The claimer writes its own entry;
a scheduler on another machine adds its machine's entry when it first sees the claim. A machine
retakes a claim only once its monotonic clock has moved on by a whole lease since its entry:
from the claim itself on the claimer's machine, from first sight on others (there a little
later). So one-off runs (`dondoc timers run` from cron) judge a claim as well as long-running
schedulers; a machine that rebooted has a new boot id and counts afresh; without a boot id (not
Linux) each process counts for itself (there only long-running schedulers retake). Two machines
adding their entries at the same moment may lose one; that machine then counts from a later
sight (later, never sooner).

Exactly once. An SMTP server takes a message only when the "." ending its data arrives, and
drops one whose connection closes before that. So the whole message is handed over first, then
the row is recorded as sent (under its claim), and only then is the dot sent. A scheduler
killed before the record leaves no message at the server and its claim is retaken once the
lease has run out: the mail goes out later, once. Killed after the record, the dot is on its
way (the kernel delivers what was written): the mail goes out, once. A claim taken over
meanwhile makes the record fail, and the old claimer closes the connection without the dot. The
one way left to lose a mail is the server failing between the dot and its answer; to send one
twice, a server that dropped the connection after taking the message without answering (both
logged). The lease must outlast one SMTP exchange (each of its steps times out after 15 s).

Runs. Each tick builds the day's digests and the catch-up mails, then takes batches of due
mail until none is left or `mail_run_seconds` have passed (the rest waits for the next tick,
so a slow SMTP server does not hold the timers back); an unreachable server ends the run (one
connection timeout, not one per mail). A refused mail is logged and retried with exponential
backoff; after MAX_ATTEMPTS the row is `failed` with its error, still in the person's in-app
list.

Who may still read it. A mail says only what its reader may see when it is sent (the rule of
engine.org.permissions, as their list in the application): a notification about a task their unit
no longer does, or that became secret to them, is not sent (skipped), and a digest leaves it out.

Catch-up. A person with more than `mail_catchup_threshold` immediate mails due at once (a
backlog after downtime, a burst of work) gets ONE mail listing them (a MailDigest without a
day) instead of one each; the notifications stay in their in-app list one by one. People who
chose the digest get theirs once a day, from `mail_digest_hour`.
"""
from __future__ import annotations

import contextlib
import logging
import re
import secrets
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from functools import lru_cache
from pathlib import Path
from time import monotonic
from typing import cast

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from engine import clock
from engine.config import Settings
from engine.db import Database, rowcount
from engine.directives.models import Directive
from engine.notifications.models import EmailStatus, MailDigest, Notification
from engine.notifications.service import render, seen_clause
from engine.org.models import User

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
BATCH = 200  # rows read at a time; a run takes batches while mail is due
LISTED = 100  # notifications listed in one digest or catch-up mail (the rest: a count and the link)
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
_LEADING_DOT = re.compile(rb"(?m)^\.")  # SMTP doubles a dot that starts a line of the data
_USER_ROW = select(User).where(User.id == bindparam("user_id"))
Mailed = type[Notification | MailDigest]  # the two kinds of row sent by mail
Due = tuple[Mailed, int, str | None]  # a row to send: its kind, its id, the expired claim it is under


@dataclass
class MailResult:
    sent: int = 0
    failed: int = 0
    digests: int = 0
    catchups: int = 0


class AnswerLost(Exception):
    """The message went out whole, dot included, and the server left without answering: it
    most likely took it. The row stays recorded as sent."""


@dataclass(frozen=True)
class _Claim:
    """A row this process holds: its token fences the outcome it records."""

    model: Mailed
    row_id: int
    token: str

    @property
    def ref(self) -> str:
        return f"{self.model.__tablename__}/{self.row_id}"


@lru_cache(maxsize=1)
def machine_id() -> str:
    """Who shares this process's monotonic clock: the processes of this boot (Linux boot id),
    elsewhere this process alone."""
    try:
        return _BOOT_ID.read_text(encoding="ascii").strip()
    except OSError:
        return f"process-{uuid.uuid4()}"


class Mailer:
    """One SMTP connection, opened when the first mail of a run goes out."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, to: str, subject: str, body: str, reference: str, written: datetime,
             before_end: Callable[[], bool]) -> bool:
        """Send one mail; `before_end` records it as sent first (see "Exactly once" in the
        module doc). False, and nothing delivered, when `before_end` declines."""
        message = EmailMessage()
        message["From"] = self.settings.smtp_sender
        message["To"] = to
        # encoded here, each folded line's words with their spaces inside it: the policy's own folding
        # leaves a space between two encoded words outside both, where readers drop it ("vănbản")
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())
        message["X-Dondoc-Ref"] = reference  # which outbox row: traces a mail back
        # The same for every copy of the row's mail (one sent again after a crash), so mail
        # stores that recognise a Message-ID they hold show it once.
        domain = parseaddr(self.settings.smtp_sender)[1].rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<{reference.replace('/', '.')}.{written:%Y%m%d%H%M%S}@{domain}>"
        message.set_content(body)
        return self._deliver(self._connection(), message, before_end)

    def _deliver(self, smtp: smtplib.SMTP, message: EmailMessage, before_end: Callable[[], bool]) -> bool:
        """SMTP's MAIL, RCPT and DATA, holding back the "." that ends the data until
        `before_end` has returned True: a server takes a message only when that dot arrives,
        and drops one whose connection closes before it."""
        smtp.ehlo_or_helo_if_needed()
        sender, recipient = parseaddr(message["From"])[1], parseaddr(message["To"])[1]
        code, reply = smtp.mail(sender)
        if code != 250:
            smtp.rset()
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            smtp.rset()
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        code, reply = smtp.docmd("data")
        if code != 354:
            smtp.rset()
            raise smtplib.SMTPDataError(code, reply)
        data = _LEADING_DOT.sub(b"..", message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        smtp.send(data if data.endswith(b"\r\n") else data + b"\r\n")
        if not before_end():
            self.close()  # the connection ends without the dot: the server drops the message
            return False
        smtp.send(b".\r\n")
        try:
            code, reply = smtp.getreply()
        except smtplib.SMTPServerDisconnected as exc:
            raise AnswerLost(str(exc)) from exc
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
        return True

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
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None


def send_due_mail(db: Database, settings: Settings, moment: datetime | None = None) -> MailResult:
    """Build today's digests when their hour has come and the catch-up mails, then send due
    mail, batch after batch, until none is due or `mail_run_seconds` have passed."""
    result = MailResult()
    if not settings.smtp_host:
        return result  # mail is off; notifications stay in the application
    result.digests = build_digests(db, settings, moment or clock.now())
    result.catchups = build_catchups(db, settings, moment or clock.now())
    run_ends = monotonic() + settings.mail_run_seconds
    mailer = Mailer(settings)
    try:
        while monotonic() < run_ends and (due := _due(db, settings, moment or clock.now())):
            if not _send_batch(db, settings, mailer, due, moment or clock.now(), run_ends, result):
                break
    finally:
        mailer.close()
    return result


def _send_batch(db: Database, settings: Settings, mailer: Mailer, due: list[Due], now: datetime, run_ends: float,
                result: MailResult) -> bool:
    """Claim and send each due row in turn. False when the run must end: time is up, or the
    server is unreachable (the rest waits for the next tick, not a timeout each)."""
    for model, row_id, expired_token in due:
        if monotonic() >= run_ends:
            return False
        claim = _claim(db, model, row_id, expired_token, now)
        if claim is None:
            continue  # another scheduler was quicker, or the row was settled meanwhile
        outcome = _deliver(db, settings, mailer, claim, now)
        result.sent += outcome == "sent"
        result.failed += outcome != "sent"
        if outcome == "unreachable":
            return False
    return True


def _unclaimed_due(model: Mailed, now: datetime) -> tuple:
    return model.email_status == EmailStatus.PENDING, model.claim_token.is_(None), model.next_attempt_at <= now


def _due(db: Database, settings: Settings, now: datetime) -> list[Due]:
    """(model, row id, None) for up to BATCH unclaimed rows of each kind due by `now`, and
    (model, row id, token) for claims whose lease has run out on this machine."""
    due: list[Due] = []
    for model in (Notification, MailDigest):
        with db.reading() as session:
            free = session.scalars(select(model.id).where(*_unclaimed_due(model, now))
                                   .order_by(model.next_attempt_at, model.id).limit(BATCH))
            due += [(model, row_id, None) for row_id in free]
            claimed = session.execute(select(model.id, model.claim_token, model.claim_clocks).where(
                model.email_status == EmailStatus.PENDING, model.claim_token.is_not(None)).limit(BATCH)).all()
        due += [(model, row_id, token) for row_id, token, clocks in claimed
                if _lease_over(db, settings, model, row_id, token, clocks or {})]
    return due


def _lease_over(db: Database, settings: Settings, model: Mailed, row_id: int, token: str, clocks: dict) -> bool:
    """Has the claim `token` outlived the lease on this machine's monotonic clock? The first
    sight of a claim made on another machine starts this machine's count."""
    seen = clocks.get(machine_id())
    if seen is not None:
        return monotonic() - seen >= settings.mail_lease_seconds
    with db.session() as session:
        session.execute(update(model).where(model.id == row_id, model.claim_token == token)
                        .values(claim_clocks={**clocks, machine_id(): monotonic()}))
    return False


def _claim(db: Database, model: Mailed, row_id: int, expired_token: str | None, now: datetime) -> _Claim | None:
    """Take the row if it is unclaimed and due, or (`expired_token`) still held by a claim
    whose lease ran out; None when another scheduler was quicker or the row was settled."""
    held = ((model.claim_token == expired_token,) if expired_token else _unclaimed_due(model, now))
    token = secrets.token_hex(16)
    with db.session() as session:
        claimed = rowcount(session.execute(
            update(model).where(model.id == row_id, model.email_status == EmailStatus.PENDING, *held)
            .values(claim_token=token, claimed_at=clock.now(), claim_clocks={machine_id(): monotonic()})))
    return _Claim(model, row_id, token) if claimed == 1 else None


def _deliver(db: Database, settings: Settings, mailer: Mailer, claim: _Claim, now: datetime) -> str:
    """Send one claimed row and record the outcome: "sent", "failed" (the server refused
    it) or "unreachable". No transaction stays open while the SMTP server talks."""
    with db.reading() as session:
        # cast: mypy joins the two row types to their common base, Base
        row = cast(Notification | MailDigest, session.get_one(claim.model, claim.row_id))
        user = session.get_one(User, row.user_id)
        composed = _compose(session, settings, row, user)
        # nobody who left is mailed: an account closed since keeps its address, not its right to read
        email = user.email if user.active else None
        user_id, attempts, written = row.user_id, row.attempts + 1, row.created_at
    if not email or composed is None:  # the address was removed since, the account closed, the right to read lost
        _settle(db, claim, email_status=EmailStatus.SKIPPED)
        return "failed"
    subject, body = composed
    recorded = []

    def record_sent() -> bool:
        recorded.append(_settle(db, claim, email_status=EmailStatus.SENT, sent_at=clock.now(), attempts=attempts,
                                last_error=None))
        return recorded[-1]

    try:
        sent = mailer.send(formataddr((user.full_name, email)), subject, body, claim.ref, written, record_sent)
    except AnswerLost as exc:
        mailer.close()
        log.warning("mail %s: the server left without confirming it; kept as sent: %s", claim.ref, exc)
        return "sent"
    except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:  # this mail, not the server
        _record_failure(db, claim, recorded, _failure(claim, user_id, attempts, exc, now))
        return "failed"
    except (smtplib.SMTPException, OSError) as exc:
        mailer.close()
        _record_failure(db, claim, recorded, _failure(claim, user_id, attempts, exc, now))
        return "unreachable"
    return "sent" if sent else "failed"


def _record_failure(db: Database, claim: _Claim, recorded: list[bool], values: dict) -> None:
    """Record a failed attempt: under the claim, or, when the row was already recorded as sent
    just before the server refused it at the end, over that record (no one else touches a
    sent row)."""
    if not any(recorded):
        _settle(db, claim, **values)
        return
    with db.session() as session:
        session.execute(update(claim.model)
                        .where(claim.model.id == claim.row_id, claim.model.email_status == EmailStatus.SENT)
                        .values(**values, sent_at=None))


def _settle(db: Database, claim: _Claim, **values) -> bool:
    """Record the outcome and end the claim, if the claim is still this process's. False when
    another scheduler took the row over meanwhile."""
    with db.session() as session:
        settled = rowcount(session.execute(update(claim.model).where(
            claim.model.id == claim.row_id, claim.model.claim_token == claim.token)
            .values(**values, claim_token=None, claimed_at=None, claim_clocks=None)))
    if not settled:
        log.warning("mail %s: its lease ran out and another scheduler took it over before this one recorded "
                    "its outcome (%s); this one does not send it", claim.ref, values.get("email_status", "to retry"))
    return bool(settled)


def _failure(claim: _Claim, user_id: int, attempts: int, exc: Exception, now: datetime) -> dict:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    what = f"mail {claim.ref} to user {user_id}"
    if attempts >= MAX_ATTEMPTS:
        log.error("%s given up after %s attempts: %s", what, attempts, error)
        return {"email_status": EmailStatus.FAILED, "attempts": attempts, "last_error": error}
    retry_at = now + retry_delay(attempts)
    log.warning("%s failed (attempt %s, retry at %s): %s", what, attempts, retry_at.isoformat(), error)
    # pending again: the row may have been recorded as sent just before the server refused it
    return {"email_status": EmailStatus.PENDING, "attempts": attempts, "last_error": error, "next_attempt_at": retry_at}


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, at most LONGEST_RETRY."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _compose(session, settings: Settings, row, user: User) -> tuple[str, str] | None:
    """The mail's subject and body, of the notifications in it that `user` may still see (a mail
    queued before their unit moved, or the task went elsewhere, or it became secret to them, says
    nothing of it); None when none is left."""
    base = settings.base_url.rstrip("/")
    ids = [row.id] if isinstance(row, Notification) else row.notification_ids
    notes = list(session.scalars(select(Notification).where(Notification.id.in_(ids), seen_clause(session, user))
                                 .order_by(Notification.created_at, Notification.id)))
    if not notes:
        return None
    if isinstance(row, Notification):
        body = render("mail_single", "body", recipient=user.full_name, body=row.body,
                      link=f"{base}{row.link or '/notifications'}", base_url=base)
        return row.subject, body
    days = [_vn_date(n.created_at) for n in notes]
    listed = [{"subject": n.subject, "day": day, "link": f"{base}{n.link or '/notifications'}"}
              for n, day in zip(notes[:LISTED], days, strict=False)]
    values = {"recipient": user.full_name, "day": row.day and row.day.strftime("%d/%m/%Y"), "count": len(notes),
              "first": days[0], "last": days[-1], "base_url": base, "notes": listed,
              "groups": _by_directive(session, notes[:LISTED], listed)}
    kind = "mail_digest" if row.day else "mail_catchup"
    return render(kind, "subject", **values), render(kind, "body", **values)


def _by_directive(session, notes: list[Notification], listed: list[dict]) -> list[dict]:
    """The digest's notifications grouped by the directive they are about ({"symbol", "notes"};
    symbol "" for the rest, last), each group in the order of its first notification."""
    ids = {n.directive_id for n in notes if n.directive_id}
    symbols = {directive_id: symbol for directive_id, symbol in
               session.execute(select(Directive.id, Directive.symbol).where(Directive.id.in_(ids)))}
    groups: dict[str, list[dict]] = {}
    for note, shown in zip(notes, listed, strict=True):
        groups.setdefault(symbols.get(note.directive_id, ""), []).append(shown)
    return sorted(({"symbol": symbol, "notes": items} for symbol, items in groups.items()),
                  key=lambda group: group["symbol"] == "")


def _vn_date(moment: datetime) -> str:
    return moment.astimezone(clock.VN_TZ).strftime("%d/%m/%Y")


# ---------------------------------------------------------------- catch-up mails
class _NothingToDigest(Exception):
    """Nothing (or too little) to gather: the transaction is rolled back."""


def build_catchups(db: Database, settings: Settings, moment: datetime) -> int:
    """One catch-up mail for each person with more than `mail_catchup_threshold` immediate
    mails due and unclaimed at `moment`. Returns how many were built."""
    threshold = settings.mail_catchup_threshold
    if threshold < 1:
        return 0
    with db.reading() as session:
        user_ids = list(session.scalars(select(Notification.user_id).where(*_unclaimed_due(Notification, moment))
                                        .group_by(Notification.user_id).having(func.count() > threshold)))
    return sum(_build_catchup(db, user_id, threshold, moment) for user_id in user_ids)


def _build_catchup(db: Database, user_id: int, threshold: int, moment: datetime) -> bool:
    """Under the person's row lock (of two schedulers, one builds it), take their unclaimed
    due mails into one catch-up mail, unless other schedulers have taken them meanwhile."""
    try:
        with db.session() as session:
            db.lock(session, _USER_ROW, {"user_id": user_id})
            ids = sorted(session.scalars(
                update(Notification).where(Notification.user_id == user_id, *_unclaimed_due(Notification, moment))
                .values(email_status=EmailStatus.IN_DIGEST).returning(Notification.id)
                .execution_options(synchronize_session=False)))
            if len(ids) <= threshold:
                raise _NothingToDigest
            session.add(MailDigest(user_id=user_id, day=None, notification_ids=ids, created_at=moment,
                                   email_status=EmailStatus.PENDING, attempts=0, next_attempt_at=moment))
    except _NothingToDigest:
        return False
    log.info("%s mails waiting for user %s gathered into one catch-up mail", len(ids), user_id)
    return True


# ---------------------------------------------------------------- daily digests
def build_digests(db: Database, settings: Settings, moment: datetime) -> int:
    """From the digest hour on, gather each digest person's notifications written before
    that hour into that day's one MailDigest. Returns how many were built."""
    local = moment.astimezone(clock.VN_TZ)
    cutoff = datetime.combine(local.date(), time(settings.mail_digest_hour), tzinfo=clock.VN_TZ)
    if local < cutoff:
        return 0
    with db.reading() as session:
        user_ids = list(session.scalars(select(Notification.user_id).where(
            Notification.email_status == EmailStatus.DIGEST, Notification.created_at < cutoff).distinct()))
    return sum(_build_digest(db, user_id, cutoff, moment) for user_id in user_ids)


def _build_digest(db: Database, user_id: int, cutoff: datetime, moment: datetime) -> bool:
    """Insert the day's digest row first (a write first: the unique (user, day) pair
    decides between two schedulers), then take the waiting notifications into it."""
    try:
        with db.session() as session:
            digest = MailDigest(user_id=user_id, day=cutoff.date(), notification_ids=[], created_at=moment,
                                email_status=EmailStatus.PENDING, attempts=0, next_attempt_at=moment)
            session.add(digest)
            session.flush()
            ids = list(session.scalars(select(Notification.id).where(
                Notification.user_id == user_id, Notification.email_status == EmailStatus.DIGEST,
                Notification.created_at < cutoff)))
            if not ids:
                raise _NothingToDigest
            digest.notification_ids = ids
            session.execute(update(Notification).where(Notification.id.in_(ids))
                            .values(email_status=EmailStatus.IN_DIGEST))
        return True
    except (IntegrityError, _NothingToDigest):
        return False  # today's digest is built already (the rest waits for tomorrow's), or empty
