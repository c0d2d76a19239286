"""Creating, revoking and checking API tokens; remembering answers to idempotent calls."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.api_tokens.models import ApiToken, IdempotencyKey
from engine.db import Database, rowcount
from engine.errors import Conflict, EngineError, NotFound
from engine.org.models import User

TOKEN_PREFIX = "ddk_"
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenError(EngineError):
    pass


class KeyReused(Conflict):
    """An Idempotency-Key sent again with a different request."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, username: str, name: str, actor: User | None = None) -> tuple[ApiToken, str]:
    """A new token for `username`; returns the row and the token, which is never stored."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise TokenError("No active user %(name)s.", name=username)
    if not name.strip():
        raise TokenError("A token needs a name saying what uses it.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name.strip()[:128], token_hash=_digest(token), prefix=token[:12],
                   created_at=clock.now(), created_by=getattr(actor, "id", None))
    session.add(row)
    session.flush()
    audit.record(session, "api_token.created", "api_token", row.id, actor=actor,
                 after={"user": username, "name": row.name})
    return row, token


def revoke_token(session: Session, token_id: int, actor: User | None = None) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("No API token %(id)s.", id=token_id)
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        audit.record(session, "api_token.revoked", "api_token", row.id, actor=actor)
    return row


def list_tokens(session: Session) -> list[tuple[ApiToken, str]]:
    rows = session.execute(select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
                           .order_by(ApiToken.id))
    return [(token, username) for token, username in rows]


def authenticate(db: Database, token: str) -> User | None:
    """The active user owning an unrevoked `token`, or None. Read without the write lock; the
    token's last use is written (in a short write of its own) only every few minutes."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with db.reading() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if row is None or row.revoked_at is not None:
            return None
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            return None
        user.unit  # noqa: B018  (loaded for the request, after the session closes)
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        with db.session() as session:
            session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return user


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
    unique index; SQLite: on the write lock) and then replays its answer."""
    row = _key_row(session, user_id, key)
    if row is None:
        try:
            with session.begin_nested():
                session.add(IdempotencyKey(user_id=user_id, key=key, fingerprint=print_, created_at=clock.now()))
            return None
        except IntegrityError:  # a twin committed it while we waited
            row = _key_row(session, user_id, key)
            assert row is not None  # committed, so it stays
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


def _key_row(session: Session, user_id: int, key: str) -> IdempotencyKey | None:
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
