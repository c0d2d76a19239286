"""`python -m bench` (= `make bench`): the engine's step cost against bare SpiffWorkflow, its
growth with 10k and 100k stored instances, and return-for-correction loops.

SQLite by default; PostgreSQL when DONDOC_BENCH_DATABASE_URL is set (a fresh schema is made
and dropped). `--quick` runs small sizes only (a smoke test of the benchmark itself).
"""
from __future__ import annotations

import argparse
import os
import platform
import time

from bench import history, loops, scale, step_cost
from bench.world import database_url, make_world, start_bench_instances


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200, help="live instances completed per round")
    parser.add_argument("--rounds", type=int, default=3, help="completions per live instance")
    parser.add_argument("--sizes", default="10000,100000", help="stored instances to add, cumulative targets")
    parser.add_argument("--loops", default="100,350,500", help="loop counts to measure at")
    parser.add_argument("--history", default="10,1000", help="loops of the short and the long assignment")
    parser.add_argument("--history-rounds", type=int, default=30, help="alternated rounds measured")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: check that the benchmark runs")
    parser.add_argument("--only", choices=("step", "loops", "history"), help="run one part")
    args = parser.parse_args()
    if args.quick:
        args.instances, args.rounds, args.sizes, args.loops = 20, 2, "500", "5,10"
        args.history, args.history_rounds = "2,10", 3
    backend = "PostgreSQL" if os.environ.get("DONDOC_BENCH_DATABASE_URL") else "SQLite"
    print(f"dondoc bench on {backend}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    if args.only in (None, "step"):
        bench_steps(args.instances, args.rounds, [int(s) for s in args.sizes.split(",") if s])
    if args.only in (None, "loops"):
        bench_loops([int(n) for n in args.loops.split(",") if n])
    if args.only in (None, "history"):
        short, long = (int(n) for n in args.history.split(","))
        bench_history(short, long, args.history_rounds)


def bench_steps(instances: int, rounds: int, sizes: list[int]) -> None:
    with database_url() as url:
        world = make_world(url)
        try:
            live = start_bench_instances(world, instances)
            bare, commits = step_cost.BareSpiff(world, instances), step_cost.CommitProbe(world)
            engine_times, bare_times, commit_times = step_cost.Timings(), step_cost.Timings(), step_cost.Timings()
            for _ in range(rounds):
                engine_round, bare_round, commit_round = step_cost.engine_round(world, live, bare, commits)
                engine_times += engine_round
                bare_times += bare_round
                commit_times += commit_round
            print(f"\n(a) complete one user task, median of {len(engine_times.wall)}   wall ms   CPU ms")
            _row("engine (Runtime.complete, committed)", engine_times.wall_ms, engine_times.cpu_ms)
            _row("bare SpiffWorkflow in memory", bare_times.wall_ms, bare_times.cpu_ms)
            _row("ratio", engine_times.wall_ms / bare_times.wall_ms, engine_times.cpu_ms / bare_times.cpu_ms)
            _row("a one-row write committed alone", commit_times.wall_ms, commit_times.cpu_ms,
                 "(the disk's flush: the step waits for one)")
            print("\n(b) as stored instances grow: a fresh set    wall ms   CPU ms")
            _growth_row(world, instances)
            template = start_bench_instances(world, 1)[0]
            for target in sizes:
                began = time.perf_counter()
                scale.add_copies(world, template, target - step_cost.stored_instances(world))
                _growth_row(world, instances, f"; bulk insert {time.perf_counter() - began:.1f} s")
        finally:
            world.engine.close()


def _growth_row(world, instances: int, note: str = "") -> None:
    """Complete one user task on `instances` new instances (the same state size at every
    database size), each followed by the same step of bare SpiffWorkflow."""
    stored = step_cost.stored_instances(world)
    live, bare = start_bench_instances(world, instances), step_cost.BareSpiff(world, instances)
    timings, bare_timings, _ = step_cost.engine_round(world, live, bare)
    _row(f"{stored:>7} instances", timings.wall_ms, timings.cpu_ms,
         f"(ratio {timings.wall_ms / bare_timings.wall_ms:.2f}{note})")


def _row(label: str, wall: float, cpu: float, note: str = "") -> None:
    print(f"    {label:<40} {wall:8.2f} {cpu:8.2f}   {note}".rstrip())


def bench_loops(checkpoints: list[int]) -> None:
    with database_url() as url:
        world = make_world(url, ruleset=loops.RULESET, processes_dir=loops.PROCESSES)
        try:
            print("\nreturn-for-correction loops on one assignment (common processes):")
            print("    loops   wall s/loop   CPU s/loop   state KiB   tasks   load ms")
            for point in loops.run_loops(world, checkpoints):
                print(f"    {point.loops:5}   {point.seconds_per_loop:11.3f}   {point.cpu_seconds_per_loop:10.3f}   "
                      f"{point.state_kib:9.1f}   {point.tasks:5}   {point.load_ms:7.2f}")
        finally:
            world.engine.close()


def bench_history(short: int, long: int, rounds: int) -> None:
    with database_url() as url:
        world = make_world(url, ruleset=loops.RULESET, processes_dir=loops.PROCESSES)
        try:
            history.report(short, long, history.run_history(world, short, long, rounds))
        finally:
            world.engine.close()


if __name__ == "__main__":
    main()
