"""The web pages of the office's reports: the office asks units for an ad-hoc report (refusals
in Vietnamese beside the field), and the leader's page lists what awaits the leader's review."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.errors import NotFound
from engine.reports.service import ensure_schedule, start_schedule
from engine.runtime.models import WorkItem
from tests.conftest import create_org_tree, make_engine
from tests.fixtures import PROCESSES
from tests.webui.conftest import Browser
from webui.app import create_app

SHIPPED = sorted(path.parent.name for path in (REPO_ROOT / "processes").glob("*/ruleset.toml"))
ASK = {"topic": "Tình hình giải ngân vốn đầu tư công", "units": ["STC", "SXD"], "due": "06/03/2026",
       "office_due": "11/03/2026"}


def _signed_in(app, username: str) -> Browser:
    browser = Browser(app)
    assert browser.login(username).status_code == 302
    return browser


def _ready(engine, element_id: str) -> WorkItem:
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.element_id == element_id, WorkItem.status == "ready")).one()


def test_the_office_asks_and_the_leader_sees_what_awaits_review(loaded, org_tree, clock):
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    clerk = _signed_in(app, "clerk")
    form = clerk.get("/reports/adhoc/new").get_data(as_text=True)
    assert "Sở Xây dựng" in form and "Phòng Ngân sách" in form  # units by name
    assert 'value="VP"' not in form and 'value="UBND"' not in form  # who receive the reports are not asked
    refused = clerk.post("/reports/adhoc/new", {**ASK, "topic": " "}, page="/reports/adhoc/new")
    assert refused.status_code == 400 and "Nêu nội dung cần báo cáo." in refused.get_data(as_text=True)
    late = clerk.post("/reports/adhoc/new", {**ASK, "due": "01/02/2026"}, page="/reports/adhoc/new")
    assert late.status_code == 400 and "Ngày không được trước ngày 12/02/2026." in late.get_data(as_text=True)
    asked = clerk.post("/reports/adhoc/new", ASK, page="/reports/adhoc/new")
    assert asked.status_code == 302
    page = clerk.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Báo cáo đột xuất: Tình hình giải ngân vốn đầu tư công" in page and "Nguyễn Văn Theo Dõi" in page
    assert Browser(app).get("/reports/adhoc/new").status_code in (302, 401)
    assert _signed_in(app, "stc").get("/reports/adhoc/new").status_code == 403  # units do not ask

    loaded.runtime.complete(_unit_item(loaded, org_tree), {"results": "Đã giải ngân 45%"}, org_tree["stc"])
    assert "Đang nhận báo cáo của đơn vị" in clerk.get("/reports/periodic").get_data(as_text=True)
    clock.set(datetime(2026, 3, 9, 9, 0))
    loaded.runtime.run_due_timers()
    collected = _signed_in(app, "clerk").get("/reports/periodic").get_data(as_text=True)  # units: by 06/03
    assert "Văn phòng đang tổng hợp" in collected and "Đang nhận báo cáo của đơn vị" not in collected
    loaded.runtime.complete(_ready(loaded, "report_consolidate").id, {"summary": "Tổng hợp"}, org_tree["clerk"])
    leader = _signed_in(app, "chutich")
    awaiting = leader.get("/reports/periodic").get_data(as_text=True).split('id="awaiting-review"')[1]
    assert "đột xuất về Tình hình giải ngân" in awaiting.split("</section>")[0]
    loaded.runtime.complete(_ready(loaded, "report_review").id, {"review_decision": "approve"}, org_tree["leader"])
    listing = leader.get("/reports/periodic").get_data(as_text=True)
    assert "Không có báo cáo nào chờ duyệt." in listing and "Đã ban hành" in listing
    # The ruleset publishes it ([reports] publish, Đắk Lắk Đ.22): the page said "published on the public page"
    # while the deployment had that page off (a 404), found walking Gia Lai's in Chromium.
    issued = re.search(r'href="(/reports/periodic/\d+)"', listing).group(1)
    assert not loaded.settings.public_results
    page = leader.get(issued).get_data(as_text=True)
    assert "Đã công khai" not in page
    assert "Quy chế yêu cầu công khai báo cáo; trang công khai kết quả chưa được bật trên hệ thống này." in page
    loaded.settings.public_results = True
    assert "Đã công khai trên trang công khai kết quả." in leader.get(issued).get_data(as_text=True)


def _unit_item(engine, org_tree) -> int:
    with engine.db.session() as s:
        return s.scalars(select(WorkItem.id).where(WorkItem.element_id == "adhoc_unit_report",
                                                   WorkItem.unit_id == org_tree["stc"].unit_id)).one()


def test_a_regulation_without_report_days_schedules_nothing(database_url, clock, tmp_path):
    """A ruleset with no [[report_calendar]] (the test fixture "mini"): nothing is scheduled, and
    the periodic-report page says so instead of offering to start a schedule."""
    engine = make_engine(database_url, clock, ruleset="mini", processes_dir=str(PROCESSES), tmp_path=tmp_path)
    try:
        create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        assert ensure_schedule(engine) is None
        with pytest.raises(NotFound):
            start_schedule(engine)
        page = _signed_in(create_app(engine, SECRET_KEY="test-secret", TESTING=True), "chanhvp").get(
            "/reports/periodic").get_data(as_text=True)
        assert "Quy chế không quy định lịch báo cáo định kỳ" in page and "/reports/periodic/schedule" not in page
    finally:
        engine.close()


def test_each_step_of_an_office_report_opens_the_report(loaded, org_tree, clock):
    """The unit writing its report, the office consolidating and the leader approving each open the
    report's page from their step: its figures, the units' reports, the office's assessment."""
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    start_schedule(loaded)
    clock.set(datetime(2026, 3, 16, 9, 0))  # the first quarter's units' time is over: the office's turn
    loaded.runtime.run_due_timers()
    asked = _signed_in(app, "clerk").post("/reports/adhoc/new", {**ASK, "due": "20/03/2026",
                                                                 "office_due": "25/03/2026"}, page="/reports/adhoc/new")
    adhoc_page = asked.headers["Location"].removeprefix("http://localhost")
    quarter = _signed_in(app, "clerk").get(f"/work/{_ready(loaded, 'report_consolidate').id}").get_data(as_text=True)
    assert 'Báo cáo: <a href="/reports/periodic/1">Quý I năm 2026</a>' in quarter
    assert "Chưa đơn vị nào báo cáo." in _section(quarter, "unit-reports")  # a period's consolidation too
    unit = _signed_in(app, "stc").get(f"/work/{_unit_item(loaded, org_tree)}").get_data(as_text=True)
    assert f'Báo cáo: <a href="{adhoc_page}">đột xuất về Tình hình giải ngân vốn đầu tư công</a>' in unit
    loaded.runtime.complete(_ready(loaded, "report_consolidate").id, {"summary": "Tổng hợp"}, org_tree["clerk"])
    review = _signed_in(app, "chutich").get(f"/work/{_ready(loaded, 'report_review').id}").get_data(as_text=True)
    assert 'Báo cáo: <a href="/reports/periodic/1">Quý I năm 2026</a>' in review
    # its instruction sends the leader to what the page shows below it, not to another page
    assert ("Nội dung tổng hợp của Văn phòng và báo cáo của các đơn vị (kèm văn bản đã ký) ở ngay dưới; số liệu và "
            "bản Word, Excel, PDF tại trang của báo cáo.") in review and "trang Báo cáo định kỳ" not in review


