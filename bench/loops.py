"""Return-for-correction loops (chuyển lại - điều chỉnh - giao lại) on one assignment of the
common processes: time per loop, and the state's size and load time as loops pile up."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from sqlalchemy import select

from bench.world import World
from engine.config import REPO_ROOT
from engine.directives import service as directives
from engine.runtime.models import WorkflowInstance, WorkItem

PROCESSES = REPO_ROOT / "processes"
RULESET = "dak-lak"


@dataclass
class LoopPoint:
    loops: int
    seconds_per_loop: float
    cpu_seconds_per_loop: float
    state_kib: float
    tasks: int
    load_ms: float


def open_assignment(world: World) -> int:
    """Register a directive with one assignment and classify it; the assignment's instance id."""
    directive = directives.register(world.engine, {
        "symbol": "1/2026/QĐ-UBND", "issued_on": "02/03/2026", "issuer": "UBND tỉnh", "summary": "Đo vòng lặp"},
        [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": 10}], world.clerk)
    world.engine.runtime.complete(_ready(world, "classify_directive").id, {"tracked": "on"}, world.clerk)
    with world.engine.db.session() as s:
        return s.scalar(select(WorkflowInstance.id).where(WorkflowInstance.directive_id == directive.id,
                                                          WorkflowInstance.purpose == "assignment"))


def _ready(world: World, form_key: str) -> WorkItem:
    with world.engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.form_key == form_key, WorkItem.status == "ready")).one()


def one_loop(world: World, n: int) -> None:
    world.engine.runtime.complete(_ready(world, "update_progress").id,
                                  {"action": "return", "return_reason": f"Không đúng chức năng (lần {n})"},
                                  world.officer)
    world.engine.runtime.complete(_ready(world, "correct_assignment").id,
                                  {"correction_note": f"Giữ nguyên, giao lại (lần {n})"}, world.clerk)


def measure(world: World, instance_id: int) -> tuple[float, int, float]:
    """State size (KiB), tasks in the tree, median load time (ms) of the instance."""
    with world.engine.db.session() as s:
        instance = s.get(WorkflowInstance, instance_id)
        loads = []
        for _ in range(5):
            began = time.perf_counter()
            _, workflow = world.engine.runtime._load(s, instance)
            loads.append(time.perf_counter() - began)
        tasks = len(workflow.tasks) + sum(len(sub.tasks) for sub in workflow.subprocesses.values())
        return len(instance.state) / 1024, tasks, statistics.median(loads) * 1000


def run_loops(world: World, checkpoints: list[int]) -> list[LoopPoint]:
    instance_id = open_assignment(world)
    points, done = [], 0
    for target in checkpoints:
        began, cpu = time.perf_counter(), time.process_time()
        for n in range(done, target):
            one_loop(world, n + 1)
        count = max(1, target - done)
        spent, cpu_spent = (time.perf_counter() - began) / count, (time.process_time() - cpu) / count
        done = target
        points.append(LoopPoint(target, spent, cpu_spent, *measure(world, instance_id)))
    return points
