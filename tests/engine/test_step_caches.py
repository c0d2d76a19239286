"""The per-worker caches a step relies on stay correct across workers: two Database objects on
one database stand for two worker processes (each has its own cache)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from engine.audit.models import AuditEntry
from engine.db import Database
from engine.org import service as org
from engine.runtime.models import WorkflowInstance
from engine.working_days import WorkingCalendar, cached_overrides
from engine.working_days.models import CalendarOverride
from tests.engine.conftest import open_assignment

DAY = date(2026, 3, 2)  # a Monday
MOMENT = datetime(2026, 2, 12, 2, 0, tzinfo=UTC)


@pytest.fixture
def workers(database_url):
    first, second = Database(database_url), Database(database_url)
    first.create_all()
    yield first, second
    first.dispose()
    second.dispose()


def working(db: Database) -> bool:
    with db.session() as s:
        return WorkingCalendar.lazily_from_db(s).is_working_day(DAY)


def test_a_calendar_change_by_another_worker_reaches_this_worker(workers):
    reader, writer = workers
    assert working(reader)  # the reader caches the (empty) overrides
    with writer.session() as s:
        s.add(CalendarOverride(day=DAY, working=False, created_at=MOMENT))
    assert not working(reader)
    with writer.session() as s:
        s.query(CalendarOverride).one().working = True  # changed in place: same id, same count
    assert working(reader)
    with writer.session() as s:
        s.execute(delete(CalendarOverride))  # an ORM bulk statement (no flush events)
        s.add(CalendarOverride(day=DAY, working=False, created_at=MOMENT))
    assert not working(reader)


def test_a_rolled_back_calendar_change_is_neither_seen_nor_cached(workers):
    db, _ = workers
    assert working(db)
    with pytest.raises(RuntimeError), db.session() as s:
        s.add(CalendarOverride(day=DAY, working=False, created_at=MOMENT))
        s.flush()
        assert cached_overrides(s) == {DAY: False}  # the writer sees its own change
        raise RuntimeError("the step failed")
    assert working(db)


def test_unit_ids_are_cached_only_once_committed(workers):
    db, other = workers
    with pytest.raises(RuntimeError), db.session() as s:
        org.create_unit(s, "UBND", "UBND tỉnh")
        assert org.unit_id_by_code(s, "UBND") is not None
        raise RuntimeError("rolled back")
    with other.session() as s:  # another worker creates it for real, maybe with the same id
        org.create_unit(s, "X", "Đơn vị tạm")
        real = org.create_unit(s, "UBND", "UBND tỉnh").id
    with db.session() as s:
        assert org.unit_id_by_code(s, "UBND") == real
        assert org.unit_id_by_code(s, "none") is None


def test_a_step_writes_the_instance_row_once(loaded, org_tree, clock):
    """The version goes up by one per step: no early autoflush writes the row twice."""
    engine = loaded
    handle = open_assignment(engine, org_tree)
    with engine.db.session() as s:
        version = s.get(WorkflowInstance, handle.instance_id).version
    clock.advance(timedelta(hours=2))  # the step changes updated_at as well as the state
    engine.runtime.complete(handle.id, {"action": "update", "progress": "in_progress"}, org_tree["stc"])
    with engine.db.session() as s:
        instance = s.get(WorkflowInstance, handle.instance_id)
        assert instance.version == version + 1
        assert s.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "work_item",
                                                              AuditEntry.object_id == str(handle.id))).all() == [
            "work_item.completed"]
