"""`python -m bench.script_budget`: what the script budget (a sandbox worker process per step,
engine/sandbox/budget.py) costs one engine step. Each user-task completion through the engine
is followed by one on another instance with the scripts, expressions and templates run in
this process instead (as before #15), so both sides see the same moment of a noisy machine.
Prints the medians and their ratio. SQLite, or DONDOC_BENCH_DATABASE_URL."""
from __future__ import annotations

import argparse
from contextlib import contextmanager
from functools import lru_cache

from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select

import engine.sandbox
from bench.step_cost import SUBMISSION, Timings
from bench.world import database_url, make_world, start_bench_instances
from engine.runtime.models import WorkItem
from engine.sandbox.budget import POOL
from engine.sandbox.helpers import HELPERS
from engine.sandbox.restricted import base_globals, compiled

_templates = SandboxedEnvironment(autoescape=False)
_templates.filters.update(HELPERS)
_template = lru_cache(maxsize=256)(_templates.from_string)


def in_process(_limits, op: str, code: str, data: dict, ext: dict | None = None) -> dict:
    """engine.sandbox.run_budgeted without the worker: what a step did before the budget."""
    if op == "render":
        return {"ok": _template(code).render({**HELPERS, **data})}
    scope = {**base_globals(), **HELPERS, **(ext or {})}
    if op == "eval":
        return {"ok": eval(compiled(code, "eval"), {**scope, **data})}  # noqa: S307  restricted code
    context = {**data, **scope}
    exec(compiled(code, "exec"), context)  # noqa: S102  restricted code
    return {"ok": True, "data": {k: v for k, v in context.items()
                                 if k != "__builtins__" and k not in scope and not callable(v)}}


@contextmanager
def as_before():
    """Every script, expression and template in this process, as before the budget."""
    budgeted = engine.sandbox.run_budgeted
    engine.sandbox.run_budgeted = in_process
    try:
        yield
    finally:
        engine.sandbox.run_budgeted = budgeted


@contextmanager
def as_shipped():
    yield


@contextmanager
def all_in_worker():
    """No bounded code runs in this process: every evaluation is a round trip to the worker."""
    bounded = engine.sandbox._bounded
    engine.sandbox._bounded = lambda source, mode: False
    try:
        yield
    finally:
        engine.sandbox._bounded = bounded


MODES = {"scripts in the server process (before)": as_before, "with the budget (as shipped)": as_shipped,
         "with the budget, all code in the worker": all_in_worker}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.script_budget", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="completions measured in each mode")
    args = parser.parse_args()
    timings = {mode: Timings() for mode in MODES}
    with database_url() as url:
        world = make_world(url)
        try:
            POOL.warm(world.engine.runtime.limits.memory_mb)
            ids = start_bench_instances(world, len(MODES) * args.steps)
            with world.engine.db.session() as s:
                items = iter([s.scalar(select(WorkItem.id).where(WorkItem.instance_id == i, WorkItem.status == "ready"))
                              for i in ids])
            for n in range(args.steps):
                order = list(MODES)[n % len(MODES):] + list(MODES)[:n % len(MODES)]  # no mode always first
                for mode in order:
                    with MODES[mode](), timings[mode].measure():
                        world.engine.runtime.complete(next(items), SUBMISSION, world.officer)
        finally:
            world.engine.close()
    before = timings["scripts in the server process (before)"].wall_ms
    print(f"complete one user task (5 expressions, 1 script, 1 template), median of {args.steps}   wall ms   vs before")
    for mode, timing in timings.items():
        print(f"    {mode:<45} {timing.wall_ms:8.2f}   {timing.wall_ms / before - 1:+7.1%}")


if __name__ == "__main__":
    main()
