"""`dondoc backup` / `dondoc restore`: a consistent copy of the database plus the attachment
files, in one .tar.gz, restorable onto a fresh database of either kind.

- SQLite: the online backup API copies the live database page by page under a read lock,
  so writers never see a half-copied file (`database.sqlite3` in the archive).
- PostgreSQL: every table is read in one REPEATABLE READ transaction (one snapshot, so rows
  that reference each other are consistent) and written as JSON lines (`tables/<name>.jsonl`).

Restore reads either form and inserts the rows, table by table in foreign-key order, into a
database that has the schema and no rows yet. A derived table (info "derived": the calendar's days
off) is neither written nor read: restore makes it again from the restored rows.
"""
from __future__ import annotations

import base64
import io
import json
import sqlite3
import tarfile
import tempfile
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, Date, DateTime, LargeBinary, MetaData, Table, create_engine, func, select, text
from sqlalchemy.exc import SAWarning
from sqlalchemy.types import TypeDecorator

from engine import clock
from engine.core import Engine
from engine.db import Base, migrate
from engine.errors import EngineError
from engine.org import kept
from engine.working_days import sync_days_off

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
TABLES_DIR = "tables"
ATTACHMENTS_DIR = "attachments"
ALEMBIC_TABLE = "alembic_version"
BATCH = 1000


class BackupError(EngineError):
    pass


# ---------------------------------------------------------------- backup
def backup(engine: Engine, out_path: str | Path) -> dict:
    """Write the archive; returns its manifest (row counts per table, attachment count)."""
    out_path = Path(out_path)
    # written beside it, then renamed: a backup killed or out of disk half-way leaves no truncated
    # archive under the name of a good one (nor overwrites the good one a second run named alike)
    partial = out_path.with_name(f".{out_path.name}.part")
    try:
        manifest = _write_archive(engine, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out_path)
    return manifest


def _write_archive(engine: Engine, out_path: Path) -> dict:
    manifest = {"format": FORMAT_VERSION, "created_at": clock.now().isoformat(),
                "dialect": engine.db.engine.dialect.name, "tables": {}, "attachments": 0}
    with tempfile.TemporaryDirectory() as folder, tarfile.open(out_path, "w:gz") as archive:
        if engine.db.is_sqlite:
            copy = Path(folder) / SQLITE_MEMBER
            database = engine.db.engine.url.database
            assert database is not None  # a SQLite URL without one is in memory, which no deployment uses
            _sqlite_online_copy(database, copy)
            manifest["tables"] = _counts_in_sqlite_file(copy)
            archive.add(copy, SQLITE_MEMBER)
        else:
            manifest["tables"] = _dump_tables(engine, Path(folder) / TABLES_DIR)
            archive.add(Path(folder) / TABLES_DIR, TABLES_DIR)
        manifest["attachments"] = _add_attachments(archive, Path(engine.settings.attachments_dir))
        _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
    return manifest


