"""Every page that says who is late names the units late on their first progress report (chậm báo cáo
lần đầu, Đắk Lắk Đ.7 k.2a): the office's day, the registry and its export, the leader's dashboard, the
officer's inbox. And
the registry says which of its rows are shares passed down to sections, which the reports do not count
as tasks of their own."""
import io
import re
from datetime import date, datetime

from openpyxl import load_workbook

from engine.clock import VN_TZ
from tests.webui.conftest import classify, ready_item_path, register


def _words(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _section(page: str, section_id: str) -> str:
    return _words(page.split(f'id="{section_id}"', 1)[1].split("</section>", 1)[0])


def _thirteen_days_late(loaded, browser, clock):
    """STC given a task on Thu 12/02/2026 (deadline 31/03), its first report due Tue 24/02; on Fri
    13/03 it has sent none: 13 working days late, the urging mails sent."""
    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}))
    clock.set(datetime(2026, 3, 13, 9, tzinfo=VN_TZ))
    loaded.runtime.run_due_timers()
    return browser("clerk")  # signed in on the day


def test_the_office_s_day_and_the_dashboard_name_a_unit_late_on_its_first_report(loaded, browser, clock):
    clerk = _thirteen_days_late(loaded, browser, clock)
    today = clerk.get("/today").get_data(as_text=True)
    late = _section(today, "late-first-today")
    assert late.startswith("> Chậm báo cáo lần đầu 1 "), late
    assert "24/02/2026 Báo cáo kết quả rà soát 45/2026/QĐ-UBND · Chưa thực hiện Sở Tài chính" in late, late
    # its task is not overdue: its deadline is 31/03
    assert "Không có nhiệm vụ nào quá hạn." in _section(today, "overdue-today")

    dashboard = _section(browser("chutich").get("/reports").get_data(as_text=True), "rp-late-first")
    assert "45/2026/QĐ-UBND Báo cáo kết quả rà soát Sở Tài chính 24/02/2026 13" in dashboard, dashboard

    registry = _words(clerk.get("/assignments?first_report_late=1").get_data(as_text=True))
    assert "Chậm báo cáo lần đầu (hạn 24/02/2026)" in registry and "1 nhiệm vụ" in registry, registry
    sheet = load_workbook(io.BytesIO(clerk.get("/assignments/export.xlsx?first_report_late=1").data)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert "Chậm báo cáo lần đầu: Có" in rows[2][0], rows[2]
    assert rows[4][-1] == "Chậm báo cáo lần đầu (hạn)" and rows[5][-1].date().isoformat() == "2026-02-24", rows[4:6]

    api = _api(loaded, clerk, "chanhvp")
    listed = api("/api/v1/assignments?first_report_late=true").get_json()
    assert [(a["lead_unit"], a["first_update_due"], a["first_report_late"], a["outcome"]) for a in listed["items"]] \
        == [("STC", "2026-02-24", True, "not_started")] and listed["total"] == 1
    refused = api("/api/v1/assignments?first_report_late=soon")
    assert refused.status_code == 400 and "first_report_late" in refused.get_data(as_text=True)

    # the officer who must send the report sees the same tag on the step waiting for it
    stc = browser("stc")
    inbox = _words(stc.get("/inbox").get_data(as_text=True))
    assert inbox.count("Chậm báo cáo lần đầu (hạn 24/02/2026)") == 1, inbox
    stc.post(ready_item_path(loaded, "handle"), {"action": "update", "progress": "in_progress", "note": "Đang rà soát"},
             page=ready_item_path(loaded, "handle"))
    assert "Không có đơn vị nào chậm báo cáo lần đầu." in _section(clerk.get("/today").get_data(as_text=True),
                                                                     "late-first-today")
    assert "Không có đơn vị nào chậm báo cáo lần đầu." in _section(
        browser("chutich").get("/reports").get_data(as_text=True), "rp-late-first")
    assert api("/api/v1/assignments?first_report_late=true").get_json()["total"] == 0


def test_a_corrected_calendar_moves_the_first_report_s_day_in_the_task_s_history(loaded, browser, org_tree):
    """Mon 23/02 made a day off on the admin's page: the task's history says, in words, who moved its first
    report's due day and from when to when."""
    from engine.working_days.service import set_override

    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}))
    set_override(loaded, date(2026, 2, 23), False, "Nghỉ bù", actor=org_tree["admin"], refresh=False)
    history = _words(clerk.get("/assignments/1").get_data(as_text=True).split('id="history"', 1)[1])
    assert "Quản Trị Tính lại thời hạn Hạn báo cáo lần đầu: 24/02/2026 → 25/02/2026" in history, history


def _api(engine, browser, username: str):
    """GET through the API with a bearer token of `username`, as an integration calls it."""
    from engine.api_tokens import service as tokens

    with engine.db.session() as session:
        token = tokens.create_token(session, username, "thử tích hợp")[1]
    return lambda path: browser.client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_the_registry_says_which_rows_are_shares_the_dashboard_does_not_count(loaded, browser, clock):
    """A unit passes a share of its task to its own section: the registry lists two rows, the dashboard
    counts one task; the registry says why, and so does the office's day when both are overdue."""
    clerk, stc = browser("clerk"), browser("stc")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}))
    stc.post("/assignments/1/sub-assignments", {"unit": "STC-NS", "content": "Tổng hợp số liệu"},
             page="/assignments/1")
    registry = _words(clerk.get("/assignments").get_data(as_text=True))
    assert "2 nhiệm vụ trong đó 1 phần việc đơn vị giao lại cho phòng, bộ phận: báo cáo tính trong nhiệm vụ " \
           "của đơn vị, không tính là nhiệm vụ riêng" in registry, registry
    assert registry.count("Phần việc giao lại cho phòng, bộ phận") == 1
    ranking = _words(browser("chutich").get("/reports").get_data(as_text=True).split('id="rp-ranking"', 1)[1]
                     .split("</table>", 1)[0])
    assert "1 Sở Tài chính 1 " in ranking, ranking
    clock.set(datetime(2026, 4, 6, 9, tzinfo=VN_TZ))
    overdue = _section(browser("clerk").get("/today").get_data(as_text=True), "overdue-today")
    assert overdue.count("Phần việc giao lại cho phòng, bộ phận") == 1, overdue
    assert "trong đó 1 phần việc đơn vị giao lại cho phòng, bộ phận" in overdue, overdue


def test_a_regulation_without_a_first_report_day_shows_no_such_list(database_url, clock, tmp_path):
    """Cần Thơ (Đ.5 k.2: units keep their tasks current, no number of days): the office's day, the
    dashboard and the registry say nothing of first reports."""
    from tests.webui.conftest import Browser, ruleset_app

    with ruleset_app(database_url, clock, tmp_path, "can-tho") as app:
        clerk, chutich = Browser(app), Browser(app)
        clerk.login("clerk")
        chutich.login("chutich")
        today = clerk.get("/today").get_data(as_text=True)
        assert 'id="overdue-today"' in today and 'id="late-first-today"' not in today
        assert 'id="rp-ranking"' in (dashboard := chutich.get("/reports").get_data(as_text=True))
        assert 'id="rp-late-first"' not in dashboard
        assert 'name="first_report_late"' not in clerk.get("/assignments").get_data(as_text=True)
