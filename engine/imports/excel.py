"""Directives and their assignments from an Excel sheet in dondoc's template
(docs/import.md; `dondoc import template out.xlsx` writes an empty one).

One row is one assignment. The directive columns (A–F) are filled on the first row of a
directive; rows below that leave them empty belong to the same directive. Every bad cell is
reported by row and column, and nothing of a file with any bad cell is imported.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from engine import forms
from engine.directives import service as directives
from engine.directives.models import Directive
from engine.errors import EngineError
from engine.forms import FormValidationError
from engine.imports import packages
from engine.imports.errors import ImportFailed, RowError
from engine.org import service as org
from engine.org.models import User

SHEET = "Nhiệm vụ"
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    help: str
    width: int = 18
    directive: bool = False  # a directive column (may be left empty on continuation rows)
    required: bool = False


COLUMNS = (
    Column("symbol", "Số, ký hiệu", "Ví dụ 45/2016/QĐ-UBND, 2618/QĐ-UBND, 123/UBND-VP", 20, True, True),
    Column("issued_on", "Ngày ban hành", "Ngày (dd/mm/yyyy) hoặc ô kiểu ngày", 14, True, True),
    Column("issuer", "Cơ quan ban hành", "Ví dụ: UBND tỉnh", 22, True, True),
    Column("summary", "Trích yếu", "Nội dung tóm tắt của văn bản", 40, True, True),
    Column("signer", "Người ký", "Họ tên người ký (không bắt buộc)", 20, True),
    Column("urgency", "Độ khẩn", "Thường, Khẩn, Thượng khẩn, Hỏa tốc (để trống: Thường)", 12, True),
    Column("content", "Nội dung nhiệm vụ", "Mỗi dòng một nhiệm vụ", 50, required=True),
    Column("lead_unit", "Đơn vị chủ trì", "Mã đơn vị (đúng một đơn vị)", 14, required=True),
    Column("coordinating_units", "Đơn vị phối hợp", "Mã đơn vị, cách nhau bởi dấu phẩy", 20),
    Column("deadline", "Thời hạn", "Ngày (dd/mm/yyyy); để trống nếu không có thời hạn", 14),
    Column("deadline_days", "Số ngày làm việc", "Thay cho cột Thời hạn: số ngày làm việc kể từ ngày giao", 12),
    Column("requires_report", "Phải báo cáo", "Có / Không", 12),
)
URGENCY_WORDS = {"": "normal", "thường": "normal", "khẩn": "urgent", "thượng khẩn": "very_urgent",
                 "hỏa tốc": "flash", "hoả tốc": "flash", "normal": "normal", "urgent": "urgent",
                 "very_urgent": "very_urgent", "flash": "flash"}
YES = {"có", "x", "yes", "true", "1", "co"}
NO = {"", "không", "khong", "no", "false", "0"}


def column_label(index: int) -> str:
    return f"{get_column_letter(index + 1)} ({COLUMNS[index].heading})"


def write_template(path: str | Path) -> Path:
    """An empty import sheet with headings, one example row, and a sheet of instructions."""
    book = Workbook()
    sheet = book.worksheets[0]  # the one sheet a new workbook has
    sheet.title = SHEET
    sheet.append([c.heading + (" *" if c.required else "") for c in COLUMNS])
    sheet.append(["45/2026/QĐ-UBND", "12/02/2026", "UBND tỉnh", "Về việc triển khai kế hoạch …", "",
                  "Thường", "Xây dựng kế hoạch thực hiện", "STC", "SXD", "", 10, "Có"])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    urgency = DataValidation(type="list", formula1='"Thường,Khẩn,Thượng khẩn,Hỏa tốc"', allow_blank=True)
    sheet.add_data_validation(urgency)
    urgency.add(f"F2:F{MAX_ROWS}")
    guide = book.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Tiêu đề", "Cách điền"])
    for index, column in enumerate(COLUMNS):
        guide.append([get_column_letter(index + 1), column.heading + (" (bắt buộc)" if column.required else ""),
                      column.help])
    guide.append([])
    guide.append(["", "Ghi chú", "Mỗi dòng là một nhiệm vụ. Các cột A–F chỉ cần điền ở dòng đầu của mỗi văn bản; "
                  "các dòng tiếp theo để trống các cột đó là nhiệm vụ của cùng văn bản. Dòng mẫu số 2 cần xóa "
                  "trước khi nhập. Tệp có lỗi sẽ không được nhập dòng nào."])
    guide.column_dimensions["B"].width = 30
    guide.column_dimensions["C"].width = 90
    path = Path(path)
    book.save(path)
    return path


# ---------------------------------------------------------------- reading
@dataclass
class _Group:
    row: int
    header: dict
    items: list[dict]
    rows: list[int]


def import_workbook(engine, data: bytes, actor: User) -> list[Directive]:
    """Register every directive of the sheet in one transaction, or none."""
    rows = _read_rows(data)
    with engine.db.session() as session:
        groups, errors = _groups(session, rows)
        created = []
        for group in groups:
            try:
                created.append(directives.register(engine, group.header, group.items, actor, session=session))
            except FormValidationError as exc:
                errors += [RowError(group.row, _label_of(name), name, m.text, m.params)
                           for name, m in exc.errors.items()]
            except EngineError as exc:
                errors.append(RowError(group.row, None, None, exc.message, exc.params))
        if errors:
            raise ImportFailed(sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
        return created


def _label_of(field: str) -> str | None:
    index = next((i for i, c in enumerate(COLUMNS) if c.field == field), None)
    return column_label(index) if index is not None else None


def _read_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        packages.check_bounds(data)
    except packages.PackageTooLarge as exc:
        raise ImportFailed([RowError(None, None, None, exc.message, exc.params)]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError):
        raise ImportFailed([RowError(None, None, None, "Not an Excel (.xlsx) file.")]) from None
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    rows: list[tuple[int, list]] = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(values[:len(COLUMNS)]) + [None] * (len(COLUMNS) - len(values[:len(COLUMNS)]))
        if all(v is None or str(v).strip() == "" for v in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFailed([RowError(number, None, None, "At most %(max)s rows per file.", {"max": MAX_ROWS})])
        rows.append((number, cells))
    book.close()
    if not rows:
        raise ImportFailed([RowError(None, None, None, "The sheet has no rows to import.")])
    return rows


def _groups(session, rows: list[tuple[int, list]]) -> tuple[list[_Group], list[RowError]]:
    groups: list[_Group] = []
    errors: list[RowError] = []
    for number, cells in rows:
        values = dict(zip((c.field for c in COLUMNS), cells, strict=True))
        starts_directive = any(_blank(values[c.field]) is False for c in COLUMNS if c.directive)
        if starts_directive or not groups:
            header, bad = _header(number, values)
            errors += bad
            groups.append(_Group(number, header, [], []))
        item, bad = _assignment(session, number, values)
        errors += bad
        groups[-1].items.append(item)
        groups[-1].rows.append(number)
    return groups, errors


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _cell_error(row: int, field: str, message: str, **params) -> RowError:
    return RowError(row, _label_of(field), field, message, params)


def _header(row: int, values: dict) -> tuple[dict, list[RowError]]:
    errors = [_cell_error(row, c.field, "This field is required.")
              for c in COLUMNS if c.directive and c.required and _blank(values[c.field])]
    urgency = URGENCY_WORDS.get(str(values["urgency"] or "").strip().lower())
    if urgency is None:
        errors.append(_cell_error(row, "urgency", "Use Thường, Khẩn, Thượng khẩn or Hỏa tốc."))
    header = {"symbol": _string(values["symbol"]), "issuer": _string(values["issuer"]),
              "summary": _string(values["summary"]), "signer": _string(values["signer"]),
              "urgency": urgency or "normal"}
    header["issued_on"], bad = _date(row, "issued_on", values["issued_on"])
    return header, errors + bad


def _assignment(session, row: int, values: dict) -> tuple[dict, list[RowError]]:
    errors = [_cell_error(row, field, "This field is required.")
              for field in ("content", "lead_unit") if _blank(values[field])]
    lead = _string(values["lead_unit"])
    coordinating = [c.strip() for c in _string(values["coordinating_units"]).split(",") if c.strip()]
    for field, codes in (("lead_unit", [lead] if lead else []), ("coordinating_units", coordinating)):
        errors += [_cell_error(row, field, "Unknown unit %(unit)s.", unit=code) for code in codes
                   if org.unit_by_code(session, code) is None]
    item: dict[str, Any] = {"content": _string(values["content"]), "lead_unit": lead,
                            "coordinating_units": coordinating}
    item["deadline"], bad = _date(row, "deadline", values["deadline"])
    errors += bad
    days = values["deadline_days"]
    if not _blank(days):
        if item["deadline"]:
            errors.append(_cell_error(row, "deadline_days", "Give either a deadline date or a number of days."))
        elif not str(days).strip().split(".")[0].isdigit():
            errors.append(_cell_error(row, "deadline_days", "Enter a whole number."))
        else:
            item["deadline_days"] = int(str(days).strip().split(".")[0])
    answer = str(values["requires_report"] or "").strip().lower()
    if answer not in YES | NO:
        errors.append(_cell_error(row, "requires_report", "Use Có or Không."))
    item["requires_report"] = answer in YES
    return item, errors


def _string(value) -> str:
    return "" if value is None else str(value).strip()


def _date(row: int, field: str, value) -> tuple[str, list[RowError]]:
    if _blank(value):
        return "", []
    if isinstance(value, datetime):
        return value.date().isoformat(), []
    if isinstance(value, date):
        return value.isoformat(), []
    try:
        return forms.parse_date(str(value)).isoformat(), []
    except Exception:
        return "", [_cell_error(row, field, "Enter a date as dd/mm/yyyy.")]
