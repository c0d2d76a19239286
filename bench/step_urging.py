"""`python -m bench.step_urging [--late N] [--calls N]`: what a scheduler tick's read of the late steps costs
(`engine.urging.steps._owed`) once the rule urges the units' and leaders' steps too.

Dak Lak's ruleset as published; N late `handle` items (the units' own tasks, which their diagram urges, property
`urging = "diagram"`), 200 late `classify` items of the office and 50 late `explain` items of a unit, the last two
already escalated (their history entries written): the steady state of a tick that has nothing new to send. The read
three ways, alternated call by call in one process: the office's steps alone (the rule before), every late step of
an office, unit or leader role (an extension without the diagram's mark), and as built. p50 ms, their ratio to the
office's alone, and how many items each finds owed. SQLite in a temporary folder, or a fresh schema on
DONDOC_BENCH_DATABASE_URL."""
from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import insert

from bench.world import START, database_url, make_world
from engine import clock
from engine.audit.models import AuditEntry
from engine.config import REPO_ROOT
from engine.org import permissions
from engine.org import service as org
from engine.runtime.models import InstanceStatus, WorkflowInstance, WorkItem, WorkItemStatus
from engine.urging import steps
from engine.working_days import WorkingCalendar

OFFICE_LATE, EXPLAIN_LATE = 200, 50
MOMENT = START.replace(tzinfo=clock.VN_TZ) + timedelta(days=30)
DUE = START.replace(tzinfo=clock.VN_TZ)  # a month before MOMENT: escalated long ago


def fill(engine, bundle_id: int, unit_id: int, late: int) -> None:
    """The late items, on one instance row (the rule reads the items, never the instance)."""
    with engine.db.session() as s:
        instance = WorkflowInstance(bundle_id=bundle_id, process_id="directive", purpose="directive", state="{}",
                                    status=InstanceStatus.RUNNING, created_at=clock.now(), updated_at=clock.now())
        s.add(instance)
        s.flush()
        kinds = ([("handle", "unit_officer", unit_id)] * late + [("classify", "clerk", None)] * OFFICE_LATE
                 + [("explain", "unit_officer", unit_id)] * EXPLAIN_LATE)
        s.execute(insert(WorkItem), [
            {"instance_id": instance.id, "task_id": f"bench-{n}", "element_id": element, "title": element,
             "lane": None, "role": role, "unit_id": unit, "form_key": element, "due_at": DUE,
             "status": WorkItemStatus.READY, "created_at": clock.now()}
            for n, (element, role, unit) in enumerate(kinds)])
        urged = s.scalars(WorkItem.__table__.select().with_only_columns(WorkItem.id).where(
            WorkItem.element_id.in_(("classify", "explain")))).all()
        s.execute(insert(AuditEntry), [
            {"at": clock.now(), "action": steps.STEP_URGED, "object_type": "work_item", "object_id": str(item_id),
             "after": {"kind": steps.ESCALATION, "due": DUE.date().isoformat()}} for item_id in urged])


def main(late: int, calls: int) -> None:
    with database_url() as url:
        world = make_world(url, "dak-lak", REPO_ROOT / "processes")
        engine, roles = world.engine, steps.URGED_ROLES
        try:
            with engine.db.session() as s:
                unit_id = org.require_unit(s, "STC").id
            fill(engine, world.bundle.id, unit_id, late)
            built = steps.StepPolicy.of(engine.compiled(world.bundle))
            ways: dict[str, tuple[tuple[str, ...], steps.StepPolicy]] = {
                "office alone": (permissions.OFFICE_WORK, built),
                "every late step": (roles, dataclasses.replace(built, urged_by_diagram=())),
                "as built": (roles, built)}
            timed = _alternated({way: lambda way=way: _read(engine, *ways[way]) for way in ways}, calls)
        finally:
            steps.URGED_ROLES = roles
            engine.close()
    base = statistics.median(timed["office alone"][0])
    print(f"| {late:,} late unit tasks | p50 ms | ratio to the office's alone | items owed |")
    print("|---|---:|---:|---:|")
    for way, (spent, owed) in timed.items():
        print(f"| {way} | {statistics.median(spent):.2f} | {statistics.median(spent) / base:.2f} | {owed} |")


def _read(engine, roles: tuple[str, ...], policy: steps.StepPolicy) -> int:
    steps.URGED_ROLES = roles
    with engine.db.reading() as s:
        return sum(1 for _ in steps._owed(s, policy, WorkingCalendar.from_db(s), MOMENT))


def _alternated(reads: dict[str, Callable[[], int]], calls: int) -> dict[str, tuple[list[float], int]]:
    """Each read `calls` times, taking turns call by call (they meet the same moments of a shared
    machine): way -> (ms of each call, items owed)."""
    timed: dict[str, tuple[list[float], int]] = {way: ([], 0) for way in reads}
    for _ in range(calls):
        for way, read in reads.items():
            began = time.perf_counter()
            owed = read()
            timed[way] = ([*timed[way][0], (time.perf_counter() - began) * 1000], owed)
    return timed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--late", type=int, default=10_000, help="late unit tasks that their diagram urges")
    parser.add_argument("--calls", type=int, default=20, help="reads of each way")
    main(**vars(parser.parse_args()))
