"""Database access: one SQLAlchemy engine, sessions, and the per-row lock a step takes."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import DateTime, MetaData, Select, create_engine, event
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# SQLite: the execution option (and connection.info key) of a transaction begun with the write lock.
_WRITE_LOCK = "dondoc_write_lock"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Database:
    def __init__(self, url: str, echo: bool = False):
        self.url = url
        self.engine: Engine = _make_engine(url, echo)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def lock(self, session: Session, query: Select, params: dict, *, skip_locked: bool = False) -> Row | None:
        """Take the row lock a step needs before reading anything else, and read the row in the
        same statement. `query` (built once by the caller) selects the row's entity first,
        maybe with other columns, which are then read as of the lock; its WHERE clause may use
        a subquery (the instance of a work item), so that no read comes before the lock.
        None when no row matched (or, with skip_locked, it was busy).

        PostgreSQL: SELECT ... FOR UPDATE (SKIP LOCKED for sweeps that
        may leave a busy row to another worker). SQLite has no row locks: the transaction takes
        the database write lock instead, for the rest of the transaction (BEGIN IMMEDIATE, or a
        write when it had already begun), which serialises steps the same way (readers are not
        blocked under WAL). skip_locked is not needed there: a second worker simply waits.
        """
        if not self.is_sqlite:
            return session.execute(_for_update(query, skip_locked), params).one_or_none()
        fresh = not session.in_transaction()
        connection = session.connection(execution_options={_WRITE_LOCK: True} if fresh else None)
        if not connection.info.get(_WRITE_LOCK):  # the transaction had begun before the lock
            # Rewrite a plain column, not the key: "SET id = id" makes SQLite check every foreign
            # key pointing at the row (a scan of unindexed ones such as parent_id: O(rows)).
            table = query.column_descriptions[0]["entity"].__table__
            column = next(c for c in table.columns if not c.primary_key and not c.foreign_keys)
            session.execute(table.update().where(query.whereclause).values({column: column}), params)
        return session.execute(query, params).one_or_none()

    def create_all(self) -> None:
        import engine.models  # noqa: F401  (registers every table)

        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


@cache
def _for_update(query: Select, skip_locked: bool) -> Select:
    """`query` FOR UPDATE of its first entity, built once per query (the queries are module
    constants; a step runs one on every submission)."""
    return query.with_for_update(of=query.column_descriptions[0]["entity"], skip_locked=skip_locked)


def _make_engine(url: str, echo: bool) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(eng, "begin")
        def _sqlite_begin(conn):
            # A session that starts with Database.lock takes the write lock at once.
            immediate = bool(conn.get_execution_options().get(_WRITE_LOCK))
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
            conn.info[_WRITE_LOCK] = immediate

        return eng
    eng = create_engine(url, echo=echo)
    _ping_idle_connections(eng)
    return eng


# A pooled server connection that sat unused this long is checked before use (the server may
# have restarted). A busy worker skips the check, a round trip on every request otherwise.
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_idle_connections(eng: Engine) -> None:
    @event.listens_for(eng, "connect")  # a new connection needs no check
    @event.listens_for(eng, "checkin")
    def _note_checkin(_dbapi_conn, record) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(eng, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy) -> None:
        if time.monotonic() - record.info.get("checked_in", 0.0) >= PING_AFTER_IDLE_SECONDS:
            _ping(dbapi_conn)


def _ping(dbapi_conn) -> None:
    try:
        cursor = dbapi_conn.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_conn.rollback()
    except Exception as exc:  # the driver's own error: the connection is gone
        raise DisconnectionError(str(exc)) from exc  # the pool replaces it and retries


def utcnow_column_default() -> datetime:
    from engine import clock

    return clock.now()
