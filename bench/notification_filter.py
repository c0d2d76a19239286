"""`python -m bench.notification_filter [--calls N]`: what reading each notification's right to its content costs
(`notifications.service.seen_clause`: shown only while its reader may see its assignment) on a list of 1,000.

A department officer and a clerk (organisation-wide) each have 1,000 notifications about 1,000 assignments of the
department; a tenth of the tasks went to another unit since, a tenth of the directives became secret. Their list page
of 1,000 (`inbox`) and unread count (`unread_count`), with the filter and without it (the clause replaced by TRUE,
the queries before it), alternated call by call in one process; p50 of each, their ratio, and the statements each
read runs. SQLite in a temporary folder, or a fresh schema on DONDOC_BENCH_DATABASE_URL."""
from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial

from sqlalchemy import true

from bench.world import alternated, database_url, make_world
from engine import clock
from engine.directives.models import Assignment, AssignmentUnit, Directive
from engine.notifications import service as notifications
from engine.notifications.models import EmailStatus, Notification
from engine.org import service as org
from engine.org.models import User

SIZE = 1000


def fill(engine, readers: list[User]) -> None:
    with engine.db.session() as s:
        org.create_unit(s, "SXD", "Sở Xây dựng", parent_code="UBND", kind="department")
        department, other = org.require_unit(s, "STC").id, org.require_unit(s, "SXD").id
        for n in range(SIZE):
            directive = Directive(ruleset="bench", doc_type="CT", number=str(n + 1), symbol=f"{n + 1}/CT-UBND",
                                  summary="Về việc đo bộ lọc", issuer="UBND tỉnh", issued_on=clock.today(),
                                  created_at=clock.now(), secrecy="secret" if n % 10 == 3 else None)
            s.add(directive)
            s.flush()
            lead = other if n % 10 == 7 else department
            assignment = Assignment(directive_id=directive.id, content=f"Nhiệm vụ {n + 1}", lead_unit_id=lead,
                                    deadline_kind="open", assigned_on=clock.today(), created_at=clock.now())
            assignment.units.append(AssignmentUnit(unit_id=lead, role="lead"))
            s.add(assignment)
            s.flush()
            s.add_all(Notification(user_id=reader.id, kind="reminder", subject=f"Nhắc hạn {directive.symbol}",
                                   body="…", link=f"/assignments/{assignment.id}", directive_id=directive.id,
                                   assignment_id=assignment.id, created_at=clock.now(), next_attempt_at=clock.now(),
                                   attempts=0, email_status=EmailStatus.SKIPPED) for reader in readers)


def main(calls: int) -> None:
    with database_url() as url:
        world = make_world(url)
        engine = world.engine
        fill(engine, [world.officer, world.clerk])
        filtered = notifications.seen_clause
        clauses: dict[str, Callable] = {"without": lambda session, user: true(), "with": filtered}
        ways = {case: partial(setattr, notifications, "seen_clause", clause) for case, clause in clauses.items()}
        print("| reader's read of 1,000 | without p50 ms | with p50 ms | ratio | statements without / with |")
        try:
            for reader in (world.officer, world.clerk):
                for name, read in (("list page", lambda s, u: notifications.inbox(s, u, limit=SIZE)),
                                   ("unread count", notifications.unread_count)):
                    timed = alternated(engine, reader.id, ways, read, calls)
                    before, after = timed.p50["without"], timed.p50["with"]
                    print(f"| {reader.username}: {name} | {before:.2f} | {after:.2f} | {after / before:.2f} | "
                          f"{timed.statements['without']} / {timed.statements['with']} |")
        finally:
            notifications.seen_clause = filtered
            engine.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30, help="calls of each read with and without the filter")
    main(parser.parse_args().calls)
