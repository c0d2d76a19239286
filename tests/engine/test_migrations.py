"""The Alembic migrations build exactly the schema the models declare (catches a model change
without a regenerated migration)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Index, create_engine, inspect, text
from sqlalchemy.schema import CreateIndex

from engine.db import Base
from engine.db.migrate import upgrade
from engine.features import discover
from tests.old_rows import insert_directive


def test_upgrade_from_empty_gives_the_model_schema(database_url):
    discover()
    upgrade(database_url)
    db = create_engine(database_url)
    try:
        with db.connect() as conn:
            built = _built_here(conn)
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "include_object": lambda obj, *_: built(obj)})
            diff = compare_metadata(context, Base.metadata)
            tables = set(inspect(conn).get_table_names())
            declared = {index.name for table in Base.metadata.tables.values() for index in table.indexes
                        if built(index)}
            indexes = set(conn.scalars(text(
                "SELECT name FROM sqlite_master WHERE type = 'index'" if conn.dialect.name == "sqlite"
                else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")))
    finally:
        db.dispose()
    assert [_describe(d) for d in diff] == [], "models and migrations differ: regenerate the migration"
    assert set(Base.metadata.tables) <= tables
    # compare_metadata skips the indexes on expressions: their names at least
    assert declared <= indexes


def _built_here(conn):
    """Whether the models build a schema item on this database: an index declared with a
    condition (Index.ddl_if: a trigram index where pg_trgm is, engine.db.trigrams) only where it holds."""
    def built(item) -> bool:
        condition = getattr(item, "_ddl_if", None) if isinstance(item, Index) else None
        return condition is None or condition._should_execute(CreateIndex(item), item, conn)
    return built


def test_upgrade_twice_is_harmless(database_url):
    upgrade(database_url)
    upgrade(database_url)


def _describe(change) -> str:
    """('add_table', Table(...)) -> 'add_table mail_digests' (a readable failure)."""
    if isinstance(change, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(c) for c in change)
    op, *rest = change
    return " ".join([op, *(str(getattr(r, "name", r)) for r in rest[:3])])


def test_search_text_is_filled_for_rows_written_before_it(database_url):
    """d5e8f1a2b3c4 folds the directives and assignments already stored."""
    from sqlalchemy import text

    upgrade(database_url, "c7d1e4a9b2f3")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            insert_directive(conn)
            conn.execute(text("INSERT INTO assignments (id, directive_id, seq, content, deadline_kind, "
                              "requires_report, urgency, secret, progress, status, created_at) VALUES (1, 1, 1, "
                              "'Đẩy nhanh tiến độ', 'open', false, 'normal', false, 'not_started', 'open', "
                              "'2026-02-12 09:00:00')"))
        upgrade(database_url)
        with db.connect() as conn:
            assert conn.execute(text("SELECT search_text FROM directives")).scalar() == \
                "45/2026/qd-ubnd ve viec giai ngan ubnd tinh"
            assert conn.execute(text("SELECT search_text FROM assignments")).scalar() == "day nhanh tien do"
    finally:
        db.dispose()


def test_the_migration_gives_existing_directives_the_tracking_office_s_body(database_url):
    """f8b2d6a4c1e7: the directives already stored are the tracking office's body's, the top of its tree."""
    from sqlalchemy import text

    upgrade(database_url, "d5e1a7c3b9f4")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            for unit_id, code, parent, office in ((1, "T", None, False), (2, "VP", 1, True), (3, "X", 1, False)):
                conn.execute(text("INSERT INTO units (id, code, name, kind, parent_id, is_tracking_office) "
                                  "VALUES (:id, :code, :code, 'unit', :parent, :office)"),
                             {"id": unit_id, "code": code, "parent": parent, "office": office})
            insert_directive(conn)
        upgrade(database_url)
        with db.connect() as conn:
            assert conn.execute(text("SELECT issuing_body_id FROM directives")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM units WHERE is_issuing_body")).scalar() == 0
    finally:
        db.dispose()


def test_postgresql_indexes_the_directives_words_with_pg_trgm(database_url):
    """docs/operations.md: the upgrade installs pg_trgm in schema public where the server offers it
    and builds the directives' trigram index; SQLite gets neither (its searches read every row)."""
    upgrade(database_url)
    db = create_engine(database_url)
    try:
        with db.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = "
                                        "'ix_directives_search_trigrams'")) == 0
                return
            assert conn.scalar(text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")), \
                "the test server should offer pg_trgm (Debian's postgresql package does)"
            assert conn.scalar(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = "
                                    "e.extnamespace WHERE e.extname = 'pg_trgm'")) == "public"
            definition = conn.scalar(text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                          "AND indexname = 'ix_directives_search_trigrams'"))
    finally:
        db.dispose()
    assert "USING gin (search_text public.gin_trgm_ops)" in definition
