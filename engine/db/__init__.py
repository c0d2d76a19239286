"""Database access: one SQLAlchemy engine, sessions, and the per-row lock a step takes."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, MetaData, create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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

    def lock(self, session: Session, model, row_id, skip_locked: bool = False) -> object | None:
        """Take the row lock a step needs before reading anything else. `row_id` may be a
        scalar subquery (the instance of a work item), so that no read comes before the lock.

        PostgreSQL: SELECT ... FOR UPDATE (SKIP LOCKED for sweeps that
        may leave a busy row to another worker). SQLite has no row locks; a write as the first
        statement takes the database write lock for the rest of the transaction, which
        serialises steps the same way (readers are not blocked under WAL).
        """
        if not self.is_sqlite:
            query = select(model).where(model.id == row_id).with_for_update(skip_locked=skip_locked)
            return session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
        # Rewrite a plain column, not the key: "SET id = id" makes SQLite check every foreign key
        # pointing at the row (a scan of unindexed ones such as parent_id: O(stored instances)).
        column = next(c for c in model.__table__.columns if not c.primary_key and not c.foreign_keys)
        session.execute(model.__table__.update().where(model.id == row_id).values({column: column}))
        return session.scalar(select(model).where(model.id == row_id).execution_options(populate_existing=True))

    def create_all(self) -> None:
        import engine.models  # noqa: F401  (registers every table)

        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


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
            conn.exec_driver_sql("BEGIN")

        return eng
    return create_engine(url, echo=echo, pool_pre_ping=True)


def utcnow_column_default() -> datetime:
    from engine import clock

    return clock.now()
