"""What the issuing body's clause costs the office clerk's registry (issue #21): on the rows a
`bench.scale_reads --database URL` run kept, the clerk's reads timed alternately with the body clause
(`permissions._issued_by_body`, as built) and with it made true (main's reads: the secrecy clause
alone), in one process. `--bodies` marks the communes issuing bodies first (none of them has a
directive: the province's reads pay the clause alone), and unmarks them after.

    .venv/bin/python -m bench.body_clause --database postgresql+psycopg://postgres@127.0.0.1:55432/dondoc_b
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from unittest import mock

from sqlalchemy import select, true, update

from engine.config import Settings
from engine.core import Engine
from engine.features import discover
from engine.org import permissions
from engine.org.models import Unit, User
from engine.outcomes import Outcome
from engine.registry import service as registry

QUERIES = {"registry no filter": registry.AssignmentQuery(),
           "registry outcome overdue": registry.AssignmentQuery(outcome=Outcome.OVERDUE),
           "registry page 200, 50 a page": registry.AssignmentQuery(page=200, per_page=50)}


def _mark(engine: Engine, issuing: bool) -> None:
    with engine.db.session() as s:
        s.execute(update(Unit).where(Unit.kind == "commune").values(is_issuing_body=issuing))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--bodies", action="store_true", help="mark the communes issuing bodies while timing")
    args = parser.parse_args()
    discover()
    engine = Engine(Settings.load(database_url=args.database, ruleset="dak-lak"))
    with engine.db.session() as s:
        clerk = s.scalar(select(User).where(User.username == "vp"))
        s.expunge(clerk)
    _mark(engine, args.bodies)
    times: dict[tuple[str, str], list[float]] = {}
    try:
        for _ in range(args.repeat):
            for side in ("without", "with"):
                clause = mock.patch.object(permissions, "_issued_by_body", lambda *_: true()) if side == "without" \
                    else mock.patch.object(permissions, "_issued_by_body", permissions._issued_by_body)
                with clause:
                    for name, q in QUERIES.items():
                        with engine.db.reading() as s:
                            start = time.perf_counter()
                            registry.search(s, clerk, q)
                            times.setdefault((name, side), []).append((time.perf_counter() - start) * 1000)
    finally:
        _mark(engine, False)
    print(f"load average {os.getloadavg()}; medians of {args.repeat}, "
          f"communes {'marked' if args.bodies else 'not marked'}")
    for name in QUERIES:
        without, with_ = (statistics.median(times[(name, side)]) for side in ("without", "with"))
        print(f"| {name:30s} | {without:7.1f} | {with_:7.1f} | {with_ / without:5.2f} |")


if __name__ == "__main__":
    main()
