"""Database access: one SQLAlchemy engine, sessions, and the per-row lock a step takes.

Two kinds of session (see Database): `session()` may write and `reading()` only reads; a
session opened inside another joins it. On SQLite a session that may write takes the
database's write lock when it begins, so that no write ever has to upgrade a read snapshot
that another writer made stale (SQLite answers that with "database is locked" at once,
whatever the busy timeout).
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Collection, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

from sqlalchemy import DateTime, MetaData, Select, Table, create_engine, event, text
from sqlalchemy.engine import CursorResult, Engine, ExceptionContext, Result, Row
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


log = logging.getLogger(__name__)
T = TypeVar("T")
# SQLite: the execution option of a read-only transaction (and the connection's query_only state).
_READ_ONLY = "dondoc_read_only"
_READ_ONCE = "dondoc.read_once"  # Connection.info: what read_once read in the connection's transaction, by key
# A SELECT that locks rows (a step's FOR UPDATE), and the tables a statement writes (also in a WITH's CTEs).
_LOCKS = re.compile(r"\bFOR\s+(NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.IGNORECASE)
_WRITTEN = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)
# Errors of the storage under the database (full, read-only, failing disk, file gone). A
# connection that met one is dropped, so that the next request opens a fresh one once the
# storage has recovered (SQLite keeps a file it opened read-only read-only for good).
# (PostgreSQL: a server out of disk, or a primary that became a read-only standby.)
# How long a web request may run before the production server replaces its worker
# (webui/server.py), and so how long a writer waits for SQLite's write lock: a request that
# holds it for long (an Excel import of 1,200 rows took 37 s) makes the others wait rather
# than fail with "database is locked" after a shorter wait.
REQUEST_TIMEOUT_SECONDS = 120
STORAGE_ERRORS = ("database or disk is full", "attempt to write a readonly database", "disk i/o error",
                  "unable to open database file", "no space left on device", "read-only file system",
                  "could not extend file", "could not write to file", "in a read-only transaction")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    __table__: ClassVar[Table]  # every model maps one plain table (none maps a join or a select)


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
        self._open: ContextVar[Session | None] = ContextVar(f"dondoc_open_session_{id(self)}", default=None)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction that may write: commits on success, rolls back on any error.

        Opened while another one is open in the same thread (or task), it joins that one as a
        savepoint: rolled back alone on an error, committed with the rest. So one outer
        `session()` makes a single transaction of everything inside it (an idempotent API call
        stores its answer with its effect this way), and nested code never waits for a write
        lock its own caller holds."""
        outer = self._open.get()
        if outer is not None:
            with outer.begin_nested():
                yield outer
            return
        session = self.sessions()
        token = self._open.set(session)
        try:
            with self._transaction(session):
                yield session
        finally:
            self._open.reset(token)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: it waits for no writer (SQLite) and the database
        refuses any write in it, so a write that belongs elsewhere fails in the tests. Inside
        an open `session()` it reads in that one."""
        outer = self._open.get()
        if outer is not None:
            yield outer
            return
        session = self.sessions()
        session.connection(execution_options={_READ_ONLY: True} if self.is_sqlite else {"postgresql_readonly": True})
        with self._transaction(session):
            yield session

    @staticmethod
    @contextmanager
    def _transaction(session: Session) -> Iterator[None]:
        try:
            yield
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

        PostgreSQL: SELECT ... FOR UPDATE (SKIP LOCKED for sweeps that may leave a busy row to
        another worker). SQLite has no row locks: a session that may write holds the database
        write lock from its first statement on (BEGIN IMMEDIATE), which serialises steps the
        same way (readers are not blocked under WAL). skip_locked is not needed there: a second
        worker simply waits.
        """
        if not self.is_sqlite:
            query = _for_update(query, skip_locked)
        return session.execute(query, params).one_or_none()

    def lock_all(self, session: Session, query: Select, params: dict, *, skip_locked: bool = False) -> list[Row]:
        """`lock` for a query of several rows (a batch of due timers), each locked."""
        if not self.is_sqlite:
            query = _for_update(query, skip_locked)
        return list(session.execute(query, params))

    def create_all(self) -> None:
        """Create every table of the metadata (all of them once engine.features.discover ran)."""
        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def read_once(session: Session, key: Hashable, read: Callable[[], T], tables: Collection[str]) -> T:
    """What `read()` gives, read once and kept under `key` until the transaction writes one of
    `tables` (those `read` reads), takes a row lock (SELECT … FOR UPDATE: what is read under it is
    read after it), rolls back to a savepoint or ends (`_forget_read_once`). The unit scope, the
    home body and the rulesets' settings a request's queries each ask for (a department's inbox
    sent the same scope five times; a directive's lifecycle asked for the home body 31 times)."""
    kept = session.connection().info.setdefault(_READ_ONCE, {})
    if key not in kept:
        # Kept in the dict of before the read: a write of what it reads during it (an autoflush)
        # replaces that dict, so a value read before such a write is not kept.
        value = read()
        kept[key] = (value, frozenset(tables))
        return value
    return kept[key][0]


