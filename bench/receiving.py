"""`python -m bench.receiving [--communes N] [--accounts N] [--calls N]`: what the "no account receives tasks yet"
check (engine.directives.reach, on /today, /assignments, the classify step and the register pages) costs in a
seeded province: the units whose tasks reach someone (`permissions.receiving_units`) read as one SQL subquery
("after") against main's way ("before": every holder of a unit role loaded as an account with its unit, then
`account_in_force` in Python), alternated call by call in one process; p50 of each and their ratio.

The province: ~600 units (departments with their sections, pre-2025 communes merged into the communes of 1/7/2025,
closed then, a few sections without a successor) and ~5,000 accounts (unit officers and heads, one in 20 disabled,
those of the old communes ended with them). The page's read: which of 50 lead units of a registry page reach
nobody (`reach.unreached_units`), and the administrator's organisation page (`reach.unreached_work`, its units
with open work: none here, so the query alone). SQLite in a temporary folder, or a fresh schema on
DONDOC_BENCH_DATABASE_URL."""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from unittest import mock

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from bench.world import database_url, make_world
from engine.directives import reach
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit, User

MERGED_ON = date(2025, 7, 1)  # the two-tier government: the old communes closed, their work the new ones'


def before(session: Session) -> Select:
    """main's `receiving_units`: the holders of each unit role read as accounts with their units, the rule in
    Python."""
    staffed = {user.unit_id for role in permissions.UNIT_STAFF for user in org.users_with_role(session, role)
               if permissions.account_in_force(user)}
    return org.carried_select(sorted(staffed))


def seed(session: Session, communes: int, accounts: int) -> list[int]:
    """The province's units and accounts, inserted in bulk; the ids of the units a registry page leads."""
    root = session.scalar(select(Unit.id).where(Unit.code == "UBND"))
    rows = [{"code": f"so-{n:02}", "name": f"Sở {n}", "kind": "department", "parent_id": root} for n in range(20)]
    rows += [{"code": f"xa-{n:03}", "name": f"UBND xã {n}", "kind": "commune", "parent_id": root}
             for n in range(communes)]
    session.execute(insert(Unit), rows)
    ids = dict(session.execute(select(Unit.code, Unit.id)).all())
    below = [{"code": f"so-{n:02}-p{k}", "name": f"Phòng {k} Sở {n}", "kind": "section",
              "parent_id": ids[f"so-{n:02}"], "valid_to": MERGED_ON if k == 4 else None}
             for n in range(20) for k in range(5)]
    # three old communes to a new one, closed into it on 1/7/2025
    below += [{"code": f"xa-{n:03}-cu{k}", "name": f"UBND xã {n}-{k} (cũ)", "kind": "commune", "parent_id": root,
               "valid_to": MERGED_ON, "successor_id": ids[f"xa-{n:03}"]} for n in range(communes) for k in range(3)]
    session.execute(insert(Unit), below)
    units = session.execute(select(Unit.id, Unit.code).where(Unit.code.not_in(["UBND", "VP"]))).all()
    # a third of the new communes have no account yet: their tasks reach nobody
    staffed = [unit_id for unit_id, code in units if not (code.startswith("xa-") and int(code[3:6]) % 3 == 0)]
    session.execute(insert(User), [
        {"username": f"u{n}", "full_name": f"Cán bộ {n}", "password_hash": "-", "unit_id": staffed[n % len(staffed)],
         "roles": ["unit_head"] if n % 7 == 0 else ["unit_officer"], "active": n % 20 != 0}
        for n in range(accounts)])
    return [unit_id for unit_id, _code in units[::len(units) // 50]][:50]


def timed(ways: dict[str, Callable[[], object]], calls: int) -> dict[str, float]:
    """p50 ms of each way, the ways taking turns call by call."""
    spent: dict[str, list[float]] = {way: [] for way in ways}
    for turn in range(len(ways) * calls):
        way = list(ways)[turn % len(ways)]
        began = time.perf_counter()
        ways[way]()
        spent[way].append((time.perf_counter() - began) * 1000)
    return {way: statistics.median(times) for way, times in spent.items()}


def main(communes: int, accounts: int, calls: int) -> None:
    with database_url() as url:
        engine = make_world(url).engine
        with engine.db.session() as s:
            page = seed(s, communes, accounts)
            units = s.scalar(select(Unit.id).order_by(Unit.id.desc()).limit(1))

        def read(page_read: Callable[[Session], object], receiving: Callable[..., Select]) -> Callable[[], object]:
            def run() -> object:
                with engine.db.reading() as s, mock.patch.object(permissions, "receiving_units",
                                                                 lambda: receiving(s)):
                    return page_read(s)
            return run

        reads = {"registry page: 50 lead units": lambda s: reach.unreached_units(s, page),
                 "organisation page: unreached work": reach.unreached_work}
        print(f"{url.split(':')[0]}, {units} units, {accounts} accounts, load average {os.getloadavg()[0]:.1f}")
        print("| read | before p50 ms | after p50 ms | after / before |")
        try:
            for name, page_read in reads.items():
                ways = {"before": read(page_read, before), "after": read(page_read, lambda _s: _after())}
                assert ways["before"]() == ways["after"](), name  # the same units, either way
                p50 = timed(ways, calls)
                print(f"| {name} | {p50['before']:.1f} | {p50['after']:.1f} | {p50['after'] / p50['before']:.3f} |")
        finally:
            engine.close()


_after = permissions.receiving_units  # the function as built, before any patch


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=120, help="communes of 1/7/2025, each with 3 old ones")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=20, help="reads of each way")
    args = parser.parse_args()
    main(args.communes, args.accounts, args.calls)
