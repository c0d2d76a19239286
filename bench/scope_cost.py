"""`python -m bench.scope_cost DATABASE_URL [CALLS]`: what a unit's scope costs with the units reorganised
into it (`org.carried_select`: the sub-tree and the successor links) against the sub-tree alone
(`org.subtrees_select`, the scope before), on a database `bench.scale_reads --database` filled.

The department officer's inbox and registry reads, the two scopes alternated call by call in one process, so
that the machine's load falls on both alike; p50 of each and their ratio."""
from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from bench.scale_reads import make_engine, registry_cases, user
from engine.inbox import service as inbox
from engine.org import service as org
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


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
