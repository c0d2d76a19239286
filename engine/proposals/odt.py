"""An OpenDocument text's (.odt: LibreOffice Writer, OpenOffice) text, as reading.py reads a DOCX's: its paragraphs,
headings and list items a line each in the document's order, a task table a row a line (its cells separated by
tabs, engine.proposals.tables), any other table a cell a line; as the document shows with its tracked changes
accepted, without its notes, comments and drawings' text. Read with lxml from the package's content.xml (OASIS
ODF 1.2/1.3, part 3 for the package, part 1 for the elements)."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from engine.proposals.tables import CELL, is_task_table

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
# A package's first member is its media type, stored: "mimetype" at byte 30 (after the zip's local header), then
# "application/vnd.oasis.opendocument.text" (also -template, -master): how an .odt sent under another name is known.
_MEDIA_TYPE = b"mimetypeapplication/vnd.oasis.opendocument.text"

_PARAGRAPHS = {_TEXT + "p", _TEXT + "h"}
# What holds paragraphs and tables in order: lists, sections, and an index's body (a table of contents as shown;
# its templates, in the index's source, are no text of the document).
_CONTAINERS = {_TEXT + name for name in (
    "list", "list-item", "list-header", "numbered-paragraph", "section", "index-body", "index-title",
    "table-of-content", "alphabetical-index", "illustration-index", "table-index", "object-index", "user-index",
    "bibliography")}
# Inside a paragraph, what is no text of it as it reads: a footnote or endnote, a comment, a drawing or text box
# (its own paragraphs: a DOCX's text boxes are passed over too), and a heading's or list's generated number (a
# DOCX's automatic numbers are not read either).
_NOT_READ = {_TEXT + "note", _OFFICE + "annotation", _TEXT + "number", _TEXT + "ruby-text"}
_SPACE = re.compile(r"[ \t\r\n]+")   # white space in the XML is one space (ODF 1.2 part 1, 6.1.2)
_TABLE_ROWS = {_TABLE + name for name in ("table-header-rows", "table-rows", "table-row-group")}
# A repeated row or cell (table:number-…-repeated) counted at most this often: Writer writes none in a text
# table, and a package saying a billion would make a billion cells.
_MAX_REPEAT = 64


class UnreadableOdt(Exception):
    pass


class EncryptedOdt(Exception):
    pass


def is_odt(data: bytes) -> bool:
    return data[30:30 + len(_MEDIA_TYPE)] == _MEDIA_TYPE


def odt_text(data: bytes) -> str:
    """The text of the package `data` (its bounds checked by the caller, as a DOCX's)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if _encrypted(package):
                raise EncryptedOdt
            body = etree.fromstring(package.read("content.xml"), _PARSER).find(f"{_OFFICE}body/{_OFFICE}text")
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise UnreadableOdt from exc
    if body is None:   # a spreadsheet or a presentation named .odt
        raise UnreadableOdt
    lines: list[str] = []
    for block in _blocks(body):
        if block.tag in _PARAGRAPHS:
            lines.append(_paragraph_text(block))
            continue
        rows = list(_rows(block))
        if is_task_table(rows):   # a row a line, as a DOCX's (reading._docx_text)
            lines.extend(CELL.join(cells) for cells in rows)
        else:   # a cell's text a line (the letterhead, the signature, a table of figures)
            lines.extend(line for cell in _cells(block) for line in _cell_lines(cell))
    return "\n".join(lines)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _encrypted(package: zipfile.ZipFile) -> bool:
    """Saved with a password: the manifest gives its parts' encryption (ODF part 3, 4.8: manifest:encryption-data),
    an ODF 1.4 package's one encrypted-package too."""
    try:
        manifest = etree.fromstring(package.read("META-INF/manifest.xml"), _PARSER)
    except KeyError:   # a manifest is required, but content.xml says whether the file is readable
        return False
    return manifest.find(f".//{_MANIFEST}encryption-data") is not None


def _blocks(parent) -> Iterator:
    """The paragraphs and tables of `parent` in order, those inside lists, sections and indexes too."""
    for child in parent.iterchildren():
        if child.tag in _PARAGRAPHS or child.tag == _TABLE + "table":
            yield child
        elif child.tag in _CONTAINERS:
            yield from _blocks(child)


def _paragraph_text(paragraph) -> str:
    parts: list[str] = []
    _add_text(paragraph, parts)
    return "".join(parts)


def _add_text(node, parts: list[str]) -> None:
    """`node`'s text into `parts`: its spans, links, fields and tracked insertions (in the text already; a deletion
    is kept apart, in text:tracked-changes), its spaces, tabs and line breaks as written."""
    parts.append(_SPACE.sub(" ", node.text or ""))
    for child in node.iterchildren():
        if child.tag == _TEXT + "s":
            parts.append(" " * min(_count(child, _TEXT + "c"), _MAX_REPEAT))
        elif child.tag == _TEXT + "tab":
            parts.append("\t")
        elif child.tag == _TEXT + "line-break":
            parts.append("\n")
        elif _read_into(child):
            _add_text(child, parts)
        parts.append(_SPACE.sub(" ", child.tail or ""))


def _read_into(node) -> bool:
    """An element whose text is the paragraph's (not an XML comment, nor what _NOT_READ and drawings hold)."""
    return isinstance(node.tag, str) and node.tag not in _NOT_READ and not node.tag.startswith(_DRAW)


def _count(node, attribute: str) -> int:
    try:
        return max(1, int(node.get(attribute, "1")))
    except ValueError:
        return 1


def _table_rows(table) -> Iterator:
    for child in table.iterchildren():
        if child.tag == _TABLE + "table-row":
            yield from [child] * min(_count(child, _TABLE + "number-rows-repeated"), _MAX_REPEAT)
        elif child.tag in _TABLE_ROWS:
            yield from _table_rows(child)


def _cells(table) -> Iterator:
    """The cells that hold text, each once (a covered cell, under a merge, holds none)."""
    for row in _table_rows(table):
        yield from row.iterchildren(_TABLE + "table-cell")


def _cell_lines(cell) -> list[str]:
    """Its paragraphs' text (a table nested in it is no line of the document's, as in a DOCX)."""
    return [_paragraph_text(block) for block in _blocks(cell) if block.tag in _PARAGRAPHS]


def _rows(table) -> Iterator[list[str]]:
    """Each row's cells, a cell's lines joined, as reading._row_cells gives a DOCX's: a cell spanning columns once,
    then empty; a cell spanning rows repeated in each."""
    down: dict[int, tuple[str, int]] = {}   # column: the text of a cell spanning rows, and the rows it still spans
    for row in _table_rows(table):
        cells: list[str] = []
        for cell in row.iterchildren(_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            if cell.tag == _TABLE + "table-cell":
                text = " ".join(" ".join(_cell_lines(cell)).split())
                if (spans := _count(cell, _TABLE + "number-rows-spanned")) > 1:
                    down[len(cells)] = (text, min(spans, _MAX_REPEAT))
            else:
                text = down[len(cells)][0] if len(cells) in down else ""
            cells.extend([text] * min(_count(cell, _TABLE + "number-columns-repeated"), _MAX_REPEAT))
        down = {column: (text, left - 1) for column, (text, left) in down.items() if left > 1}
        yield cells
