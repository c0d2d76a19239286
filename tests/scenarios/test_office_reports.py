"""The office's reports through their whole life under each ruleset: one periodic report
cycle from the units' reports to the issued office report (sent back once by the leader), and
one ad-hoc report; the public page shows the issued report only where the ruleset publishes
it and the deployment switches the page on; the Word file carries the configured names."""
from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import select

from engine.clock import VN_TZ
from engine.org import service as org
from engine.reports import adhoc
from engine.reports.models import PeriodicReport
from engine.reports.service import start_schedule
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.working_days import WorkingCalendar
from tests.conftest import PASSWORD
from tests.reports.dataset import seed
from tests.scenarios.drive import Scenario, due_day
from tests.webui.conftest import Browser
from webui.app import create_app

# ruleset: (publishes the issued report, the deployment's name of the parent body, the place,
# the leader the report is sent to: [reports] send_to = ["leader"], in the ruleset's words,
# who gives the tasks the report is about, as its title says)
RULESETS = {
    "bac-lieu": (False, "UBND tỉnh Bạc Liêu", "Bạc Liêu", "Chủ tịch UBND tỉnh",
                 "UBND tỉnh Bạc Liêu, Chủ tịch UBND tỉnh"),
    "can-tho": (False, "UBND thành phố Cần Thơ", "Cần Thơ", "Chủ tịch UBND thành phố",
                "UBND thành phố Cần Thơ, Chủ tịch UBND thành phố"),
    "dak-lak": (True, "UBND tỉnh Đắk Lắk", "Đắk Lắk", "Chủ tịch UBND tỉnh", "UBND tỉnh Đắk Lắk, Chủ tịch UBND tỉnh"),
    # Đ.10 k.2: the Department's report is about the tasks the province and its Chairman give it
    # (it read "do UBND tỉnh Gia Lai, Giám đốc Sở giao"); its office is the Department's, the place
    # Gia Lai's, not the Department's name ([reports] place)
    "gia-lai-stttt": (True, "Sở Thông tin và Truyền thông tỉnh Gia Lai", "Gia Lai", "Giám đốc Sở",
                      "UBND tỉnh, Chủ tịch UBND tỉnh"),
    "quynh-nhai": (False, "UBND huyện Quỳnh Nhai", "Quỳnh Nhai", "Chủ tịch UBND huyện",
                   "UBND huyện Quỳnh Nhai, Chủ tịch UBND huyện"),
}


@pytest.fixture(params=sorted(RULESETS))
def sc(request, database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, request.param, tmp_path)
    scenario.ruleset = request.param
    scenario.at("2026-02-12 09:00")
    seed(scenario.engine)  # the live figures: STC, its section and SXD have tasks in hand
    yield scenario
    scenario.close()


def _row(sc: Scenario, report_id: int | None = None) -> PeriodicReport:
    with sc.engine.db.session() as s:
        return s.get(PeriodicReport, report_id) if report_id else s.scalars(select(PeriodicReport)).one()


def _working_day_after(sc: Scenario, day: date) -> str:
    with sc.engine.db.session() as s:
        after = WorkingCalendar.from_db(s).add_working_days(day, 1)
    return f"{after.isoformat()} 09:00"


def _told(sc: Scenario, kind: str) -> set[str]:
    names = {user.id: key for key, user in sc.users.items()}
    return {names[n.user_id] for n in sc.notices(kind)}


def _complete_for_unit(sc: Scenario, element_id: str, who: str, data: dict) -> WorkItem:
    """Complete the ready item of `element_id` that belongs to `who`'s unit."""
    with sc.engine.db.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.element_id == element_id, WorkItem.status == "ready",
                                                WorkItem.unit_id == sc.users[who].unit_id)).one()
    sc.engine.runtime.complete(item.id, data, sc.users[who])
    return item


