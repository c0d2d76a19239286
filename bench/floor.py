"""`python -m bench.floor`: what mix (b)'s directive lifecycle costs at SpiffWorkflow's floor,
against the same lifecycle through dondoc's engine services, through the application (Flask's
test client) and through HTTP (the production server), in one run.

One lifecycle is recorded through the engine first: each process started (its data), each user
task completed (its data as the engine gave it to SpiffWorkflow) and each service task's answer.
*Bare SpiffWorkflow* replays that record in memory: the same process files of the same ruleset
(the compiled specs dondoc runs), the same starts, user tasks and data, the service tasks
answering what the operators answered (a start the operator made is replayed where it was made);
no database, no serialisation, no Flask, the library's own `PythonScriptEngine`. The replay checks
that it takes the recorded path (each service task the one recorded, each user task ready, each
workflow ending as the engine's instance ended). Then the four ways alternate lifecycle by
lifecycle, so that each meets the same moments of a shared machine, and the means of their
CPU time are printed as ratios to the bare one, the database server's beside them (PostgreSQL).

SQLite by default; PostgreSQL when DONDOC_BENCH_DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import os
import statistics
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.task import Task
from sqlalchemy import event, select, text

from bench.http import mixes
from bench.http.lifecycle import InProcessApi
from bench.http.server import DEPARTMENTS, RULESET, Server, children_of, cpu_of, running
from bench.world import database_url
from engine.core import Engine
from engine.directives import service as directives
from engine.directives.models import Assignment
from engine.org.models import User
from engine.rulesets.service import published_bundle
from engine.runtime.models import InstanceStatus, WorkflowInstance, WorkItem, WorkItemStatus
from engine.sandbox.helpers import HELPERS, current_calendar, get_path
from engine.sandbox.operators import current_step
from engine.working_days import WorkingCalendar
from webui.app import create_app

WARM_UP = 5  # lifecycles of each way not measured: statements compiled, each server worker's first requests
# What a unit's progress report completes (webui/api/assignments.py builds it from the API's body).
REPORT = {"action": "update", "progress": "done", "note": "Đã hoàn thành", "overdue_reason": "",
          "blocked_reason": "", "attachments": []}


# ---------------------------------------------------------------- the record
@dataclass
class Started:
    instance_id: int
    process_id: str
    data: dict


@dataclass
class Completed:
    instance_id: int
    element: str
    data: dict


@dataclass
class Answered:
    instance_id: int
    operation: str
    result: str  # the JSON text the engine's environment gave SpiffWorkflow


Event = Started | Completed | Answered


@contextmanager
def recording(engine: Engine) -> Iterator[list[Event]]:
    """What the engine gives SpiffWorkflow while the block runs, in order: each process it starts,
    each user task it completes, each service task's answer (kept when the operator returns, so a
    start made by an operator comes before its answer)."""
    events: list[Event] = []
    runtime, environment, run_task = engine.runtime, engine.runtime.script_engine.environment, Task.run

    def start(session, bundle, purpose, data, **kwargs):
        event = Started(0, engine.compiled(bundle).process_id(purpose), copy.deepcopy(data))
        events.append(event)
        instance = type(runtime).start(runtime, session, bundle, purpose, data, **kwargs)
        event.instance_id = instance.id
        return instance

    def call_service(context, operation_name, operation_params):
        answer = type(environment).call_service(environment, context, operation_name, operation_params)
        events.append(Answered(current_step.get().instance.id, operation_name, answer))
        return answer

    def run(task: Task):
        if task.task_spec.manual:
            events.append(Completed(current_step.get().instance.id, task.task_spec.bpmn_id, copy.deepcopy(task.data)))
        return run_task(task)

    runtime.start, environment.call_service, Task.run = start, call_service, run
    try:
        yield events
    finally:
        del runtime.start, environment.call_service
        Task.run = run_task


# ---------------------------------------------------------------- bare SpiffWorkflow
class Diverged(Exception):
    """The replay left the recorded path: the floor would not be the same lifecycle's."""


