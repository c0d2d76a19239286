"""The step's own statements (engine.runtime.persistence, Database.lock): the version check of
the instance row, the write lock on SQLite whichever way the transaction began, the calendar
revision read with the lock, and idle server connections checked before use."""
from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, select, text

import engine.db as db_module
from bench.step_cost import SUBMISSION
from bench.world import make_world, start_bench_instances
from engine import audit
from engine.audit.models import AuditEntry
from engine.db import Database
from engine.errors import Conflict
from engine.runtime import persistence, service
from engine.runtime.models import WorkflowInstance, WorkItem, WorkItemStatus
from engine.working_days import WorkingCalendar
from engine.working_days.models import CalendarOverride
from tests.conftest import PG_URL
from tests.engine.conftest import open_assignment


def statements_of(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_a_stale_version_is_refused_and_nothing_is_written(loaded, org_tree):
    engine = loaded
    handle = open_assignment(engine, org_tree)
    with engine.db.session() as s:
        stale = s.get(WorkflowInstance, handle.instance_id)
        state, version = stale.state, stale.version
    engine.runtime.complete(handle.id, {"action": "update", "progress": "in_progress"}, org_tree["stc"])
    with pytest.raises(Conflict, match="at the same moment"), engine.db.session() as s:
        s.add(stale)  # the copy read before that step: its version is behind
        entry = audit.entry("probe.stale", "workflow_instance", stale.id)  # written with the row, or not at all
        persistence.write_step(s, stale, entry=entry, closing=[], adding=[], state="{}", status="running",
                               next_timer_due=None, waiting_messages=[], updated_at=datetime(2026, 2, 12, tzinfo=UTC))
    with engine.db.session() as s:
        row = s.get(WorkflowInstance, handle.instance_id)
        assert row.version == version + 1 and row.state != state and row.state != "{}"
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.action == "probe.stale")) is None


def test_a_step_reads_the_calendar_revision_with_its_lock(loaded, org_tree):
    engine = loaded
    handle = open_assignment(engine, org_tree)
    seen = statements_of(engine.db)
    engine.runtime.complete(handle.id, {"action": "update", "progress": "in_progress"}, org_tree["stc"])
    assert not [s for s in seen if s.lstrip().startswith("SELECT calendar_revisions.revision")]
    assert "calendar_revisions" in seen[1 if engine.db.is_sqlite else 0]  # in the lock itself


def test_the_revision_read_with_the_lock_holds_for_that_transaction_only(loaded, org_tree, clock):
    engine = loaded
    day = date(2026, 3, 2)
    instance_id = open_assignment(engine, org_tree).instance_id
    with engine.db.session() as s:
        engine.runtime._lock(s, instance_id)
        assert WorkingCalendar.lazily_from_db(s).is_working_day(day)
        s.commit()
        with engine.db.session() as writer:  # another worker corrects the calendar meanwhile
            writer.add(CalendarOverride(day=day, working=False, created_at=clock.now()))
        # the same session, a new transaction: the counter is read again
        assert not WorkingCalendar.lazily_from_db(s).is_working_day(day)


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's database write lock")
def test_sqlite_lock_takes_the_write_lock_however_the_transaction_began(loaded, org_tree):
    engine = loaded
    instance_id = open_assignment(engine, org_tree).instance_id
    path = engine.db.url.split("///", 1)[1]
    for read_first in (False, True):
        with engine.db.session() as s:
            if read_first:  # a plain BEGIN already happened: the lock must write
                s.execute(text("SELECT 1"))
            engine.runtime._lock(s, instance_id)
            other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()


@pytest.mark.skipif(not PG_URL, reason="a server connection that the server drops")
def test_an_idle_connection_dropped_by_the_server_is_replaced(database_url, monkeypatch):
    db = Database(database_url)
    try:
        with db.session() as s:
            pid = s.scalar(text("SELECT pg_backend_pid()"))
        with Database(database_url).engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.commit()
        monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        with db.session() as s:
            assert s.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        db.dispose()


@pytest.mark.skipif(not PG_URL, reason="server connections are pinged; SQLite has none")
def test_a_busy_worker_does_not_ping_before_each_step(loaded, org_tree, monkeypatch):
    pings: list[object] = []
    monkeypatch.setattr(db_module, "_ping", pings.append)
    engine = loaded
    for idle_after, pinged in ((db_module.PING_AFTER_IDLE_SECONDS, False), (0.0, True)):
        monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", idle_after)
        pings.clear()
        engine.runtime.complete(open_assignment(engine, org_tree).id,
                                {"action": "update", "progress": "in_progress"}, org_tree["stc"])
        assert bool(pings) is pinged


def test_the_actor_is_taken_as_read_for_the_request_unless_changed_since(loaded, org_tree):
    engine = loaded
    officer = org_tree["stc"]
    seen = statements_of(engine.db)
    for changed in (False, True):
        if changed:
            officer.full_name = "Tên chưa lưu"  # an unsaved change: the engine reads the user again
        handle = open_assignment(engine, org_tree)
        seen.clear()
        engine.runtime.complete(handle.id, {"action": "update", "progress": "in_progress"}, officer)
        assert bool([s for s in seen if "FROM users" in s]) is changed


