"""`python -m bench.inbox_named URL REPEAT`: a department officer's and the office clerk's inbox
(counts + page 1 of 'mine', 'week', 'overdue') on a database `bench.scale_reads --database URL`
filled, p50 / p95 ms; run from the root of the code to time (two versions read the same rows)."""
from __future__ import annotations

import os
import sys

from bench.scale_reads import inbox, make_engine, reading, timed, user


def main() -> None:
    url, repeat = sys.argv[1], int(sys.argv[2])
    engine = make_engine(url)
    try:
        officer, clerk = user(engine, "s00"), user(engine, "vp")
        print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        for who, person in (("department", officer), ("office clerk", clerk)):
            for view in ("mine", "week", "overdue"):
                p50, p95 = timed(reading(engine, lambda s, v=view, p=person: (
                    inbox.counts(s, p, inbox.InboxQuery(view=v)),
                    inbox.inbox(s, p, inbox.InboxQuery(view=v), page=1))), repeat)
                print(f"inbox '{view}', {who}: {p50:.1f} / {p95:.1f}")
        print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    finally:
        engine.close()


if __name__ == "__main__":
    main()
