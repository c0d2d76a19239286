"""One assignment, one outcome: the inbox, the registry (list, page and Excel export), the API
(assignment, filter, work items) and the reports show the same outcome, in the same Vietnamese
words and colour, as a task moves from not started to done late (engine/outcomes.py)."""
from __future__ import annotations

import html
import io
import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from sqlalchemy import select

from engine.clock import VN_TZ
from engine.directives.models import Assignment
from engine.outcomes import BUCKETS, TERMS, Outcome, bucket
from tests.api.conftest import make_token
from tests.webui.conftest import classify, register
from webui.assignments.export import FILLS, TITLE_ROWS

WEBUI = Path(__file__).resolve().parents[2] / "webui"


def test_the_pages_speak_the_vocabulary():
    """The catalogue translates each outcome's msgid to its Vietnamese words, and every outcome's
    colour is in the palette (base.html paints badges, dots and report boxes with it: test_words)."""
    with (WEBUI / "translations/vi/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = {m.id: m.string for m in read_po(fh) if m.id}
    app_css = (WEBUI / "static/app.css").read_text(encoding="utf-8")
    for outcome, term in TERMS.items():
        assert catalogue[term.msgid] == term.vietnamese, outcome
        assert re.search(rf"--{term.colour}: #[0-9a-f]{{6}}", app_css), term.colour


class Surfaces:
    """Reads one assignment's outcome from every place a user or a program sees it."""

    def __init__(self, app, engine, browser):
        self.engine, self.client, self.browser = engine, app.test_client(), browser
        self.tokens = {name: make_token(engine, name) for name in ("clerk", "stc")}

    def api(self, user: str, method: str, path: str, **kw):
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kw)

    def assert_shown(self, assignment_id: int, outcome: Outcome) -> None:
        self.people = {name: self.browser(name) for name in self.tokens}  # signed in now: the clock moves
        term = TERMS[outcome]
        shown = (outcome.value, term.vietnamese)
        clerk = self.people["clerk"]
        registry = _row(clerk.get("/assignments").get_data(as_text=True), assignment_id)
        assert _badge(registry) == shown, "registry"
        page = clerk.get(f"/assignments/{assignment_id}").get_data(as_text=True)
        assert _heading_badge(page) == shown, "assignment page"
        inbox = [_badge(_row(self.people[u].get(view).get_data(as_text=True), assignment_id, required=False))
                 for u in self.people for view in ("/inbox", "/inbox?view=done")]
        assert {s for s in inbox if s} == {shown}, "inbox"  # waiting work and work done, for this assignment
        assert self._exported(assignment_id) == (term.vietnamese, FILLS[term.colour]), "registry export"

        body = self.api("clerk", "GET", f"/assignments/{assignment_id}").get_json()
        assert (body["outcome"], body["colour"]) == (outcome.value, term.colour), "API"
        for asked in {outcome, bucket(outcome)}:  # the in-progress filter takes the not-started ones too
            listed = self.api("clerk", "GET", f"/assignments?outcome={asked}").get_json()
            assert assignment_id in [a["id"] for a in listed["items"]], f"API filter {asked}"
        items = [i for u in self.people for view in ("mine", "done")
                 for i in self.api(u, "GET", f"/work-items?view={view}").get_json()["items"]
                 if i["assignment_id"] == assignment_id]
        assert items and {i["outcome"] for i in items} == {outcome.value}, "API work items"

        directive_id = body["directive_id"]
        assert self._dashboard(directive_id) == {b.value: int(b == bucket(outcome)) for b in BUCKETS}, "reports"
        [unit] = clerk.get(f"/reports/data.json?directive={directive_id}").get_json()["units"]
        assert {b.value: unit[b] for b in BUCKETS} == self._dashboard(directive_id), "report chart data"

    def _exported(self, assignment_id: int) -> tuple[str, str]:
        with self.engine.db.session() as s:
            content = s.get(Assignment, assignment_id).content
        sheet = load_workbook(io.BytesIO(self.people["clerk"].get("/assignments/export.xlsx").data)).active
        header = [c.value for c in sheet[TITLE_ROWS + 1]]
        [row] = [r for r in sheet.iter_rows(min_row=TITLE_ROWS + 2) if r[header.index("Nhiệm vụ")].value == content]
        cell = row[header.index("Kết quả")]
        return cell.value, cell.fill.fgColor.rgb[-6:]

    def _dashboard(self, directive_id: int) -> dict[str, int]:
        """The four bucket boxes of the report on this directive alone, each with its Vietnamese words."""
        page = self.people["clerk"].get(f"/reports?directive={directive_id}").get_data(as_text=True)
        boxes = re.findall(r'<div class="rp-bucket rp-(\w+)"><span class="rp-n">(?:<a[^>]*>)?(\d+)(?:</a>)?</span>'
                           r'<span>([^<]+)</span>', page)
        assert [(key, html.unescape(words)) for key, _n, words in boxes] == [(b.value, TERMS[b].vietnamese)
                                                                          for b in BUCKETS]
        return {key: int(n) for key, n, _words in boxes}


def _row(page: str, assignment_id: int, required: bool = True) -> str:
    rows = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if f'href="/assignments/{assignment_id}"' in r]
    assert rows or not required, f"no row for assignment {assignment_id}"
    return rows[0] if rows else ""


