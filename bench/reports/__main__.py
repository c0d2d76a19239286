"""`python -m bench.reports`: a yearly report over 100k and 1M assignments.

Rows are inserted directly (a province-sized tree: 40 departments with 3 sections each,
two years of assignments: most done, a few late or overdue, some open-ended, returned,
cancelled or secret). Each report query is timed with the report indexes, then without
them (dropped), so the figures show what the indexes buy. SQLite by default; PostgreSQL
when DONDOC_BENCH_DATABASE_URL is set (a fresh schema is made and dropped).
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, text

from bench.world import database_url
from engine.clock import ManualClock
from engine.config import Settings
from engine.core import Engine
from engine.directives.models import Assignment, Directive
from engine.org.models import Unit
from engine.reports import counts
from engine.reports.counts import Scope
from engine.reports.export_xlsx import write_xlsx
from engine.reports.overdue import overdue_assignments
from engine.reports.service import build_report, month_ends

YEAR = 2026
AS_OF = date(YEAR, 11, 30)
NOW = datetime(YEAR, 11, 30, 2, 0, tzinfo=UTC)
CHUNK = 20_000
REPORT_INDEXES = [ix for ix in Assignment.__table__.indexes if ix.name == "ix_assignments_outcome"]


def make_engine(url: str) -> Engine:
    engine = Engine(Settings.load(database_url=url, ruleset="dak-lak", testing=True),
                    clock=ManualClock(NOW))
    engine.db.create_all()
    return engine


def make_units(engine: Engine) -> list[int]:
    """Root, office, 40 departments, 3 sections each; returns the ids that lead assignments."""
    rows = [{"id": 1, "code": "UBND", "name": "UBND tỉnh", "kind": "province", "parent_id": None},
            {"id": 2, "code": "VP", "name": "Văn phòng UBND tỉnh", "kind": "office", "parent_id": 1,
             "is_tracking_office": True}]
    for d in range(40):
        dept = 10 + d * 4
        rows.append({"id": dept, "code": f"S{d:02d}", "name": f"Sở số {d:02d}", "kind": "department", "parent_id": 1})
        rows += [{"id": dept + s, "code": f"S{d:02d}-P{s}", "name": f"Phòng {s} Sở {d:02d}", "kind": "section",
                  "parent_id": dept} for s in (1, 2, 3)]
    with engine.db.session() as s:
        s.execute(insert(Unit), [{"is_tracking_office": False, **row} for row in rows])
    return [row["id"] for row in rows if row["kind"] in ("department", "section")]


def assignment_row(n: int, rnd: random.Random, units: list[int], directives: int) -> dict:
    assigned = date(YEAR - 1, 1, 1) + timedelta(days=rnd.randrange(0, 700))
    open_ended = rnd.random() < 0.12
    deadline = None if open_ended else assigned + timedelta(days=rnd.randrange(5, 90))
    roll = rnd.random()
    completed = None
    if roll < 0.80:  # done: mostly on time, some late
        base = deadline or assigned + timedelta(days=60)
        completed = base - timedelta(days=rnd.randrange(0, 20)) if roll < 0.72 else base + timedelta(
            days=rnd.randrange(1, 30))
        completed = max(completed, assigned)
    status = "cancelled" if rnd.random() < 0.01 else ("returned" if rnd.random() < 0.01 else "open")
    return {"directive_id": 1 + n % directives, "seq": 1, "content": f"Nhiệm vụ {n}",
            "lead_unit_id": rnd.choice(units), "deadline_kind": "open" if open_ended else "dated",
            "deadline": deadline, "assigned_on": assigned, "completed_on": completed,
            "progress": "done" if completed else "in_progress", "status": status,
            "urgency": rnd.choice(("normal", "normal", "normal", "urgent", "flash")),
            "secret": rnd.random() < 0.01, "requires_report": False, "created_at": NOW}


def fill(engine: Engine, units: list[int], start: int, target: int) -> float:
    """Insert assignments number `start`..`target`; returns seconds taken."""
    began = time.perf_counter()
    rnd = random.Random(start)
    directives = max(1, target // 8)
    with engine.db.session() as s:
        have = s.execute(text("SELECT COUNT(*) FROM directives")).scalar()
        s.execute(insert(Directive), [
            {"id": d, "ruleset": "dak-lak", "doc_type": "CV", "number": str(d), "symbol": f"{d}/UBND-TH",
             "summary": f"Văn bản {d}", "issuer": "UBND tỉnh", "issued_on": date(YEAR - 1, 1, 1), "urgency": "normal",
             "secrecy": "confidential" if d % 97 == 0 else None, "status": "assigned", "created_at": NOW,
             "extra": {}} for d in range(have + 1, directives + 1)] or None)
    set_indexes(engine, False)  # a bulk load is faster with the index built once afterwards
    for chunk in range(start, target, CHUNK):
        with engine.db.session() as s:
            s.execute(insert(Assignment), [assignment_row(n, rnd, units, directives)
                                           for n in range(chunk, min(chunk + CHUNK, target))])
    set_indexes(engine, True)
    with engine.db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - began


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def measure(engine: Engine, repeat: int) -> dict[str, float]:
    scope = Scope(as_of=AS_OF, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31))
    public = Scope(as_of=AS_OF, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), include_secret=False)
    with engine.db.session() as s:
        cases = {
            "total (4 buckets)": lambda: counts.total(s, scope),
            "per unit, 40 sub-trees": lambda: counts.by_subtree(s, scope, 1),
            "trend, 11 month ends": lambda: counts.trend(s, scope, month_ends(AS_OF, 11)),
            "50 most overdue": lambda: overdue_assignments(s, scope, limit=50),
            "public page (no secret)": lambda: counts.by_subtree(s, public, 1),
            "one department's sub-tree": lambda: counts.total(s, Scope(
                as_of=AS_OF, start=date(YEAR, 1, 1), unit_ids=[10, 11, 12, 13])),
        }
        return {name: timed(fn, repeat) for name, fn in cases.items()}


def set_indexes(engine: Engine, present: bool) -> None:
    for index in REPORT_INDEXES:
        (index.create if present else index.drop)(engine.db.engine, checkfirst=True)


def full_report(engine: Engine) -> tuple[float, int, int]:
    """The yearly report with its whole overdue list, written to .xlsx."""
    began = time.perf_counter()
    with engine.db.session() as s:
        report = build_report(s, Scope(as_of=AS_OF, start=date(YEAR, 1, 1), end=date(YEAR, 12, 31)),
                              root_unit_id=1, period_label=f"Năm {YEAR}")
    size = len(write_xlsx(report))
    return time.perf_counter() - began, len(report.overdue), size


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="assignments, cumulative targets")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="5,000 assignments: check that the bench runs")
    args = parser.parse_args()
    sizes = [5000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    print(f"dondoc report bench on {backend}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
          f"yearly report {YEAR} as of {AS_OF}, median of {args.repeat}")
    with database_url() as url:
        engine = make_engine(url)
        try:
            units, have = make_units(engine), 0
            for size in sizes:
                print(f"\n{size:,} assignments (inserted in {fill(engine, units, have, size):.1f} s)")
                have = size
                with_index = measure(engine, args.repeat)
                set_indexes(engine, False)
                without = measure(engine, args.repeat)
                set_indexes(engine, True)
                print(f"  {'query':28} {'with index':>12} {'without':>12}")
                for name, seconds in with_index.items():
                    print(f"  {name:28} {seconds * 1000:10.1f} ms {without[name] * 1000:10.1f} ms")
                seconds, overdue, size_bytes = full_report(engine)
                print(f"  full report + .xlsx ({overdue:,} overdue listed, {size_bytes / 1e6:.1f} MB): {seconds:.1f} s")
        finally:
            engine.close()


if __name__ == "__main__":
    main()
