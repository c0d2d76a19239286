"""Fixtures for engine tests on the small fixture ruleset "mini" (tests/fixtures/processes)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.core import Engine
from engine.org import service as org
from engine.org.models import User
from engine.rulesets.service import published_bundle
from engine.runtime.models import WorkflowInstance, WorkItem
from tests.conftest import PASSWORD, make_engine
from tests.fixtures import PROCESSES

# Thu 12/02/2026 + 5 working days, across Tết 2026 (16-20/02 off).
DEADLINE = {"date": "2026-02-26", "start": "2026-02-12", "working_days": 5}


@dataclass
class Mini:
    engine: Engine
    clerk: User
    admin: User


def mini_engine(database_url: str, clock, tmp_path: Path, processes_dir: Path = PROCESSES) -> Mini:
    engine = make_engine(database_url, clock, ruleset="mini", processes_dir=str(processes_dir), tmp_path=tmp_path)
    with engine.db.session() as s:
        org.create_unit(s, "VP", "Văn phòng", tracking_office=True)
        clerk = org.create_user(s, "clerk", PASSWORD, "Chuyên viên", "VP", ["clerk"])
        admin = org.create_user(s, "admin", PASSWORD, "Quản trị", "VP", ["process_admin", "system_admin"])
        engine.load_ruleset(s)
    return Mini(engine, clerk, admin)


@pytest.fixture
def mini(database_url, clock, tmp_path):
    world = mini_engine(database_url, clock, tmp_path)
    yield world
    world.engine.close()


def start_mini(engine: Engine, deadline: dict | None = None) -> int:
    with engine.db.session() as s:
        bundle = published_bundle(s, "mini")
        instance = engine.runtime.start(s, bundle, "directive", {"deadline": deadline or DEADLINE})
        return instance.id


def ready_item(engine: Engine, instance_id: int, element_id: str) -> WorkItem:
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.instance_id == instance_id, WorkItem.element_id == element_id,
                                                WorkItem.status == "ready")).one()


def instance_row(engine: Engine, instance_id: int) -> WorkflowInstance:
    with engine.db.session() as s:
        return s.get(WorkflowInstance, instance_id)


_numbers = itertools.count(45)


def open_assignment(engine: Engine, users: dict, deadline_days: int = 5) -> WorkItem:
    """Register a directive with one assignment to STC on the real processes, classify it, and
    return the lead unit's `handle` work item."""
    from engine.directives import service as directives

    directive = directives.register(
        engine, {"symbol": f"{next(_numbers)}/2026/QĐ-UBND", "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                 "summary": "Về việc X"},
        [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": deadline_days}], users["clerk"])
    with engine.db.session() as s:
        classify = s.scalars(select(WorkItem).where(WorkItem.directive_id == directive.id,
                                                    WorkItem.element_id == "classify")).one()
    engine.runtime.complete(classify.id, {"tracked": "on"}, users["clerk"])
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.directive_id == directive.id, WorkItem.element_id == "handle",
                                                WorkItem.status == "ready")).one()
