"""The links' copies of their assignments' columns (engine.directives.link_copies): the
migration fills them for rows written before it and its triggers keep them from then on,
whoever writes; the check every test's engine ends with (tests/link_copies.py) finds a writer
that went around them."""
from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, Engine, create_engine, text, update

from engine.db.migrate import alembic_config, upgrade
from engine.directives import link_copies
from engine.directives.link_copies import TEXT_CUT
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


def _upgraded_from(database_url: str, revision: str, written: str) -> Engine:
    """The database at `revision` with assignment 1 linked, a directive 2 and what `written` writes,
    then upgraded to the head."""
    upgrade(database_url, revision)
    db = create_engine(database_url)
    with db.begin() as conn:
        _insert_linked_assignment(conn)
        insert_directive(conn, 2)
        conn.execute(text(written))
    upgrade(database_url)
    return db


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
    db = _upgraded_from(database_url, "a8c3e5f1d7b2", "UPDATE assignments SET search_text = 'day nhanh'")
    copies = ("SELECT task_directive_id, task_search_text, task_progress FROM assignment_units ORDER BY id")
    try:
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


def test_the_directives_words_are_copied_onto_its_assignments_and_links_and_taken_back(database_url):
    """Migration f3b9d7a1c5e8 on rows the previous head wrote: it copies each directive's folded words
    onto its assignments and their links; its triggers keep them when the directive is reworded, an
    assignment is written or moved to another directive, a link is added (the links' copy cut at
    TEXT_CUT); its downgrade gives back the earlier triggers, which still keep the links' other copies."""
    db = _upgraded_from(database_url, "b7d3f9a1c5e2", "UPDATE directives SET search_text = 'van ban ' || id")
    words = ("SELECT a.directive_search_text, u.task_directive_search_text FROM assignments a "
             "JOIN assignment_units u ON u.assignment_id = a.id ORDER BY a.id, u.id")
    try:
        with db.begin() as conn:
            assert [tuple(r) for r in conn.execute(text(words))] == [("van ban 1", "van ban 1")]
            conn.execute(text("UPDATE directives SET search_text = 've viec giai ngan' WHERE id = 1"))
            conn.execute(text("INSERT INTO assignment_units (id, assignment_id, unit_id, role) "
                              "VALUES (2, 1, 2, 'coordinating')"))
            assert [tuple(r) for r in conn.execute(text(words))] == [("ve viec giai ngan",) * 2] * 2
            conn.execute(text("UPDATE assignments SET directive_id = 2"))
            conn.execute(text("INSERT INTO assignments (id, directive_id, seq, content, deadline_kind, "
                              "requires_report, urgency, secret, progress, status, created_at) VALUES (2, 1, 2, "
                              "'Rà soát', 'open', false, 'normal', false, 'not_started', 'open', '2026-02-12')"))
            conn.execute(text("INSERT INTO assignment_units (id, assignment_id, unit_id, role) "
                              "VALUES (3, 2, 1, 'lead')"))
            long_words = "x" * (TEXT_CUT + 20)
            conn.execute(text("UPDATE directives SET search_text = :words WHERE id = 1"), {"words": long_words})
        with db.connect() as conn:
            assert [tuple(r) for r in conn.execute(text(words))] == [("van ban 2",) * 2] * 2 + [
                (long_words, long_words[:TEXT_CUT])]
        command.downgrade(alembic_config(database_url), "b7d3f9a1c5e2")
        with db.begin() as conn:
            conn.execute(text("UPDATE assignments SET progress = 'in_progress' WHERE id = 1"))
            conn.execute(text("UPDATE directives SET search_text = 'lai' WHERE id = 2"))
        with db.connect() as conn:
            assert list(conn.scalars(text("SELECT task_progress FROM assignment_units ORDER BY id"))) == \
                ["in_progress", "in_progress", "not_started"]
    finally:
        db.dispose()