def _sqlite_online_copy(source: str, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _counts_in_sqlite_file(path: Path) -> dict[str, int]:
    db = create_engine(f"sqlite:///{path}")
    try:
        with db.connect() as conn:
            return {t: _count(conn, t) for t in _tables_present(conn)}
    finally:
        db.dispose()


def _dump_tables(engine: Engine, folder: Path) -> dict[str, int]:
    folder.mkdir(parents=True)
    counts = {}
    with engine.db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        for table in _dump_order(conn):
            with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
                counts[table.name] = 0
                for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings():
                    out.write(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                    counts[table.name] += 1
    return counts


def _dump_order(conn: Connection) -> list[Table]:
    present = set(_tables_present(conn))
    tables = [t for t in _kept_tables() if t.name in present]
    if ALEMBIC_TABLE in present:
        tables.append(_reflect(conn, ALEMBIC_TABLE))
    return tables


def _tables_present(conn: Connection) -> list[str]:
    from sqlalchemy import inspect

    return inspect(conn).get_table_names()


def _reflect(conn: Connection, name: str) -> Table:
    """The table's columns as the database has them. SQLAlchemy cannot reflect SQLite's indexes
    on expressions (the registry's orders) and warns of each on stderr, which a nightly cron job
    mails: only rows are read here, indexes do not matter."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
        return Table(name, MetaData(), autoload_with=conn)


def _count(conn: Connection, table: str) -> int:
    return conn.execute(select(func.count()).select_from(_reflect(conn, table))).scalar_one()


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode()}
    return value


def _add_attachments(archive: tarfile.TarFile, folder: Path) -> int:
    count = 0
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):  # skip half-written uploads
                archive.add(path, f"{ATTACHMENTS_DIR}/{path.relative_to(folder).as_posix()}")
                count += 1
    return count


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(clock.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------- restore
def restore(engine: Engine, archive_path: str | Path) -> dict:
    """Restore an archive onto `engine`'s database, which must hold no rows yet (the schema is
    created when missing), and its attachments directory. Returns the manifest."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(folder, filter="data")  # no absolute paths, links or devices
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError("%(file)s is not a readable .tar.gz archive (%(reason)s).", file=str(archive_path),
                              reason=str(exc)) from None
        root = Path(folder)
        if not (root / MANIFEST).is_file():
            raise BackupError("%(file)s is not a dondoc backup (it has no %(manifest)s).", file=str(archive_path),
                              manifest=MANIFEST)
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError("%(file)s: backup format %(format)s is not supported.", file=str(archive_path),
                              format=manifest.get("format"))
        engine.db.create_all()
        _refuse_non_empty(engine)
        rows = _rows_from_sqlite(root / SQLITE_MEMBER) if (root / SQLITE_MEMBER).is_file() \
            else _rows_from_jsonl(root / TABLES_DIR)
        _insert_all(engine, rows)
        # The units were written past the ORM: a worker that kept the empty organisation reads it again.
        with engine.db.session() as session:
            kept.bump(session)
        _copy_attachments(root / ATTACHMENTS_DIR, Path(engine.settings.attachments_dir))
    return manifest


def _kept_tables() -> list[Table]:
    """The tables a backup keeps, in foreign-key order: not those derived from the others."""
    return [t for t in Base.metadata.sorted_tables if not t.info.get("derived")]


def _refuse_non_empty(engine: Engine) -> None:
    """Derived tables are made with the schema (the days off) and made again after the restore."""
    with engine.db.engine.connect() as conn:
        for table in _kept_tables():
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                raise BackupError("The target database is not empty (table %(table)s has rows); restore onto "
                                  "a fresh database.", table=table.name)


def _rows_from_sqlite(path: Path) -> Iterator[tuple[str, list[dict]]]:
    source = create_engine(f"sqlite:///{path}")
    try:
        with source.connect() as conn:
            for name in _source_order(_tables_present(conn)):
                table = _reflect(conn, name)
                result = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
                while batch := result.fetchmany(BATCH):
                    yield name, [dict(r) for r in batch]
    finally:
        source.dispose()


def _rows_from_jsonl(folder: Path) -> Iterator[tuple[str, list[dict]]]:
    present = [p.stem for p in folder.glob("*.jsonl")]
    for name in _source_order(present):
        with (folder / f"{name}.jsonl").open(encoding="utf-8") as lines:
            batch = []
            for line in lines:
                batch.append(json.loads(line))
                if len(batch) >= BATCH:
                    yield name, batch
                    batch = []
            if batch:
                yield name, batch


def _source_order(present: list[str]) -> list[str]:
    return [t.name for t in _kept_tables() if t.name in present]   # not alembic_version: stamped


def _insert_all(engine: Engine, batches: Iterator[tuple[str, list[dict]]]) -> None:
    """Insert in one transaction. Columns pointing at their own table (a unit's parent or
    successor) are filled in afterwards: a row may name one inserted after it."""
    tables = Base.metadata.tables
    deferred: list[tuple[Table, dict]] = []
    with engine.db.engine.begin() as conn:
        for name, rows in batches:
            if name not in tables:
                continue  # a table this version no longer has
            table = tables[name]
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            clean = [_decode_row(table, row) for row in rows]
            if self_refs:
                deferred += [(table, row) for row in clean if any(row.get(c) is not None for c in self_refs)]
                clean = [{**row, **dict.fromkeys(self_refs)} for row in clean]
            conn.execute(table.insert(), clean)
        for table, row in deferred:
            self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
            keys = {c.name: row[c.name] for c in table.primary_key.columns}
            conn.execute(table.update().filter_by(**keys).values({c: row[c] for c in self_refs}))
        sync_days_off(conn)  # the restored calendar's
        _restore_alembic(conn)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)


def _decode_row(table: Table, row: dict) -> dict:
    out = {}
    for column in table.columns:
        if column.name not in row:
            continue
        value = row[column.name]
        kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
        if isinstance(value, str) and isinstance(kind, DateTime):
            value = datetime.fromisoformat(value)
            value = value if value.tzinfo else value.replace(tzinfo=UTC)
        elif isinstance(value, datetime) and isinstance(kind, DateTime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        elif isinstance(value, str) and isinstance(kind, Date):
            value = date.fromisoformat(value)
        elif isinstance(value, dict) and "$base64" in value and isinstance(kind, LargeBinary):
            value = base64.b64decode(value["$base64"])
        out[column.name] = value
    return out


def _restore_alembic(conn: Connection) -> None:
    """The schema the rows went into is this code's (created from its models, or upgraded to its head), whatever
    revision the archive was written at: stamped so, `dondoc db upgrade` has nothing to do (an older archive's
    revision would have it add columns that are there). Columns the archive lacks are left empty."""
    conn.execute(text(f"CREATE TABLE IF NOT EXISTS {ALEMBIC_TABLE} (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    conn.execute(text(f"DELETE FROM {ALEMBIC_TABLE}"))
    for head in sorted(migrate.heads()):
        conn.execute(text(f"INSERT INTO {ALEMBIC_TABLE} (version_num) VALUES (:v)"), {"v": head})


def _reset_sequences(conn: Connection) -> None:
    """After inserting explicit ids, move each id sequence past the largest one."""
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and keys[0].autoincrement in (True, "auto") and keys[0].type.python_type is int:
            conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), "
                              f"COALESCE((SELECT MAX({keys[0].name}) FROM {table.name}), 0) + 1, false)"),
                         {"t": table.name, "c": keys[0].name})


def _copy_attachments(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for path in source.rglob("*"):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(path.read_bytes())