def _review(sc: Scenario, report_id: int) -> None:
    """The office consolidates, the leader sends it back with a note, the office — its head this
    time: the office consolidates, its clerks or its head — revises and the leader approves: the
    report is issued."""
    sc.complete("report_consolidate", "clerk", {"summary": "Các đơn vị cơ bản hoàn thành"})
    row = _row(sc, report_id)
    assert row.status == "consolidated" and "leader" in _told(sc, "office_report_review")
    review = sc.ready("report_review")
    assert review.role == "leader" and review.unit_id == sc.users["leader"].unit_id
    sc.complete("report_review", "leader", {"review_decision": "return", "review_note": "Bổ sung số liệu quý"})
    assert (_row(sc, report_id).status, _row(sc, report_id).review_note) == ("returned", "Bổ sung số liệu quý")
    assert {"clerk", "office_head"} <= _told(sc, "office_report_returned")
    assert "Bổ sung số liệu quý" in sc.ready("report_consolidate").instructions
    sc.complete("report_consolidate", "office_head", {"summary": "Đã bổ sung số liệu"})
    sc.complete("report_review", "leader", {"review_decision": "approve"})


def _issued_as_ruleset_says(sc: Scenario, report_id: int, number: str) -> PeriodicReport:
    row = _row(sc, report_id)
    today = sc.clock.now().astimezone(VN_TZ).date()
    assert (row.status, row.number, row.issued_on, row.summary) == ("issued", number, today, "Đã bổ sung số liệu")
    assert row.published is RULESETS[sc.ruleset][0]
    council = {"council"} if "council" in sc.users else set()  # Quỳnh Nhai Đ.16 k.2, Đ.19 k.2
    assert _told(sc, "office_report_issued") == {"leader"} | council  # [reports] send_to = ["leader"]
    return row


def _council(sc: Scenario) -> None:
    """Quỳnh Nhai's emulation council ([reports] send_to_unit = "HDTDKT"), with one member."""
    with sc.engine.db.session() as s:
        org.create_unit(s, "HDTDKT", "Hội đồng Thi đua khen thưởng huyện", parent_code=org.root_unit(s).code)
        sc.users["council"] = org.create_user(s, "thidua", "mat-khau-123", "Lò Văn Thi Đua", "HDTDKT",
                                              ["unit_officer"])


def test_one_periodic_report_cycle_to_the_issued_report(sc):
    if sc.ruleset == "quynh-nhai":
        _council(sc)
    instance = start_schedule(sc.engine)
    with sc.engine.db.session() as s:
        opened = s.scalars(select(PeriodicReport)).first()  # a reminder day already past opens it at once
        reminder = s.get(WorkflowInstance, instance.id).next_timer_due
    if opened is None:
        sc.at((reminder.astimezone(VN_TZ).replace(tzinfo=None) + timedelta(hours=1)).isoformat(" "))
    row = _row(sc)
    assert "stc" in _told(sc, "periodic_report")
    stc = _complete_for_unit(sc, "pr_unit_report", "stc", {"results": "Hoàn thành 4/6 nhiệm vụ",
                                                            "proposals": "Gia hạn a6"})
    assert due_day(stc) == row.unit_due
    _home_affairs_reads_the_units_reports(sc, row.id)
    sc.at(_working_day_after(sc, row.unit_due))  # collection closes
    assert due_day(sc.ready("report_consolidate")) == row.office_due
    _review(sc, row.id)
    _issued_as_ruleset_says(sc, row.id, "1/BC-VP")
    _titled_for_whom_gives_the_tasks(sc, row.id)
    with sc.engine.db.session() as s:
        assert s.get(WorkflowInstance, instance.id).status == "running"  # the next period is planned
    if sc.ruleset == "quynh-nhai":
        _council_reads_it_as_sent(sc, row.id)


