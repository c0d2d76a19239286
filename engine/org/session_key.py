"""The key that signs web sessions and form (CSRF) tokens when the deployment sets no `secret_key`.

A key made afresh by each process signed everyone out at every restart, failed every form opened
before it (its CSRF token no longer matched), and on several hosts held a session valid on one
host only. So the deployment makes one key, once, and keeps it in the database: every worker and
host sharing the database signs with it. Two processes making it at once agree on one: the insert
does nothing when a key is there, and both then read the one that is.

Rotating it (`dondoc session-key rotate`) keeps the key it replaces as the previous one: a session
signed with it stays valid until it expires (Flask's SECRET_KEY_FALLBACKS), for at most the sessions'
lifetime after the rotation; `--end-sessions` (a leaked key) keeps none.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import clock
from engine.db import Database
from engine.org.models import DeploymentSecret

SESSION_KEY = "session_key"  # its row in deployment_secrets
PREVIOUS_KEY = "session_key_previous"  # the key a rotation replaced, its created_at the rotation's time
_SECRETS = DeploymentSecret.__table__
_READ = select(DeploymentSecret.value).where(DeploymentSecret.name == SESSION_KEY)


def session_key(db: Database) -> str:
    """The deployment's key, made on the first call any process makes."""
    with db.reading() as session:
        key = session.scalar(_READ)
    if key is not None:
        return key
    with db.session() as session:
        session.execute(_insert_unless_there(session, secrets.token_hex(32)))
        return session.execute(_READ).scalar_one()


def _insert_unless_there(session: Session, key: str):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return (dialect.insert(_SECRETS).values(name=SESSION_KEY, value=key, created_at=clock.now())
            .on_conflict_do_nothing(index_elements=["name"]))


def previous_key(db: Database, lifetime: timedelta) -> tuple[str, datetime] | None:
    """The key the last rotation replaced and until when it is accepted (the rotation's time plus
    `lifetime`, the sessions' longest life), or None when there is none or its time has passed."""
    with db.reading() as session:
        row = session.get(DeploymentSecret, PREVIOUS_KEY)
        until = row.created_at + lifetime if row is not None else None
        return (row.value, until) if row is not None and until is not None and clock.now() < until else None


def rotate(db: Database, *, end_sessions: bool = False) -> None:
    """Replace the deployment's key by a new one, the old one kept as the previous key (none with
    `end_sessions`); the web processes sign with the new key once restarted."""
    now = clock.now()
    with db.session() as session:
        current = session.scalar(_READ.with_for_update())  # two rotations at once: one after the other
        session.execute(delete(_SECRETS).where(_SECRETS.c.name.in_([SESSION_KEY, PREVIOUS_KEY])))
        kept = [] if current is None or end_sessions else [{"name": PREVIOUS_KEY, "value": current, "created_at": now}]
        session.execute(insert(_SECRETS), [{"name": SESSION_KEY, "value": secrets.token_hex(32), "created_at": now},
                                           *kept])
