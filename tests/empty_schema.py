"""The empty schema at the migrations' head that every test engine starts from, made the way
`create_all` makes it but without sending its ~200 statements one by one for every test:

- a new SQLite file is a copy of an empty one made once per process;
- on a PostgreSQL schema with no table yet, the statements `create_all` sent there the first
  time are sent again in one batch.

Anything else (an existing database, SQLite in memory) goes through `create_all`.
tests/engine/test_empty_schema.py checks that both give what `create_all` gives."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy import event, make_url, text

from engine.db import Base, Database, migrate


def create_schema(db: Database) -> None:
    """Every table of the metadata, and Alembic's record of the head revision."""
    path = sqlite_path(db.url)
    if path is not None and not path.exists():
        shutil.copyfile(empty_sqlite_file(_tables()), path)
        return
    if db.is_sqlite or has_tables(db):
        db.create_all()
    elif _tables() in _POSTGRES_DDL:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(_POSTGRES_DDL[_tables()])
    else:
        _POSTGRES_DDL[_tables()] = recorded_create_all(db)
    record_head_revision(db)


def record_head_revision(db: Database) -> None:
    """Alembic's record that the schema is at the migrations' head, as `dondoc db upgrade`
    leaves it (create_all builds that schema without it): /readyz asks for it."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": min(migrate.heads())})


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite database URL (None for PostgreSQL or an in-memory database)."""
    database = make_url(url).database
    return Path(database) if url.startswith("sqlite") and database and database != ":memory:" else None


def has_tables(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")))


def _tables() -> frozenset[str]:
    """The metadata's tables: a test module that adds one gets an empty schema of its own."""
    return frozenset(Base.metadata.tables)


@cache
def empty_sqlite_file(tables: frozenset[str]) -> Path:
    """A SQLite file with `tables` (the metadata's) and nothing in them, removed when the
    process ends."""
    folder = Path(tempfile.mkdtemp(prefix="dondoc-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "empty.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.create_all()
    record_head_revision(db)
    db.dispose()  # the last connection's close folds the write-ahead log into the file
    return path


_POSTGRES_DDL: dict[frozenset[str], str] = {}


def recorded_create_all(db: Database) -> str:
    """Run create_all on `db` (a schema with no table) and return what it changed, as one
    script: its statements without parameters but the reads (the catalogue's, a connection's
    set-up)."""
    statements: list[str] = []

    def keep(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if not parameters and not statement.lstrip().upper().startswith(("SELECT", "SHOW")):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        db.create_all()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return ";\n".join(statements)
