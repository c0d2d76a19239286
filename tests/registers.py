"""Excel registers laid out the way offices keep them (not dondoc's template): a title block,
a two-row header with merged group headings, an STT column, unit names, text dates and the
directive's cells merged down over its tasks."""
from __future__ import annotations

import io
import unicodedata
from datetime import datetime

from openpyxl import Workbook

TITLE = ["UBND TỈNH ĐẮK LẮK", "SỔ THEO DÕI NHIỆM VỤ DO UBND TỈNH GIAO NĂM 2026", None,
         "(Kèm theo Quy chế theo dõi, đôn đốc nhiệm vụ)"]
# Row 5: group headings (merged across, or down over both rows); row 6: sub-headings.
TOP = ["STT", "Văn bản", None, None, "Cơ quan ban hành", "Độ khẩn", "Nội dung công việc", "Đơn vị", None,
       "Hạn xử lý"]
SUB = [None, "Số hiệu văn bản", "Ngày văn bản", "Trích yếu", None, None, None, "Chủ trì", "Phối hợp", None]
ROWS = [  # STT, symbol, date, summary, issuer, urgency, task, lead, coordinating, deadline
    [1, "45/2026/QĐ-UBND", "12.02.2026", "Về việc đẩy nhanh giải ngân vốn đầu tư công", "UBND tỉnh",
     unicodedata.normalize("NFD", "Khẩn"), "Báo cáo tiến độ giải ngân", "Sở Tài chính", "SXD; snnmt", "31/3/2026"],
    [2, None, None, None, None, None, "Rà soát dự án chậm", "so xay dung",
     "Sở Tài chính và Sở Nông nghiệp và Môi trường", "15-04-2026"],
    [3, "46/2026/CT-UBND", datetime(2026, 2, 11), "Chỉ thị về tăng cường kỷ luật", "UBND tỉnh", None,
     "Tăng cường kỷ luật", "Phòng Ngân sách", None, "2026-05-01"],
]


def office_register(rows: list[list] | None = None) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Sổ theo dõi"
    for text in TITLE:
        sheet.append([text])
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(TOP))
    sheet.append(TOP)
    sheet.append(SUB)
    for column in (1, 5, 6, 7, 10):  # headings that span both header rows
        sheet.merge_cells(start_row=5, start_column=column, end_row=6, end_column=column)
    sheet.merge_cells("B5:D5")
    sheet.merge_cells("H5:I5")
    for row in rows if rows is not None else ROWS:
        sheet.append(row)
    sheet.merge_cells("B7:B8")  # the first directive's cells merged down over its two tasks
    for column in "CDEF":
        sheet.merge_cells(f"{column}7:{column}8")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_sheet(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.worksheets[0].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_xls(xlsx: bytes) -> bytes:
    """The same workbook saved as Excel 97–2003 (.xls) by xlwt: its values, its dates as numbers in a date
    format, its merged ranges."""
    import xlwt
    from openpyxl import load_workbook

    source, book = load_workbook(io.BytesIO(xlsx)), xlwt.Workbook(encoding="utf-8")
    dated = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for sheet in source.worksheets:
        out = book.add_sheet(sheet.title)
        merged = {(m.min_row, m.min_col): m for m in sheet.merged_cells.ranges}
        inside = {(r, c) for m in merged.values() for r in range(m.min_row, m.max_row + 1)
                  for c in range(m.min_col, m.max_col + 1)}
        for row in sheet.iter_rows():
            for cell in row:
                style = dated if isinstance(cell.value, datetime) else xlwt.Style.default_style
                if (m := merged.get((cell.row, cell.column))) is not None:
                    out.write_merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1, cell.value, style)
                elif (cell.row, cell.column) not in inside and cell.value is not None:
                    out.write(cell.row - 1, cell.column - 1, cell.value, style)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def without_column(data: bytes, heading: str) -> bytes:
    """The register `data` as an office keeps it without the column headed `heading` (a People's Committee's
    office keeps no "Cơ quan ban hành" for its own committee's directives): the column's cells gone, the columns
    after it moved left with their merged cells (openpyxl's `delete_cols` would leave the merges where they were)."""
    from openpyxl import load_workbook

    source = load_workbook(io.BytesIO(data)).worksheets[0]
    gone = next(cell.column for row in source.iter_rows() for cell in row if cell.value == heading)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = source.title
    for row in source.iter_rows():
        for cell in row:
            if cell.column != gone and cell.value is not None:
                sheet.cell(cell.row, cell.column - (cell.column > gone), cell.value)
    for merged in source.merged_cells.ranges:
        if (merged.min_col, merged.max_col) != (gone, gone):
            sheet.merge_cells(start_row=merged.min_row, start_column=merged.min_col - (merged.min_col > gone),
                              end_row=merged.max_row, end_column=merged.max_col - (merged.max_col >= gone))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