class _ReplayEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's own environment; a service task answers what the record says, after the
    starts its operator made."""

    def __init__(self, globals_: dict, replay: BareLifecycle):
        super().__init__(globals_)
        self.replay = replay

    def call_service(self, context, operation_name, operation_params):
        return self.replay.answer(operation_name)


class _ReplayEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, but a Diverged raised by a service task arrives as itself
    (3.2.0 turns any exception there into NameError 'script')."""

    def call_service(self, task, **kwargs):
        return self.environment.call_service(task.data, **kwargs)


class BareLifecycle:
    """A recorded lifecycle replayed in memory by SpiffWorkflow alone."""

    def __init__(self, engine: Engine, events: list[Event], outcome: dict[int, bool], ruleset: str = RULESET):
        with engine.db.reading() as session:
            self.compiled = engine.compiled(published_bundle(session, ruleset))
            calendar = WorkingCalendar.from_db(session)
        current_calendar.set(calendar)  # the helpers' calendar, read once here as the engine caches it
        settings = self.compiled.settings
        helpers = {**HELPERS, "setting": lambda path, default=None: get_path(settings, path, default)}
        self.script_engine = _ReplayEngine(environment=_ReplayEnvironment(helpers, self))
        self.events, self.outcome = events, outcome
        self._queue: deque[Event] = deque()
        self._workflows: dict[int, BpmnWorkflow] = {}

    def prepared(self) -> list[Event]:
        """A fresh copy of the record (SpiffWorkflow changes the data it is given), made before
        the clock starts."""
        return copy.deepcopy(self.events)

    def run(self, events: list[Event]) -> None:
        self._queue, self._workflows = deque(events), {}
        while self._queue:
            self._apply(self._queue.popleft())

    def check(self) -> None:
        """Each workflow ended as the engine's instance did."""
        ended = {instance_id: workflow.is_completed() for instance_id, workflow in self._workflows.items()}
        if ended != self.outcome:
            raise Diverged(f"workflows completed {ended}, the engine's instances {self.outcome}")

    def answer(self, operation: str) -> str:
        while self._queue and isinstance(self._queue[0], Started):
            self._apply(self._queue.popleft())
        event = self._queue.popleft() if self._queue else None
        if not isinstance(event, Answered) or event.operation != operation:
            raise Diverged(f"service task {operation} called where the record has {event}")
        return event.result

    def _apply(self, event: Event) -> None:
        if isinstance(event, Started):
            workflow = BpmnWorkflow(self.compiled.specs[event.process_id],
                                    self.compiled.subprocess_specs(event.process_id), script_engine=self.script_engine)
            workflow.get_next_task(state=TaskState.READY).data.update(event.data)
            self._workflows[event.instance_id] = workflow
        elif isinstance(event, Completed):
            workflow = self._workflows[event.instance_id]
            task = workflow.get_next_task(state=TaskState.READY, manual=True, spec_name=event.element)
            if task is None:
                raise Diverged(f"no ready user task {event.element} in instance {event.instance_id}")
            task.data.update(event.data)
            task.run()
        else:
            raise Diverged(f"service answer {event.operation} left over")
        workflow.refresh_timers()
        workflow.do_engine_steps()


# ---------------------------------------------------------------- through the engine's services
@dataclass
class People:
    clerk: User
    officers: dict[str, User]  # by unit code


def people(engine: Engine) -> People:
    with engine.db.reading() as session:
        users = {u.username: u for u in session.scalars(select(User))}
    return People(users["clerk"], {code: users[code.lower()] for code in DEPARTMENTS})


def _leads(n: int) -> list[str]:
    return [DEPARTMENTS[(n + k) % len(DEPARTMENTS)] for k in range(3)]


def _ready_item(engine: Engine, form_key: str, **where) -> int:
    with engine.db.reading() as session:
        query = select(WorkItem.id).where(WorkItem.status == WorkItemStatus.READY, WorkItem.form_key == form_key)
        return session.scalars(query.filter_by(**where)).one()


def _assignment_ids(engine: Engine, directive_id: int) -> list[int]:
    with engine.db.reading() as session:
        return list(session.scalars(select(Assignment.id).where(Assignment.directive_id == directive_id)
                                    .order_by(Assignment.seq)))