def _forget_read_once(eng: Engine) -> None:
    """Drop what read_once kept from the tables a statement writes; all of it at a row lock, at a
    statement it cannot tell (a rollback to a savepoint), at the transaction's end and when the
    connection goes back to the pool."""
    @event.listens_for(eng, "before_cursor_execute")
    def _on_statement(conn, _cursor, statement, _params, _context, _many):
        kept = conn.info.get(_READ_ONCE)
        if not kept:
            return
        written = _written_tables(statement)
        if written is None:
            del conn.info[_READ_ONCE]
        elif any(entry[1] & written for entry in kept.values()):
            conn.info[_READ_ONCE] = {key: entry for key, entry in kept.items() if not entry[1] & written}

    def _on_end(conn, *_args):
        if not conn.invalidated:  # an invalidated one (a storage error) has no info until it reconnects
            conn.info.pop(_READ_ONCE, None)

    for name in ("commit", "rollback", "rollback_savepoint"):
        event.listen(eng, name, _on_end)
    event.listen(eng, "checkin", lambda _dbapi_conn, record: record.info.pop(_READ_ONCE, None))


@lru_cache(maxsize=4096)
def _written_tables(statement: str) -> frozenset[str] | None:
    """The tables `statement` writes (none for a read, a savepoint's start or release); None for a
    row lock or a statement of another kind."""
    head = statement.lstrip()[:9].upper()
    if head.startswith(("SAVEPOINT", "RELEASE")):
        return frozenset()
    if head.startswith(("SELECT", "WITH")) and _LOCKS.search(statement):
        return None
    written = frozenset(name.lower() for name in _WRITTEN.findall(statement))
    return written if written or head.startswith(("SELECT", "WITH")) else None


def lock_name(session: Session, name: str) -> None:
    """Hold a lock on `name` until the transaction ends: the lock for a row that does not
    exist yet, so that the read checking it is unique and the write after it are one step
    (two clerks registering one document at once both read "not there" otherwise, and
    PostgreSQL refuses the second insert with a unique violation, a 500).

    PostgreSQL: a transaction-level advisory lock on the name's 64-bit hash (a clash of two
    names only makes one wait). SQLite: nothing to add, a session that may write holds the
    write lock from its first statement on."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name})


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run by Session.execute matched. The session types its
    result as a plain Result; for these statements it is a CursorResult, which has the count."""
    return cast(CursorResult[Any], result).rowcount


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
        eng = create_engine(url, echo=echo,
                            connect_args={"timeout": REQUEST_TIMEOUT_SECONDS, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={REQUEST_TIMEOUT_SECONDS * 1000}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(eng, "begin")
        def _sqlite_begin(conn):
            # Any transaction but a read-only one takes the write lock at once (see the module doc).
            read_only = bool(conn.get_execution_options().get(_READ_ONLY))
            if conn.info.get(_READ_ONLY, False) != read_only:
                conn.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
                conn.info[_READ_ONLY] = read_only
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        _drop_connections_on_storage_errors(eng)
        _forget_read_once(eng)
        return eng
    eng = create_engine(url, echo=echo)

    @event.listens_for(eng, "do_connect")
    def _no_jit(_dialect, _record, _cargs, cparams):
        # No JIT compilation: a request's queries take milliseconds, and compiling one the planner
        # costs high (a count over a unit's links) took 18 ms of a 43 ms inbox count (bench/scale_reads)
        cparams["options"] = f"{cparams.get('options', '')} -c jit=off".strip()

    @event.listens_for(eng, "begin")
    def _note_read_only(conn):
        read_only = bool(conn.get_execution_options().get("postgresql_readonly"))
        conn.info[_READ_ONLY] = read_only
        # A reading transaction's statements are planned for their own values each time. Prepared
        # (psycopg does so at a statement's sixth run on a connection), one gets a generic plan
        # after five more, and the plan fitting one filter's values can be 4× slower for another's:
        # the clerk's "not started" 212 against 53 ms at 1M from the eleventh call on
        # (bench/README.md). A step's statements, by key, stay prepared.
        conn.connection.driver_connection.prepare_threshold = None if read_only else PREPARE_AFTER_RUNS

    _ping_idle_connections(eng)
    _forget_read_once(eng)
    _drop_connections_on_storage_errors(eng)
    return eng


def is_storage_error(exc: BaseException) -> bool:
    """Whether `exc` says the database or the storage under it failed (full, read-only, gone):
    not the request's fault, and its connection was dropped so that a later request can
    succeed once the storage has recovered."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def _says_storage_failed(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in STORAGE_ERRORS)


def _drop_connections_on_storage_errors(eng: Engine) -> None:
    @event.listens_for(eng, "handle_error")
    def _storage_error_drops_connection(context: ExceptionContext) -> None:
        in_read_only = context.connection is not None and context.connection.info.get(_READ_ONLY)
        if _says_storage_failed(context.original_exception) and not in_read_only:  # not a write in reading()
            log.error("database storage error, dropping the connection: %s", context.original_exception)
            context.is_disconnect = True  # the pool discards it (and its siblings) and opens fresh ones
            cursor = getattr(context.execution_context, "cursor", None)
            if cursor is not None:  # SQLite: the failed statement holds the write lock until it is closed
                cursor.close()


# psycopg's default: a statement run this many times on a connection is prepared on the server.
PREPARE_AFTER_RUNS = 5

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
