"""One engine per test module for the read-only report tests: the organisation, the loaded
ruleset and the hand-computed data set (dataset.py) are built once, not once per test."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from engine.clock import ManualClock, set_clock
from engine.core import Engine
from tests.conftest import create_org_tree, fresh_database_url, make_engine
from tests.reports.dataset import seed


@dataclass
class Seeded:
    engine: Engine
    clock: ManualClock
    users: dict
    ids: dict


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    clock = ManualClock(datetime(2026, 3, 31, 9, 0))
    previous = set_clock(clock)
    with fresh_database_url(tmp_path_factory.mktemp("reports")) as url:
        engine = make_engine(url, clock)
        users = create_org_tree(engine)
        with engine.db.session() as session:
            engine.load_ruleset(session)
        yield Seeded(engine, clock, users, seed(engine))
        engine.close()
    set_clock(previous)
