"""A worksheet as offices lay out a register: a title block above the header ("UBND TỈNH …",
"SỔ THEO DÕI NHIỆM VỤ …"), a header of one row or of two (a merged group heading over its
sub-headings), columns in any order named by their heading text, and cells merged down
over the rows they apply to."""
from __future__ import annotations

import contextlib
import io
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zipfile import BadZipFile

import lxml.html
from lxml import etree
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
    hidden: set[int] = field(default_factory=set)  # rows hidden or filtered out in the file (dòng ẩn, dòng bị lọc)

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


# An Excel 97–2003 workbook (.xls) is an OLE2 compound file: it opens with these bytes.
XLS_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# Excel 2003 XML (SpreadsheetML): what web software exports as "Excel", often named .xls.
SPREADSHEET_XML = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = f"{{{SPREADSHEET_XML}}}"


def read_grids(data: bytes) -> dict[str, Grid]:
    """Every sheet of the workbook (.xlsx, or .xls as offices still keep registers, or what web
    software exports as Excel), by name, in the workbook's order."""
    if data.startswith(XLS_SIGNATURE):
        return _xls_grids(data)
    if not data.startswith(ZIP_SIGNATURE):  # an .xlsx is a zip, whatever text its parts hold
        if SPREADSHEET_XML.encode() in data[:4096]:
            return _xml_grids(data)
        if b"<table" in data[:4096].lower():
            return _html_grids(data)
    try:
        packages.check_bounds(data)
    except packages.PackageTooLarge as exc:
        raise ImportFailed([RowError(None, None, None, exc.message, exc.params)]) from None
    try:
        # Not read_only: that mode does not give the merged ranges. The bounds above keep the
        # workbook small enough to load whole.
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _not_excel() from None
    grids = {sheet.title: _grid(sheet) for sheet in book.worksheets}
    book.close()
    return grids


def _xls_grids(data: bytes) -> dict[str, Grid]:
    """An .xls workbook's sheets (xlrd): its dates are numbers in a date format, its whole numbers floats."""
    import xlrd  # only an .xls needs it

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, AssertionError, IndexError, KeyError, ValueError,
            struct.error):
        raise _not_excel() from None
    grids = {}
    for sheet in book.sheets():
        cells: dict[tuple[int, int], object] = {}
        for row in range(sheet.nrows):
            for column in range(min(sheet.ncols, MAX_COLUMNS)):
                cell = sheet.cell(row, column)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    cells[(row + 1, column + 1)] = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                elif cell.ctype == xlrd.XL_CELL_NUMBER:
                    cells[(row + 1, column + 1)] = int(cell.value) if cell.value.is_integer() else cell.value
                elif cell.ctype == xlrd.XL_CELL_TEXT and cell.value.strip():
                    cells[(row + 1, column + 1)] = clean_text(cell.value)
        # xlrd's ranges are 0-based and end past their last row and column
        merges = [(top + 1, left + 1, bottom, right) for top, bottom, left, right in sheet.merged_cells]
        hidden = {row + 1 for row, info in sheet.rowinfo_map.items() if info.hidden}
        grids[sheet.name] = _filled(cells, merges, hidden)
    book.release_resources()
    return grids


def _not_excel() -> ImportFailed:
    return ImportFailed([RowError(None, None, None, "Not an Excel file (.xlsx or .xls).")])


def _xml_grids(data: bytes) -> dict[str, Grid]:
    """An Excel 2003 XML workbook (SpreadsheetML), which web software exports under an .xls name:
    its rows and cells (ss:Index where a row or a cell skips some), typed values, merged ranges."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise _not_excel() from None
    try:
        return {worksheet.get(_SS + "Name", f"Sheet{number}"): _xml_grid(worksheet)
                for number, worksheet in enumerate(root.iter(_SS + "Worksheet"), 1)}
    except ValueError:  # an index or a merge that is no number
        raise _not_excel() from None


def _xml_grid(worksheet) -> Grid:
    cells: dict[tuple[int, int], object] = {}
    merges: list[tuple[int, int, int, int]] = []
    hidden: set[int] = set()
    row = 0
    for row_node in worksheet.iterfind(f"{_SS}Table/{_SS}Row"):
        row, column = int(row_node.get(_SS + "Index", row + 1)), 0
        if row_node.get(_SS + "Hidden") in ("1", "true"):
            hidden.add(row)
        for cell in row_node.iterfind(_SS + "Cell"):
            column = int(cell.get(_SS + "Index", column + 1))
            across, down = int(cell.get(_SS + "MergeAcross", 0)), int(cell.get(_SS + "MergeDown", 0))
            value = _xml_value(cell.find(_SS + "Data"))
            if value is not None and column <= MAX_COLUMNS:
                cells[(row, column)] = value
            if across or down:
                merges.append((row, column, row + down, column + across))
            column += across
    return _filled(cells, merges, hidden)


def _xml_value(data) -> object:
    """A SpreadsheetML Data element's value: text (its rich-text runs joined), a number, a date."""
    text = "".join(data.itertext()) if data is not None else ""
    if not text.strip():
        return None
    kind = data.get(_SS + "Type")
    with contextlib.suppress(ValueError):  # else the text, for the cell's own check to name
        if kind == "Number":
            number = float(text)
            return int(number) if number.is_integer() else number
        if kind == "DateTime":
            return datetime.fromisoformat(text[:19])
    return clean_text(text)


