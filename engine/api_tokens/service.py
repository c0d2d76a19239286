"""Creating, revoking and checking API tokens; remembering answers to idempotent calls."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, joinedload

from engine import audit, clock
from engine.api_tokens.models import ApiToken, IdempotencyKey
from engine.audit.models import AuditEntry
from engine.db import Database, rowcount
from engine.errors import Conflict, EngineError, NotFound
from engine.forms import FormValidationError, Message
from engine.org import accounts, permissions
from engine.org.models import User

TOKEN_PREFIX = "ddk_"
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenError(EngineError):
    pass


class KeyReused(Conflict):
    """An Idempotency-Key sent again with a different request."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, name: str, actor: User | None = None,
                 reason: str | None = None) -> tuple[ApiToken, str]:
    """A new token for `username`; returns the row and the token, which is never stored. A
    user making one for someone else (who could then act as them) must give `reason`, which is
    kept and shown to that person on their security page."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise TokenError("No active user %(name)s.", name=username)
    if not name.strip():
        raise TokenError("A token needs a name saying what uses it.")
    reason = (reason or "").strip() or None
    if actor is not None and actor.id != user.id and reason is None:
        raise FormValidationError({"reason": Message(
            "A token for another user needs a reason; that user will see it.")})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip()[:128], token_hash=_digest(token), prefix=token[:12],
                   created_at=clock.now(), created_by=getattr(actor, "id", None), reason=reason)
    session.add(row)
    session.flush()
    audit.record(session, "api_token.created", "api_token", row.id, actor=actor,
                 after={"user": user.full_name, "name": row.name, "reason": reason})
    return row, token


def revoke_token(session: Session, token_id: int, actor: User | None = None,
                 action: str = "api_token.revoked") -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("No API token %(id)s.", id=token_id)
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record(session, action, "api_token", row.id, actor=actor, after={"name": row.name})
    return row


def change_password(session: Session, user_id: int, password: str, actor: User | None) -> User:
    """A new password (engine.org.accounts.set_password: every session ends) also revokes
    every API token of the user: whoever held the old password may have made one."""
    user = accounts.set_password(session, user_id, password, actor)
    _revoke_all(session, user_id, actor, "api_token.revoked_with_password")
    return user


def set_active(session: Session, user_id: int, active: bool, actor: User) -> User:
    """Deactivating an account (engine.org.accounts.set_active: every session ends) also revokes
    its API tokens: reactivated, it would bring every token made before back, a leaked one too."""
    user = accounts.set_active(session, user_id, active, actor)
    if not active:
        _revoke_all(session, user_id, actor, "api_token.revoked_with_deactivation")
    return user


def _revoke_all(session: Session, user_id: int, actor: User | None, action: str) -> None:
    for row in session.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))):
        revoke_token(session, row.id, actor, action=action)


@dataclass
class TokenView:
    """One token as its owner's security page shows it: who made it and why."""

    token: ApiToken
    created_by: str | None  # full name


def tokens_of(session: Session, user_id: int) -> list[TokenView]:
    maker = aliased(User)
    rows = session.execute(select(ApiToken, maker.full_name).outerjoin(maker, maker.id == ApiToken.created_by)
                           .where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc()))
    return [TokenView(token, name) for token, name in rows]


def list_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    rows = session.execute(select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
                           .order_by(ApiToken.id))
    return [(token, username) for token, username in rows]


def well_formed(token: str) -> bool:
    """Whether `token` could be one of ours at all (checked before any database work)."""
    return token.startswith(TOKEN_PREFIX)


def authenticate(db: Database, token: str) -> User | None:
    """The active user owning an unrevoked `token` (with their unit), or None: one SELECT,
    read in the caller's transaction when one is open (an idempotent call's), else without
    the write lock. The token's last use is written only every few minutes."""
    if not well_formed(token):
        return None
    with db.reading() as session:
        found = session.execute(_OWNER.params(digest=_digest(token))).first()
    if found is None or not permissions.account_in_force(found[0]):  # its unit closed: the account ended with it
        return None
    user, token_id, last_used_at = found
    now = clock.now()
    if last_used_at is None or now - last_used_at > LAST_USED_PRECISION:
        with db.session() as session:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return user


# The token's active owner, their unit (loaded for the request) and the token's bookkeeping.
_OWNER = (select(User, ApiToken.id, ApiToken.last_used_at).join(ApiToken, ApiToken.user_id == User.id)
          .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None), User.active)
          .options(joinedload(User.unit, innerjoin=True)))


def account_history(session: Session, user_id: int) -> list[tuple[AuditEntry, str]]:
    """What happened to a user's account and tokens (created, changed, password, throttled,
    tokens made and revoked), newest first, with who did it (full name, or "system")."""
    token_ids = [str(i) for i in session.scalars(select(ApiToken.id).where(ApiToken.user_id == user_id))]
    about = or_((AuditEntry.object_type == "user") & (AuditEntry.object_id == str(user_id)),
                (AuditEntry.object_type == "api_token") & AuditEntry.object_id.in_(token_ids))
    rows = session.execute(select(AuditEntry, User.full_name).outerjoin(User, User.id == AuditEntry.actor_id)
                           .where(about).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(200))
    return [(entry, name or entry.actor_name) for entry, name in rows]


# ---------------------------------------------------------------- idempotency keys
@dataclass
class Replay:
    status_code: int
    response: dict | list | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def reserve_key(session: Session, user_id: int, key: str, print_: str) -> Replay | None:
    """Take `key` for this request inside the caller's unit of work, which also holds the
    request's effect and, at its end, its answer (`store_answer`): the key, the effect and the
    answer commit together or not at all, so a retry after any failure either replays the
    answer or runs for the first time. Returns the stored answer when the same request was
    answered already; raises KeyReused when the key was used for a different request.

    A twin request running at the same moment waits for this one (PostgreSQL: on the key's
    unique index; SQLite: on the write lock) and then replays its answer. The key is taken by
    one INSERT that does nothing on a taken key (no read first, no savepoint)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    taken = (dialect.insert(IdempotencyKey).values(user_id=user_id, key=key, fingerprint=print_, created_at=clock.now())
             .on_conflict_do_nothing().returning(IdempotencyKey.id))  # a row only when inserted
    if session.scalar(taken) is not None:
        return None
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    assert row is not None  # the conflicting key was committed (a twin's waits until it is), so it stays
    if row.fingerprint != print_:
        raise KeyReused("This Idempotency-Key was already used for a different request.")
    assert row.status_code is not None  # a key commits with its answer
    return Replay(row.status_code, row.response)


def store_answer(session: Session, user_id: int, key: str, status_code: int, response: dict | list | None) -> None:
    """Keep the answer of the request that reserved `key`, for its retries."""
    session.execute(update(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
                    .values(status_code=status_code, response=response))


def purge_keys(db: Database, kept_for: timedelta) -> int:
    """Forget the answers older than `kept_for`; a retry after that runs again. Returns how many."""
    with db.session() as session:
        stale = delete(IdempotencyKey).where(IdempotencyKey.created_at < clock.now() - kept_for)
        return rowcount(session.execute(stale))
