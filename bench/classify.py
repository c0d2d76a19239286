"""`python -m bench.classify`: registering and classifying a long conclusion notice. A Thông báo
kết luận gives 10–30 tasks, some over 100; the clerk's "Phân loại" creates every task's assignment and
starts its process in one request. On the demo organisation (engine.demo) of a ruleset, directives of
each size are registered (`directives.register`, as the register page) and classified
(`Runtime.complete` of the classify step, as the work item page), each timed (wall seconds) and its
statements counted (`before_cursor_execute`). `--profile` prints cProfile's heaviest calls of the
largest classification. Last, the largest classification is replayed in bare SpiffWorkflow
(bench.floor): its CPU time is the floor no change to dondoc's own work goes under.

SQLite by default; PostgreSQL when DONDOC_BENCH_DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import copy
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event, select

from bench.floor import BareLifecycle, Completed, outcome_of, recording
from bench.world import database_url
from engine import clock
from engine import demo as demo_org
from engine.config import Settings
from engine.core import Engine
from engine.db.migrate import upgrade
from engine.directives import service as directives
from engine.directives.models import Directive
from engine.org import permissions
from engine.org.importer import import_data
from engine.org.models import User
from engine.runtime.models import WorkItem, WorkItemStatus

RULESETS = ("dak-lak", "tinh-2025")
T = TypeVar("T")
LEADS = ("STC", "SXD", "SNNMT", "XA-EAKAR")


def demo_engine(url: str, ruleset: str) -> Engine:
    """An engine on `url` holding the demo organisation (its units and people, no directive) and `ruleset`."""
    engine = Engine(Settings.load(database_url=url, ruleset=ruleset))
    upgrade(url)
    with engine.db.session() as session:
        import_data(session, {
            "unit": [{"code": c, "name": n, "parent": p, "kind": k, "tracking_office": c == "VP"}
                     for c, n, p, k in demo_org.UNITS],
            "user": [{"username": u, "full_name": f, "unit": unit, "roles": r, "password": demo_org.DEMO_PASSWORD}
                     for u, f, unit, r in demo_org.USERS]})
        engine.load_ruleset(session)
    return engine


def notice(number: int, tasks: int) -> tuple[dict, list[dict]]:
    """A conclusion notice's header and its `tasks` tasks, as the register page sends them: leads
    taking turns, every other task coordinated, dated, counted in working days or open."""
    issued = clock.today() - timedelta(days=2)
    header = {"symbol": f"{number}/TB-UBND", "issued_on": issued.isoformat(), "issuer": "UBND tỉnh",
              "summary": f"Kết luận của Chủ tịch UBND tỉnh tại cuộc họp số {number}", "urgency": "normal"}
    rows = []
    for n in range(tasks):
        lead = LEADS[n % len(LEADS)]
        due = ({"deadline": (issued + timedelta(days=20 + n % 30)).isoformat()} if n % 3 == 0
               else {"deadline_days": 10 + n % 20} if n % 3 == 1 else {})
        rows.append({"content": f"Nhiệm vụ {n + 1}: triển khai nội dung kết luận số {number}", "lead_unit": lead,
                     "coordinating_units": [LEADS[(n + 1) % len(LEADS)]] if n % 2 else [], **due})
    return header, rows


@dataclass
class Measured:
    seconds: float
    cpu: float  # this process's CPU seconds: the steadier figure on a shared machine
    statements: int


@contextmanager
def counted(engine: Engine) -> Iterator[list[int]]:
    """A list the statements run inside append to."""
    statements: list[int] = []
    count = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", count)


def measure(engine: Engine, call: Callable[[], T]) -> tuple[Measured, T]:
    """What `call` took and what it gave."""
    with counted(engine) as statements:
        began, began_cpu = time.perf_counter(), time.process_time()
        given = call()
        return Measured(time.perf_counter() - began, time.process_time() - began_cpu, len(statements)), given


def clerk_of(engine: Engine) -> User:
    with engine.db.reading() as session:
        return session.scalar(select(User).where(User.username == "theodoi"))


def register(engine: Engine, clerk: User, number: int, tasks: int) -> int:
    header, rows = notice(number, tasks)
    with engine.db.session() as session:
        return directives.register(engine, header, rows, clerk, session=session).id


def classify_step(engine: Engine, clerk: User, directive_id: int) -> int:
    """The directive's classify step the clerk may act on."""
    with engine.db.reading() as session:
        items = session.scalars(select(WorkItem).where(
            WorkItem.directive_id == directive_id, WorkItem.assignment_id.is_(None),
            WorkItem.status == WorkItemStatus.READY, WorkItem.element_id == "classify"))
        return next(i.id for i in items if permissions.may_act(session, clerk, i))