def _home_affairs_reads_the_units_reports(sc: Scenario, report_id: int) -> None:
    """Quỳnh Nhai Đ.6 k.2: the units report to the office and to Phòng Nội vụ ([reports] unit_reports_to_unit,
    the scenarios' SNV), whose officer is told that STC sent its report and reads it on the report's page; under
    every other ruleset the office alone: SNV is neither told nor reads another unit's report."""
    home_affairs = sc.ruleset == "quynh-nhai"
    assert _told(sc, "unit_report_sent") == ({"snv"} if home_affairs else set())
    reader = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    reader.login("snv")
    page = reader.get(f"/reports/periodic/{report_id}").get_data(as_text=True)
    assert ("Hoàn thành 4/6 nhiệm vụ" in page) is home_affairs


def _titled_for_whom_gives_the_tasks(sc: Scenario, report_id: int) -> None:
    """The issued report's Word file, as the leader exports it from the report's page, says whose tasks it
    reports on: the committee and its Chairman, in Gia Lai the province's (Đ.10 k.2), not the Director."""
    _publishes, organisation, _place, _leader, givers = RULESETS[sc.ruleset]
    sc.engine.settings.organisation_name = organisation
    leader = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    leader.login("chutich")
    page = leader.get(f"/reports/periodic/{report_id}").get_data(as_text=True)
    export = re.search(r'href="(/reports/export/docx\?[^"]+)"', page).group(1).replace("&amp;", "&")
    text = "\n".join(p.text for p in Document(BytesIO(leader.get(export).data)).paragraphs)
    assert f"Kết quả thực hiện nhiệm vụ do {givers} giao" in text


def _council_reads_it_as_sent(sc: Scenario, report_id: int) -> None:
    """Quỳnh Nhai Đ.16 k.2, Đ.19 k.2: the council the report is sent to reads it whole — every
    unit's figures and reports, as the public reads a published one, nothing of secret
    documents — not within its own unit, which has no task."""
    app = create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True)
    readers = {}
    for login, password in (("chutich", PASSWORD), ("thidua", "mat-khau-123")):
        readers[login] = Browser(app)
        readers[login].login(login, password)
    pages = {login: b.get(f"/reports/periodic/{report_id}").get_data(as_text=True) for login, b in readers.items()}
    total = re.compile(r"Tổng số (\d+) nhiệm vụ được giao")
    leader_total, council_total = (int(total.search(pages[login]).group(1)) for login in ("chutich", "thidua"))
    assert council_total == leader_total - 2  # the two secret ones (tests/reports/dataset.py a11, a12)
    assert "Sở Tài chính" in pages["thidua"] and "Hoàn thành 4/6 nhiệm vụ" in pages["thidua"]  # STC's report
    export = re.search(r'href="(/reports/export/docx\?[^"]+)"', pages["thidua"]).group(1).replace("&amp;", "&")
    text = "\n".join(p.text for p in Document(BytesIO(readers["thidua"].get(export).data)).paragraphs)
    assert f"Tổng số nhiệm vụ được giao: {council_total};" in text and "3/UBND-VP" not in text


def test_one_ad_hoc_report_and_where_it_is_published(sc):
    sc.at("2026-03-02 09:00")
    request = {"topic": "Tình hình giải ngân vốn đầu tư công", "units": ["STC", "SXD"],
               "due": "06/03/2026", "office_due": "11/03/2026"}
    with pytest.raises(adhoc.AdhocReportError) as refused:
        adhoc.request_report(sc.engine, {**request, "due": "01/03/2026"}, sc.users["clerk"])
    assert refused.value.field == "due"
    row = adhoc.request_report(sc.engine, request, sc.users["leader"])  # at the Chairman's request
    assert _told(sc, "adhoc_report") == {"stc", "sxd"}
    _complete_for_unit(sc, "adhoc_unit_report", "stc", {"results": "Đã giải ngân 45%", "proposals": "Bổ sung vốn"})
    assert _told(sc, "unit_report_sent") == ({"snv"} if sc.ruleset == "quynh-nhai" else set())  # Đ.6 k.2
    sc.at("2026-03-05 09:00")  # the working day before the due day: only the unit still silent
    assert _told(sc, "adhoc_report_reminder") == {"sxd"}
    sc.at("2026-03-09 09:00")  # collection closes the working day after the due day
    assert "adhoc_unit_report" not in sc.ready_elements()
    assert due_day(sc.ready("report_consolidate")) == date(2026, 3, 11)
    _review(sc, row.id)
    _issued_as_ruleset_says(sc, row.id, "1/BC-VP")
    _published_where_configured(sc, row.id)


