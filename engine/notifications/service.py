"""Writing notifications in the step's transaction (the outbox), and each person's inbox.

A notification is a row written by the step that causes it, so it commits (or not)
together with the workflow state; e-mail goes out later from the outbox
(engine.notifications.mail), never inside the user's submission.
"""
from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from engine import clock, translation
from engine.db import rowcount
from engine.directives.models import Assignment, Directive
from engine.notifications.models import EmailStatus, Notification
from engine.org import permissions
from engine.org.models import Unit, User

_TEMPLATES_FILE = Path(__file__).with_name("templates.toml")
_JINJA = SandboxedEnvironment(autoescape=False, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def templates() -> dict[str, dict[str, str]]:
    with _TEMPLATES_FILE.open("rb") as fh:
        return tomllib.load(fh)


def word(name: str) -> str:
    """A word the templates are filled with (templates.toml `[words]`); '' for one it does not hold."""
    return templates()["words"].get(name, "")


def render(kind: str, part: str, **context) -> str:
    """Render the `part` ('subject' or 'body') of the template for `kind` (falls back to
    the default template)."""
    source = templates().get(kind, {}).get(part) or templates()["default"][part]
    return _compiled(source).render(**context).strip()


@lru_cache(maxsize=128)
def _compiled(source: str) -> Template:
    """Compiling is most of rendering's cost (a backlog of a thousand mails is rendered at once)."""
    return _JINJA.from_string(source)


def message_context(session: Session, directive: Directive | None, assignment: Assignment | None,
                    **extra) -> dict:
    """What a template may name. A secret assignment's content stays out of messages, even
    to those who may read it (mail leaves the system), and so does what its unit wrote (`reason`)."""
    unit = session.get(Unit, assignment.lead_unit_id) if assignment and assignment.lead_unit_id else None
    deadline = assignment.deadline.strftime("%d/%m/%Y") if assignment and assignment.deadline else word("no_deadline")
    secret = assignment is None or permissions.is_secret(session, permissions.ASSIGNMENT, assignment.id)
    return {
        "symbol": directive.symbol if directive else "", "summary": directive.summary if directive else "",
        "content": "" if secret or assignment is None else assignment.content,
        "seq": assignment.seq if assignment else "", "unit": unit.name if unit else "", "deadline": deadline,
        "urgency_label": word(assignment.urgency) if assignment else "",
        "days_late": 0, **extra, "reason": "" if secret else extra.get("reason", ""),
    }


def said_key(base: str, *said: str) -> str:
    """The dedup key `base`, told apart by what the message says: a message saying something
    else (another reason) is not collapsed into an unread one."""
    text = "\n".join(said)
    return f"{base}:{hashlib.sha256(text.encode()).hexdigest()[:16]}" if text.strip() else base


def notify_users(session: Session, users: list[User], kind: str, *, directive: Directive | None,
                 assignment: Assignment | None, body: str | None = None, link: str | None = None,
                 dedup_key: str | None = None, **context) -> list[Notification]:
    """Write one notification per user (each user once) who may see the assignment (or the
    directive) it is about, unless an unread one with the same `dedup_key` already says the
    same. E-mail status follows the person's preference."""
    users = _allowed(session, users, directive, assignment)
    values = message_context(session, directive, assignment, **context)
    subject = render(kind, "subject", **values)[:255]
    body = body or render(kind, "body", **values)
    link = link or (f"/assignments/{assignment.id}" if assignment else
                    f"/directives/{directive.id}" if directive else None)
    told = {u.id: u for u in users}
    keys = {user_id: f"{dedup_key}:{user_id}" for user_id in told} if dedup_key else {}
    unread = _unread_keys(session, list(keys.values()))
    created = []
    for user in told.values():
        key = keys.get(user.id)
        if key in unread:
            continue
        note = Notification(user_id=user.id, kind=kind, subject=subject, body=body, link=link,
                            directive_id=directive.id if directive else None,
                            assignment_id=assignment.id if assignment else None, dedup_key=key,
                            created_at=clock.now(), next_attempt_at=clock.now(), attempts=0,
                            email_status=_mail_status(user))
        session.add(note)
        created.append(note)
    session.flush()
    return created


def told_people(session: Session, told: list[tuple[User, Notification]]) -> list[dict]:
    """Each person told, as a history entry keeps them: their unit and full name as they are today, and
    whether a mail goes to them."""
    named = select(Unit.id, Unit.name).where(Unit.id.in_({person.unit_id for person, _note in told}))
    units = {unit_id: name for unit_id, name in session.execute(named)}
    return [{"unit": units.get(person.unit_id, ""), "name": person.full_name,
             "mail": note.email_status != EmailStatus.SKIPPED} for person, note in told]


def _unread_keys(session: Session, keys: list[str]) -> set[str]:
    """Those of the dedup `keys` an unread notification holds, in one statement for all recipients."""
    if not keys:
        return set()
    return set(session.scalars(select(Notification.dedup_key).where(Notification.dedup_key.in_(keys),
                                                                    Notification.read_at.is_(None))))


def _allowed(session: Session, users: list[User], directive: Directive | None,
             assignment: Assignment | None) -> list[User]:
    if assignment is not None:
        return permissions.who_may_see(session, users, permissions.ASSIGNMENT, assignment.id)
    if directive is not None:
        return permissions.who_may_see(session, users, permissions.DIRECTIVE, directive.id)
    return users


def _mail_status(user: User) -> EmailStatus:
    if not user.email:
        return EmailStatus.SKIPPED
    return EmailStatus.DIGEST if user.email_digest else EmailStatus.PENDING


# ---------------------------------------------------------------- the inbox
# What a notification says instead of its own text once its reader may no longer see what it is
# about (their unit moved, the task went to another unit, the directive became secret to them): a
# msgid of the catalogue (engine.translation), "Anh/Chị …" in Vietnamese.
WITHHELD = "You may no longer see what this is about."


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it now: its own text and link while they may see what
    it is about (the assignment's page's rule), else the WITHHELD line, neither link nor directive,
    and never unread (the badge does not count it)."""

    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    directive_id: int | None
    created_at: datetime
    unread: bool

    @classmethod
    def of(cls, note: Notification, seen: bool) -> Shown:
        if not seen:
            return cls(note.id, "withheld", translation.translate(WITHHELD), "", None, None, note.created_at, False)
        return cls(note.id, note.kind, note.subject, note.body, note.link, note.directive_id, note.created_at,
                   note.read_at is None)


def seen_clause(session: Session, user: User) -> ColumnElement[bool]:
    """SQL: the notifications about something `user` may see now (or about nothing in particular):
    the rule of engine.org.permissions, read when the notification is shown or mailed, not only
    when it was written."""
    return permissions.record_seen_clause(session, user, directive_id=Notification.directive_id,
                                          assignment_id=Notification.assignment_id)


def inbox(session: Session, user: User, *, unread_only: bool = False, limit: int = 50,
          offset: int = 0) -> list[Shown]:
    """`user`'s notifications, newest first, in one query (each row's right to its content in it)."""
    seen = seen_clause(session, user)
    query = select(Notification, seen).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None), seen)
    rows = session.execute(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                           .limit(limit).offset(offset))
    return [Shown.of(note, bool(visible)) for note, visible in rows]


def unread_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None), seen_clause(session, user))) or 0


def open_note(session: Session, user: User, notification_id: int) -> Shown | None:
    """Mark `user`'s notification read and return it as shown (its link only while they may see
    what it is about); None when it is not theirs."""
    row = session.execute(select(Notification, seen_clause(session, user)).where(
        Notification.id == notification_id, Notification.user_id == user.id)).first()
    if row is None:
        return None
    mark_read(session, user.id, notification_id)
    return Shown.of(row[0], bool(row[1]))


def mark_read(session: Session, user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) unread notification of `user_id` read; a person
    can never touch another's notifications. Returns how many changed."""
    query = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return rowcount(session.execute(query.values(read_at=clock.now())))


def set_digest(session: Session, user_id: int, digest: bool) -> None:
    """One mail a day (digest) or one mail per notification. Notifications still waiting
    follow the new choice."""
    old, new = (EmailStatus.PENDING, EmailStatus.DIGEST) if digest else (EmailStatus.DIGEST, EmailStatus.PENDING)
    session.execute(update(User).where(User.id == user_id).values(email_digest=digest))
    session.execute(update(Notification).where(Notification.user_id == user_id, Notification.email_status == old)
                    .values(email_status=new, next_attempt_at=clock.now()))
