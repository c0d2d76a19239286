"""Burst and catch-up: how long real `dondoc scheduler` processes take to fire N timers that
are all due, and whether each fired exactly once.

N assignments of the shipped processes wait on the same urging timer (bench/timers/copies.py).
The processes' clock (a testing clock file, engine/scheduler/testing_clock.py) stands just
after that moment (burst: a minute after; catch-up: a week after, the scheduler having been
off meanwhile). The figure is the wall time from starting the processes until no running
instance has a timer due before that moment, process start-up included."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.timers.copies import add_copies, waiting_assignment
from bench.world import World
from engine.audit.models import AuditEntry
from engine.config import REPO_ROOT
from engine.notifications.models import Notification
from engine.runtime.models import Incident, WorkflowInstance
from engine.scheduler.testing_clock import FileClock

LATE = {"burst": timedelta(minutes=1), "catch-up": timedelta(days=7)}


@dataclass
class Drained:
    timers: int
    seconds: float  # from starting the schedulers until every due timer had fired
    set_up: float
    unfired: int
    fired_twice: int  # instances with more than one timer run (each copy's timer fires once)
    notified_twice: int  # (assignment, kind, person) told more than once
    notifications: int
    incidents: int


def run(world: World, url: str, count: int, mode: str, schedulers: int, interval: float) -> Drained:
    began = time.perf_counter()
    template = waiting_assignment(world)
    add_copies(world, template, count - 1)
    with world.engine.db.session() as s:
        due = s.scalar(select(func.min(WorkflowInstance.next_timer_due)).where(WorkflowInstance.status == "running"))
    moment = due + LATE[mode]
    set_up = time.perf_counter() - began
    with tempfile.TemporaryDirectory(prefix="dondoc-timers-") as folder:
        clock = FileClock(Path(folder) / "clock.txt")
        clock.set(moment)
        processes = [_scheduler(world, url, clock, interval, Path(folder) / f"scheduler-{n}.log")
                     for n in range(schedulers)]
        started = time.perf_counter()
        try:
            while _due(world, moment) and time.perf_counter() - started < 3600:
                _check_alive(processes, folder)
                time.sleep(0.2)
            seconds = time.perf_counter() - started
        finally:
            for process in processes:
                process.terminate()
                process.wait(30)
    return _checked(world, count, moment, seconds, set_up)


def _scheduler(world: World, url: str, clock: FileClock, interval: float, log: Path) -> subprocess.Popen:
    """`dondoc scheduler` on the bench database, on the shared testing clock."""
    settings = world.engine.settings
    env = {**os.environ, "DONDOC_DATABASE_URL": url, "DONDOC_RULESET": settings.ruleset,
           "DONDOC_PROCESSES_DIR": settings.processes_dir, "DONDOC_TESTING": "1",
           "DONDOC_TESTING_CLOCK": f"file:{clock.path}", "DONDOC_CONFIG": "", "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen([sys.executable, "-c", "from webui.cli import main; main()",
                             "scheduler", "--interval", f"{interval:g}"],
                            env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, cwd=REPO_ROOT)


def _check_alive(processes: list[subprocess.Popen], folder: str) -> None:
    if any(process.poll() is not None for process in processes):
        logs = "\n".join(path.read_text(errors="replace")[-2000:] for path in Path(folder).glob("*.log"))
        raise RuntimeError(f"a scheduler stopped:\n{logs}")


def _due(world: World, moment: datetime) -> int:
    with world.engine.db.reading() as s:  # waits for no scheduler's write lock (SQLite)
        return s.scalar(select(func.count(WorkflowInstance.id)).where(
            WorkflowInstance.status == "running", WorkflowInstance.next_timer_due < moment)) or 0


def _checked(world: World, count: int, moment: datetime, seconds: float, set_up: float) -> Drained:
    with world.engine.db.reading() as s:
        runs = (select(AuditEntry.object_id).where(AuditEntry.action == "instance.timers")
                .group_by(AuditEntry.object_id).having(func.count() > 1).subquery())
        told = (select(Notification.assignment_id).group_by(Notification.assignment_id, Notification.kind,
                                                            Notification.user_id)
                .having(func.count() > 1).subquery())
        return Drained(
            timers=count, seconds=seconds, set_up=set_up, unfired=_due(world, moment),
            fired_twice=s.scalar(select(func.count()).select_from(runs)) or 0,
            notified_twice=s.scalar(select(func.count()).select_from(told)) or 0,
            notifications=s.scalar(select(func.count(Notification.id))) or 0,
            incidents=s.scalar(select(func.count(Incident.id))) or 0)


def report(mode: str, drained: Drained, schedulers: int, interval: float) -> None:
    rate = drained.timers / drained.seconds if drained.seconds else 0
    print(f"  set-up: {drained.timers} waiting assignments in {drained.set_up:.1f} s")
    print(f"  {mode}: {drained.timers} due timers fired by {schedulers} scheduler process(es), a tick every "
          f"{interval:g} s, in {drained.seconds:.1f} s ({rate:.0f} timers/s, {1000 / rate if rate else 0:.1f} ms each)")
    print(f"  exactly once: {drained.unfired} unfired, {drained.fired_twice} fired twice, "
          f"{drained.notified_twice} told twice ({drained.notifications} notifications), "
          f"{drained.incidents} incidents; load {os.getloadavg()[0]:.1f}")
