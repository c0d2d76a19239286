"""Flat in history (issue #20): an assignment's progress reports are shown a page at a time,
newest first, on its page and through the API, as its history is (test_history_paging.py);
the page and `GET /api/v1/assignments/{id}` read the units the assignment names, not every
unit of the organisation."""
from __future__ import annotations

from sqlalchemy import event, func, select

from engine.org.models import Unit, User
from tests.api.conftest import make_token
from tests.processes import drive
from tests.webui.conftest import Browser
from tests.webui.test_history_paging import paged_rows

PAGE, REPORTS = 3, 8


def report_rows(page: str) -> tuple[list[str], str | None]:
    return paged_rows(page, "progress-reports")


def test_progress_reports_are_paged_on_the_page_and_through_the_api(app, loaded, org_tree):
    engine, users = loaded, org_tree
    engine.settings.history_page_size = PAGE
    aid = drive.register(engine, users, [{"content": "Báo cáo nhiều lần", "lead_unit": "STC", "deadline_days": 5}])
    browser = Browser(app)
    browser.login("stc")
    headers = {"Authorization": f"Bearer {make_token(engine, 'stc')}"}
    for n in range(1, REPORTS + 1):
        answer = browser.client.post(f"/api/v1/assignments/{aid}/progress", headers=headers,
                                     json={"progress": "in_progress", "note": f"Báo cáo lần {n}"})
        assert answer.status_code == 201, answer.get_data(as_text=True)

    rows, more = report_rows(browser.get(f"/assignments/{aid}").get_data(as_text=True))
    assert len(rows) == PAGE and "Báo cáo lần 8" in rows[0] and "Sở Tài chính" in rows[0] and more
    assert "Xem thêm báo cáo" in browser.get(f"/assignments/{aid}").get_data(as_text=True)
    pages = [rows]
    while more:
        rows, more = report_rows(browser.get(more).get_data(as_text=True))
        pages.append(rows)
    assert [len(p) for p in pages] == [3, 3, 2] and "Báo cáo lần 1" in pages[-1][-1]
    assert browser.get(f"/assignments/{aid}?progress_before=x").status_code == 400

    whole = browser.get(f"/api/v1/assignments/{aid}", headers=headers).get_json()
    assert [p["note"] for p in whole["progress_updates"]] == ["Báo cáo lần 8", "Báo cáo lần 7", "Báo cáo lần 6"]
    assert whole["progress_next"] == whole["progress_updates"][-1]["id"] and whole["lead_unit"] == "STC"
    first = browser.get(f"/api/v1/assignments/{aid}/progress", headers=headers).get_json()
    notes, cursor = [p["note"] for p in first["items"]], first["next"]
    while cursor:
        page = browser.get(f"/api/v1/assignments/{aid}/progress?before={cursor}&limit=4", headers=headers).get_json()
        notes += [p["note"] for p in page["items"]]
        cursor = page["next"]
    assert notes == [f"Báo cáo lần {n}" for n in range(REPORTS, 0, -1)]
    assert first["items"][0]["unit"] == "STC" and first["items"][0]["user"] == "stc"
    assert browser.get(f"/api/v1/assignments/{aid}/progress?before=999999", headers=headers).status_code == 400


def test_the_assignment_page_reads_only_the_units_and_people_it_names(app, loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{"content": "Một nhiệm vụ", "lead_unit": "STC", "deadline_days": 5}])
    browser = Browser(app)
    browser.login("stc")
    headers = {"Authorization": f"Bearer {make_token(engine, 'stc')}"}
    loaded_rows = {Unit: set(), User: set()}

    def count(target, _context) -> None:
        loaded_rows[type(target)].add(target.id)

    for model in loaded_rows:
        event.listen(model, "load", count)
    try:
        assert browser.get(f"/assignments/{aid}").status_code == 200
        assert browser.get(f"/api/v1/assignments/{aid}", headers=headers).status_code == 200
    finally:
        for model in loaded_rows:
            event.remove(model, "load", count)
    with engine.db.reading() as s:
        every_unit, every_user = s.scalar(select(func.count(Unit.id))), s.scalar(select(func.count(User.id)))
    # the lead unit and the officer's own (signed in, the page's menu): not the organisation
    assert len(loaded_rows[Unit]) <= 2 < every_unit and len(loaded_rows[User]) <= 1 < every_user, loaded_rows
