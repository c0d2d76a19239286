"""The key that signs web sessions and form (CSRF) tokens when the deployment sets no `secret_key`.

A key made afresh by each process signed everyone out at every restart, failed every form opened
before it (its CSRF token no longer matched), and on several hosts held a session valid on one
host only. So the deployment makes one key, once, and keeps it in the database: every worker and
host sharing the database signs with it. Two processes making it at once agree on one: the insert
does nothing when a key is there, and both then read the one that is.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine import clock
from engine.db import Database
from engine.org.models import DeploymentSecret

SESSION_KEY = "session_key"  # its row in deployment_secrets
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