def engine_lifecycle(engine: Engine, who: People, n: int, spent: Callable[..., object]) -> int:
    """Mix (b)'s lifecycle with the calls its API views make of the engine (register, then
    `Runtime.complete` for the classification, each report and each review); `spent(call, *args)`
    makes each call and keeps its CPU, so that the reads finding the work items are not counted. Returns the
    directive's id."""
    leads = _leads(n)
    body = mixes.directive_body(leads)
    items = body.pop("assignments")
    directive = spent(directives.register, engine, body, items, who.clerk)
    classify = _ready_item(engine, "classify_directive", directive_id=directive.id)
    spent(engine.runtime.complete, classify, {"tracked": True}, who.clerk)
    assignments = _assignment_ids(engine, directive.id)
    for lead, assignment in zip(leads, assignments, strict=True):
        item = _ready_item(engine, "update_progress", assignment_id=assignment)
        spent(engine.runtime.complete, item, dict(REPORT), who.officers[lead])
    for assignment in assignments:
        item = _ready_item(engine, "review_assignment", assignment_id=assignment)
        spent(engine.runtime.complete, item, {"decision": "close"}, who.clerk)
    return directive.id


def record_lifecycle(engine: Engine, who: People, n: int) -> tuple[list[Event], dict[int, bool]]:
    """One engine lifecycle's record, and whether each of its instances completed."""
    with recording(engine) as events:
        engine_lifecycle(engine, who, n, lambda call, *args: call(*args))
    return events, outcome_of(engine, events)


def outcome_of(engine: Engine, events: list[Event]) -> dict[int, bool]:
    """Whether each instance the record started has completed."""
    ids = [e.instance_id for e in events if isinstance(e, Started)]
    with engine.db.reading() as session:
        statuses = dict(session.execute(select(WorkflowInstance.id, WorkflowInstance.status)
                                        .where(WorkflowInstance.id.in_(ids))).all())
    return {i: statuses[i] == InstanceStatus.COMPLETED for i in ids}


# ---------------------------------------------------------------- CPU time, ours and others'
def tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and all its descendants alive now."""
    return cpu_of(pid) + sum(tree_cpu(child) for child in children_of(pid))


class DatabaseServer:
    """The CPU of the PostgreSQL backends serving this database (all of them: the runs are one at
    a time); nothing on SQLite, whose work is in the process that calls it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.postgresql = engine.db.engine.dialect.name == "postgresql"

    def cpu(self) -> float:
        if not self.postgresql:
            return 0.0
        with self.engine.db.engine.connect() as connection:
            pids = connection.scalars(text("select pid from pg_stat_activity where datname = current_database()"))
            return sum(cpu_of(pid) for pid in pids)


@dataclass
class Way:
    """One way of running the lifecycle, and the CPU seconds of its measured lifecycles: the
    application's (this process and its sandbox workers, or the server's processes) and the
    database server's. Means, not medians: the other processes' CPU is read in clock ticks
    (10 ms), which only a sum over many lifecycles resolves."""

    label: str
    cpu: list[float] = field(default_factory=list)
    database: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)  # sent by this process (not the server's)

    def cpu_ms(self) -> float:
        return statistics.fmean(self.cpu) * 1000

    def database_ms(self) -> float:
        return statistics.fmean(self.database) * 1000


