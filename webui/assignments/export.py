"""The registry view as an Excel workbook (openpyxl)."""
from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from engine.outcomes import TERMS
from engine.registry.service import RegistryRow
from webui.formatting import OUTCOME_LABELS, PROGRESS_LABELS, URGENCY_LABELS, vn_date

FILLS = {"green": "C6EFCE", "blue": "DDEBF7", "orange": "FCE4D6", "red": "FFC7CE", "grey": "EDEDED"}  # light tints
WIDTHS = (6, 20, 50, 60, 28, 12, 12, 18, 22)
UPSTREAM_WIDTH = 14


def workbook(rows: list[RegistryRow], upstream_label: str | None = None) -> bytes:
    """`upstream_label`: the ruleset's name for the upper level's deadline, a column after the
    deadline when the ruleset records it (Bạc Liêu Đ.9 k.1)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Assignments")[:31]
    upstream = [upstream_label] if upstream_label else []
    headers = ["#", _("Symbol"), _("Summary"), _("Assignment"), _("Lead unit"), _("Deadline"), *upstream,
               _("Urgency"), _("Progress"), _("Outcome")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for n, row in enumerate(rows, start=1):
        a = row.assignment
        sheet.append([n, row.directive.symbol, row.directive.summary, a.content,
                      row.lead_unit.name if row.lead_unit else "", vn_date(a.deadline),
                      *([vn_date(a.upstream_deadline)] if upstream else []),
                      str(URGENCY_LABELS.get(a.urgency, a.urgency)), str(PROGRESS_LABELS.get(a.progress, a.progress)),
                      str(OUTCOME_LABELS[row.outcome])])
        for cell in sheet[n + 1]:
            if cell.data_type == "f":  # text typed by users never runs as a formula in Excel
                cell.data_type = "s"
        if row.outcome:  # a cancelled assignment has no outcome and no colour
            sheet.cell(row=n + 1, column=len(headers)).fill = PatternFill(
                "solid", fgColor=FILLS[TERMS[row.outcome].colour])
    widths = (*WIDTHS[:6], *([UPSTREAM_WIDTH] if upstream else []), *WIDTHS[6:])
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