def test_a_completed_item_keeps_no_draft_and_is_written_once(loaded, org_tree):
    engine = loaded
    handle = open_assignment(engine, org_tree)
    engine.runtime.save_draft(handle.id, {"note": "viết dở"}, org_tree["stc"])
    seen = statements_of(engine.db)
    engine.runtime.complete(handle.id, {"action": "update", "progress": "in_progress"}, org_tree["stc"])
    assert len([s for s in seen if "UPDATE work_items" in s]) == 1
    with engine.db.session() as s:
        row = s.execute(text("SELECT status, draft IS NULL FROM work_items WHERE id = :id"), {"id": handle.id}).one()
    assert tuple(row) == ("completed", True)




def test_a_step_leaves_its_session_nothing_to_flush(database_url):
    """The step writes the items it closes itself (write_step), and they are not left changed: the
    flush after the step and the commit's have nothing to look over (~0.1 ms a step, issue #20)."""
    world = make_world(database_url)
    try:
        instance_id = start_bench_instances(world, 1)[0]
        with world.engine.db.session() as s:
            item_id = s.scalar(select(WorkItem.id).where(WorkItem.instance_id == instance_id))
        flushes: list[object] = []
        event.listen(world.engine.db.sessions, "before_flush", lambda session, *_: flushes.append(session))
        item = world.engine.runtime.complete(item_id, SUBMISSION, world.officer)
        assert flushes == []
        assert (item.status, item.completed_by, item.draft) == ("completed", world.officer.id, None)
        with world.engine.db.session() as s:
            assert s.get_one(WorkItem, item_id).status == "completed"
    finally:
        world.engine.close()


def test_a_step_failing_inside_its_callers_transaction_leaves_the_items_as_stored(database_url, monkeypatch):
    """The item the step closed in memory is read again once the step's savepoint rolls back."""
    world = make_world(database_url)
    try:
        instance_id = start_bench_instances(world, 1)[0]

        def failing_dump(_workflow):
            raise RuntimeError("the disk is full")

        with world.engine.db.session() as outer:
            item = outer.scalars(select(WorkItem).where(WorkItem.instance_id == instance_id)).one()
            monkeypatch.setattr(service, "dump_state_exact", failing_dump)
            with pytest.raises(RuntimeError, match="disk is full"):
                world.engine.runtime.complete(item.id, SUBMISSION, world.officer)  # a savepoint of `outer`
            assert (item.status, item.completed_by) == ("ready", None)
    finally:
        world.engine.close()


def test_the_benchmarked_step_is_five_round_trips_on_postgresql(database_url):
    """`python -m bench --only step`'s step, caches warm: BEGIN, the lock, the open work items,
    the writes in one statement, COMMIT (issue #20). SQLite has no round trips: its writes stay
    one statement per kind (BEGIN IMMEDIATE, the lock, the items, 4 writes; then the commit)."""
    world = make_world(database_url)
    try:
        first, second = start_bench_instances(world, 2)
        with world.engine.db.session() as s:
            items = dict(s.execute(select(WorkItem.instance_id, WorkItem.id).where(WorkItem.status == "ready")).all())
        world.engine.runtime.complete(items[first], SUBMISSION, world.officer)  # the caches fill
        seen = statements_of(world.engine.db)
        commits: list[object] = []
        event.listen(world.engine.db.engine, "commit", commits.append)
        world.engine.runtime.complete(items[second], SUBMISSION, world.officer)
        if world.engine.db.is_sqlite:
            assert len(seen) <= 7 and len(commits) == 1, seen
        else:  # psycopg sends BEGIN before the first statement: one round trip of its own
            assert len(seen) + 1 + len(commits) <= 5, seen
            assert [s.split()[0] for s in seen] == ["SELECT", "SELECT", "WITH"]
    finally:
        world.engine.close()


def test_a_draft_stays_with_its_step_given_again_to_the_same_unit_only():
    """A cancelled item's draft goes to the item of its element added in the same step for the same
    unit and role; given to another unit (or completed), the draft is not theirs to read."""
    def item(task_id: str, unit_id: int, status: WorkItemStatus) -> WorkItem:
        return WorkItem(task_id=task_id, element_id="handle", unit_id=unit_id, role="unit_officer", status=status)

    def row(task_id: str, unit_id: int) -> dict:
        return {"task_id": task_id, "element_id": "handle", "unit_id": unit_id, "role": "unit_officer"}

    closing = [item("a", 1, WorkItemStatus.CANCELLED), item("b", 2, WorkItemStatus.COMPLETED)]
    drafts = {"a": {"note": "viết dở"}, "b": {"note": "đã gửi"}}
    assert service._given_again(closing, drafts, [row("a2", 1), row("b2", 2)]) == {"a2": {"note": "viết dở"}}
    assert service._given_again(closing[:1], drafts, [row("c", 3)]) == {}