def _html_grids(data: bytes) -> dict[str, Grid]:
    """An HTML table under an Excel name, as web software exports "Excel" (a page's table sent as
    application/vnd.ms-excel): each table a sheet, its colspan and rowspan merged ranges, its line
    breaks kept. UTF-8 unless it is not, then the Vietnamese Windows code page."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")
    try:
        page = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise _not_excel() from None
    for br in page.iter("br"):
        br.tail = "\n" + (br.tail or "")
    try:
        return {f"Bảng {number}": _html_grid(table) for number, table in enumerate(page.iter("table"), 1)}
    except ValueError:  # a colspan or rowspan that is no number
        raise _not_excel() from None


def _html_grid(table) -> Grid:
    cells: dict[tuple[int, int], object] = {}
    merges: list[tuple[int, int, int, int]] = []
    taken: set[tuple[int, int]] = set()  # cells a rowspan above covers: the row's cells go right of them
    hidden: set[int] = set()
    for row, tr in enumerate(table.xpath("./tr | ./*/tr"), 1):
        column = 0
        if "display:none" in "".join((tr.get("style") or "").split()).lower():
            hidden.add(row)
        for td in tr.xpath("./td | ./th"):
            column += 1
            while (row, column) in taken:
                column += 1
            across, down = max(int(td.get("colspan") or 1), 1), max(int(td.get("rowspan") or 1), 1)
            lines = [" ".join(line.split()) for line in td.text_content().splitlines()]
            if value := "\n".join(line for line in lines if line):
                cells[(row, column)] = clean_text(value)
            taken.update((r, c) for r in range(row, row + down) for c in range(column, column + across))
            if across > 1 or down > 1:
                merges.append((row, column, row + down - 1, column + across - 1))
            column += across - 1
    return _filled({key: value for key, value in cells.items() if key[1] <= MAX_COLUMNS}, merges, hidden)


def _grid(sheet) -> Grid:
    cells: dict[tuple[int, int], object] = {}
    # The sheet's own cell store: iterating rows would create every empty cell up to max_row.
    for (row, column), cell in sheet._cells.items():
        if column <= MAX_COLUMNS and cell.value is not None and str(cell.value).strip() != "":
            cells[(row, column)] = clean_text(cell.value) if isinstance(cell.value, str) else cell.value
    # A filter hides the rows it leaves out as a row hidden by hand is (row_dimensions' hidden).
    hidden = {row for row, dimension in sheet.row_dimensions.items() if dimension.hidden}
    return _filled(cells, [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges], hidden)


def _filled(cells: dict[tuple[int, int], object], merges: list[tuple[int, int, int, int]],
            hidden: set[int]) -> Grid:
    """The grid of `cells` with each merged range (top, left, bottom, right) given its first cell's value."""
    last_row = max((row for row, _ in cells), default=0)
    across: dict[int, list[range]] = {}
    for top, left, bottom, right in merges:
        value = cells.get((top, left))
        if value is None:
            continue
        for row in range(top, min(bottom, last_row) + 1):
            for column in range(left, min(right, MAX_COLUMNS) + 1):
                cells[(row, column)] = value
            if right > left:
                across.setdefault(row, []).append(range(left, right + 1))
    return Grid(cells, last_row, across, hidden)


# A column's mark under the header: "(1)", "1", or a letter as forms mark their columns of words ("A", "(B)")
_COLUMN_MARK = re.compile(r"\(?(?:([A-Za-z])|(\d{1,2}))\)?")


