"""The empty schema at the migrations' head that every test engine starts from, made the way
`create_all` makes it but without sending its ~200 statements one by one for every test:

- a new SQLite file is a copy of an empty one made once per process;
- on a PostgreSQL schema with no table yet, the statements `create_all` sent there the first
  time are sent again in one batch;
- on PostgreSQL the schema a test had (tests/conftest.py's `fresh_database_url`), if that test
  left its tables, indexes, constraints, triggers and functions as they were made and no column
  statistics, is emptied by one TRUNCATE (every sequence restarted) and kept for the next test's
  create_schema, which takes it by renaming: making ~40 tables and ~140 indexes and dropping
  them again cost PostgreSQL ~1.5 s a test with fsync on, ~0.4 s without; truncating ~0.14 s.
  TRUNCATE gives every table and index new, empty files, so the planner sees what it sees of new
  tables (a DELETE left the pages: the next test's indexes were priced as big as every earlier
  test's rows had made them). A test that changed the structure (a migration, a trigger dropped)
  or analysed a table (TRUNCATE keeps the column statistics, a new table has none) has its
  schema dropped as before, and so has a kept one autovacuum analysed while it waited.

Anything else (an existing database, SQLite in memory) goes through `create_all`.
tests/engine/test_empty_schema.py checks that both give what `create_all` gives."""
from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError

from engine.db import Base, Database, migrate
from engine.working_days import sync_days_off


def create_schema(db: Database) -> None:
    """Every table of the metadata, and Alembic's record of the head revision."""
    path = sqlite_path(db.url)
    if path is not None and not path.exists():
        shutil.copyfile(empty_sqlite_file(_tables()), path)
        return
    if db.is_sqlite or has_tables(db):
        db.create_all()
        record_head_revision(db)
        return
    if not take_kept_schema(db):
        if _tables() in _POSTGRES_DDL:
            with db.engine.begin() as conn:
                conn.exec_driver_sql(_POSTGRES_DDL[_tables()])
        else:
            _POSTGRES_DDL[_tables()] = recorded_create_all(db)
    with db.engine.begin() as conn:  # the derived days off, as create_all fills them: not in the DDL replayed,
        sync_days_off(conn)          # and a kept schema's are those of its test's calendar
    record_head_revision(db)
    remember_made(db)


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


# ---------------------------------------------------------------- kept PostgreSQL schemas
# Everything a test could change in a schema's structure, by the catalogue rows' oids (an object
# dropped and made again has a new one) and the attributes altered in place, and the columns
# ANALYZE (the test's or autovacuum's) left statistics of; no schema name, so that a renamed
# schema keeps its fingerprint.
STRUCTURE = text("""
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = :schema),
     rels AS (SELECT c.* FROM pg_class c JOIN ns ON c.relnamespace = ns.oid)
SELECT md5(string_agg(item, ' ' ORDER BY item)) FROM (
  SELECT concat_ws(':', 'r', oid, relname, relkind, relnatts, relpersistence, relrowsecurity, relacl, reloptions)
    FROM rels
  UNION ALL SELECT concat_ws(':', 'a', attrelid, attnum, attname, atttypid, atttypmod, attnotnull, attisdropped,
                             attcompression, attidentity, attgenerated, attcollation)
    FROM pg_attribute WHERE attnum > 0 AND attrelid IN (SELECT oid FROM rels)
  UNION ALL SELECT concat_ws(':', 'd', oid) FROM pg_attrdef WHERE adrelid IN (SELECT oid FROM rels)
  UNION ALL SELECT concat_ws(':', 'c', co.oid, conname, condeferrable, condeferred, convalidated)
    FROM pg_constraint co JOIN ns ON co.connamespace = ns.oid
  UNION ALL SELECT concat_ws(':', 't', oid, tgname, tgenabled) FROM pg_trigger WHERE tgrelid IN (SELECT oid FROM rels)
  UNION ALL SELECT concat_ws(':', 'p', p.oid, proname, md5(prosrc), proconfig)
    FROM pg_proc p JOIN ns ON p.pronamespace = ns.oid
  UNION ALL SELECT concat_ws(':', 'y', ty.oid, typname) FROM pg_type ty JOIN ns ON ty.typnamespace = ns.oid
  UNION ALL SELECT concat_ws(':', 'e', e.oid, enumlabel)
    FROM pg_enum e JOIN pg_type ty ON ty.oid = e.enumtypid JOIN ns ON ty.typnamespace = ns.oid
  UNION ALL SELECT concat_ws(':', 's', seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle)
    FROM pg_sequence WHERE seqrelid IN (SELECT oid FROM rels)
  UNION ALL SELECT concat_ws(':', 'o', oid) FROM pg_policy WHERE polrelid IN (SELECT oid FROM rels)
  UNION ALL SELECT concat_ws(':', 'w', oid) FROM pg_rewrite WHERE ev_class IN (SELECT oid FROM rels)
  UNION ALL SELECT concat_ws(':', 'z', tablename, attname, inherited) FROM pg_stats WHERE schemaname = :schema
) AS items(item)
""")
# Tables counted since TRUNCATE left them uncounted (reltuples -1, as a new table's): autovacuum
# analyses a kept table once enough rows came and went over the tests before (TRUNCATE does not
# reset that tally), and an empty table analysed is counted 0 rows, which the planner trusts where
# it takes an uncounted one for 10 pages at least.
COUNTED = text("""
SELECT count(*) FROM pg_class
WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = :schema) AND relkind = 'r' AND reltuples >= 0
""")

