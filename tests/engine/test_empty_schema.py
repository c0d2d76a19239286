"""The test engines' empty schema (tests/empty_schema.py) is the one create_all makes: every
table, column, index, constraint, trigger and function, and Alembic's head revision."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from engine.db import Database
from engine.db.scratch import scratch_schema
from tests.conftest import PG_URL, fresh_database_url
from tests.empty_schema import create_schema, record_head_revision

POSTGRES_CATALOGUE = {
    "columns": "SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default "
               "FROM information_schema.columns WHERE table_schema = current_schema()",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE connamespace = current_schema()::regnamespace",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    "triggers": "SELECT event_object_table, trigger_name, event_manipulation, action_timing, action_statement "
                "FROM information_schema.triggers WHERE trigger_schema = current_schema()",
    "functions": "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = current_schema()::regnamespace",
}


def describe(db: Database, catalogue: dict[str, str] = POSTGRES_CATALOGUE) -> dict[str, list]:
    """What the schema holds (on PostgreSQL, what `catalogue` asks), without the names of the schema itself."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            queries = {"objects": "SELECT type, name, tbl_name, sql FROM sqlite_master"}
            schema = ""
        else:
            queries = catalogue
            schema = conn.scalar(text("SELECT current_schema()")) + "."
        found = {name: sorted(tuple(str(value).replace(schema, "") for value in row)
                              for row in conn.exec_driver_sql(query)) for name, query in queries.items()}
        found["alembic_version"] = sorted(conn.scalars(text("SELECT version_num FROM alembic_version")))
        # the one table create_all fills: the days off the SQL form of done late reads (engine.working_days)
        found["calendar_days_off"] = [conn.scalar(text("SELECT count(*) FROM calendar_days_off"))]
    return found


def made_by(url: str, make, view=describe) -> dict[str, list]:
    db = Database(url)
    try:
        make(db)
        return view(db)
    finally:
        db.dispose()


def by_create_all(db: Database) -> None:
    db.create_all()
    record_head_revision(db)


@contextmanager
def empty_database(database: str, tmp_path, name: str) -> Iterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{tmp_path / name}.sqlite3"
    else:
        with scratch_schema(PG_URL) as url:
            yield url


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_empty_schema_is_the_one_create_all_makes(database, tmp_path):
    if database == "postgresql" and not PG_URL:
        pytest.skip("set DONDOC_TEST_DATABASE_URL to a PostgreSQL server")
    made = {}
    # create_schema twice: the first may make the copy or record the statements, the second uses them
    for name, make in (("create_all", by_create_all), ("first", create_schema), ("second", create_schema)):
        with empty_database(database, tmp_path, name) as url:
            made[name] = made_by(url, make)
    expected = made.pop("create_all")
    assert expected["alembic_version"] and all(expected.values())
    assert made == {"first": expected, "second": expected}


