"""The links' copies of their assignments' columns (engine.directives.link_copies): the
migration fills them for rows written before it and its triggers keep them from then on,
whoever writes; the check every test's engine ends with (tests/link_copies.py) finds a writer
that went around them."""
from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, create_engine, text, update

from engine.db.migrate import alembic_config, upgrade
from engine.directives import link_copies
from engine.directives.models import Assignment
from tests.link_copies import stale_copies
from tests.old_rows import insert_directive
from tests.processes import drive

TASK = {"content": "Báo cáo tình hình giải ngân", "lead_unit": "STC", "deadline_days": 5, "coordinating_units": ["SXD"]}


def test_a_writer_around_the_triggers_is_found(loaded, org_tree):
    aid = drive.register(loaded, org_tree, [TASK])
    with loaded.db.engine.begin() as conn:
        link_copies.drop_triggers(conn)
    with loaded.db.session() as s:
        s.execute(update(Assignment).where(Assignment.id == aid).values(urgency="flash", progress="blocked"))
    assert sorted(name for _link, _aid, name in stale_copies(loaded)) == ["progress", "progress", "urgency", "urgency"]
    with loaded.db.engine.begin() as conn:
        link_copies.create_triggers(conn)
        link_copies.backfill(conn)
    assert stale_copies(loaded) == []


def _insert_linked_assignment(conn: Connection) -> None:
    """Assignment 1 of directive 1, led by STC (unit 1); SXD is unit 2."""
    conn.execute(text("INSERT INTO units (id, code, name, kind, is_tracking_office) VALUES "
                      "(1, 'STC', 'Sở Tài chính', 'department', false), "
                      "(2, 'SXD', 'Sở Xây dựng', 'department', false)"))
    insert_directive(conn)
    conn.execute(text("INSERT INTO assignments (id, directive_id, seq, content, deadline_kind, deadline, "
                      "requires_report, urgency, secret, progress, status, assigned_on, created_at) VALUES "
                      "(1, 1, 1, 'Đẩy nhanh', 'dated', '2026-02-26', false, 'urgent', false, 'not_started', "
                      "'open', '2026-02-12', '2026-02-12 09:00:00')"))
    conn.execute(text("INSERT INTO assignment_units (id, assignment_id, unit_id, role) VALUES (1, 1, 1, 'lead')"))


def test_the_migration_fills_the_copies_and_its_triggers_keep_them(database_url):
    upgrade(database_url, "a8c4e2f6b1d3")
    db = create_engine(database_url)
    try:
        with db.begin() as conn:
            _insert_linked_assignment(conn)
        upgrade(database_url)
        copies = "SELECT task_status, task_progress, task_deadline_kind, task_urgency FROM assignment_units ORDER BY id"
        with db.begin() as conn:
            assert [tuple(r) for r in conn.execute(text(copies))] == [("open", "not_started", "dated", "urgent")]
            conn.execute(text("UPDATE assignments SET progress = 'done', status = 'closed'"))
            conn.execute(text("INSERT INTO assignment_units (id, assignment_id, unit_id, role) "
                              "VALUES (2, 1, 2, 'coordinating')"))
        with db.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(copies))] == [("closed", "done", "dated", "urgent")] * 2
    finally:
        db.dispose()


def test_the_directive_and_text_copies_are_filled_and_kept_and_taken_back(database_url):
    """Migration e21f7c3a9b04 on rows the previous head wrote: it fills the links' copies of the
    directive and folded content, its triggers keep them and the earlier copies; its downgrade
    gives back the earlier triggers, which still keep those."""
    upgrade(database_url, "a8c3e5f1d7b2")
    db = create_engine(database_url)
    copies = ("SELECT task_directive_id, task_search_text, task_progress FROM assignment_units ORDER BY id")
    try:
        with db.begin() as conn:
            _insert_linked_assignment(conn)
            insert_directive(conn, 2)
            conn.execute(text("UPDATE assignments SET search_text = 'day nhanh'"))
        upgrade(database_url)
        with db.begin() as conn:
            assert [tuple(r) for r in conn.execute(text(copies))] == [(1, "day nhanh", "not_started")]
            conn.execute(text("UPDATE assignments SET directive_id = 2, search_text = 'giai ngan', progress = 'done'"))
            conn.execute(text("INSERT INTO assignment_units (id, assignment_id, unit_id, role) "
                              "VALUES (2, 1, 2, 'coordinating')"))
        with db.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(copies))] == [(2, "giai ngan", "done")] * 2
        command.downgrade(alembic_config(database_url), "a8c3e5f1d7b2")
        with db.begin() as conn:
            conn.execute(text("UPDATE assignments SET progress = 'in_progress'"))
        with db.connect() as conn:
            assert list(conn.scalars(text("SELECT task_progress FROM assignment_units"))) == ["in_progress"] * 2
    finally:
        db.dispose()
