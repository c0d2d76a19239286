"""A hand-computed data set, inserted row by row (no workflows): every rule of
docs/reports.md has a row that would be counted differently if the rule were broken.

As of 31/03/2026, first quarter (assigned 01/01–31/03/2026):

| row | unit   | deadline (original) | completed | expected bucket                 |
|-----|--------|---------------------|-----------|---------------------------------|
| a1  | STC    | 10/03               | 10/03     | on_time (done on the deadline day) |
| a2  | STC    | 10/03               | 12/03     | late                            |
| a3  | STC    | 20/03 (27/02)       | 15/03     | on_time (the extension counts)  |
| a4  | STC    | open                | –         | in_progress (open: never late)  |
| a5  | STC    | open                | 01/02     | on_time                         |
| a6  | STC    | 30/03               | –         | overdue                         |
| a7  | STC    | 31/03               | –         | in_progress (deadline day = D)  |
| a8  | STC    | 25/03               | 02/04     | overdue as of 31/03, late later |
| a9  | STC-NS | 01/03               | –         | overdue (section of STC)        |
| a10 | SXD    | 15/04               | –         | in_progress (returned by STC, reassigned to SXD) |
| a11 | SXD    | 10/02               | 09/02     | on_time, secret assignment      |
| a12 | SXD    | 01/03               | 20/02     | on_time, directive is secret    |
| x1  | STC    | 01/03               | –         | cancelled: not counted          |
| x2  | STC    | 10/01               | 05/01     | assigned 15/12/2025: outside the quarter |
| x3  | SXD    | 30/04               | –         | assigned 01/04/2026: after the day |
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from engine.directives.models import Assignment, Directive, ProgressUpdate
from engine.org import service as org
from engine.org.models import User

AS_OF = date(2026, 3, 31)
Q1 = (date(2026, 1, 1), date(2026, 3, 31))
NOW = datetime(2026, 3, 31, 2, 0, tzinfo=UTC)

# name: (unit, deadline, original_deadline, completed_on, assigned_on, extra fields)
ROWS = {
    "a1": ("STC", date(2026, 3, 10), None, date(2026, 3, 10), date(2026, 1, 5), {}),
    "a2": ("STC", date(2026, 3, 10), None, date(2026, 3, 12), date(2026, 1, 5), {}),
    "a3": ("STC", date(2026, 3, 20), date(2026, 2, 27), date(2026, 3, 15), date(2026, 1, 6), {}),
    "a4": ("STC", None, None, None, date(2026, 1, 7), {"deadline_kind": "open"}),
    "a5": ("STC", None, None, date(2026, 2, 1), date(2026, 1, 7), {"deadline_kind": "open"}),
    # registration records the deadline as the original one too: a6 was never extended
    "a6": ("STC", date(2026, 3, 30), date(2026, 3, 30), None, date(2026, 2, 2), {"progress": "blocked"}),
    "a7": ("STC", date(2026, 3, 31), None, None, date(2026, 2, 2), {"progress": "in_progress"}),
    "a8": ("STC", date(2026, 3, 25), None, date(2026, 4, 2), date(2026, 2, 3), {}),
    "a9": ("STC-NS", date(2026, 3, 1), None, None, date(2026, 2, 3), {}),
    "a10": ("SXD", date(2026, 4, 15), None, None, date(2026, 3, 2), {"status": "returned"}),
    "a11": ("SXD", date(2026, 2, 10), None, date(2026, 2, 9), date(2026, 1, 20), {"secret": True}),
    "a12": ("SXD", date(2026, 3, 1), None, date(2026, 2, 20), date(2026, 1, 21), {"directive": "secret"}),
    "x1": ("STC", date(2026, 3, 1), None, None, date(2026, 1, 10), {"status": "cancelled"}),
    "x2": ("STC", date(2026, 1, 10), None, date(2026, 1, 5), date(2025, 12, 15), {}),
    "x3": ("SXD", date(2026, 4, 30), None, None, date(2026, 4, 1), {}),
}


def _directive(session, symbol: str, secrecy: str | None = None) -> Directive:
    directive = Directive(ruleset="dak-lak", doc_type="CV", number=symbol.split("/")[0], symbol=symbol,
                          summary=f"Về việc thực hiện {symbol}", issuer="UBND tỉnh Đắk Lắk",
                          issued_on=date(2026, 1, 2), urgency="normal", secrecy=secrecy, tracked=True,
                          status="assigned", created_at=NOW, extra={})
    session.add(directive)
    session.flush()
    return directive


def seed(engine) -> dict[str, int]:
    """Insert the rows above; returns {row name: assignment id}."""
    ids = {}
    with engine.db.session() as session:
        public = _directive(session, "12/UBND-VP")
        secret = _directive(session, "3/UBND-VP", secrecy="confidential")
        officer = session.scalar(select(User).where(User.username == "clerk"))
        for name, (unit, deadline, original, completed, assigned, extra) in ROWS.items():
            extra = dict(extra)
            directive = secret if extra.pop("directive", None) == "secret" else public
            row = Assignment(
                directive_id=directive.id, content=f"Nhiệm vụ {name}", lead_unit_id=org.unit_by_code(session, unit).id,
                deadline=deadline, original_deadline=original, completed_on=completed, assigned_on=assigned,
                progress="done" if completed else extra.pop("progress", "not_started"),
                follow_up_officer_id=officer.id, created_at=NOW, **extra)
            session.add(row)
            session.flush()
            ids[name] = row.id
        session.add(ProgressUpdate(assignment_id=ids["a6"], unit_id=org.unit_by_code(session, "STC").id,
                                   progress="blocked", note="Đề nghị UBND tỉnh cho gia hạn đến 30/4",
                                   overdue_reason="Chờ ý kiến của Bộ Tài chính", created_at=NOW))
        # a coordinating unit's part sent after it: the lead's words still stand for the task
        session.add(ProgressUpdate(assignment_id=ids["a6"], unit_id=org.unit_by_code(session, "SXD").id,
                                   progress="done", note="Sở Xây dựng đã gửi ý kiến phối hợp",
                                   created_at=NOW + timedelta(hours=1)))
    return ids
