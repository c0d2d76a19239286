"""The Alembic migrations build exactly the schema the models declare (catches a model change
without a regenerated migration)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from engine.db import Base
from engine.db.migrate import upgrade
from engine.features import discover


def test_upgrade_from_empty_gives_the_model_schema(database_url):
    discover()
    upgrade(database_url)
    db = create_engine(database_url)
    try:
        with db.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        db.dispose()
    assert [_describe(d) for d in diff] == [], "models and migrations differ: regenerate the migration"
    assert set(Base.metadata.tables) <= tables


def test_upgrade_twice_is_harmless(database_url):
    upgrade(database_url)
    upgrade(database_url)


def _describe(change) -> str:
    """('add_table', Table(...)) -> 'add_table mail_digests' (a readable failure)."""
    if isinstance(change, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(c) for c in change)
    op, *rest = change
    return " ".join([op, *(str(getattr(r, "name", r)) for r in rest[:3])])
