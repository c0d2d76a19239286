"""A report as PDF (fpdf2, DejaVu Serif so that every Vietnamese glyph renders), with the
same administrative layout as the Word file."""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from engine.reports import layout
from engine.reports.service import Report

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


class FontMissing(RuntimeError):
    """The DejaVu fonts are not installed (Debian: fonts-dejavu-core)."""


def _font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FontMissing(f"{name} not found: install the fonts-dejavu-core package")


def write_pdf(report: Report) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 18, 15)
    pdf.add_font("serif", "", str(_font_file("DejaVuSerif.ttf")))
    pdf.add_font("serif", "B", str(_font_file("DejaVuSerif-Bold.ttf")))
    pdf.add_font("serif", "I", str(_font_file("DejaVuSerif.ttf")))  # core package has no italic: keep upright
    # What DejaVu Serif lacks and a unit may type (✓, ☑, ★, ⚠) is drawn from DejaVu Sans, not dropped
    pdf.add_font("sans", "", str(_font_file("DejaVuSans.ttf")))
    pdf.add_font("sans", "B", str(_font_file("DejaVuSans-Bold.ttf")))
    pdf.set_fallback_fonts(["sans"], exact_match=False)
    pdf.set_title(report.header.title)
    pdf.add_page()
    _heading_block(pdf, report)
    pdf.ln(6)
    _centered(pdf, "BÁO CÁO", "B", 12)
    pdf.set_font("serif", "B", 11)
    pdf.multi_cell(0, 6, report.header.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _section(pdf, "I. TÌNH HÌNH CHUNG")
    for text in layout.summary_paragraphs(report):
        _body(pdf, text)
    _section(pdf, "II. KẾT QUẢ THỰC HIỆN CỦA CÁC ĐƠN VỊ")
    rows, total = layout.unit_rows(report)
    _grid(pdf, layout.unit_columns(report, layout.UNIT_HEADERS), [*rows, total],
          layout.unit_columns(report, (8, 34, 12, 14, 14, 15, 15, 12, 14, 13, 13)))
    _section(pdf, "III. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH, LÝ DO VÀ ĐỀ XUẤT")
    if report.overdue:
        # the deadline column holds a date and "(ban đầu dd/mm/yyyy)" a line each
        _grid(pdf, layout.OVERDUE_HEADERS, layout.overdue_rows(report), (8, 22, 32, 22, 20, 12, 27, 27))
        if note := layout.overdue_cut_note(report):
            _body(pdf, note)
    else:
        _body(pdf, "Không có nhiệm vụ quá hạn chưa hoàn thành.")
    if report.submissions or report.missing_units:
        _section(pdf, "IV. BÁO CÁO CỦA CÁC ĐƠN VỊ")
        for item in report.submissions:
            _body(pdf, f"{layout.submission_heading(item)}: " + " ".join(layout.submission_lines(item)))
        if report.missing_units:
            _body(pdf, "Đơn vị chưa gửi báo cáo: " + ", ".join(report.missing_units) + ".")
    _signature_block(pdf, report)
    return bytes(pdf.output())


def _heading_block(pdf: FPDF, report: Report) -> None:
    header, top = report.header, pdf.get_y()
    left_w, right_w = 70, pdf.epw - 70
    for text, style in ((header.parent_body, ""), (header.issuer, "B"), ("———", ""),
                        (f"Số: {header.number_symbol}", "")):
        pdf.set_font("serif", style, 10)
        pdf.cell(left_w, 5.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top)
    for text, style in ((layout.MOTTO[0], "B"), (layout.MOTTO[1], "B"), ("—————————", ""),
                        (layout.place_and_date(report.header), "I")):
        pdf.set_x(pdf.l_margin + left_w)
        pdf.set_font("serif", style, 10)
        pdf.cell(right_w, 5.5, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _centered(pdf: FPDF, text: str, style: str, size: int) -> None:
    pdf.set_font("serif", style, size)
    pdf.cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _section(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("serif", "B", 11)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _body(pdf: FPDF, text: str) -> None:
    pdf.set_font("serif", "", 11)
    pdf.multi_cell(0, 6, "      " + text, align="J", new_x="LMARGIN", new_y="NEXT")


def _grid(pdf: FPDF, headers: list[str], rows: list[list], widths: Sequence[int]) -> None:
    pdf.set_font("serif", "", 7.5)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4, cell_fill_mode=TableCellFillMode.NONE,
                   first_row_as_headings=True, headings_style=FontFace(emphasis="BOLD")) as table:
        for row in [headers, *rows]:
            cells = table.row()
            for value, width in zip(row, widths, strict=True):
                cells.cell(_breakable(pdf, layout.as_text(value), width - 2 * pdf.c_margin))


_BREAK_AFTER = re.compile(r"(?<=[/-])(?=\w)")


def _breakable(pdf: FPDF, text: str, room: float) -> str:
    """A word wider than its cell (a symbol "45/2026/QĐ-UBND" in its narrow column) may break after a slash or
    a hyphen (a zero-width space there), not wherever fpdf cuts it: that left a letter or ")" alone on a line."""
    return " ".join(_BREAK_AFTER.sub("\u200b", word) if pdf.get_string_width(word) > room else word
                    for word in text.split(" "))


def _signature_block(pdf: FPDF, report: Report) -> None:
    pdf.ln(6)
    top, half = pdf.get_y(), pdf.epw / 2
    pdf.set_font("serif", "B", 10)
    pdf.cell(half, 5, "Nơi nhận:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "", 9)
    for line in layout.recipient_lines(report.header):
        pdf.cell(half, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top)
    pdf.set_x(pdf.l_margin + half)
    pdf.set_font("serif", "B", 11)
    pdf.cell(half, 6, report.header.signer_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    pdf.set_x(pdf.l_margin + half)
    pdf.cell(half, 6, report.header.signer_name, align="C")