class Bench:
    """The four ways on one database, its server running beside this process."""

    WAYS = ("bare SpiffWorkflow, in memory", "engine services (no Flask)", "application, Flask's test client",
            "HTTP, `dondoc serve` (gunicorn)")

    def __init__(self, server: Server, lifecycles: int, warm_up: int = WARM_UP):
        self.server, self.engine, self.lifecycles, self.warm_up = server, server.engine, lifecycles, warm_up
        self.who = people(self.engine)
        self.client = create_app(self.engine).test_client()
        self.database = DatabaseServer(self.engine)
        self.sent = 0  # statements this process sent to the database
        event.listen(self.engine.db.engine, "before_cursor_execute", self._count)
        self.n = 0
        events, outcome = record_lifecycle(self.engine, self.who, self._next())
        self.bare = BareLifecycle(self.engine, events, outcome)
        self.ways = [Way(label) for label in self.WAYS]
        self.runs = [self._bare, self._engine, self._application, self._http]

    def _count(self, *_args) -> None:
        self.sent += 1

    def _next(self) -> int:
        self.n += 1
        return self.n

    def own_cpu(self) -> float:
        """This process's CPU and its sandbox workers' (not the server's processes)."""
        workers = [pid for pid in children_of(os.getpid()) if pid != self.server.process.pid]
        return time.process_time() + sum(tree_cpu(pid) for pid in workers)

    def run(self) -> None:
        for n in range(self.warm_up + self.lifecycles):
            for way, lifecycle in zip(self.ways, self.runs, strict=True):
                database, sent = self.database.cpu(), self.sent
                cpu = lifecycle()
                if n >= self.warm_up:  # the statements first: reading the server's CPU is one
                    way.statements.append(self.sent - sent)
                    way.cpu.append(cpu)
                    way.database.append(self.database.cpu() - database)

    def _bare(self) -> float:
        events = self.bare.prepared()
        began = time.process_time()
        self.bare.run(events)
        spent = time.process_time() - began
        self.bare.check()
        return spent

    def _engine(self) -> float:
        total = 0.0

        def spent(call, *args):
            nonlocal total
            began = self.own_cpu()
            result = call(*args)
            total += self.own_cpu() - began
            return result

        engine_lifecycle(self.engine, self.who, self._next(), spent)
        return total

    def _application(self) -> float:
        tokens, by_request = self.server.tokens, defaultdict(list)  # each request's CPU: not needed here
        clerk = InProcessApi(self.client, tokens["clerk"], by_request)
        units = {code: InProcessApi(self.client, tokens[code.lower()], by_request) for code in DEPARTMENTS}
        began = self.own_cpu()
        asyncio.run(mixes.lifecycle(clerk, units, self._next()))
        return self.own_cpu() - began

    def _http(self) -> float:
        began = tree_cpu(self.server.process.pid)
        asyncio.run(self._http_lifecycle(self._next()))
        return tree_cpu(self.server.process.pid) - began

    async def _http_lifecycle(self, n: int) -> None:
        tally, tokens = mixes.Tally(), self.server.tokens
        async with aiohttp.ClientSession() as http:
            clerk = mixes.Api(http, self.server.base, tokens["clerk"], tally)
            units = {code: mixes.Api(http, self.server.base, tokens[code.lower()], tally) for code in DEPARTMENTS}
            await mixes.lifecycle(clerk, units, n)


def report(bench: Bench, backend: str, load: tuple[float, float]) -> None:
    bare = bench.ways[0].cpu_ms()
    print(f"{backend}, {bench.lifecycles} lifecycles of each way, alternated; load average {load[0]:.1f} → "
          f"{load[1]:.1f}; mean CPU ms a lifecycle (13 requests, 4 instances, 7 user tasks)")
    print("| way | application CPU ms | ÷ bare | database server CPU ms | both ÷ bare "
          "| lifecycles/s on 2 cores at that CPU | statements |\n|---|---:|---:|---:|---:|---:|---:|")
    for way in bench.ways:
        application, database = way.cpu_ms(), way.database_ms()
        # the server's processes send HTTP's statements: not counted here
        sent = "–" if way.label == bench.WAYS[-1] else f"{statistics.fmean(way.statements):.1f}"
        print(f"| {way.label} | {application:.1f} | {application / bare:.2f} | {database:.1f} "
              f"| {(application + database) / bare:.2f} | {2000 / (application + database):.1f} | {sent} |")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.splitlines()[0])
    parser.add_argument("--lifecycles", type=int, default=30, help="measured lifecycles of each way")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of the HTTP way")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warm-up", type=int, default=WARM_UP, help="lifecycles of each way run first, not measured")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    with database_url() as url, tempfile.TemporaryDirectory(prefix="dondoc-bench-floor-") as folder:
        os.environ.setdefault("DONDOC_ATTACHMENTS_DIR", str(Path(folder) / "attachments"))
        with running(url, Path(folder), args.workers, args.threads, args.port) as server:
            load = os.getloadavg()[0]
            bench = Bench(server, args.lifecycles, args.warm_up)
            bench.run()
            report(bench, backend, (load, os.getloadavg()[0]))


if __name__ == "__main__":
    main()