def _waiting(browser: Browser, page: str) -> str:
    """The report page's section of the reader's own steps ('' without one)."""
    html = browser.get(page).get_data(as_text=True)
    return html.split('id="report-waiting"')[1].split("</section>")[0] if 'id="report-waiting"' in html else ""


def test_a_report_page_links_to_the_step_waiting_on_its_reader(loaded, org_tree, clock):
    """The page of an office report offers the reader the step of that report in their inbox: the unit
    its report, the office the consolidation, the leader the approval; nothing to whoever has none,
    nor the step of another report (another process)."""
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    start_schedule(loaded)
    clock.set(datetime(2026, 3, 16, 9, 0))  # the first quarter's units' time is over: the office's turn
    loaded.runtime.run_due_timers()
    clerk, stc, leader = (_signed_in(app, name) for name in ("clerk", "stc", "chutich"))
    asked = clerk.post("/reports/adhoc/new", {**ASK, "due": "20/03/2026", "office_due": "25/03/2026"},
                       page="/reports/adhoc/new")
    adhoc_page = asked.headers["Location"].removeprefix("http://localhost")
    consolidate = _ready(loaded, "report_consolidate").id
    assert f'href="/work/{consolidate}"' in _waiting(clerk, "/reports/periodic/1")
    assert "Đang chờ Anh/Chị xử lý" in clerk.get("/reports/periodic/1").get_data(as_text=True)
    assert _waiting(clerk, adhoc_page) == ""  # the units' turn
    assert f'href="/work/{_unit_item(loaded, org_tree)}"' in _waiting(stc, adhoc_page)
    assert _waiting(leader, "/reports/periodic/1") == ""

    loaded.runtime.complete(consolidate, {"summary": "Tổng hợp"}, org_tree["clerk"])
    review = _ready(loaded, "report_review").id
    assert f'href="/work/{review}"' in _waiting(leader, "/reports/periodic/1")
    assert _waiting(leader, adhoc_page) == "" and _waiting(clerk, "/reports/periodic/1") == ""
    loaded.runtime.complete(review, {"review_decision": "approve"}, org_tree["leader"])
    assert _waiting(leader, "/reports/periodic/1") == ""