def _published_where_configured(sc: Scenario, report_id: int) -> None:
    publishes, organisation, place, leader_words, _givers = RULESETS[sc.ruleset]
    app = create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True)
    visitor = Browser(app)
    assert visitor.get("/public/results").status_code == 404  # a fresh deployment: off
    assert visitor.get(f"/public/reports/{report_id}.docx").status_code == 404
    sc.engine.settings.public_results = True
    sc.engine.settings.organisation_name = organisation
    page = visitor.get("/public/results").get_data(as_text=True)
    assert ("Số 1/BC-VP ngày 09/03/2026" in page) is publishes
    assert "Bổ sung vốn" not in page and "public-results" not in page  # no live figures unless configured
    download = visitor.get(f"/public/reports/{report_id}.docx")
    assert download.status_code == (200 if publishes else 404)
    leader = Browser(app)
    leader.login("chutich")
    listing = leader.get("/reports/periodic").get_data(as_text=True)
    assert "Đã ban hành" in listing and "1/BC-VP, 09/03/2026" in listing
    docx = leader.get(f"/reports/export/docx?periodic={report_id}&period=2026&as_of=2026-03-06")
    _names_filled_in(Document(BytesIO(docx.data)), organisation, place, leader_words)
    if publishes:  # the public file's per-unit table has the office's rows (a section within its department)
        assert _unit_rows(Document(BytesIO(download.data))) == _unit_rows(Document(BytesIO(docx.data))) == [
            "Sở Tài chính", "Sở Xây dựng", "Tổng cộng"]
    # its number and date are never stamped on other figures asked in the same URL
    for other_figures in ("as_of=2026-02-20", "as_of=2026-03-06&unit=STC", "as_of=2026-03-06&urgency=urgent"):
        other = leader.get(f"/reports/export/docx?periodic={report_id}&period=2026&{other_figures}")
        assert other.status_code == 302 and "docx" not in other.headers.get("Content-Disposition", ""), other_figures
        assert "Đây không phải số liệu của báo cáo" in leader.get(other.headers["Location"]).get_data(as_text=True)


def _unit_rows(document) -> list[str]:
    return [row.cells[1].text for row in document.tables[1].rows[1:]]


def _names_filled_in(document, organisation: str, place: str, leader: str) -> None:
    heading = document.tables[0].rows[0].cells
    # Nơi nhận: whom the issue sent it to (the leader alone, not the units), and the archive
    assert [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs] == [
        "Nơi nhận:", f"- {leader} (b/c);", "- Lưu: VT."]
    left = [p.text for p in heading[0].paragraphs]
    assert left[:2] == [organisation.upper(), "VĂN PHÒNG"] and left[3] == "Số: 1/BC-VP"
    assert heading[1].paragraphs[3].text == f"{place}, ngày 09 tháng 3 năm 2026"  # Decree 30: no 0 before the month 3
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tình hình giải ngân vốn đầu tư công" in text
    assert "Bổ sung vốn" in text and "Đơn vị chưa gửi báo cáo: Sở Xây dựng." in text
    assert "Đánh giá chung của Văn phòng: Đã bổ sung số liệu" in text  # the office's revised words
    for placeholder in ("Tỉnh, ngày", "…", "UBND TỈNH\n"):
        assert placeholder not in text + "\n".join(left)
