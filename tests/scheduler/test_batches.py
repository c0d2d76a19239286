"""Due timers are fired a batch to a transaction (Runtime.fire_due_batch): a tick fires them
all, each once (PostgreSQL: PER_TRANSACTION a transaction; SQLite: one); on PostgreSQL a
batch skips the rows another scheduler holds (FOR UPDATE SKIP LOCKED) and takes the next due
ones."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

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


def test_a_tick_fires_every_due_timer_once_in_batches(urging, clock):
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