def classify(engine: Engine, clerk: User, item_id: int) -> None:
    """What the classify page sends: tracked, no follow-up officer named."""
    engine.runtime.complete(item_id, {"tracked": "on", "follow_up_officer": "", "classify_note": ""}, clerk)


def assigned(engine: Engine, directive_id: int) -> int:
    with engine.db.reading() as session:
        return len(session.get_one(Directive, directive_id).assignments)


def floor(engine: Engine, clerk: User, ruleset: str, number: int, tasks: int, repeat: int = 3) -> tuple[float, float]:
    """(the engine's CPU seconds, bare SpiffWorkflow's) for classifying a notice of `tasks` tasks: the
    classification is recorded through the engine, then replayed in memory by SpiffWorkflow alone
    (bench.floor.BareLifecycle: the same specs, data and service answers, no database), the median of
    `repeat` replays less the directive's start before it."""
    with recording(engine) as events:
        directive_id = register(engine, clerk, number, tasks)
        item_id = classify_step(engine, clerk, directive_id)
        engine_cpu, _ = measure(engine, partial(classify, engine, clerk, item_id))
    bare = BareLifecycle(engine, events, outcome_of(engine, events), ruleset)
    registered = events[:next(n for n, e in enumerate(events) if isinstance(e, Completed))]
    spent = []
    for _ in range(repeat):
        whole, start = bare.prepared(), copy.deepcopy(registered)
        began = time.process_time()
        bare.run(whole)
        middle = time.process_time()
        bare.run(start)
        spent.append((middle - began) - (time.process_time() - middle))
    bare.run(bare.prepared())
    bare.check()
    return engine_cpu.cpu, statistics.median(spent)


def run(ruleset: str, sizes: list[int], profile: bool) -> None:
    with database_url() as url, tempfile.TemporaryDirectory(prefix="dondoc-bench-classify-") as folder:
        os.environ.setdefault("DONDOC_ATTACHMENTS_DIR", str(Path(folder) / "attachments"))
        with closing(demo_engine(url, ruleset)) as engine:
            clerk = clerk_of(engine)
            register(engine, clerk, 1, 2)  # the first of each kind compiles its statements
            classify(engine, clerk, classify_step(engine, clerk, register(engine, clerk, 2, 2)))
            print(f"\n{ruleset}, load {os.getloadavg()[0]:.1f}")
            print("| tasks | register s (CPU) | statements | per task | classify s (CPU) | statements | per task |")
            print("|---:|---:|---:|---:|---:|---:|---:|")
            for number, tasks in enumerate(sizes, start=10):
                registered, directive_id = measure(engine, partial(register, engine, clerk, number, tasks))
                item_id = classify_step(engine, clerk, directive_id)
                profiler = cProfile.Profile() if profile and tasks == max(sizes) else None
                if profiler:
                    profiler.enable()
                classified, _ = measure(engine, partial(classify, engine, clerk, item_id))
                if profiler:
                    profiler.disable()
                assert assigned(engine, directive_id) == tasks
                print(f"| {tasks} | {registered.seconds:.2f} ({registered.cpu:.2f}) | {registered.statements} | "
                      f"{registered.statements / tasks:.1f} | {classified.seconds:.2f} ({classified.cpu:.2f}) | "
                      f"{classified.statements} | {classified.statements / tasks:.1f} |", flush=True)
                if profiler:
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            engine_cpu, bare_cpu = floor(engine, clerk, ruleset, 100, max(sizes))
            print(f"\nSpiffWorkflow's floor, classifying {max(sizes)} tasks: engine {engine_cpu:.2f} s CPU, "
                  f"bare SpiffWorkflow {bare_cpu:.2f} s CPU (ratio {engine_cpu / bare_cpu:.2f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.classify", description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="10,30,107", help="sizes of the directives, in tasks")
    parser.add_argument("--rulesets", default=",".join(RULESETS))
    parser.add_argument("--profile", action="store_true", help="cProfile the largest classification")
    args = parser.parse_args()
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    print(f"{backend}: registering and classifying a directive (wall seconds, statements)")
    for ruleset in args.rulesets.split(","):
        run(ruleset, [int(n) for n in args.tasks.split(",")], args.profile)


if __name__ == "__main__":
    main()
