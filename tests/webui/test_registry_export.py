"""The registry's Excel export read back with openpyxl: the title rows, real date cells in
dd/mm/yyyy, every unit by name, the outcome in its colour, the latest report, the print setup,
and a file name carrying the period."""
import io
from datetime import date, datetime
from urllib.parse import quote

from openpyxl import load_workbook
from sqlalchemy import select

from engine.directives.models import Assignment
from engine.org.models import Unit
from engine.outcomes import TERMS, Outcome
from engine.runtime.models import WorkItem
from tests.webui.conftest import classify, ready_item_path, register
from webui.assignments.export import FILLS

Q1 = "from=01/01/2026&to=31/03/2026"


def _sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_workbook(io.BytesIO(response.data)).active


def _done_on_time(engine, browser) -> Assignment:
    """45/2026 led by STC with two coordinating units, reported done (SXD's part sent after) and
    closed by the office."""
    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-coordinating_units": ["SXD", "STC-NS"]}))
    unit, handle = browser("stc"), ready_item_path(engine, "handle")
    assert unit.post(handle, {"action": "update", "progress": "in_progress", "note": "Đang rà soát"}).status_code == 302
    handle = ready_item_path(engine, "handle")
    assert unit.post(handle, {"action": "update", "progress": "done", "note": "Đã rà soát xong"}).status_code == 302
    with engine.db.session() as s:  # a coordinating unit's part sent after: its opinion, not the task's report
        part = s.scalar(select(WorkItem.id).join(Unit, Unit.id == WorkItem.unit_id).where(
            WorkItem.element_id == "contribute", WorkItem.status == "ready", Unit.code == "SXD"))
    assert browser("sxd").post(f"/work/{part}", {"contribution_progress": "done",
                                                 "contribution_note": "Sở Xây dựng đã góp ý"}).status_code == 302
    review = ready_item_path(engine, "review")
    assert clerk.post(review, {"decision": "close"}).status_code == 302
    with engine.db.session() as s:
        return s.scalars(select(Assignment)).one()


def test_the_export_is_a_titled_printable_list_with_real_dates(loaded, browser):
    assignment = _done_on_time(loaded, browser)
    response = browser("clerk").get(f"/assignments/export.xlsx?{Q1}&unit=STC")
    name = "nhiệm-vụ_01-01-2026_31-03-2026.xlsx"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"nhiem-vu_01-01-2026_31-03-2026.xlsx\"; filename*=UTF-8''{quote(name)}")
    sheet = _sheet(response)
    assert [sheet.cell(row=n, column=1).value for n in range(1, 5)] == [
        "UBND TỈNH", "Danh sách nhiệm vụ được giao từ ngày 01/01/2026 đến ngày 31/03/2026",
        "Lọc theo: Đơn vị: Sở Tài chính", "Ngày xuất: 12/02/2026"]
    header = [c.value for c in sheet[5]]
    assert header == ["#", "Số, ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu", "Nhiệm vụ",
                      "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn hoàn thành nhiệm vụ", "Ngày hoàn thành", "Độ khẩn",
                      "Tình hình thực hiện", "Kết quả", "Báo cáo gần nhất", "Chậm báo cáo lần đầu (hạn)"]
    row = dict(zip(header, sheet[6], strict=True))
    assert row["Chậm báo cáo lần đầu (hạn)"].value is None  # reported: its first report is not owed
    assert [row[h].value for h in ("#", "Số, ký hiệu", "Cơ quan ban hành", "Đơn vị chủ trì", "Đơn vị phối hợp",
                                   "Tình hình thực hiện", "Báo cáo gần nhất")] == [
        1, "45/2026/QĐ-UBND", "UBND tỉnh", "Sở Tài chính", "Phòng Ngân sách\nSở Xây dựng", "Đã hoàn thành",
        "Đã rà soát xong"]  # the lead unit's newest report with a note; coordinating units by name
    dates = {h: row[h] for h in ("Ngày ban hành", "Hạn hoàn thành nhiệm vụ", "Ngày hoàn thành")}
    assert {h: c.value for h, c in dates.items()} == {
        "Ngày ban hành": datetime(2026, 2, 12),
        "Hạn hoàn thành nhiệm vụ": datetime.combine(assignment.deadline, datetime.min.time()),
        "Ngày hoàn thành": datetime(2026, 2, 12)}
    assert all(c.is_date and c.number_format == "dd/mm/yyyy" for c in dates.values())  # dates, not text
    outcome = row["Kết quả"]
    assert (outcome.value, outcome.fill.fgColor.rgb[-6:]) == (
        TERMS[Outcome.DONE_ON_TIME].vietnamese, FILLS[TERMS[Outcome.DONE_ON_TIME].colour])
    assert row["Nhiệm vụ"].alignment.wrap_text and row["Nhiệm vụ"].border.left.style == "thin"
    assert sheet.column_dimensions["F"].width == 50 and sheet.column_dimensions["C"].width == 12

    assert sheet.freeze_panes == "A6"
    assert sheet.print_title_rows == "$5:$5"  # the header row on every printed page
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_margins.left, sheet.page_margins.top) == (0.4, 0.6)


