"""Throw-away PostgreSQL schemas, for the test suite and the benchmarks: each run gets an
empty schema on a shared server and drops it afterwards."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text


@contextmanager
def scratch_schema(server_url: str, prefix: str = "t",
                   keep: Callable[[Engine, str], bool] | None = None) -> Iterator[str]:
    """A URL whose search_path is a new, empty schema on `server_url`; dropped on exit unless
    `keep(admin engine, schema)` took it (the test suite keeps a schema to use again)."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{server_url}{'&' if '?' in server_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        if keep is None or not keep(admin, schema):
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
