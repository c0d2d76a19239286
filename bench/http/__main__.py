"""`python -m bench.http`: the production server (`dondoc serve`, gunicorn) under load through
the HTTP API. Mixes: (a) progress updates; (b) whole directive lifecycles; (c) readers
(inbox, registry, assignment page, dashboard) alongside progress writers. For each: throughput,
latency percentiles, errors, and a request's server CPU against the engine steps it ran.

SQLite by default; PostgreSQL when DONDOC_BENCH_DATABASE_URL is set.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bench.http import mixes
from bench.http.mixes import Api, Tally
from bench.http.server import DEPARTMENTS, Server, running
from bench.world import database_url
from engine.org.models import User
from engine.runtime.models import WorkItem, WorkItemStatus

KEEPALIVE_SECONDS = 1.0
TASKS_PER_UNIT = 5  # mix (a) spreads each client's updates over this many assignments


@dataclass
class Row:
    mix: str
    clients: int
    seconds: float
    tally: Tally
    cpu: float  # server CPU seconds over the mix
    steps: float  # engine steps the server ran
    step_seconds: float  # their wall time, as the server measured it
    step_cpu: float = 0.0  # one engine step's CPU time in this process, measured right after the mix
    steps_cpu_server: float = 0.0  # CPU seconds of the server's stepping calls over the mix (its own threads')

    def print(self) -> None:
        requests = len(self.tally.latencies) + self.tally.errors
        cpu_per_request = self.cpu / max(requests, 1)
        steps_per_request = self.steps / max(requests, 1)
        p50, p95, p99 = (_percentile(self.tally.latencies, q) * 1000 for q in (50, 95, 99))
        server = "| — | — | — | — | — | — | — |"  # a part of a mix: the server's figures are the whole mix's
        if self.steps:
            ratio = cpu_per_request / (steps_per_request * self.step_cpu)
            in_server = self.cpu / self.steps_cpu_server
            server = (f"| {cpu_per_request * 1000:.1f} | {steps_per_request:.2f} | {self.step_cpu * 1000:.1f} "
                      f"| {self.step_seconds / self.steps * 1000:.1f} | {ratio:.1f} "
                      f"| {self.steps_cpu_server / max(requests, 1) * 1000:.1f} | {in_server:.2f} |")
        rates = f"{requests / self.seconds:.1f} | {self.tally.operations / self.seconds:.1f}"
        latency = f"{p50:.0f} | {p95:.0f} | {p99:.0f} | {self.tally.errors} | {self.tally.retries}"
        print(f"| {self.mix} | {self.clients} | {rates} | {latency} {server}")


HEADER = ("| mix | clients | requests/s | operations/s | p50 ms | p95 ms | p99 ms | errors | retries "
          "| server CPU ms/request | steps/request | step CPU ms | step wall ms (server) "
          "| request CPU ÷ its steps' CPU | steps' CPU ms/request (server) "
          "| **request CPU ÷ its steps' CPU (server)** |\n|---"
          + "|---:" * 15 + "|")


def _percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@dataclass
class Plan:
    clients: int
    seconds: float
    mixes: str  # which of a, b, c
    warmup: float  # seconds of every kind of request, unmeasured, before the first mix
    calibration: int  # engine steps timed in-process after each mix


async def run(server: Server, plan: Plan) -> list[Row]:
    clients = plan.clients
    # gunicorn closes a keep-alive connection idle for 2 s: the client lets go of it first.
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=KEEPALIVE_SECONDS)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:
        def api(username: str, tally: Tally) -> Api:
            return Api(http, server.base, server.tokens[username], tally)

        setup = Tally()
        clerk = api("clerk", setup)
        owned = [await mixes.register(clerk, [DEPARTMENTS[i % len(DEPARTMENTS)]] * TASKS_PER_UNIT)
                 for i in range(clients)]
        if setup.errors:
            raise RuntimeError("the set-up's requests failed")

        def unit_of(i: int, tally: Tally) -> Api:
            return api(DEPARTMENTS[i % len(DEPARTMENTS)].lower(), tally)

        def progress(tally: Tally, i: int) -> mixes.Operation:
            return lambda n: mixes.progress(unit_of(i, tally), owned[i], n)

        def lifecycle(tally: Tally, i: int) -> mixes.Operation:
            units = {code: api(code.lower(), tally) for code in DEPARTMENTS}
            return lambda n: mixes.lifecycle(api("clerk", tally), units, n * clients + i)

        def reader(tally: Tally, i: int) -> mixes.Operation:
            return lambda n: mixes.read(api("clerk", tally), unit_of(i, tally), owned[i], n)

        # Each worker's first requests compile SQL statements and fill caches: not steady state.
        warm = Tally()
        await mixes.drive([(make(warm, i), warm) for make in (progress, lifecycle, reader) for i in range(clients)],
                          plan.warmup)
        if warm.errors:
            print(f"warm-up: {warm.errors} failed requests")
        rows = []
        if "a" in plan.mixes:
            a = Tally()
            rows.append(await measure(server, plan, "(a) progress updates", a,
                                      [(progress(a, i), a) for i in range(clients)]))
        if "b" in plan.mixes:
            b = Tally()
            rows.append(await measure(server, plan, "(b) directive lifecycles", b,
                                      [(lifecycle(b, i), b) for i in range(clients)]))
        if "c" in plan.mixes:
            writers, readers = Tally(), Tally()
            half = max(clients // 2, 1)
            mixed = [(progress(writers, i), writers) for i in range(half)] + [
                (reader(readers, i), readers) for i in range(half, clients)]
            both = Tally()
            row = await measure(server, plan, "(c) readers + writers", both, mixed)
            both.latencies, both.errors = writers.latencies + readers.latencies, writers.errors + readers.errors
            both.retries = writers.retries + readers.retries
            rows += [row, Row("(c) of which writers (progress)", half, row.seconds, writers, 0, 0, 0),
                     Row("(c) of which readers (4 pages)", clients - half, row.seconds, readers, 0, 0, 0)]
        return rows


async def measure(server: Server, plan: Plan, name: str, tally: Tally,
                  operations: list[tuple[mixes.Operation, Tally]]) -> Row:
    """One mix; then the engine step's CPU in this process, while the machine is as busy as it
    was (the figures of a shared machine move by half from one minute to the next)."""
    steps0, step_seconds0, steps_cpu0 = server.steps()
    cpu0, began = server.cpu_seconds(), time.monotonic()
    await mixes.drive(operations, plan.seconds)
    elapsed, cpu = time.monotonic() - began, server.cpu_seconds() - cpu0
    steps1, step_seconds1, steps_cpu1 = server.steps()
    tally.operations = sum(t.operations for t in {id(t): t for _op, t in operations}.values())
    return Row(name, plan.clients, elapsed, tally, cpu, steps1 - steps0, step_seconds1 - step_seconds0,
               step_cpu(server, plan.calibration), steps_cpu1 - steps_cpu0)


def step_cpu(server: Server, times: int) -> float:
    """The CPU time of one engine step in this process (`Runtime.complete` of a progress update,
    committed: the step of mix (a)), median of `times`, on the server's database."""
    engine, spent = server.engine, []
    for n in range(times + 3):  # the first ones fill the caches
        with engine.db.reading() as s:
            officer = s.scalar(select(User).where(User.username == DEPARTMENTS[0].lower()))
            item = s.scalar(select(WorkItem).where(WorkItem.status == WorkItemStatus.READY,
                                                   WorkItem.form_key == "update_progress",
                                                   WorkItem.unit_id == officer.unit_id).order_by(WorkItem.id)
                            .offset(n % TASKS_PER_UNIT).limit(1))
        began = time.process_time()
        engine.runtime.complete(item.id, {"action": "update", "progress": "in_progress", "note": "Đo"}, officer)
        spent.append(time.process_time() - began)
    return statistics.median(spent[3:])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30, help="per mix")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (dondoc serve's default)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (dondoc serve's default)")
    parser.add_argument("--port", type=int, help="the server's port (default: any free one)")
    parser.add_argument("--only", default="abc", help="the mixes to run, e.g. --only a")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of unmeasured requests first")
    parser.add_argument("--quick", action="store_true", help="4 clients, 3 s per mix: checks that the bench runs")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds, args.warmup = 4, 3, 2
    plan = Plan(args.clients, args.seconds, args.only, args.warmup, 5 if args.quick else 20)
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    print(f"HTTP API on {backend}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}: dondoc serve --workers {args.workers} --threads {args.threads}, "
          f"{args.clients} clients, {args.seconds:g} s per mix")
    with database_url() as url, tempfile.TemporaryDirectory(prefix="dondoc-bench-http-") as folder, \
            running(url, Path(folder), args.workers, args.threads, args.port) as server:
        rows = asyncio.run(run(server, plan))
        kept = server.kept_share()
    print(HEADER)
    for row in rows:
        row.print()
    print(f"Steps the workers ran on the workflow they kept from their own step before: {kept:.0%}")
    for row in rows:
        for failure in row.tally.failures:
            print(f"{row.mix}: {failure}")


if __name__ == "__main__":
    main()