# schemas create_schema made: name → (server, tables, structure fingerprint)
_MADE: dict[str, tuple[str, frozenset[str], str]] = {}
# emptied schemas waiting for a test: (server, tables) → their names
_KEPT: dict[tuple[str, frozenset[str]], list[str]] = {}
_KEPT_NAMES = (f"kept_{os.getpid()}_{n}" for n in itertools.count())


def _server(url: str) -> str:
    """The server and database of `url`, without the options that pick a schema."""
    return make_url(url).difference_update_query(["options"]).render_as_string(hide_password=False)


def take_kept_schema(db: Database) -> bool:
    """Put a kept schema of the same tables in place of `db`'s empty one (renamed to its name);
    one whose tables autovacuum counted while it waited is dropped instead (False)."""
    kept = _KEPT.get((_server(db.url), _tables()))
    if not kept:
        return False
    name = kept.pop()
    with db.engine.begin() as conn:
        if conn.scalar(COUNTED, {"schema": name}):
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
            return False
        schema = conn.scalar(text("SELECT current_schema()"))
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}"; ALTER SCHEMA "{name}" RENAME TO "{schema}"')
    return True


def remember_made(db: Database) -> None:
    """Note `db`'s schema, just made by create_schema, and its structure, for keep_schema."""
    with db.engine.connect() as conn:
        schema = conn.scalar(text("SELECT current_schema()"))
        _MADE[schema] = (_server(db.url), _tables(), conn.scalar(STRUCTURE, {"schema": schema}))


def keep_schema(admin: Engine, schema: str) -> bool:
    """engine.db.scratch's `keep`: a schema create_schema made, its structure as made, is
    emptied and kept for the next test (True); any other is left to be dropped (False)."""
    made = _MADE.pop(schema, None)
    if made is None:
        return False
    server, tables, fingerprint = made
    name = next(_KEPT_NAMES)
    try:
        with admin.execution_options(isolation_level="READ COMMITTED").begin() as conn:
            if conn.scalar(STRUCTURE, {"schema": schema}) != fingerprint:
                return False
            conn.exec_driver_sql(_emptying(schema, tables))
            conn.exec_driver_sql(f'ALTER SCHEMA "{schema}" RENAME TO "{name}"')
    except DBAPIError:  # not emptied (a deadlock with a connection the test left open, say): dropped instead
        return False
    if not _KEPT:
        atexit.register(_drop_kept)
    _KEPT.setdefault((server, tables), []).append(name)
    return True


def _emptying(schema: str, tables: frozenset[str]) -> str:
    """One TRUNCATE of every table (so that none refers to one left out) and the sequences their
    columns own, which are all the schema's (a sequence a test made changes the fingerprint)."""
    names = ", ".join(f'"{schema}"."{name}"' for name in sorted([*tables, "alembic_version"]))
    return f"TRUNCATE {names} RESTART IDENTITY"


def _drop_kept() -> None:
    for (server, _), kept in _KEPT.items():
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in kept:
                conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()
