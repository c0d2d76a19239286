"""`python -m bench.link_copies`: what the links' copies of their assignments' columns
(engine.directives.link_copies) add to a step that writes an assignment: a progress report
through the engine (the lead unit's "update_progress" task, action update), each assignment
with a lead and a coordinating unit, timed with the database's triggers and without them,
alternated round by round on the same rows. SQLite by default; PostgreSQL with
DONDOC_BENCH_DATABASE_URL (a fresh schema, dropped after)."""
from __future__ import annotations

import argparse
import os
import statistics
import time

from sqlalchemy import select

from bench import loops
from bench.world import PASSWORD, World, database_url, make_world
from engine.directives import link_copies
from engine.directives import service as directives
from engine.directives.models import Assignment
from engine.org import service as org
from engine.runtime.models import WorkItem


def open_assignments(world: World, count: int) -> list[int]:
    """A directive with `count` tasks led by STC with SXD coordinating, classified."""
    with world.engine.db.session() as s:
        org.create_unit(s, "SXD", "Sở Xây dựng", parent_code="UBND", kind="department")
        org.create_user(s, "sxd", PASSWORD, "Chuyên viên", "SXD", ["unit_officer"])
    directives.register(world.engine, {
        "symbol": "2/2026/QĐ-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "summary": "Đo bản sao"},
        [{"content": f"Nhiệm vụ {n}", "lead_unit": "STC", "coordinating_units": ["SXD"], "deadline_days": 10}
         for n in range(count)], world.clerk)
    world.engine.runtime.complete(loops._ready(world, "classify_directive").id, {"tracked": "on"}, world.clerk)
    with world.engine.db.session() as s:
        return list(s.scalars(select(Assignment.id).order_by(Assignment.id)))


def report_progress(world: World, assignment_id: int, n: int) -> float:
    """One progress report on the assignment; its wall time in ms."""
    with world.engine.db.session() as s:
        item = s.scalars(select(WorkItem.id).where(WorkItem.assignment_id == assignment_id,
                                                   WorkItem.form_key == "update_progress",
                                                   WorkItem.status == "ready")).one()
    began = time.perf_counter()
    world.engine.runtime.complete(item, {"action": "update", "progress": "in_progress", "note": f"Báo cáo {n}"},
                                  world.officer)
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.link_copies", description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="rounds of each kind, alternated")
    args = parser.parse_args()
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    with database_url() as url:
        world = make_world(url, ruleset=loops.RULESET, processes_dir=loops.PROCESSES)
        try:
            ids = open_assignments(world, args.assignments)
            timings: dict[bool, list[float]] = {True: [], False: []}
            for n in range(2 * args.rounds):  # the triggers (made with the tables) on, then off, and so on
                copying = n % 2 == 0
                timings[copying] += [report_progress(world, aid, n) for aid in ids]
                with world.engine.db.engine.begin() as conn:
                    (link_copies.drop_triggers if copying else link_copies.create_triggers)(conn)
        finally:
            world.engine.close()
    print(f"progress report step on {backend}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.rounds} rounds of {args.assignments} each way")
    for copying, label in ((False, "without the triggers"), (True, "with the triggers (2 links each)")):
        runs = sorted(timings[copying])
        print(f"    {label:<36} p50 {statistics.median(runs):7.2f} ms   mean {statistics.fmean(runs):7.2f} ms")
    print(f"    ratio of medians {statistics.median(timings[True]) / statistics.median(timings[False]):.3f}")


if __name__ == "__main__":
    main()
