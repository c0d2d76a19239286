"""Creating, revoking and checking API tokens; remembering answers to idempotent calls."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.api_tokens.models import ApiToken, IdempotencyKey
from engine.db import Database
from engine.org.models import User
from engine.runtime.errors import Conflict, EngineError, NotFound

TOKEN_PREFIX = "ddk_"
# A first call that died half-way leaves its key pending; after this long a retry may take it over.
STALE_PENDING = timedelta(minutes=10)
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenError(EngineError):
    pass


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


def authenticate(session: Session, token: str) -> User | None:
    """The active user owning an unrevoked `token`, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        row.last_used_at = now  # not on every call: each write takes the database's write lock
    return user


# ---------------------------------------------------------------- idempotency keys
@dataclass
class Replay:
    status_code: int
    response: dict | list | None


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def claim_key(db: Database, user_id: int, key: str, print_: str) -> Replay | None:
    """Reserve `key` for this request, in its own transaction. Returns the stored answer when
    the same request was already answered; raises Conflict when it is still running or the
    key was used for a different request."""
    with db.session() as session:
        row = _key_row(session, user_id, key)
        if row is not None:
            if row.fingerprint != print_:
                raise Conflict("This Idempotency-Key was already used for a different request.")
            if row.status_code is not None:
                return Replay(row.status_code, row.response)
            if clock.now() - row.created_at < STALE_PENDING:
                raise Conflict("A request with this Idempotency-Key is still being processed.")
            row.created_at = clock.now()
            return None
    try:
        with db.session() as session:
            session.add(IdempotencyKey(user_id=user_id, key=key, fingerprint=print_, created_at=clock.now()))
    except IntegrityError:  # a twin request reserved it a moment ago
        raise Conflict("A request with this Idempotency-Key is still being processed.") from None
    return None


def store_answer(db: Database, user_id: int, key: str, status_code: int, response: dict | list | None) -> None:
    """Keep the answer for replays; a server error frees the key so that a retry runs again."""
    if status_code >= 500:
        release_key(db, user_id, key)
        return
    with db.session() as session:
        row = _key_row(session, user_id, key)
        if row is not None:
            row.status_code, row.response = status_code, response


def release_key(db: Database, user_id: int, key: str) -> None:
    with db.session() as session:
        row = _key_row(session, user_id, key)
        if row is not None and row.status_code is None:
            session.delete(row)


def _key_row(session: Session, user_id: int, key: str) -> IdempotencyKey | None:
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
