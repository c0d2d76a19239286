"""(a) One user-task completion through the engine (Runtime.complete: lock, load, run, save,
work items, audit, commit) against bare SpiffWorkflow on the same diagram in memory (stock
BpmnWorkflowSerializer: deserialize, complete, serialize)."""
from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

from bench.world import World, initial_data
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.sandbox.helpers import HELPERS

SUBMISSION = {"progress": "in_progress", "note": "Đang triển khai theo kế hoạch"}


@dataclass
class Timings:
    """Seconds per operation: wall clock, and this process's CPU (steadier on a busy machine;
    on PostgreSQL it leaves out the server's share)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @contextmanager
    def measure(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu)

    def __iadd__(self, other: Timings) -> Timings:
        self.wall += other.wall
        self.cpu += other.cpu
        return self

    @property
    def wall_ms(self) -> float:
        return statistics.median(self.wall) * 1000

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu) * 1000


def engine_round(world: World, instance_ids: list[int], bare: BareSpiff | None = None,
                 commits: CommitProbe | None = None) -> tuple[Timings, Timings, Timings]:
    """Complete the ready work item of each instance once. With `bare`, each engine step is
    followed by one bare step, so that both sides see the same moment of a noisy machine; with
    `commits`, by a one-row write committed on its own too. Returns the three timings."""
    with world.engine.db.session() as s:
        items = dict(s.execute(select(WorkItem.instance_id, WorkItem.id).where(
            WorkItem.instance_id.in_(instance_ids), WorkItem.status == "ready")).all())
    engine_times, bare_times, commit_times = Timings(), Timings(), Timings()
    for n, instance_id in enumerate(instance_ids):
        with engine_times.measure():
            world.engine.runtime.complete(items[instance_id], SUBMISSION, world.officer)
        if bare is not None:
            bare.step(n, bare_times)
        if commits is not None:
            commits.commit(commit_times)
    return engine_times, bare_times, commit_times


_COMMITS = Table("bench_commits", MetaData(), Column("id", Integer, primary_key=True))


class CommitProbe:
    """What the database's commit of a write costs at this moment: PostgreSQL's WAL flush (or
    SQLite's fsync), which every committed step waits for and which, on a shared virtual disk,
    moved from 0.2 to 4 ms within minutes (bench/README.md). Timed between the steps, it sees
    the same moments they do."""

    def __init__(self, world: World):
        self.engine = world.engine.db.engine
        _COMMITS.create(self.engine, checkfirst=True)

    def commit(self, timings: Timings) -> None:
        with timings.measure(), self.engine.begin() as connection:
            connection.execute(insert(_COMMITS))


def stored_instances(world: World) -> int:
    with world.engine.db.session() as s:
        return s.scalar(select(func.count()).select_from(WorkflowInstance))


class BareSpiff:
    """The same diagram run by SpiffWorkflow alone, state kept as stock JSON blobs."""

    def __init__(self, world: World, count: int):
        compiled = world.engine.cache.get(world.bundle)
        self.spec, self.subspecs = compiled.specs["bench"], compiled.subprocess_specs("bench")
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.script_engine = PythonScriptEngine(environment=TaskDataEnvironment(dict(HELPERS)))
        self.blobs = [self._start(n) for n in range(count)]

    def _start(self, n: int) -> str:
        workflow = BpmnWorkflow(self.spec, self.subspecs, script_engine=self.script_engine)
        workflow.get_next_task(state=TaskState.READY).data.update(initial_data(n))
        workflow.refresh_timers()
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow)

    def step(self, n: int, timings: Timings) -> None:
        with timings.measure():
            self.blobs[n] = self._complete(self.blobs[n])

    def _complete(self, blob: str) -> str:
        workflow = self.serializer.deserialize_json(blob)
        workflow.script_engine = self.script_engine
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        task.data.update(SUBMISSION)
        task.run()
        workflow.refresh_timers()
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow)
