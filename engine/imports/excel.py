"""Directives and their assignments from an Excel sheet: dondoc's template
(`dondoc import template out.xlsx`) or an office's own register (docs/import.md).

Columns are found by their heading text (engine/imports/sheet.py); one row is one
assignment; a row whose directive cells are empty or repeat those above belongs to the same
directive. Every bad cell is reported by row and column, once, and nothing of a file with
any bad cell is imported. A directive registered already (an office uploading its register again after
adding rows) is passed over, and where its rows differ from its tasks, said so.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable, Collection
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.directives import service as directives
from engine.directives.models import Assignment, AssignmentStatus, Directive
from engine.errors import EngineError
from engine.forms import FormValidationError
from engine.imports import sheet
from engine.imports.errors import ImportFailed, RowError
from engine.imports.units import UnitDirectory
from engine.numbers import EXCEL_DATE_FORMAT
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.proposals import deadlines
from engine.text import clean_text, fold

SHEET = "Nhiệm vụ"
TEMPLATE_NAME = "mau-nhap-nhiem-vu.xlsx"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
# Through the web (page and API) a file is read, checked and registered within one request, twice
# (preview, confirmation): 1,200 rows took 36 s on SQLite and 86 s on PostgreSQL on a loaded
# 2-core machine, against the server's 120 s request timeout. `dondoc import excel` takes MAX_ROWS.
WEB_MAX_ROWS = 1000


@dataclass(frozen=True)
class Column:
    field: str
    heading: str
    help: str
    width: int = 18
    directive: bool = False  # a directive column (may be left empty on continuation rows)
    required: bool = False
    synonyms: tuple[str, ...] = ()  # other headings registers use for it


COLUMNS = (
    Column("symbol", "Số, ký hiệu", "Ví dụ 45/2016/QĐ-UBND, 2618/QĐ-UBND, 123/UBND-VP", 20, True, True,
           ("Số ký hiệu", "Số hiệu văn bản", "Ký hiệu", "Số hiệu", "Số, ký hiệu văn bản", "Số văn bản")),
    Column("issued_on", "Ngày ban hành", "Ngày (dd/mm/yyyy) hoặc ô kiểu ngày", 14, True, True,
           ("Ngày văn bản", "Ngày ký", "Ngày, tháng văn bản", "Ngày tháng năm", "Ngày ban hành văn bản")),
    Column("issuer", "Cơ quan ban hành", "Ví dụ: UBND tỉnh", 22, True, True,
           ("Nơi ban hành", "Cơ quan, đơn vị ban hành", "Đơn vị ban hành", "Cấp ban hành")),
    Column("summary", "Trích yếu", "Nội dung tóm tắt của văn bản", 40, True, True,
           ("Nội dung văn bản", "Trích yếu nội dung", "Trích yếu văn bản", "Tên văn bản")),
    Column("signer", "Người ký", "Họ tên người ký (không bắt buộc)", 20, True, synonyms=("Người ký văn bản",)),
    Column("urgency", "Độ khẩn", "Thường, Khẩn, Thượng khẩn, Hỏa tốc (để trống: Thường)", 12, True,
           synonyms=("Mức độ khẩn",)),
    Column("content", "Nội dung nhiệm vụ", "Mỗi dòng một nhiệm vụ", 50, required=True,
           synonyms=("Nhiệm vụ", "Nội dung công việc", "Nhiệm vụ được giao", "Tên nhiệm vụ")),
    Column("lead_unit", "Đơn vị chủ trì", "Mã hoặc tên đơn vị (đúng một đơn vị)", 14, required=True,
           # "Sở, ngành chủ trì tham mưu": a plan's appendix of tasks, as Lào Cai's (tests/fixtures/excel)
           synonyms=("Cơ quan chủ trì", "Chủ trì", "Đơn vị thực hiện", "Cơ quan chủ trì thực hiện",
                     "Sở, ngành chủ trì", "Sở, ngành chủ trì tham mưu", "Cơ quan chủ trì tham mưu")),
    Column("coordinating_units", "Đơn vị phối hợp", "Mã hoặc tên đơn vị, cách nhau bởi dấu phẩy, chấm phẩy "
           "hoặc xuống dòng", 20, synonyms=("Phối hợp", "Cơ quan phối hợp", "Đơn vị phối hợp thực hiện")),
    Column("deadline", "Thời hạn", "Ngày (dd/mm/yyyy), hoặc Tháng 6/2026, Quý II/2026, Năm 2026; để trống hoặc "
           "ghi Thường xuyên nếu không có thời hạn", 14,
           # "Hạn hoàn thành nhiệm vụ": as the registry's export and the reports head it, so that an
           # exported registry reads back with its deadlines (another office's, a merged province's)
           synonyms=("Thời hạn hoàn thành", "Hạn xử lý", "Hạn hoàn thành", "Thời hạn xử lý", "Thời gian hoàn thành",
                     "Hạn hoàn thành nhiệm vụ", "Thời hạn thực hiện", "Thời hạn giải quyết", "Thời gian thực hiện")),
    Column("deadline_days", "Số ngày làm việc", "Thay cho cột Thời hạn: số ngày làm việc kể từ ngày giao", 12,
           synonyms=("Số ngày",)),
    Column("requires_report", "Phải báo cáo", "Có / Không", 12, synonyms=("Yêu cầu báo cáo",)),
    # Last, so that the template's other columns keep their letters. Read so that the ruleset's
    # [secrecy] rule applies to a register's secret rows as to one typed in by hand.
    Column("secrecy", "Độ mật", "Mật, Tối mật, Tuyệt mật (để trống: không mật)", 12, True,
           synonyms=("Mức độ mật",)),
    # After it, for the same reason: the coordinating units' own deadline (hạn phối hợp), optional.
    Column("coordinating_deadline", "Hạn phối hợp", "Ngày (dd/mm/yyyy) các đơn vị phối hợp gửi phần của mình, "
           "nếu trước thời hạn của nhiệm vụ; để trống: cùng thời hạn", 14,
           synonyms=("Thời hạn phối hợp", "Hạn gửi phối hợp")),
)
FIELDS = {c.field: c for c in COLUMNS}
DATE_FIELDS = ("issued_on", "deadline", "coordinating_deadline")
URGENCY_WORDS = {"": "normal", "thuong": "normal", "khan": "urgent", "thuong khan": "very_urgent",
                 "hoa toc": "flash", "normal": "normal", "urgent": "urgent", "very urgent": "very_urgent",
                 "very_urgent": "very_urgent", "flash": "flash"}
SECRECY_WORDS = {"": "", "khong mat": "", "mat": "confidential", "toi mat": "secret", "tuyet mat": "top_secret",
                 "confidential": "confidential", "secret": "secret", "top secret": "top_secret",
                 "top_secret": "top_secret"}
# A register's deadline cell for a task without one (nhiệm vụ không có thời hạn), folded.
NO_DEADLINE = {"thuong xuyen", "khong thoi han", "khong co thoi han"}
YES = {"co", "x", "yes", "true", "1"}
NO = {"", "khong", "no", "false", "0"}
# The template's example row, skipped wherever it is left in a sheet.
EXAMPLE = {"symbol": "45/2026/QĐ-UBND", "issued_on": date(2026, 2, 12), "issuer": "UBND tỉnh",
           "summary": "(Dòng mẫu, không được nhập) Về việc triển khai kế hoạch …", "signer": "",
           "urgency": "Thường", "content": "Xây dựng kế hoạch thực hiện", "lead_unit": "STC",
           "coordinating_units": "SXD", "deadline": "", "deadline_days": 10, "requires_report": "Có", "secrecy": "",
           "coordinating_deadline": ""}
EXAMPLE_NOTE = "Dòng mẫu: không được nhập. Xóa hoặc ghi đè dòng này bằng văn bản thật."


def write_template(path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(template_bytes())
    return path


def template_bytes() -> bytes:
    """An empty import sheet with headings, one example row (marked, and never imported), and a
    sheet of instructions."""
    book = Workbook()
    sheet = book.worksheets[0]  # the one sheet a new workbook has
    sheet.title = SHEET
    sheet.append([c.heading + (" *" if c.required else "") for c in COLUMNS])
    sheet.append([EXAMPLE[c.field] or None for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=2, column=index).font = Font(italic=True, color="808080")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.cell(row=2, column=1).comment = Comment(EXAMPLE_NOTE, "dondoc")
    _date_columns(sheet)
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
                  "các dòng tiếp theo để trống (hoặc gộp ô) các cột đó là nhiệm vụ của cùng văn bản. Dòng mẫu "
                  "số 2 (chữ nghiêng, trích yếu bắt đầu bằng \"(Dòng mẫu\") không bao giờ được nhập. "
                  "Tệp có lỗi sẽ không được nhập dòng nào."])
    guide.column_dimensions["B"].width = 30
    guide.column_dimensions["C"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _date_columns(sheet) -> None:
    """The date columns show a date as Vietnamese write it, the example's and one the clerk types: an Excel
    set to another language that reads "03/04/2026" as 4 March shows it back as 04/03/2026, not as 3/4/2026
    (text a column also takes, "Quý II/2026", stays text)."""
    for index, column in enumerate(COLUMNS, start=1):
        if column.field in DATE_FIELDS:
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].number_format = EXCEL_DATE_FORMAT
            sheet[f"{letter}2"].number_format = EXCEL_DATE_FORMAT


# ---------------------------------------------------------------- reading
Row = tuple[int, dict[str, Any]]


@dataclass
class Planned:
    """One directive as it will be registered: its header, its assignments (unit codes), the
    sheet rows it came from."""
    row: int
    header: dict
    items: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    cells: dict = field(default_factory=dict)  # its directive cells as read, to know a continuation row
    errors: list[RowError] = field(default_factory=list)  # its cells' problems: refuse the file if it is new


@dataclass(frozen=True)
class Skipped:
    """A row under the register's table that is not imported (its footer: totals, signatures, the date
    line), named in the import's summary so that no row is left out unsaid."""
    row: int
    text: str  # its cells as the clerk finds them in the row

    def render(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return translate("Row %(row)s was not imported: it is below the table (totals, signatures), not a "
                         "task: %(text)s") % {"row": self.row, "text": self.text}


@dataclass(frozen=True)
class Known:
    """A directive of the register already registered in dondoc (the registry's own rule,
    directives.registered_as): passed over, so that an office uploads its register again after adding
    rows. Nothing of it is changed by an import: its differences are warnings (_differences)."""
    symbol: str
    directive_id: int
    rows: tuple[int, ...]


def passed_over(known: list[Known], translate: Callable[[str], str] = lambda text: text) -> str:
    """"Already in the system, passed over: 45/2026/QĐ-UBND (rows 7–8), …"; "" for none."""
    if not known:
        return ""
    named = [translate("%(symbol)s (rows %(rows)s)" if len(k.rows) > 1 else "%(symbol)s (row %(rows)s)")
             % {"symbol": k.symbol, "rows": _spans(list(k.rows))} for k in known]
    return translate("Already in the system, passed over: %(directives)s") % {"directives": ", ".join(named)}


class Read(NamedTuple):
    rows: list[Row]
    labels: dict[str, str]    # field → its column as the sheet heads it
    skipped: list[Skipped]
    hidden: list[int]         # rows of data the file hides: refused (_hidden)


@dataclass
class Plan:
    directives: list[Planned]
    errors: list[RowError]
    unit_names: dict[str, str]  # code → name
    skipped: list[Skipped] = field(default_factory=list)
    # cells imported with words left out, or with a deadline on a day off, by row
    warnings: list[RowError] = field(default_factory=list)
    issuer: str = ""  # every directive's, the register having no issuer column (_own_issuer); "": each row's cell
    known: list[Known] = field(default_factory=list)  # already registered: passed over


@dataclass
class Imported:
    directives: list[Directive]
    skipped: list[Skipped]
    warnings: list[RowError]
    known: list[Known] = field(default_factory=list)


class _DryRun(Exception):
    def __init__(self, plan: Plan):
        self.plan = plan


def import_workbook(engine, data: bytes, actor: User, session: Session | None = None,
                    max_rows: int = MAX_ROWS) -> Imported:
    """Register every directive of the sheet not registered already in one transaction (the caller's, given
    `session`), or none."""
    with nullcontext(session) if session is not None else engine.db.session() as session:
        issuer = _own_issuer(engine, session, actor)
        read = read_rows(data, max_rows, optional=("issuer",) if issuer else ())
        plan, created = _register_all(engine, session, read, actor, issuer)
        if plan.errors:
            raise ImportFailed(plan.errors)
        return Imported(created, read.skipped, plan.warnings, plan.known)


def plan_workbook(engine, data: bytes, actor: User, max_rows: int = MAX_ROWS) -> Plan:
    """What importing the sheet would register, and every problem; nothing is stored (the
    registration runs and is rolled back, so the registry's own checks are included)."""
    try:
        with engine.db.session() as session:
            issuer = _own_issuer(engine, session, actor)
            read = read_rows(data, max_rows, optional=("issuer",) if issuer else ())
            raise _DryRun(_register_all(engine, session, read, actor, issuer)[0])
    except ImportFailed as exc:
        return Plan([], exc.errors, {})
    except _DryRun as dry:
        return dry.plan


def _own_issuer(engine, session: Session, actor: User) -> str:
    """The issuer of a register kept without an issuer column, where the ruleset says an office's register is of
    its own body's directives (`[imports] issuer_from_body`: Cần Thơ Đ.1, Đ.3, the city committee's and its
    Chairman's): the committee of the importing clerk's body (a commune's office: its commune's). "" where the
    directives tracked come from several issuers (a department's: the province's, its office's, a merged
    province's), whose register must name each one."""
    settings = engine.compiled(engine.current_bundle(session)).settings
    if not settings.get("imports", {}).get("issuer_from_body", False):
        return ""
    return org.committee_name(permissions.users_body(session, actor))


def read_rows(data: bytes, max_rows: int = MAX_ROWS, optional: Collection[str] = ()) -> Read:
    """The rows below the header of the workbook's register sheet, by field, each field's column
    label, and the rows of the footer under the table, which are not imported. The register is the
    one sheet with a column for each required field but the `optional` ones, wherever it is; a workbook
    with several (a sheet per year) is refused, not imported in part."""
    grids = sheet.read_grids(data)
    headers = {name: sheet.find_header(grid, {c.field: (c.heading, *c.synonyms) for c in COLUMNS})
               for name, grid in grids.items()}
    registers = [name for name, header in headers.items() if not _missing(header, optional)]
    if len(registers) > 1:
        raise ImportFailed([RowError(
            None, None, None, "This file has %(count)s sheets of directives (%(sheets)s): import them one file "
            "per sheet, so that no sheet is left out and each problem's row is clear.",
            {"count": len(registers), "sheets": ", ".join(registers)})])
    name = registers[0] if registers else SHEET if SHEET in grids else next(iter(grids))
    grid, header = grids[name], headers[name]
    _refuse_missing(header, optional)
    footer = sheet.footer_start(grid, header.first_data_row, (header.columns["content"], header.columns["lead_unit"]))
    end = footer or grid.last_row + 1
    rows: list[Row] = []
    for number in range(header.first_data_row, end):
        values = {f: grid.value(number, column) for f, column in header.columns.items()}
        if all(_blank(v) for v in values.values()) or _is_example(values) or \
                sheet.is_layout_row(grid, number, header.columns.values()):
            continue
        if len(rows) >= max_rows:
            raise ImportFailed([RowError(number, None, None, "One import takes at most %(max)s rows: split the "
                                         "register into files of %(max)s rows or fewer.", {"max": max_rows})])
        rows.append((number, values))
    if not rows:
        raise ImportFailed([RowError(None, None, None, "The sheet has no rows to import.")])
    skipped = [Skipped(number, " · ".join(" ".join(str(v).split()) for v in sheet.row_values(grid, number)))
               for number in range(end, grid.last_row + 1) if sheet.row_values(grid, number)]
    return Read(rows, header.labels, skipped, [number for number, _values in rows if number in grid.hidden])


def _hidden(rows: list[int]) -> RowError:
    """Rows of data the file hides (by hand, or a filter leaving them out): only the clerk knows whether they
    are left out on purpose (tasks done, another year's) or for room, so neither is assumed."""
    return RowError(rows[0], None, None, "Rows %(rows)s are hidden or filtered out in the file: show every row "
                    "(clear the filter), delete the rows not to import, and upload the file again.",
                    {"rows": _spans(rows)})


def _spans(rows: list[int]) -> str:
    """Ascending row numbers as a clerk reads them: "7–8, 12"."""
    spans: list[list[int]] = []
    for number in rows:
        if spans and number == spans[-1][-1] + 1:
            spans[-1].append(number)
        else:
            spans.append([number])
    return ", ".join(f"{s[0]}–{s[-1]}" if len(s) > 1 else str(s[0]) for s in spans)


def secret_rows(data: bytes) -> list[int]:
    """The sheet rows giving a secrecy level (anything but blank or "Không mật": a misspelt level
    is of a secret document too); none for a file that is no register. A register kept without an issuer
    column is read too, whatever the ruleset says of it: its secret rows are not kept either."""
    try:
        rows = read_rows(data, optional=("issuer",)).rows
    except ImportFailed:
        return []
    return [number for number, values in rows if SECRECY_WORDS.get(fold(_string(values.get("secrecy"))), "?")]


def _missing(header: sheet.Header, optional: Collection[str] = ()) -> list[str]:
    """The headings of the required columns `header` has not found, but the `optional` fields'."""
    return [c.heading for c in COLUMNS if c.required and c.field not in header.columns and c.field not in optional]


def _refuse_missing(header: sheet.Header, optional: Collection[str]) -> None:
    """Refuse a sheet without a column for each required field but the `optional` ones. A register lacking only
    its issuer column is a register: the clerk is told why this regulation needs that column."""
    missing, found = _missing(header, optional), ", ".join(header.found[:15]) or "—"
    if missing == [FIELDS["issuer"].heading]:
        raise ImportFailed([RowError(
            None, None, None, "This register has no column %(column)s: the directives this regulation tracks come "
            "from several issuers, each naming its own. Add the column %(column)s to the register (headings found: "
            "%(found)s).", {"column": missing[0], "found": found})])
    if missing:
        raise ImportFailed([RowError(
            None, None, None, "This sheet is not a register of directives: it has no column of %(missing)s "
            "(headings found: %(found)s). Use the template or head the columns as it does.",
            {"missing": ", ".join(missing), "found": found})])


def _is_example(values: dict) -> bool:
    return fold(_string(values.get("summary"))).startswith(fold(str(EXAMPLE["summary"]))[:10])


def _register_all(engine, session: Session, read: Read, actor: User,
                  own_issuer: str) -> tuple[Plan, list[Directive]]:
    """Register the rows' directives in `session`, as `_groups` plans them; `own_issuer` is every directive's where
    the register has no issuer column (`_own_issuer`)."""
    units, labels = UnitDirectory(session), read.labels
    issuer = "" if "issuer" in labels else own_issuer
    rows = [(number, {**values, "issuer": issuer}) for number, values in read.rows] if issuer else read.rows
    groups, warnings = _groups(units, rows, labels)
    errors = [_hidden(read.hidden)] if read.hidden else []
    created, known, new = [], [], []
    for group in groups:
        registered = _registered(session, group)
        if registered is not None:
            known.append(Known(registered.symbol, registered.id, tuple(group.rows)))
            warnings += _passed_problems(registered.symbol, group.errors) + _differences(session, registered, group,
                                                                                          labels)
            continue
        new.append(group)
        errors += group.errors
        # a deadline on a day off is imported as written, said on its cell as registration says it
        warnings += [RowError(group.rows[n - 1], labels.get("deadline"), "deadline", message.text, message.params)
                     for n, message in directives.day_off_deadlines(session, group.items).items()]
        try:
            with session.begin_nested():
                created.append(directives.register(engine, group.header, group.items, actor, session=session,
                                                      imported=True))
        except FormValidationError as exc:
            errors += [RowError(group.row, labels.get(name), name, m.text, m.params) for name, m in exc.errors.items()]
        except directives.AssignmentError as exc:
            row = group.rows[exc.seq - 1]
            errors.append(RowError(row, labels.get(exc.field), exc.field, exc.message, exc.params))
        except EngineError as exc:
            errors.append(RowError(group.row, None, None, exc.message, exc.params))
    return Plan(new, _one_per_cell(errors), units.names, read.skipped, warnings, issuer, known), created


def _registered(session: Session, group: Planned) -> Directive | None:
    """The directive registered already as the group's, by the registry's own rule; None for a header whose
    cells are wrong (their problems are said on them)."""
    header = group.header
    if not (header.get("symbol") and header.get("issuer") and header.get("issued_on")):
        return None
    # the symbol as registration stores it (composed, without invisible characters): a register's own typing
    return directives.registered_as(session, {**header, "symbol": clean_text(header["symbol"]).strip()})


def _passed_problems(symbol: str, problems: list[RowError]) -> list[RowError]:
    """The problems of the cells of a directive registered already, said on their cells and refusing nothing: its
    rows are not imported (a unit of the register since closed, a deadline dondoc never reads)."""
    return [RowError(problem.row, problem.column, problem.field, "%(symbol)s is in the system already, and this row "
                     "is not imported: %(problem)s", {"symbol": symbol, "problem": problem})
            for problem in _one_per_cell(problems)]


def _differences(session: Session, directive: Directive, group: Planned, labels: dict[str, str]) -> list[RowError]:
    """What the register says of an already registered directive that dondoc holds otherwise, against the tasks
    created for it: a task it has not, a task's other deadline, a task of dondoc's the register has not. Said, not
    changed: a directive changes through its own adjust paths, which notify the units."""
    held = {fold(a.content): a for a in session.scalars(select(Assignment).where(
        Assignment.directive_id == directive.id, Assignment.parent_id.is_(None)).order_by(Assignment.seq))}
    if not held:  # its tasks are created at a later step of its process (classification): none to compare yet
        return []
    said, symbol = set(), directive.symbol
    warnings = []
    for row, item in zip(group.rows, group.items, strict=True):
        said.add(fold(item["content"]))
        task = held.get(fold(item["content"]))
        if task is None:
            warnings.append(RowError(row, labels.get("content"), "content", "%(symbol)s is in the system already: "
                                     "this task is not among its tasks there, and an import adds none (add it on the "
                                     "directive's page).", {"symbol": symbol}))
        elif item.get("deadline") and date.fromisoformat(item["deadline"]) != task.deadline:
            warnings.append(RowError(row, labels.get("deadline"), "deadline", *_held_deadline(symbol, task)))
    # a task withdrawn in dondoc is no task the register misses
    warnings += [RowError(group.row, None, None, "%(symbol)s is in the system already with the task «%(content)s», "
                          "which the register does not list.", {"symbol": symbol, "content": unlisted.content})
                 for content, unlisted in held.items()
                 if content not in said and unlisted.status != AssignmentStatus.CANCELLED]
    return warnings


def _held_deadline(symbol: str, task: Assignment) -> tuple[str, dict]:
    """The message and parameters of a task whose deadline in dondoc is not the register's."""
    if task.deadline is None:
        return ("%(symbol)s is in the system already: there this task has no deadline, and an import sets none "
                "(adjust it on the directive's page).", {"symbol": symbol})
    return ("%(symbol)s is in the system already: there this task is due %(held)s, and an import changes no "
            "deadline (adjust it on the directive's page).",
            {"symbol": symbol, "held": task.deadline.strftime("%d/%m/%Y")})


def _one_per_cell(errors: list[RowError]) -> list[RowError]:
    """The first problem of each cell: a bad date cell is not also reported as missing."""
    seen: set[tuple] = set()
    kept = []
    for error in errors:
        key = (error.row, error.field or error.message)
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return sorted(kept, key=lambda e: (e.row or 0, column_index_from_string((e.column or "A").split(" ")[0])))


def _groups(units: UnitDirectory, rows: list[Row], labels: dict[str, str]) -> tuple[list[Planned], list[RowError]]:
    """Rows whose directive cells are empty, or repeat the directive above (cells merged
    down), are more assignments of that directive, each with its cells' problems; and the warnings of their cells."""
    groups: list[Planned] = []
    warnings: list[RowError] = []
    for number, values in rows:
        cells = {c.field: values.get(c.field) for c in COLUMNS if c.directive and not _blank(values.get(c.field))}
        if not groups or any(groups[-1].cells.get(f) != v for f, v in cells.items()):
            header, bad = _header(number, values, labels)
            groups.append(Planned(number, header, cells=cells, errors=bad))
        header = groups[-1].header
        issued_on = header.get("issued_on", "")
        # the units of the directive's day, as the province issuing it names them (a register kept before 1/7/2025)
        dated = units.on(date.fromisoformat(issued_on) if issued_on else None, header.get("issuer", ""))
        item, bad, warned = _assignment(dated, number, values, labels, issued_on)
        groups[-1].errors += bad
        warnings += warned
        groups[-1].items.append(item)
        groups[-1].rows.append(number)
    return groups, warnings


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _header(row: int, values: dict, labels: dict[str, str]) -> tuple[dict, list[RowError]]:
    error = partial(_cell_error, row, labels)
    errors = [error(c.field, "This field is required.")
              for c in COLUMNS if c.directive and c.required and _blank(values.get(c.field))]
    urgency = URGENCY_WORDS.get(fold(_string(values.get("urgency"))))
    if urgency is None:
        errors.append(error("urgency", "Use Thường, Khẩn, Thượng khẩn or Hỏa tốc."))
    secrecy = SECRECY_WORDS.get(fold(_string(values.get("secrecy"))))
    if secrecy is None:
        errors.append(error("secrecy", "Use Mật, Tối mật or Tuyệt mật, or leave it empty."))
    header = {"symbol": _string(values.get("symbol")), "issuer": _string(values.get("issuer")),
              "summary": _string(values.get("summary")), "signer": _string(values.get("signer")),
              "urgency": urgency or "normal", "secrecy": secrecy or ""}
    header["issued_on"], bad = _date(error, "issued_on", values.get("issued_on"))
    return header, errors + bad


def _assignment(units: UnitDirectory, row: int, values: dict, labels: dict[str, str],
                issued_on: str) -> tuple[dict, list[RowError], list[RowError]]:
    """One row's assignment, its cells' problems and their warnings."""
    error = partial(_cell_error, row, labels)
    errors = [error(f, "This field is required.") for f in ("content", "lead_unit") if _blank(values.get(f))]
    lead, bad, concerned = _units(error, units, "lead_unit", values.get("lead_unit"))
    # one unit accountable: "… liên quan" leads nothing
    errors += bad + [error("lead_unit", _NO_UNIT, units="; ".join(concerned))] * bool(concerned)
    if len(lead) > 1:
        errors.append(error("lead_unit", "Give exactly one lead unit (the others go under coordinating units)."))
    coordinating, bad, concerned = _units(error, units, "coordinating_units", values.get("coordinating_units"))
    errors += bad
    # "Sở Tài chính và các đơn vị liên quan": the units named coordinate, the words naming none are said to the clerk
    warnings = [error("coordinating_units", "%(units)s names no unit in particular: none of them is assigned to "
                                            "coordinate.", units="; ".join(concerned))] * bool(concerned)
    item: dict[str, Any] = {"content": _string(values.get("content")), "lead_unit": lead[0] if lead else "",
                            "coordinating_units": [c for c in coordinating if c not in lead[:1]]}
    deadline, bad = _deadline(error, values.get("deadline"), issued_on)
    item.update(deadline)
    errors += bad
    item["coordinating_deadline"], bad = _date(error, "coordinating_deadline", values.get("coordinating_deadline"))
    errors += bad
    days = values.get("deadline_days")
    if not _blank(days):
        if not _blank(values.get("deadline")):
            errors.append(error("deadline_days", "Give either a deadline date or a number of days."))
        elif not str(days).strip().split(".")[0].isdigit():
            errors.append(error("deadline_days", "Enter a whole number."))
        else:
            item["deadline_days"] = int(str(days).strip().split(".")[0])
    answer = fold(_string(values.get("requires_report")))
    if answer not in YES | NO:
        errors.append(error("requires_report", "Use Có or Không."))
    item["requires_report"] = answer in YES
    return item, errors, warnings


def _cell_error(row: int, labels: dict[str, str], field: str, message: str, **params) -> RowError:
    return RowError(row, labels.get(field), field, message, params)


_NO_UNIT = "%(units)s names no unit in particular: write each unit by its name or code."


def _units(error: Callable[..., RowError], units: UnitDirectory, field: str,
           value) -> tuple[list[str], list[RowError], list[str]]:
    """A units cell's codes, its problems, and its words naming only the units concerned ("các đơn vị liên
    quan"): no unit, which the caller refuses or passes over."""
    found = units.lookup(_string(value))
    if found.collective:
        return found.codes, [error(field, _NO_UNIT, units="; ".join(found.collective))], []
    if found.unexpanded:
        return found.codes, [error(field, "%(units)s does not tell which of the units in force it names: write "
                                          "each unit by its name or code.", units="; ".join(found.unexpanded))], []
    if not found.unknown:
        return found.codes, [], found.concerned
    unknown = ", ".join(found.unknown)
    if found.hints:
        return found.codes, [error(field, "Unknown unit %(unit)s. Did you mean %(hint)s?", unit=unknown,
                                   hint=", ".join(found.hints))], found.concerned
    return found.codes, [error(field, "Unknown unit %(unit)s.", unit=unknown)], found.concerned


def _string(value) -> str:
    return "" if value is None else str(value).strip()


def _deadline(error: Callable[..., RowError], value, issued_on: str) -> tuple[dict, list[RowError]]:
    """A register's deadline cell: a date, or the words registers write where a task table's time cell
    has them and a proposal reads them (engine.proposals.deadlines): a period ("Quý II/2025",
    "Tháng 6/2025", "Năm 2025": its last day), "Trước ngày 30/6/2025", "Trong 10 ngày làm việc"
    (counted from the day of assignment); "Thường xuyên" or "Không thời hạn": none."""
    day, bad = _date(error, "deadline", value)
    text = fold(_string(value))
    if not bad or text in NO_DEADLINE:
        return {"deadline": day}, []
    reference = date.fromisoformat(issued_on) if issued_on else clock.today()
    found = deadlines.find_cell_deadline(text, reference)
    if found.kind == deadlines.WORKING_DAYS:
        return {"deadline": "", "deadline_days": found.days}, []
    if found.due is not None and found.kind != deadlines.MONTHLY:
        return {"deadline": found.due.isoformat()}, []
    # the examples of this year's periods: one a clerk may copy
    return {"deadline": ""}, [error(
        "deadline", "Enter a date as dd/mm/yyyy, a period (Tháng 6/%(year)s, Quý II/%(year)s, Năm %(year)s) or "
        "Thường xuyên.", year=clock.today().year)]


_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _date(error: Callable[..., RowError], field: str, value) -> tuple[str, list[RowError]]:
    """A date cell, or text as dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd."""
    if _blank(value):
        return "", []
    if isinstance(value, datetime):
        return value.date().isoformat(), []
    if isinstance(value, date):
        return value.isoformat(), []
    text = _string(value)
    try:
        if match := _DAY_FIRST.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1])).isoformat(), []
        if match := _ISO.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat(), []
    except ValueError:
        pass
    return "", [error(field, "Enter a date as dd/mm/yyyy.")]
