"""A throw-away database with the bench ruleset, one unit and one officer."""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

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


@dataclass
class Alternated:
    """A read timed one way and the other, call by call: p50 ms and the statements of a call, per way."""

    p50: dict[str, float]
    statements: dict[str, int]


def alternated(engine: Engine, user_id: int, ways: dict[str, Callable[[], None]],
               read: Callable[[Session, User], object], calls: int) -> Alternated:
    """`read` as the user `user_id`, `calls` times each way, the ways taking turns call by call (each call
    first runs its way's setup), so that both meet the same moments of a shared machine."""
    statements: list[int] = []
    count = lambda *args: statements.append(1)  # noqa: E731
    times: dict[str, list[float]] = {way: [] for way in ways}
    counted: dict[str, int] = {}
    event.listen(engine.db.engine, "before_cursor_execute", count)
    try:
        for turn in range(len(ways) * calls):
            way = list(ways)[turn % len(ways)]
            ways[way]()
            with engine.db.reading() as s:
                user = s.get_one(User, user_id)
                statements.clear()
                began = time.perf_counter()
                read(s, user)
                times[way].append((time.perf_counter() - began) * 1000)
                counted[way] = len(statements)
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", count)
    return Alternated({way: statistics.median(spent) for way, spent in times.items()}, counted)