def _section(html: str, section_id: str) -> str:
    """The page's section `section_id` ('' without one)."""
    return html.split(f'id="{section_id}"')[1].split("</section>")[0] if f'id="{section_id}"' in html else ""


@pytest.mark.parametrize("ruleset", SHIPPED)
def test_the_office_and_the_leader_see_what_they_decide_on(ruleset, database_url, clock, tmp_path):
    """The office consolidating an ad-hoc report reads the units' reports on its step's page (unit, who,
    when, the text as written), and who has not reported; the leader approving it reads the office's
    assessment there too (who wrote it, when) — not only a link to the report's page."""
    engine = make_engine(database_url, clock, ruleset=ruleset, tmp_path=tmp_path)
    try:
        users = create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)
        asked = _signed_in(app, "clerk").post("/reports/adhoc/new", ASK, page="/reports/adhoc/new")
        assert asked.status_code == 302
        unit_step = _signed_in(app, "stc").get(f"/work/{_unit_item(engine, users)}").get_data(as_text=True)
        assert _section(unit_step, "unit-reports") == ""  # a unit writes its own, reads no other's
        engine.runtime.complete(_unit_item(engine, users), {
            "results": "Đã giải ngân 45% kế hoạch vốn.\nCòn 3 dự án chậm.", "difficulties": "Thiếu mặt bằng",
            "proposals": "Điều chuyển vốn"}, users["stc"])
        clock.set(datetime(2026, 3, 9, 9, 0))  # the units' time is over: the office's turn
        engine.runtime.run_due_timers()

        consolidate = _signed_in(app, "clerk").get(f"/work/{_ready(engine, 'report_consolidate').id}")
        reports = _section(consolidate.get_data(as_text=True), "unit-reports")
        assert "<h3>Sở Tài chính</h3>" in reports and "Phạm Chuyên Viên" in reports and "12/02/2026" in reports
        assert "Đã giải ngân 45% kế hoạch vốn.\nCòn 3 dự án chậm." in reports
        assert "Thiếu mặt bằng" in reports and "Điều chuyển vốn" in reports
        assert "Chưa báo cáo: Sở Xây dựng" in reports
        engine.runtime.complete(_ready(engine, "report_consolidate").id,
                                {"summary": "Các đơn vị cơ bản đạt kế hoạch"}, users["clerk"])

        review = _signed_in(app, "chutich").get(f"/work/{_ready(engine, 'report_review').id}").get_data(as_text=True)
        assessment = _section(review, "office-assessment")
        assert "Đánh giá của Văn phòng" in assessment and "Các đơn vị cơ bản đạt kế hoạch" in assessment
        assert "Nguyễn Văn Theo Dõi" in assessment and "09/03/2026" in assessment
        reports = _section(review, "unit-reports")
        assert "<h3>Sở Tài chính</h3>" in reports and "Đã giải ngân 45% kế hoạch vốn." in reports
        assert review.index('id="office-assessment"') < review.index('name="review_decision"')
        page = _signed_in(app, "chutich").get(asked.headers["Location"]).get_data(as_text=True)
        assert "Phạm Chuyên Viên" in page and "12/02/2026" in page.split("<h3>Sở Tài chính</h3>")[1]
    finally:
        engine.close()
