"""How PostgreSQL compresses the workflow states it stores out of line (TOAST): lz4 where the server
offers it (PostgreSQL 14 or later built with lz4, as Debian's is), its default pglz elsewhere. A state
is ~30-50 kB of JSON rewritten by every step; compressing 50 kB with pglz took 1.3-1.5 ms of the
server's CPU per UPDATE, with lz4 0.5-0.7 ms, and stores it a sixth smaller (bench/README.md,
"The state kept per worker"). A value keeps the compression it was written with until rewritten: the
states written before are read as they are and take lz4 at their next step. SQLite compresses nothing."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.sql.ddl import BaseDDLElement
from sqlalchemy.sql.schema import SchemaItem

STATE_LZ4 = "ALTER TABLE workflow_instances ALTER COLUMN state SET COMPRESSION lz4"


def lz4_offered(connection: Connection) -> bool:
    """Whether the server can compress a column with lz4 (its setting's allowed values name it)."""
    return connection.dialect.name == "postgresql" and bool(connection.scalar(text(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")))


def state_lz4_wanted(ddl: BaseDDLElement, target: SchemaItem | str, bind: Connection | None,
                     tables: list[Table] | None = None, state: Any = None, **kw: Any) -> bool:
    """`DDL.execute_if` callable: the states' column takes lz4 where the server offers it."""
    return bind is not None and lz4_offered(bind)