def _badge(row: str) -> tuple[str, str] | None:
    """The outcome of a row: its badge's colour and the word written under it (not by colour alone)."""
    found = re.search(r'<span class="badge (\w+)">[^<]*</span>\s*<span class="outcome-word">([^<]+)</span>', row)
    return (found.group(1), html.unescape(found.group(2))) if found else None


def _heading_badge(page: str) -> tuple[str, str]:
    found = re.search(r'<h1><span class="badge (\w+)">([^<]+)</span>', page)
    return found.group(1), html.unescape(found.group(2))


def _assignment_ids(engine) -> list[int]:
    with engine.db.session() as s:
        return list(s.scalars(select(Assignment.id).order_by(Assignment.id)))


@pytest.fixture
def surfaces(app, loaded, browser):
    return Surfaces(app, loaded, browser)


def test_every_surface_shows_the_same_outcome(surfaces, assigned, clock):
    """Registered 12/02/2026 with 5 working days: due 26/02 (Tết in between)."""
    [late] = _assignment_ids(surfaces.engine)
    surfaces.assert_shown(late, Outcome.NOT_STARTED)

    reported = surfaces.api("stc", "POST", f"/assignments/{late}/progress",
                            json={"progress": "in_progress", "note": "Đang tổng hợp số liệu"})
    assert reported.status_code == 201, reported.get_json()
    surfaces.assert_shown(late, Outcome.IN_PROGRESS)

    clock.set(datetime(2026, 2, 27, 9, 0))
    surfaces.assert_shown(late, Outcome.OVERDUE)

    done = surfaces.api("stc", "POST", f"/assignments/{late}/progress",
                        json={"progress": "done", "note": "Đã gửi báo cáo", "overdue_reason": "Chờ số liệu của Bộ"})
    assert done.status_code == 201, done.get_json()
    surfaces.assert_shown(late, Outcome.DONE_LATE)  # now in the office's inbox, to review
    waiting = surfaces.api("clerk", "GET", "/work-items").get_json()["items"]
    [review] = [i for i in waiting if i["assignment_id"] == late]
    closed = surfaces.api("clerk", "POST", f"/work-items/{review['id']}/complete", json={"decision": "close"})
    assert closed.status_code == 200, closed.get_json()
    assert surfaces.api("clerk", "GET", f"/assignments/{late}").get_json()["status"] == "closed"
    surfaces.assert_shown(late, Outcome.DONE_LATE)  # closing it changes nothing: done is when it was reported

    clerk = surfaces.people["clerk"]
    classify(clerk, register(clerk, symbol="46/2026/QĐ-UBND", **{"a-0-content": "Rà soát danh mục dự án"}))
    on_time = _assignment_ids(surfaces.engine)[-1]
    surfaces.assert_shown(on_time, Outcome.NOT_STARTED)
    finished = surfaces.api("stc", "POST", f"/assignments/{on_time}/progress",
                            json={"progress": "done", "note": "Đã rà soát"})
    assert finished.status_code == 201, finished.get_json()
    surfaces.assert_shown(on_time, Outcome.DONE_ON_TIME)


def test_work_for_no_assignment_by_its_own_due_day(surfaces, browser, clock):
    """Classifying a directive is work for no assignment: its due day is its deadline."""
    clerk = browser("clerk")
    register(clerk, symbol="47/2026/QĐ-UBND")
    [item] = surfaces.api("clerk", "GET", "/work-items").get_json()["items"]
    due = datetime.fromisoformat(item["due_at"]).astimezone(VN_TZ).date()

    def shown() -> tuple:
        page = browser("clerk").get("/inbox").get_data(as_text=True)
        [row] = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "47/2026/QĐ-UBND" in r]
        [listed] = surfaces.api("clerk", "GET", "/work-items").get_json()["items"]
        return _badge(row), listed["outcome"]

    clock.set(datetime.combine(due, time(20, 0), tzinfo=VN_TZ))  # after office hours: still its day
    assert shown() == (("in_progress", TERMS[Outcome.IN_PROGRESS].vietnamese), "in_progress")
    clock.set(datetime.combine(due + timedelta(days=1), time(8, 0), tzinfo=VN_TZ))
    assert shown() == (("overdue", TERMS[Outcome.OVERDUE].vietnamese), "overdue")


def test_a_cancelled_assignment_has_no_outcome(surfaces, assigned, browser):
    [cancelled] = _assignment_ids(surfaces.engine)
    with surfaces.engine.db.session() as s:
        s.get(Assignment, cancelled).status = "cancelled"
    clerk = browser("clerk")
    registry = clerk.get("/assignments").get_data(as_text=True)
    assert _badge(_row(registry, cancelled)) == ("cancelled", "Đã hủy")
    assert re.search(r'class="tab active" href="/assignments">Tất cả <span class="count">1</span>', registry)
    assert all('<span class="count">0</span>' in tab for tab in re.findall(r'<a class="tab" [^>]*>.*?</a>', registry))
    body = surfaces.api("clerk", "GET", f"/assignments/{cancelled}").get_json()
    assert (body["outcome"], body["colour"]) == (None, None)
    listed = surfaces.api("clerk", "GET", "/assignments").get_json()
    assert listed["total"] == 1 and set(listed["counts"].values()) == {0}
    assert clerk.get("/reports/data.json").get_json()["units"] == []  # not counted
