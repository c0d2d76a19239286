"""A worksheet as offices lay out a register: a title block above the header ("UBND TỈNH …",
"SỔ THEO DÕI NHIỆM VỤ …"), a header of one row or of two (a merged group heading over its
sub-headings), columns in any order named by their heading text, and cells merged down
over the rows they apply to."""
from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from engine.imports import packages
from engine.imports.errors import ImportFailed, RowError
from engine.text import clean_text, fold

HEADER_SEARCH_ROWS = 30   # the header is looked for within the first rows
MAX_COLUMNS = 60


def heading_key(text: str) -> str:
    """A heading as compared: folded, without notes in brackets, punctuation or a '*'."""
    bare = re.sub(r"\(.*?\)", " ", fold(text))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


@dataclass
class Grid:
    """The sheet's values by (row, column), from 1, with merged ranges filled in."""
    cells: dict[tuple[int, int], object]
    last_row: int
    across: dict[int, list[range]] = field(default_factory=dict)  # row → its columns merged into one cell

    def value(self, row: int, column: int):
        return self.cells.get((row, column))

    def text(self, row: int, column: int) -> str:
        value = self.value(row, column)
        return "" if value is None else " ".join(str(value).split())


@dataclass
class Header:
    columns: dict[str, int]     # field → column number
    labels: dict[str, str]      # field → "H (Đơn vị chủ trì)" as the sheet heads it
    first_data_row: int
    found: list[str]            # the headings of the best candidate row, for a clear refusal


def read_grids(data: bytes) -> dict[str, Grid]:
    """Every sheet of the workbook, by name, in the workbook's order."""
    try:
        packages.check_bounds(data)
    except packages.PackageTooLarge as exc:
        raise ImportFailed([RowError(None, None, None, exc.message, exc.params)]) from None
    try:
        # Not read_only: that mode does not give the merged ranges. The bounds above keep the
        # workbook small enough to load whole.
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportFailed([RowError(None, None, None, "Not an Excel (.xlsx) file.")]) from None
    grids = {sheet.title: _grid(sheet) for sheet in book.worksheets}
    book.close()
    return grids


def _grid(sheet) -> Grid:
    cells: dict[tuple[int, int], object] = {}
    # The sheet's own cell store: iterating rows would create every empty cell up to max_row.
    for (row, column), cell in sheet._cells.items():
        if column <= MAX_COLUMNS and cell.value is not None and str(cell.value).strip() != "":
            cells[(row, column)] = clean_text(cell.value) if isinstance(cell.value, str) else cell.value
    last_row = max((row for row, _ in cells), default=0)
    across: dict[int, list[range]] = {}
    for merged in sheet.merged_cells.ranges:
        value = cells.get((merged.min_row, merged.min_col))
        if value is None:
            continue
        for row in range(merged.min_row, min(merged.max_row, last_row) + 1):
            for column in range(merged.min_col, min(merged.max_col, MAX_COLUMNS) + 1):
                cells[(row, column)] = value
            if merged.max_col > merged.min_col:
                across.setdefault(row, []).append(range(merged.min_col, merged.max_col + 1))
    return Grid(cells, last_row, across)


_COLUMN_NUMBER = re.compile(r"\(?(\d{1,2})\)?")


def is_layout_row(grid: Grid, row: int, columns: Iterable[int]) -> bool:
    """A row of the table's layout, not of its data: a section heading merged across the columns read
    ("I. LĨNH VỰC KINH TẾ" over the directives of that field), or the columns' numbers written under the
    header as administrative forms number them ("(1)", "(2)" … or 1, 2 …)."""
    filled = [column for column in sorted(columns) if grid.text(row, column)]
    if len(filled) < 2:
        return False
    if any(filled[0] in span and filled[-1] in span for span in grid.across.get(row, [])):
        return True
    numbers = [m and int(m[1]) for column in filled if (m := _COLUMN_NUMBER.fullmatch(grid.text(row, column)))]
    return len(numbers) >= 3 and all(numbers) and numbers == sorted(set(numbers))


def find_header(grid: Grid, synonyms: dict[str, Iterable[str]]) -> Header:
    """The row (or pair of rows) whose headings name the most fields."""
    keys = {heading_key(s): field for field, names in synonyms.items() for s in names}
    best: Header | None = None
    for row in range(1, min(grid.last_row, HEADER_SEARCH_ROWS) + 1):
        for depth in (1, 2):
            candidate = _match(grid, row, depth, keys)
            if best is None or len(candidate.columns) > len(best.columns) or (
                    not best.columns and depth == 1 and len(candidate.found) > len(best.found)):
                best = candidate
    return best or Header({}, {}, 1, [])


def _match(grid: Grid, row: int, depth: int, keys: dict[str, str]) -> Header:
    """Fields named by the headings of `row` (and of `row + 1` below a group heading):
    "Đơn vị" over "Chủ trì" reads "Đơn vị chủ trì"; a sub-heading alone or a heading merged
    over both rows reads as itself; a group heading alone names a field no sub-heading did."""
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    found: list[str] = []
    tops: list[tuple[int, str]] = []
    for column in range(1, MAX_COLUMNS + 1):
        top = grid.text(row, column)
        sub = grid.text(row + 1, column) if depth == 2 else ""
        if sub == top:
            sub = ""
        if top or sub:
            found.append(sub or top)
        for heading in (f"{top} {sub}".strip(), sub):
            field = keys.get(heading_key(heading)) if heading else None
            if field and field not in columns:
                columns[field], labels[field] = column, _label(column, sub or top)
                break
        else:
            tops.append((column, top))
    for column, top in tops:
        field = keys.get(heading_key(top)) if top else None
        if field and field not in columns:
            columns[field], labels[field] = column, _label(column, top)
    return Header(columns, labels, row + depth, found)


def _label(column: int, heading: str) -> str:
    return f"{get_column_letter(column)} ({heading.rstrip(' *')})"