def test_the_export_names_its_filters_and_period(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk, symbol="46/2026/QĐ-UBND", lead="SXD",
                             **{"a-0-content": "=HYPERLINK(\"http://x\")", "a-0-urgency": "urgent"}))
    response = clerk.get("/assignments/export.xlsx?urgency=urgent&outcome=not_started&text=hyperlink&from=01/02/2026")
    assert 'filename="nhiem-vu_tu-01-02-2026.xlsx"' in response.headers["Content-Disposition"]
    sheet = _sheet(response)
    assert sheet["A2"].value == "Danh sách nhiệm vụ được giao từ ngày 01/02/2026"
    assert sheet["A3"].value == (f"Lọc theo: Kết quả: {TERMS[Outcome.NOT_STARTED].vietnamese}; Độ khẩn: Khẩn; "
                                 "Tìm kiếm: “hyperlink”")
    assert sheet["F6"].value == "=HYPERLINK(\"http://x\")" and sheet["F6"].data_type == "s"  # never a formula
    everything = clerk.get("/assignments/export.xlsx")
    assert f'filename="nhiem-vu_ngay-{date(2026, 2, 12):%d-%m-%Y}.xlsx"' in everything.headers["Content-Disposition"]
    sheet = _sheet(everything)
    assert (sheet["A2"].value, sheet["A3"].value) == ("Danh sách nhiệm vụ", None)
    assert 'filename="nhiem-vu_den-28-02-2026.xlsx"' in clerk.get(
        "/assignments/export.xlsx?to=28/02/2026").headers["Content-Disposition"]


def test_the_export_reads_back_as_a_register_with_its_deadlines(loaded, browser):
    """A registry exported by one office (a merged province's) and imported by another: its deadline column,
    "Hạn hoàn thành nhiệm vụ", was no heading the import knew, and every task came in without a deadline."""
    from engine.imports import excel
    from engine.org.models import User

    assignment = _done_on_time(loaded, browser)
    book = load_workbook(io.BytesIO(browser("clerk").get("/assignments/export.xlsx").data))
    with loaded.db.session() as s:
        clerk = s.scalar(select(User).where(User.username == "clerk"))
        symbol = s.get(Assignment, assignment.id).directive.symbol
        s.expunge(clerk)
    # another office's directive of the same day: this registry's own would be passed over as registered already
    for cell in (c for row in book.worksheets[0].iter_rows() for c in row if c.value == symbol):
        cell.value = "99/2026/QĐ-UBND"
    exported = io.BytesIO()
    book.save(exported)
    [planned] = excel.plan_workbook(loaded, exported.getvalue(), clerk).directives
    assert [(i["content"], i["lead_unit"], i["deadline"]) for i in planned.items] == [
        (assignment.content, "STC", assignment.deadline.isoformat())]
