"""Flat in history (issue #20): an assignment returned and corrected again and again shows its
history a page at a time, on its page and through the API, and a step reads no more at the
30th loop than at the 5th (bench/history.py measures the same at 10 and 1,000 loops)."""
from __future__ import annotations

from contextlib import contextmanager

from lxml import html
from sqlalchemy import event, func, select

from engine.audit.models import AuditEntry
from engine.db import Base
from engine.registry.service import MECHANICS
from tests.api.conftest import make_token
from tests.processes import drive
from tests.webui.conftest import Browser

PAGE = 7


@contextmanager
def counting(engine):
    """Counts the SQL statements sent, the rows the ORM builds objects from and, on SQLite,
    the work of the database itself: its virtual machine's instructions (a query that scans
    rows it does not return, such as an instance's closed work items, costs more of them as
    those pile up: the step's read of its open items did, before its OR named an index)."""
    seen = {"statements": 0, "rows": 0, "sqlite instructions": 0}
    connections = []

    def instructions() -> int:
        seen["sqlite instructions"] += 1
        return 0

    def statement(conn, *_args) -> None:
        seen["statements"] += 1
        if conn.dialect.name == "sqlite":
            raw = conn.connection.driver_connection
            raw.set_progress_handler(instructions, 1)
            connections.append(raw)

    def row(*_args) -> None:
        seen["rows"] += 1

    event.listen(engine.db.engine, "before_cursor_execute", statement)
    event.listen(Base, "load", row, propagate=True)
    try:
        yield seen
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", statement)
        event.remove(Base, "load", row)
        for raw in connections:
            raw.set_progress_handler(None, 0)


def loop(engine, users, n: int) -> dict[str, int]:
    """One return-for-correction loop; what its two steps read."""
    give_back = drive.ready(engine, "handle").id
    with counting(engine) as returned:
        engine.runtime.complete(give_back, {"action": "return", "return_reason": f"Lần {n}"}, users["stc"])
    correct = drive.ready(engine, "correct").id
    with counting(engine) as corrected:
        engine.runtime.complete(correct, {"correction_note": f"Giữ nguyên lần {n}"}, users["clerk"])
    return {**{f"return {k}": v for k, v in returned.items()}, **{f"correct {k}": v for k, v in corrected.items()}}


def paged_rows(page: str, table: str = "history") -> tuple[list[str], str | None]:
    """The rows (as text) of a paged table of the assignment page and its "Xem thêm" link."""
    tree = html.fromstring(page)
    rows = [" ".join(tr.text_content().split()) for tr in tree.cssselect(f"#{table} tbody tr")]
    more = tree.cssselect(f"#{table} a.more")
    return rows, more[0].get("href") if more else None


def test_history_is_paged_and_a_step_reads_as_much_at_loop_30_as_at_loop_5(app, loaded, org_tree):
    engine, users = loaded, org_tree
    engine.settings.history_page_size = PAGE
    aid = drive.register(engine, users, [{"content": "Bị chuyển lại nhiều lần", "lead_unit": "STC",
                                          "deadline_days": 5}])
    reads = {n: loop(engine, users, n) for n in range(1, 31)}
    assert reads[5] == reads[30], reads
    with engine.db.session() as s:
        total = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.assignment_id == aid, AuditEntry.action.not_in(MECHANICS)))
    assert total > 4 * PAGE

    browser = Browser(app)
    browser.login("stc")
    rows, more = paged_rows(browser.get(f"/assignments/{aid}").get_data(as_text=True))
    assert len(rows) == PAGE and more is not None and "Lần 30" in " ".join(rows)   # the newest first
    assert "Xem thêm" in browser.get(f"/assignments/{aid}").get_data(as_text=True)
    pages = [rows]
    while more:
        rows, more = paged_rows(browser.get(more).get_data(as_text=True))
        pages.append(rows)
    shown = [row for page in pages for row in page]
    assert len(shown) == total and all(len(page) == PAGE for page in pages[:-1])
    assert browser.get(f"/assignments/{aid}?history_before=x").status_code == 400

    headers = {"Authorization": f"Bearer {make_token(engine, 'stc')}"}
    first = browser.get(f"/api/v1/assignments/{aid}/history", headers=headers).get_json()
    assert len(first["items"]) == PAGE and first["next"] == first["items"][-1]["id"]
    entries, cursor = list(first["items"]), first["next"]
    while cursor:
        page = browser.get(f"/api/v1/assignments/{aid}/history?before={cursor}&limit=100", headers=headers).get_json()
        entries += page["items"]
        cursor = page["next"]
    assert len(entries) == total == len({e["id"] for e in entries})
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    assert browser.get(f"/api/v1/assignments/{aid}/history?before=1", headers=headers).status_code == 400
