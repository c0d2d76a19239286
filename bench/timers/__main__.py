"""`python -m bench.timers`: how late timers fire under load, and how fast a burst is fired.

`--mode lateness` (the default): N instances wait on date timers falling due within one
minute; the embedded scheduler (engine.scheduler) ticks every `--interval` seconds on the wall
clock; each instance's lateness is the moment its step ran (the row's updated_at) minus its due
time. Target: every timer within one interval.

`--mode burst` / `--mode catch-up` (bench/timers/drain.py): N assignments of the shipped
processes all due on the same urging timer, fired by `--schedulers` real `dondoc scheduler`
processes, a minute late (burst, 10,000 by default) or a week late (catch-up after an outage,
100,000 by default); the time until all fired, and whether each fired exactly once.
`--quick`: small sizes that run in seconds.

SQLite by default; PostgreSQL when DONDOC_BENCH_DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench import loops
from bench.timers import drain
from bench.world import START, database_url, make_world
from engine import clock
from engine.runtime.models import WorkflowInstance
from engine.scheduler.service import Scheduler

PROCESSES = Path(__file__).with_name("processes")
LEAD = 20  # seconds between the end of set-up and the first due timer
DEFAULTS = {"lateness": 2000, "burst": 10_000, "catch-up": 100_000}
QUICK = {"lateness": 50, "burst": 60, "catch-up": 100}


class OffsetClock(clock.Clock):
    """The wall clock's pace, shifted to the bench's fake date."""

    def __init__(self, moment: datetime):
        self.offset = moment - datetime.now().astimezone()

    def now(self) -> datetime:
        return super().now() + self.offset


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.timers", description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("lateness", "burst", "catch-up"), default="lateness")
    parser.add_argument("--instances", type=int, help="timers (lateness 2,000, burst 10,000, catch-up 100,000)")
    parser.add_argument("--schedulers", type=int, default=2, help="burst and catch-up: scheduler processes")
    parser.add_argument("--spread", type=float, default=60, help="seconds over which the timers fall due")
    parser.add_argument("--interval", type=float, help="scheduler interval, seconds (5; --quick: 1)")
    parser.add_argument("--quick", action="store_true", help="small sizes: check that the benchmark runs")
    args = parser.parse_args()
    args.instances = args.instances or (QUICK if args.quick else DEFAULTS)[args.mode]
    args.interval = args.interval or (1 if args.quick else 5)
    if args.mode != "lateness":
        return main_drain(args)
    logging.basicConfig(level=logging.ERROR)  # APScheduler warns of every tick skipped while one runs
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    print(f"timer lateness on {backend}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}: {args.instances} timers due within {args.spread:g} s, "
          f"a tick every {args.interval:g} s")
    with database_url() as url:
        world = make_world(url, ruleset="timers", processes_dir=PROCESSES)
        try:
            lateness = run(world, args.instances, args.spread, args.interval)
        finally:
            world.engine.close()
    report(lateness, args.interval)


def main_drain(args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    print(f"timers {args.mode} on {backend}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}")
    with database_url() as url:
        world = make_world(url, ruleset=loops.RULESET, processes_dir=loops.PROCESSES)
        try:
            drained = drain.run(world, url, args.instances, args.mode, args.schedulers, args.interval)
        finally:
            world.engine.close()
    drain.report(args.mode, drained, args.schedulers, args.interval)


def run(world, count: int, spread: float, interval: float) -> list[float]:
    base = START.astimezone() + timedelta(seconds=LEAD)
    due = {}
    started = time.perf_counter()
    with world.engine.db.session() as s:
        for _ in range(count):
            at = base + timedelta(seconds=random.uniform(0, spread))
            instance = world.engine.runtime.start(s, world.bundle, "directive", {"due_at": at.isoformat()})
            due[instance.id] = at
    print(f"  set-up: {count} instances started in {time.perf_counter() - started:.1f} s")
    clock.set_clock(OffsetClock(START.astimezone()))  # from now on the fake time runs like the wall clock
    workers = 1 if world.engine.db.is_sqlite else world.engine.settings.scheduler_workers
    print(f"  scheduler: 1 process, {workers} worker thread(s)")
    scheduler = Scheduler(world.engine, interval).start()
    try:
        deadline = time.monotonic() + LEAD + spread + 10 * interval + 120
        while time.monotonic() < deadline and _running(world) > 0:
            time.sleep(1)
    finally:
        scheduler.shutdown()
    with world.engine.db.session() as s:
        rows = s.execute(select(WorkflowInstance.id, WorkflowInstance.status, WorkflowInstance.updated_at)).all()
    unfired = [i for i, status, _ in rows if status != "completed"]
    if unfired:
        print(f"  NOT FIRED: {len(unfired)} timers")
    return [(updated - due[i]).total_seconds() for i, status, updated in rows if status == "completed"]


def _running(world) -> int:
    with world.engine.db.session() as s:
        return len(s.scalars(select(WorkflowInstance.id).where(WorkflowInstance.status == "running")).all())


def report(lateness: list[float], interval: float) -> None:
    if not lateness:
        print("  no timer fired")
        return
    ordered = sorted(lateness)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    within = sum(1 for x in ordered if x <= interval) / len(ordered)
    print(f"  lateness (s): median {statistics.median(ordered):.2f}, p95 {pct(.95):.2f}, p99 {pct(.99):.2f}, "
          f"max {ordered[-1]:.2f}, min {ordered[0]:.2f}")
    print(f"  within one interval ({interval:g} s): {within:.1%} of {len(ordered)} timers")


if __name__ == "__main__":
    main()
