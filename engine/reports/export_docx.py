"""A report as a Word document laid out as a Vietnamese administrative report (Decree
30/2020/NĐ-CP, Appendix I): heading block (issuing body, number/symbol | national motto),
place and date, title, body, recipients (Nơi nhận) and signer; A4, Times New Roman."""
from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from engine.reports import layout
from engine.reports.service import Header, Report

FONT = "Times New Roman"
HEADING_WIDTHS = (Mm(70), Mm(95))   # issuing body | national motto
SIGNATURE_WIDTHS = (Mm(80), Mm(85))  # recipients | signer


def write_docx(report: Report) -> bytes:
    doc = new_document()
    heading_block(doc, report.header)
    centered(doc, "BÁO CÁO", bold=True, size=14, space_before=12)
    centered(doc, report.header.title, bold=True, size=14)
    centered(doc, "_" * 12, size=10)
    _section(doc, "I. TÌNH HÌNH CHUNG")
    for text in layout.summary_paragraphs(report):
        body(doc, text)
    _section(doc, "II. KẾT QUẢ THỰC HIỆN CỦA CÁC ĐƠN VỊ")
    rows, total = layout.unit_rows(report)
    _grid(doc, layout.unit_columns(report, layout.UNIT_HEADERS), [*rows, total],
          layout.unit_columns(report, (10, 34, 13, 14, 14, 15, 14, 14, 14, 14, 14)), size=10,
          bold_last=True)
    _section(doc, "III. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH, LÝ DO VÀ ĐỀ XUẤT")
    if report.overdue:
        _grid(doc, layout.OVERDUE_HEADERS, layout.overdue_rows(report), (13, 22, 33, 24, 24, 14, 27, 27), size=10)
        if note := layout.overdue_cut_note(report):
            body(doc, note)
    else:
        body(doc, "Không có nhiệm vụ quá hạn chưa hoàn thành.")
    if report.submissions or report.missing_units:
        _section(doc, "IV. BÁO CÁO CỦA CÁC ĐƠN VỊ")
        for item in report.submissions:
            body(doc, layout.submission_heading(item), bold=True)
            for line in layout.submission_lines(item):
                body(doc, line)
        if report.missing_units:
            body(doc, "Đơn vị chưa gửi báo cáo: " + ", ".join(report.missing_units) + ".")
    signature_block(doc, report.header)
    return as_bytes(doc)


def new_document():
    """An empty A4 document in the Decree's font and margins."""
    doc = Document()
    _page(doc)
    return doc


def as_bytes(doc) -> bytes:
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT)
    style.paragraph_format.space_after = Pt(0)


def _two_columns(doc, widths):
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = width
    return table.rows[0].cells


def heading_block(doc, header: Header, about: str = "") -> None:
    """Issuing body and number (with a công văn's `about`, its "V/v …" line, beneath) beside the
    national motto, place and date."""
    left, right = _two_columns(doc, HEADING_WIDTHS)
    _line(left.paragraphs[0], header.parent_body, size=12)
    _line(left.add_paragraph(), header.issuer, bold=True, size=12)
    _line(left.add_paragraph(), "_______", size=10)
    _line(left.add_paragraph(), f"Số: {header.number_symbol}", size=13)
    if about:
        _line(left.add_paragraph(), about, size=12)
    _line(right.paragraphs[0], layout.MOTTO[0], bold=True, size=12)
    _line(right.add_paragraph(), layout.MOTTO[1], bold=True, size=13)
    _line(right.add_paragraph(), "_______________________", size=10)
    _line(right.add_paragraph(), layout.place_and_date(header), italic=True, size=13)


def _line(paragraph, text: str, *, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    return paragraph


def centered(doc, text: str, *, bold=False, size=13, space_before=0) -> None:
    paragraph = _line(doc.add_paragraph(), text, bold=bold, size=size)
    paragraph.paragraph_format.space_before = Pt(space_before)


def _section(doc, text: str) -> None:
    paragraph = _line(doc.add_paragraph(), text, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.space_after = Pt(4)


def body(doc, text: str, *, bold=False) -> None:
    paragraph = _line(doc.add_paragraph(), text, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(4)


def _grid(doc, headers: list[str], rows: list[list], widths_mm: Sequence[int], *, size: int,
          bold_last: bool = False) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    scale = 165 / sum(widths_mm)  # the text width of the page
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths_mm, strict=True):
        column.width = cell.width = Mm(width * scale)  # the grid (LibreOffice reads it); add_row copies it to
        # each cell (Word reads that)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _line(cell.paragraphs[0], text, bold=True, size=size)
    model = None
    for index, row in enumerate(rows):
        if model is None or (bold_last and index == len(rows) - 1):
            added = table.add_row()
            for cell, value in zip(added.cells, row, strict=True):
                _line(cell.paragraphs[0], layout.as_text(value), bold=bold_last and index == len(rows) - 1,
                      size=size, align=_align(value))
            model = added._tr if model is None else model
        else:
            _copy_row(table, model, row)


def _align(value) -> WD_ALIGN_PARAGRAPH:
    return WD_ALIGN_PARAGRAPH.RIGHT if isinstance(value, int | float) else WD_ALIGN_PARAGRAPH.LEFT


def _copy_row(table, model, row: list) -> None:
    """A row made as a copy of the styled `model` row with its own words: styling each run
    through python-docx costs ~4 ms a row (a report listing thousands of tasks: tens of seconds)."""
    tr = deepcopy(model)
    for tc, value in zip(tr.tc_lst, row, strict=True):
        paragraph = tc.p_lst[0]
        paragraph.r_lst[0].text = layout.as_text(value)
        paragraph.get_or_add_pPr().jc_val = _align(value)
    table._tbl.append(tr)


def signature_block(doc, header: Header) -> None:
    doc.add_paragraph()
    left, right = _two_columns(doc, SIGNATURE_WIDTHS)
    _line(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in layout.recipient_lines(header):
        _line(left.add_paragraph(), line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right.paragraphs[0], header.signer_title, bold=True, size=13)
    for _ in range(4):
        right.add_paragraph()
    _line(right.add_paragraph(), header.signer_name, bold=True, size=13)
