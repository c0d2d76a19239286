"""Due timers are fired a batch to a transaction (Runtime.fire_due_batch): a tick fires them
all, each once (PostgreSQL: PER_TRANSACTION a transaction; SQLite: one); on PostgreSQL a
batch skips the rows another scheduler holds (FOR UPDATE SKIP LOCKED) and takes the next due
ones."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, insert, select, text

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.notifications.models import Notification
from engine.runtime.models import WorkflowInstance
from engine.runtime.service import DUE_TO_CLAIM
from engine.scheduler.service import PER_TRANSACTION, tick
from tests.scheduler.conftest import start_urging

DUE = PER_TRANSACTION * 2 + 3  # two full batches and a part of one


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


def timer_runs(engine) -> Counter:
    with engine.db.session() as s:
        return Counter(s.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "instance.timers")))


def still_due(engine, moment: datetime) -> set[int]:
    with engine.db.session() as s:
        return set(s.scalars(select(WorkflowInstance.id).where(WorkflowInstance.status == "running",
                                                               WorkflowInstance.next_timer_due < moment)))


@pytest.mark.parametrize("workers", [1, 3])
def test_a_tick_fires_every_due_timer_once_in_batches(urging, clock, workers):
    """With one worker thread (the default) or several, each claiming its own batches."""
    urging.settings.scheduler_workers = workers
    clock.set(vn(2026, 3, 2, 9))
    ids = [start_urging(urging, "2026-03-05", symbol=f"{n}/CT-UBND") for n in range(DUE)]
    clock.set(vn(2026, 3, 4, 8, 1))  # every 1-day-before reminder is due
    assert tick(urging).advanced == DUE
    assert not still_due(urging, clock.now())
    assert sorted(timer_runs(urging).values()) == [1] * DUE
    with urging.db.session() as s:
        told = Counter(s.execute(select(Notification.assignment_id, Notification.kind)).all())
    assert told == Counter({(i, "reminder"): 1 for i in ids})
    assert tick(urging).advanced == 0  # nothing fires twice


def test_a_batch_skips_what_another_scheduler_holds(urging, clock):
    if urging.db.is_sqlite:
        pytest.skip("SQLite has no row locks: a second scheduler waits for the first one's write lock")
    clock.set(vn(2026, 3, 2, 9))
    for n in range(PER_TRANSACTION + 2):
        start_urging(urging, "2026-03-05", symbol=f"{n}/CT-UBND")
    moment = vn(2026, 3, 4, 8, 1)
    clock.set(moment)
    held, holding, release = set(), threading.Event(), threading.Event()

    def other_scheduler() -> None:
        """mid-batch: holds the five first due rows, then dies (its transaction rolls back)"""
        with urging.db.session() as other:
            rows = urging.db.lock_all(other, DUE_TO_CLAIM, {"moment": moment, "limit": 5}, skip_locked=True)
            held.update(row[0].id for row in rows)
            holding.set()
            release.wait(30)
            other.rollback()

    thread = threading.Thread(target=other_scheduler)
    thread.start()
    try:
        assert holding.wait(30)
        assert urging.runtime.fire_due_batch(moment, PER_TRANSACTION) == PER_TRANSACTION - 3
        assert still_due(urging, moment) == held
    finally:
        release.set()
        thread.join(30)
    assert urging.runtime.fire_due_batch(moment, PER_TRANSACTION) == 5  # its batch is anyone's again
    assert not still_due(urging, moment)
    assert sorted(timer_runs(urging).values()) == [1] * (PER_TRANSACTION + 2)


def test_a_timer_reads_its_assignment_once_and_writes_its_entry_with_the_step(urging, clock):
    """What one timer's step costs (issue #20): the urging check and its reminder read the
    assignment once between them (StepContext.get holds it for the step), and the timer's audit
    entry goes with the step's writes (on PostgreSQL, in their one statement); the reminder's own
    entry (what was sent to whom, engine.urging.operators) is the one INSERT of its own."""
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05", symbol="1/CT-UBND")
    start_urging(urging, "2026-03-05", symbol="2/CT-UBND")
    clock.set(vn(2026, 3, 4, 8, 1))
    assert urging.runtime.fire_due_batch(clock.now(), limit=1) == 1  # the caches fill
    seen: list[str] = []
    event.listen(urging.db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    assert urging.runtime.fire_due_batch(clock.now(), limit=1) == 1
    assert sorted(timer_runs(urging).values()) == [1, 1]
    assignment_reads = [s for s in seen if s.startswith("SELECT assignments.id, assignments.directive_id")]
    audit_inserts = [s for s in seen if s.startswith("INSERT INTO audit_log")]
    assert len(assignment_reads) == 1, assignment_reads
    assert len(audit_inserts) == (2 if urging.db.is_sqlite else 1), seen


def test_a_batch_is_claimed_off_the_index_when_thousands_fall_due_at_one_moment(urging, clock):
    """A burst (or a catch-up after an outage) has every timer due at the same moment: the
    claim's order (next_timer_due, id) must come from the index, or PostgreSQL sorts every due
    row to take ten, and a burst costs the square of its size (issue #20)."""
    clock.set(vn(2026, 3, 2, 9))
    start_urging(urging, "2026-03-05", symbol="1/CT-UBND")
    with urging.db.session() as s:
        model = s.scalars(select(WorkflowInstance)).first()
        due = model.next_timer_due
        s.execute(insert(WorkflowInstance), [
            {"bundle_id": model.bundle_id, "process_id": model.process_id, "purpose": "assignment", "state": "",
             "status": "running", "next_timer_due": due, "created_at": due, "updated_at": due}
            for _ in range(3000)] + [
            {"bundle_id": model.bundle_id, "process_id": model.process_id, "purpose": "assignment", "state": "",
             "status": "completed", "next_timer_due": None, "created_at": due, "updated_at": due}
            for _ in range(3000)])
    with urging.db.session() as s:
        s.execute(text("ANALYZE"))
    claimed: list[tuple] = []
    listener = lambda _c, _cur, statement, parameters, _ctx, _many: claimed.append((statement, parameters))  # noqa: E731
    event.listen(urging.db.engine, "before_cursor_execute", listener)
    with urging.db.session() as s:  # locks ten rows, fires nothing
        urging.db.lock_all(s, DUE_TO_CLAIM, {"moment": due + timedelta(minutes=1), "limit": 10}, skip_locked=True)
    event.remove(urging.db.engine, "before_cursor_execute", listener)
    [(statement, parameters)] = [c for c in claimed if "next_timer_due <" in c[0]]
    explain = "EXPLAIN QUERY PLAN " if urging.db.is_sqlite else "EXPLAIN "
    with urging.db.engine.connect() as conn:
        plan = " ".join(str(row) for row in conn.exec_driver_sql(explain + statement, parameters))
    assert "ix_instances_due" in plan and "Sort" not in plan and "TEMP B-TREE" not in plan, plan
