"""`python -m bench.scope_cost DATABASE_URL [--calls N] [--unit CODE]`: what a unit's scope costs with the units
reorganised into it (`org.carried_select`: the sub-tree and the successor links) against the sub-tree alone
(`org.subtrees_select`, the scope before).

Without `--unit`, on a database `bench.scale_reads --database` filled: the department officer's inbox and registry
reads, the two scopes alternated call by call in one process, so that the machine's load falls on both alike; p50 of
each and their ratio. With `--unit CODE` (a seeded province: `dondoc org seed`): the two scope queries of that unit
alone, 500 executions each, three rounds."""
from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import create_engine, select

from bench.scale_reads import make_engine, registry_cases, user
from engine.inbox import service as inbox
from engine.org import service as org
from engine.org.models import Unit
from engine.registry import service as registry

CASES = ("no filter", "outcome overdue", "text 'giai ngan'", "page 5 of 25")


def main(url: str, calls: int) -> None:
    engine = make_engine(url)
    officer = user(engine, "s00")
    scopes = {"sub-tree": org.subtrees_select, "with reorganised units": org.carried_select}

    def view(name: str) -> Callable:
        query = inbox.InboxQuery(view=name)
        return lambda s: (inbox.counts(s, officer, query), inbox.inbox(s, officer, query, page=1))

    reads = {f"inbox '{name}' (counts + page 1)": view(name) for name in ("mine", "unit")}
    reads |= {f"registry {name}": (lambda s, q=q: registry.search(s, officer, q))
              for name, q in registry_cases().items() if name in CASES}
    print("| department officer's read | sub-tree p50 ms | with reorganised units p50 ms | ratio |")
    ratios = []
    try:
        for name, read in reads.items():
            times: dict[str, list[float]] = {scope: [] for scope in scopes}
            for turn in range(2 * calls):
                scope = list(scopes)[turn % 2]
                org.carried_select = scopes[scope]  # what permissions.units_in_scope_select calls
                with engine.db.reading() as s:
                    began = time.perf_counter()
                    read(s)
                    times[scope].append((time.perf_counter() - began) * 1000)
            before, after = (statistics.median(times[scope]) for scope in scopes)
            ratios.append(after / before)
            print(f"| {name} | {before:.1f} | {after:.1f} | {after / before:.2f} |")
    finally:
        org.carried_select = scopes["with reorganised units"]
    print(f"median ratio {statistics.median(ratios):.2f}")


def scope_queries(url: str, code: str) -> None:
    with create_engine(url).connect() as connection:
        unit_id = connection.scalar(select(Unit.id).where(Unit.code == code))
        for round_ in range(1, 4):
            for name, query in (("sub-tree", org.subtrees_select([unit_id])),
                                ("with reorganised units", org.carried_select([unit_id]))):
                began = time.perf_counter()
                for _ in range(500):
                    ids = connection.execute(query).all()
                print(f"{code} round {round_}, {name}: {len(ids)} ids, "
                      f"{(time.perf_counter() - began) / 500 * 1000:.2f} ms a query")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--calls", type=int, default=20, help="calls of each read with each scope")
    parser.add_argument("--unit", help="time the scope queries of this unit alone")
    args = parser.parse_args()
    if args.unit:
        scope_queries(args.database, args.unit)
    else:
        main(args.database, args.calls)
