"""A throw-away database with the bench ruleset, one unit and one officer."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.clock import ManualClock
from engine.config import Settings
from engine.core import Engine
from engine.db.scratch import scratch_schema
from engine.org import service as org
from engine.org.models import User
from engine.rulesets.models import ProcessBundle
from engine.rulesets.service import published_bundle

BENCH_PROCESSES = Path(__file__).with_name("processes")
PASSWORD = "bench-password"
START = datetime(2026, 3, 2, 9, 0)  # a Monday, no holiday near
DEADLINE = {"date": "2026-03-20", "start": "2026-03-02", "working_days": 14}


@dataclass
class World:
    engine: Engine
    officer: User
    clerk: User
    bundle: ProcessBundle


@contextmanager
def database_url() -> Iterator[str]:
    """SQLite in a temporary folder, or a fresh schema on DONDOC_BENCH_DATABASE_URL."""
    server = os.environ.get("DONDOC_BENCH_DATABASE_URL", "")
    if not server:
        with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    with scratch_schema(server, prefix="bench") as url:
        yield url


def make_world(url: str, ruleset: str = "bench", processes_dir: Path = BENCH_PROCESSES) -> World:
    settings = Settings.load(database_url=url, ruleset=ruleset, processes_dir=str(processes_dir), testing=True)
    engine = Engine(settings, clock=ManualClock(START))
    engine.db.create_all()
    with engine.db.session() as s:
        org.create_unit(s, "UBND", "UBND tỉnh", kind="province")
        org.create_unit(s, "VP", "Văn phòng UBND tỉnh", parent_code="UBND", kind="office", tracking_office=True)
        org.create_unit(s, "STC", "Sở Tài chính", parent_code="UBND", kind="department")
        officer = org.create_user(s, "stc", PASSWORD, "Chuyên viên", "STC", ["unit_officer"])
        clerk = org.create_user(s, "clerk", PASSWORD, "Văn thư", "VP", ["clerk"])
        engine.load_ruleset(s)
        bundle = published_bundle(s, ruleset)
    return World(engine, officer, clerk, bundle)


def start_bench_instances(world: World, count: int) -> list[int]:
    ids = []
    with world.engine.db.session() as s:
        for n in range(count):
            instance = world.engine.runtime.start(s, world.bundle, "directive", initial_data(n))
            ids.append(instance.id)
    return ids


def initial_data(n: int) -> dict:
    return {"lead_unit": "STC", "deadline": dict(DEADLINE), "content": f"Nhiệm vụ số {n}", "rounds": 0}
