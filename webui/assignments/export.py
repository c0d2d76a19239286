"""The registry view as an Excel workbook (openpyxl), ready to print and file: a title (the
organisation, the list's period and filters, the export day), one row per assignment with real
date cells, the outcome in its colour, the header repeated on every printed page."""
from __future__ import annotations

from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from engine.numbers import EXCEL_DATE_FORMAT
from engine.outcomes import TERMS
from engine.registry.service import ExportRow
from engine.reports.export_xlsx import keep_as_text, set_for_print
from webui.formatting import OUTCOME_LABELS, PROGRESS_LABELS, URGENCY_LABELS, vn_date

FILLS = {"green": "C6EFCE", "blue": "DDEBF7", "orange": "FCE4D6", "red": "FFC7CE", "grey": "EDEDED"}  # light tints
TITLE_ROWS = 4  # organisation, title with the period, filters, export day; the header row follows
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: Callable[[ExportRow], Any]
    is_date: bool = False
    coloured: bool = False  # the outcome's colour as its fill


@dataclass(frozen=True)
class Title:
    organisation: str
    title: str      # "Danh sách nhiệm vụ …" with the period
    filters: str    # the other filters applied, in words ("" for none)
    exported_on: date
    unlisted: int = 0  # behind a report figure: its secret tasks the reader may not see, said under the rows


def columns(upstream_label: str | None) -> list[Column]:
    """`upstream_label`: the ruleset's name for the upper level's deadline, a column after the
    deadline when the ruleset records it (Bạc Liêu Đ.9 k.1)."""
    upstream = [Column(upstream_label, 14, lambda r: r.assignment.upstream_deadline, True)] if upstream_label else []
    # Translated once, not once a row.
    urgency, progress, outcome = ({key: str(label) for key, label in labels.items()}
                                  for labels in (URGENCY_LABELS, PROGRESS_LABELS, OUTCOME_LABELS))
    return [
        Column("#", 5, lambda r: None),  # numbered when written
        Column(_("Symbol"), 18, lambda r: r.directive.symbol),
        Column(_("Issued on"), 12, lambda r: r.directive.issued_on, True),
        Column(_("Issuer"), 20, lambda r: r.directive.issuer),
        Column(_("Summary"), 40, lambda r: r.directive.summary),
        Column(_("Assignment"), 50, lambda r: r.assignment.content),
        Column(_("Lead unit"), 24, lambda r: r.lead_unit.name if r.lead_unit else ""),
        Column(_("Coordinating units"), 28, lambda r: "\n".join(u.name for u in r.coordinating)),
        Column(_("Deadline"), 12, lambda r: r.assignment.deadline, True),
        *upstream,
        Column(_("Completed on"), 12, lambda r: r.completed_on, True),
        Column(_("Urgency"), 11, lambda r: urgency.get(r.assignment.urgency, r.assignment.urgency)),
        Column(_("Progress"), 16, lambda r: progress.get(r.progress, r.progress)),
        Column(_("Outcome"), 18, lambda r: outcome[r.outcome], coloured=True),
        Column(_("Latest report"), 50, lambda r: r.latest_report),
        Column(_("Late on the first progress report (due)"), 16,
               lambda r: r.assignment.first_update_due if r.first_report_late else None, True),
    ]


def workbook(rows: list[ExportRow], title: Title, upstream_label: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Assignments")[:31]
    cols = columns(upstream_label)
    _write_title(sheet, title, len(cols))
    header_row = TITLE_ROWS + 1
    sheet.append([c.header for c in cols])
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *(c.value(row) for c in cols[1:])])
    _style(sheet, cols, header_row, [row.outcome for row in rows])
    if title.unlisted:  # as the page says it, so that the file too adds up to the report's figure
        sheet.append([_("The report also counts %(n)s secret tasks that are not listed for you.", n=title.unlisted)])
    set_for_print(sheet, header_row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _write_title(sheet, title: Title, width: int) -> None:
    exported = _("Exported on %(day)s", day=vn_date(title.exported_on))
    for line, size in ((title.organisation.upper(), 11), (title.title, 14), (title.filters, 10), (exported, 10)):
        sheet.append([line])
        cell = sheet.cell(row=sheet.max_row, column=1)
        cell.font, cell.alignment = Font(bold=size > 10, italic=size == 10, size=size), Alignment(wrap_text=True)
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    sheet.row_dimensions[2].height = 22


def _style(sheet, cols: list[Column], header_row: int, outcomes: list) -> None:
    """One styled cell per column (and per outcome colour) copied down the column: styling cell
    by cell costs ~0.2 ms a cell (10,000 rows of 15 columns: half a minute)."""
    for index, col in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = col.width
        header = sheet.cell(row=header_row, column=index)
        header.font, header.border, header.fill = Font(bold=True), _BOX, PatternFill("solid", fgColor="D9E1F2")
        header.alignment = Alignment(wrap_text=True, vertical="center")
        prototype = Cell(sheet)
        prototype.border, prototype.alignment = _BOX, _WRAP
        if col.is_date:
            prototype.number_format = EXCEL_DATE_FORMAT
        fills = {outcome: _filled(sheet, prototype, outcome) for outcome in set(outcomes)} if col.coloured else {}
        body = sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index)
        for (cell,), outcome in zip(body, outcomes, strict=True):
            cell._style = copy((fills.get(outcome) or prototype)._style)
            keep_as_text(cell)


def _filled(sheet, prototype: Cell, outcome) -> Cell | None:
    """The outcome column's style in the outcome's colour (engine/outcomes.py TERMS); a
    cancelled assignment has no outcome and no colour."""
    if outcome is None:
        return None
    cell = Cell(sheet)
    cell._style = copy(prototype._style)
    cell.fill = PatternFill("solid", fgColor=FILLS[TERMS[outcome].colour])
    return cell