def schema_oid(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(text("SELECT oid FROM pg_namespace WHERE nspname = current_schema()"))


@contextmanager
def next_test_database(tmp_path, oids: list[int]) -> Iterator[Database]:
    """The next test's database as the suite gives it (fresh_database_url, create_schema), its
    schema's oid added to `oids`."""
    with fresh_database_url(tmp_path) as url:
        db = Database(url)
        try:
            create_schema(db)
            oids.append(schema_oid(db))
            yield db
        finally:
            db.dispose()


@pytest.mark.skipif(not PG_URL, reason="set DONDOC_TEST_DATABASE_URL to a PostgreSQL server")
def test_a_test_s_schema_is_emptied_for_the_next_unless_its_structure_changed(tmp_path):
    """On PostgreSQL the next test's create_schema takes the schema a test left (emptied, its
    sequences restarted) instead of making one; one whose structure the test changed is dropped."""
    with scratch_schema(PG_URL) as url:
        expected = made_by(url, by_create_all)
    oids: list[int] = []
    for change in ("", "DROP TRIGGER assignments_copy_out ON assignments", ""):
        with next_test_database(tmp_path, oids) as db:
            assert describe(db) == expected  # the days off too, which the TRUNCATE emptied
            with db.engine.begin() as conn:
                assert conn.scalar(text("SELECT count(*) FROM units")) == 0
                new_id = conn.scalar(text("INSERT INTO units (code, name, kind, is_tracking_office) "
                                          "VALUES ('STC', 'Sở Tài chính', 'department', false) RETURNING id"))
                assert new_id == 1
                if change:
                    conn.exec_driver_sql(change)
    # the first test's schema served the second; the second's, changed, was dropped
    assert oids[0] == oids[1] != oids[2]


# What the planner reads of a schema besides its structure: every relation's file, the tables'
# counts and the columns' statistics. (An index's own counts are left out: TRUNCATE leaves them
# unknown where CREATE INDEX counts 0 rows on 1 page; the planner reads a full index's size off
# its file, and a partial one's counts until its table is vacuumed or analysed.)
PLANNER_VIEW = {
    "sizes": "SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relnamespace = current_schema()::regnamespace",
    "counts": "SELECT relname, relpages, reltuples, relallvisible FROM pg_class "
              "WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'",
    "statistics": "SELECT tablename, attname FROM pg_stats WHERE schemaname = current_schema()",
}


def planner_view(db: Database) -> dict[str, list]:
    return describe(db, PLANNER_VIEW)


UNITS = "INSERT INTO units (code, name, kind, is_tracking_office) SELECT 'U' || n, 'Phòng ' || n, 'section', false " \
        "FROM generate_series(1, 400) AS n"


@pytest.mark.skipif(not PG_URL, reason="set DONDOC_TEST_DATABASE_URL to a PostgreSQL server")
def test_a_kept_schema_is_to_the_planner_as_a_new_one(tmp_path):
    """A kept schema's tables and indexes have a new one's empty files (rows deleted left their
    pages, and a test's index-only plan lost to a full scan of a smaller index) and no column
    statistics: one whose test analysed a table is dropped. The rows are added and deleted in one
    transaction, which autovacuum cannot analyse."""
    with scratch_schema(PG_URL) as url:
        expected = made_by(url, by_create_all, planner_view)
    assert expected["sizes"] and expected["counts"] and expected["statistics"] == []
    oids: list[int] = []
    for analyse in (False, False, True, False):
        with next_test_database(tmp_path, oids) as db:
            assert planner_view(db) == expected
            with db.engine.begin() as conn:
                conn.exec_driver_sql(UNITS)
                if not analyse:
                    conn.exec_driver_sql("DELETE FROM units")
            if analyse:
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("ANALYZE units")
    # the first two tests' schema served the next; the third's, analysed, was dropped
    assert oids[0] == oids[1] == oids[2] != oids[3]


@pytest.mark.skipif(not PG_URL, reason="set DONDOC_TEST_DATABASE_URL to a PostgreSQL server")
def test_a_kept_schema_autovacuum_analysed_is_not_taken(tmp_path):
    """Autovacuum analyses a kept schema's empty tables once enough rows came and went over the
    tests before (TRUNCATE does not reset that tally): they are counted 0 rows, where a new table
    is not counted yet. Such a schema is dropped, and the next test gets a new one."""
    with scratch_schema(PG_URL) as url:
        expected = made_by(url, by_create_all, planner_view)
    oids: list[int] = []
    with next_test_database(tmp_path, oids):
        pass
    analyse_kept_schemas()
    with next_test_database(tmp_path, oids) as db:
        assert planner_view(db) == expected
    assert oids[0] != oids[1]


def analyse_kept_schemas() -> None:
    """What autovacuum does to the kept schemas' tables of this process's database."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            tables = conn.execute(text("SELECT format('%I.%I', schemaname, tablename) FROM pg_tables "
                                       "WHERE schemaname LIKE 'kept\\_%'")).scalars().all()
            assert tables
            conn.exec_driver_sql(f"ANALYZE {', '.join(tables)}")
    finally:
        admin.dispose()
