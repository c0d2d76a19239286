"""A unit retired ahead of its day (`dondoc org retire --on` a day to come) kept its sections below it until a
seeding ran after that day: listed under a closed unit, their work read as nobody's. The scheduler's tick moves them
below the successor on the day."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.org import service as org
from engine.org.models import Unit
from engine.scheduler.service import tick


def test_the_sections_of_a_unit_retired_ahead_of_its_day_move_to_its_successor_on_the_day(loaded, clock):
    with loaded.db.session() as s:
        org.create_unit(s, "P1", "UBND phường 1", parent_code="UBND", kind="commune")
        org.create_unit(s, "P1-VH", "Phòng Văn hóa - Xã hội phường 1", parent_code="P1", kind="section")
        org.create_unit(s, "PTH", "UBND phường Tuy Hòa", parent_code="UBND", kind="commune")
        org.retire_unit(s, "P1", date(2026, 2, 16), "PTH")  # on Monday, retired on Thursday

    def parent() -> str:
        with loaded.db.reading() as s:
            section = org.unit_by_code(s, "P1-VH")
            return s.get_one(Unit, section.parent_id).code

    clock.set(datetime(2026, 2, 15, 23, 0))
    assert tick(loaded).units_moved == 0 and parent() == "P1"
    clock.set(datetime(2026, 2, 16, 0, 5))
    assert tick(loaded).units_moved == 1 and parent() == "PTH"
    assert tick(loaded).units_moved == 0
    with loaded.db.reading() as s:
        moved = s.scalar(select(AuditEntry).where(AuditEntry.action == "unit.moved"))
        assert (moved.before, moved.after) == ({"parent": "UBND phường 1"}, {"parent": "UBND phường Tuy Hòa"})