def is_layout_row(grid: Grid, row: int, columns: Iterable[int]) -> bool:
    """A row of the table's layout, not of its data: a section heading merged across the columns read
    ("I. LĨNH VỰC KINH TẾ" over the directives of that field), or the columns' numbers written under the
    header as administrative forms number them ("(1)", "(2)" … or 1, 2 …, after letters over the columns of words:
    "A", "B", "1", "2" …)."""
    filled = [column for column in sorted(columns) if grid.text(row, column)]
    if len(filled) < 2:
        return False
    if any(filled[0] in span and filled[-1] in span for span in grid.across.get(row, [])):
        return True
    marks = [mark.groups() for column in filled if (mark := _COLUMN_MARK.fullmatch(grid.text(row, column)))]
    # the letters first (A, B … over the columns of words), then the numbers (1, 2 …), each rising
    letters = [ord(letter.upper()) for letter, _ in marks if letter]
    numbers = [int(number) for _, number in marks if number]
    return (len(filled) >= 3 and len(marks) == len(filled) and letters == sorted(set(letters))
            and numbers == sorted(set(numbers)) and all(letter for letter, _ in marks[:len(letters)]))


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


# What a register writes under its table (phần cuối biểu): its totals (tổng cộng), its signatures — who drew it
# up, the head's title, perhaps after KT./TM./TL./TUQ./Q. — with "(Ký, ghi rõ họ tên)" and the names under
# them, the place and date line, notes. Compared folded, without punctuation.
_TOTALS = re.compile(r"(tong cong|tong so)\b.*|(tong|cong)( \d.*)?")
_TITLES = ("nguoi lap", "nguoi ghi so", "nguoi kiem tra", "nguoi duyet", "giam doc", "pho giam doc", "chu tich",
           "pho chu tich", "chanh van phong", "pho chanh van phong", "thu truong", "truong phong", "pho truong phong",
           "ke toan truong", "lanh dao", "xac nhan", "noi nhan", "ghi chu")
_ON_BEHALF = re.compile(r"(kt|tm|tl|tuq|q) \S.*")  # ký thay, thay mặt, thừa lệnh, thừa ủy quyền, quyền
_DATE_LINE = re.compile(r"([^,]{0,40}, )?ngay\b[\s\d._…/-]*thang\b[\s\d._…/-]*nam\b.*")
_NAME_WORDS = 6  # a name under a signature: a few words, no digit


def _footer_word(text: str) -> bool:
    """Text that opens a register's footer: totals, a signer's title, the date line, a note."""
    folded = fold(text)
    key = " ".join(re.sub(r"[^0-9a-z…]+", " ", folded).split())
    return bool(_TOTALS.fullmatch(key) or key.startswith(_TITLES) or _ON_BEHALF.fullmatch(key)
                or _DATE_LINE.fullmatch(folded))


def _footer_cell(value: object) -> bool:
    """A cell a footer holds: its words, a count, a signing note in brackets, a signer's name."""
    if isinstance(value, int | float):
        return True
    text = " ".join(str(value).split())
    return _footer_word(text) or (text.startswith("(") and text.endswith(")")) or (
        len(text.split()) <= _NAME_WORDS and not any(c.isdigit() for c in text))


def _footer_row(grid: Grid, row: int, task: tuple[int, int]) -> bool:
    """Every cell of the row is of a footer, and it is no task's: it opens with no number (a task's STT), and
    has no task and lead unit of their own (a signature merged across both columns fills them alike)."""
    content, lead = (grid.text(row, column) for column in task)
    values = row_values(grid, row)
    numbered = bool(values) and isinstance(values[0], int | float)
    return not numbered and not (content and lead and content != lead) and all(map(_footer_cell, values))


def footer_start(grid: Grid, first_row: int, task: tuple[int, int]) -> int | None:
    """The first row of the footer under the register's table, None when it has none: the rows from it to the
    sheet's end are all of a footer, and it opens with totals, a signer's title or the date line. `task` is
    the columns of the task and of its lead unit. Read from the bottom up to the first row of data: a
    subtotal above that row (a directive after a "Cộng") stays a row, its cells checked as data."""
    start = None
    for row in range(grid.last_row, first_row - 1, -1):
        if not _footer_row(grid, row, task):
            break
        if any(_footer_word(str(value)) for value in row_values(grid, row)):
            start = row
    return start


def row_values(grid: Grid, row: int) -> list:
    """The row's values left to right, a merged range's once."""
    values = [grid.value(row, column) for column in range(1, MAX_COLUMNS + 1)]
    return [value for column, value in enumerate(values) if value is not None and
            (column == 0 or value != values[column - 1])]
