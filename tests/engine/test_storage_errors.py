"""A storage failure under the database (full disk, storage gone read-only, a PostgreSQL
primary turned standby) fails the writes it hits, and the next write after the storage
recovered succeeds in the same process: the connections that met the failure are dropped
instead of going back to the pool in the state the failure left them."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from engine import audit
from engine.audit.models import AuditEntry
from engine.db import is_storage_error

BIG = "x" * 200_000  # more than the pages the database has free


def failing_storage(db, kind: str):
    """Every connection opened while this is in force meets a storage that refuses writes:
    full (SQLite may not grow its file), or read-only (SQLite as on a read-only file system;
    PostgreSQL as a standby)."""
    if not db.is_sqlite:
        statement = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"
    else:
        statement = "PRAGMA max_page_count = 1" if kind == "full" else "PRAGMA query_only = 1"

    def break_it(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        if not db.is_sqlite:
            dbapi_connection.commit()

    return break_it


def write(db, comment: str) -> None:
    with db.session() as session:
        audit.record(session, "storage.test", "test", 1, comment=comment)


@pytest.mark.parametrize("kind", ["full", "read-only"])
def test_writes_work_again_once_the_storage_recovers(engine, kind):
    db = engine.db
    write(db, "before")
    db.engine.dispose()
    breaker = failing_storage(db, kind)
    event.listen(db.engine, "connect", breaker)
    failures = []  # kept alive, as a request's error may be (logged, in a traceback)
    try:
        for _attempt in range(3):
            with pytest.raises(DBAPIError) as failure:
                write(db, BIG)
            assert is_storage_error(failure.value), failure.value
            failures.append(failure)
    finally:
        event.remove(db.engine, "connect", breaker)
    began = time.monotonic()
    write(db, "after")  # no restart: the broken connections were not kept
    assert time.monotonic() - began < 5, "the failed write still held the write lock"
    with db.reading() as session:
        assert session.scalars(select(AuditEntry.comment).where(AuditEntry.action == "storage.test")
                               .order_by(AuditEntry.id)).all() == ["before", "after"]


def test_a_write_inside_a_reading_session_is_a_bug_not_a_storage_failure(engine):
    with pytest.raises(DBAPIError) as failure, engine.db.reading() as session:
        session.execute(text("UPDATE calendar_revisions SET revision = revision + 1"))
    assert not is_storage_error(failure.value)  # the connection stays: nothing is wrong with it
    with engine.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
