"""Task tables: the rows of a plan's appendix giving its tasks in columns (STT | Nhiệm vụ | Cơ quan chủ trì |
Cơ quan phối hợp | Thời gian hoàn thành …), read from text where a table row is a line and its cells are
separated by tabs — as a browser or Word copies a table, and as reading.py writes a DOCX's task tables.

A table is a task table when its header (a row, or two: "Cơ quan thực hiện" above "Chủ trì" | "Phối hợp")
names a content column, a lead column, and a coordinating or a time column; its other rows are tasks,
section rows ("I. LĨNH VỰC …") or the header repeated on a new page (a row naming no unit in its lead
cell gives no task). A table naming no such columns (figures, budgets, lists of documents) gives no row,
and its lines are read as any text (a numbered list copied from Word also has a tab after each number)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from engine.text import fold

CELL = "\t"

# A column's role by its header's words (folded), tried in this order: "Thời gian thực hiện" is a time
# column although it says "thực hiện", "Cơ quan thực hiện phối hợp" a coordinating one.
_ROLES = (("coordinating", re.compile(r"\bphoi hop\b")),
          ("deadline", re.compile(r"^(?:thoi gian|thoi han|tien do|han hoan thanh)\b")),
          ("lead", re.compile(r"\bchu tri\b|^(?:co quan|don vi) (?:thuc hien|chiu trach nhiem)\b")),
          ("content", re.compile(r"^(?:ten )?(?:nhiem vu|noi dung|cong viec|hoat dong|giai phap|de an)\b")))
_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[IVXL]{1,5}|[a-zđ])[.)]?$")


@dataclass(frozen=True)
class TaskRow:
    content: str
    lead: str
    coordinating: str
    deadline: str
    source: str   # the row's cells, as the clerk reads them


def task_rows(text: str) -> tuple[str, list[TaskRow]]:
    """The rows of `text`'s task tables, and the text left to read as sentences: a task table's lines
    blanked, any other line as it is."""
    lines = text.split("\n")
    rows: list[TaskRow] = []
    at = 0
    while at < len(lines):
        end = _table_end(lines, at)
        if end == at:
            at += 1
            continue
        found = _read_table([line.split(CELL) for line in lines[at:end]])
        if found is not None:
            lines[at:end] = [""] * (end - at)
            rows.extend(found)
        at = end
    return "\n".join(lines), rows


def _table_end(lines: list[str], at: int) -> int:
    """The end of the table starting at `at` (`at` itself when none does): tab-separated lines, and the
    lines of one cell between them (a section row spanning the table)."""
    if CELL not in lines[at]:
        return at
    end = at + 1
    while end < len(lines) and (CELL in lines[end] or (end + 1 < len(lines) and CELL in lines[end + 1]
                                                       and lines[end].strip())):
        end += 1
    return end


def _roles(labels: list[str]) -> dict[str, int]:
    """The column of each role its header label names (the first such column)."""
    found: dict[str, int] = {}
    for column, label in enumerate(labels):
        folded = fold(label).strip()
        role = next((name for name, pattern in _ROLES if pattern.search(folded)), None)
        if role is not None and role not in found:
            found[role] = column
    return found


def is_task_table(table: list[list[str]]) -> bool:
    """`table` (its rows' cells) has a task table's header."""
    return _header(table) is not None


def _header(table: list[list[str]]) -> tuple[range, dict[str, int]] | None:
    """The header's rows and the columns of the roles, when a row names a task table's columns — read with
    the row below when the two name more (a label above its sub-labels: "Cơ quan thực hiện" over "Chủ trì")."""
    for at, cells in enumerate(table[:-1]):
        below = table[at + 1]
        if not _NUMBER.match(below[0].strip()):
            two = max((_roles(labels) for labels in _two_row_labels(cells, below)), key=len)
            if _names_tasks(two) and len(two) > len(_roles(cells)):
                return range(at, at + 2), two
        if _names_tasks(roles := _roles(cells)):
            return range(at, at + 1), roles
    return None


def _two_row_labels(upper: list[str], lower: list[str]) -> list[list[str]]:
    """The ways to read a header over two rows. A DOCX row repeats a label spanning both rows and leaves
    empty the cells a label spans across, so the rows align; a table pasted from a web page lacks those
    cells, so its lower row's labels stand under one upper label — each is tried, first those naming a
    role themselves ("Cơ quan thực hiện" before "STT", which would read "STT Chủ trì" as a lead column)."""
    if len(lower) >= len(upper):
        return [[f"{a} {b}" for a, b in zip(upper, lower, strict=False)]]
    spanning = sorted(range(len(upper)), key=lambda j: not _roles([upper[j]]))
    return [upper[:j] + [f"{upper[j]} {b}" for b in lower] + upper[j + 1:] for j in spanning]


def _names_tasks(roles: dict[str, int]) -> bool:
    """Content and lead columns, and a coordinating or a time one: not a table of figures with the body
    answering for each ("Chỉ tiêu | Kết quả | Cơ quan chủ trì theo dõi")."""
    return "content" in roles and "lead" in roles and ("coordinating" in roles or "deadline" in roles)


def _read_table(table: list[list[str]]) -> list[TaskRow] | None:
    """A task table's rows as tasks; None for any other table."""
    header = _header(table)
    if header is None:
        return None
    rows_above, roles = header
    labels = [[fold(c).strip() for c in table[n]] for n in rows_above]   # repeated on each page
    width = max(roles.values()) + 1
    rows: list[TaskRow] = []
    above: list[str] = []
    for cells in table[rows_above.stop:]:
        cells = [c.strip() for c in cells]
        if [fold(c).strip() for c in cells] in labels:
            continue
        if sum(map(bool, cells)) - bool(_NUMBER.match(cells[0])) <= 1:   # a section row: "I | LĨNH VỰC …"
            above = []
            continue
        cells = _completed(cells, above, width, numbered=roles["content"] > 0)
        content, lead = cells[roles["content"]], cells[roles["lead"]]
        if not content or not lead:
            continue
        above = cells
        rows.append(TaskRow(content=content, lead=lead,
                            coordinating=cells[roles["coordinating"]] if "coordinating" in roles else "",
                            deadline=cells[roles["deadline"]] if "deadline" in roles else "",
                            source=" | ".join(c for c in cells if c)))
    return rows


def _completed(cells: list[str], above: list[str], width: int, numbered: bool) -> list[str]:
    """A row's cells in the header's columns. A pasted row lacks the cells a cell of the row above spans
    (an HTML rowspan): its number first, when it does not start with one, and the cells after its last."""
    if len(cells) >= width or not above:
        return cells + [""] * (width - len(cells))
    if numbered and not _NUMBER.match(cells[0]):
        cells = [above[0], *cells]
    return cells + above[len(cells):width]
