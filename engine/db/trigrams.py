"""pg_trgm, PostgreSQL's contrib extension of trigram indexes: a GIN index of a column's trigrams
finds the rows a `LIKE '%words%'` matches without reading them all (the directives a registry
search names: bench/README.md, "Fifth pass"). Where the server lacks it, and on SQLite, no such
index is built and the same searches read every row: the same rows, slower.

The extension is installed in schema `public`, where every schema's indexes name its operator
class (`public.gin_trgm_ops`): a test's or a benchmark's throw-away schema (engine.db.scratch)
does not carry it away when dropped."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.ddl import BaseDDLElement
from sqlalchemy.sql.schema import SchemaItem

OPERATOR_CLASS = "public.gin_trgm_ops"


def installed(connection: Connection) -> bool:
    """pg_trgm is in schema public, installed there now if the server has it and it was not yet
    installed; False on SQLite, on a server without it, or where it lives in another schema."""
    if connection.dialect.name != "postgresql":
        return False
    if _schema(connection) is None and connection.scalar(text(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")):
        try:
            with connection.begin_nested():  # should it fail, nothing else is undone
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        except DBAPIError:  # another connection's at the same moment, or not allowed: as found
            pass
    return _schema(connection) == "public"


def _schema(connection: Connection) -> str | None:
    return connection.scalar(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                                  " WHERE e.extname = 'pg_trgm'"))


def index_wanted(ddl: BaseDDLElement, target: SchemaItem | str, bind: Connection | None,
                 tables: list[Table] | None = None, state: Any = None, **kw: Any) -> bool:
    """`Index.ddl_if` callable: a trigram index is built where pg_trgm is (or can be) installed."""
    return bind is not None and installed(bind)
