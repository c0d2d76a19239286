"""A directive's text from a web page. Office systems export a document as HTML named .doc (served as
application/msword, so that Word opens it: "report.doc" of the Ministry of Information and Communications'
document-management software for districts), and Word's "Save as Web Page" keeps the .doc a clerk had. Read
as the other readers read (engine.proposals.reading): a paragraph a line, a task table a row a line with its
cells separated by tabs, any other table a cell's text a line. A page saved as one file (MHTML: Word's and
Internet Explorer's "Single File Web Page", .mht, which offices also send on as .doc) is its HTML part, read so."""
from __future__ import annotations

import codecs
import email.policy
import re
import unicodedata
from collections.abc import Iterable, Iterator

from lxml import etree
from lxml import html as lxml_html

from engine.proposals.tables import CELL, is_task_table

# What a page opens with, after a byte-order mark, an XML declaration and comments: a document or a fragment
# of one ("<table …>" alone, as a web page's list is saved).
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|"
                         r"table|div|p|h[1-6]|span|font|b|center|style)[\s>/]", re.I | re.S)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# A MIME message's header whose body is a page and the files it shows (RFC 2557): what a .mht opens with.
_MIME_VERSION = re.compile(rb"^mime-version\s*:", re.I | re.M)
_RELATED = re.compile(rb"^content-type\s*:\s*multipart/related", re.I | re.M)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "title", "xml"})
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div", "dl",
                     "dt", "fieldset", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
                     "main", "nav", "ol", "p", "pre", "section", "td", "th", "tr", "ul"})
_PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li"})


class UnreadableHtml(ValueError):
    """The bytes open as HTML but hold no document lxml can parse."""


class _Line(str):
    """A line a table gives, made already (a task table's row, its cells separated by tabs): kept as it is."""


def is_html(data: bytes) -> bool:
    return _HTML_START.match(_decoded(data[:2048])) is not None


def is_mhtml(data: bytes) -> bool:
    """A MIME message of a page and its files: its header (before the first empty line) says so, whatever the
    file's name (a .mht, or one sent on as .doc)."""
    end = _HEADER_END.search(data, 0, 16384)
    head = data[:end.start() if end else 0]
    return _MIME_VERSION.search(head) is not None and _RELATED.search(head) is not None


def mhtml_text(data: bytes) -> str:
    """The text of a page saved as one file: its first HTML part (the page; the others are its pictures, its
    theme, its list of files), taken out of its transfer encoding (quoted-printable, base64) and decoded by the
    charset its part declares (Word on Vietnamese Windows: windows-1258)."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    page = next((part for part in message.walk() if part.get_content_type() == "text/html"), None)
    if page is None or not isinstance(payload := page.get_payload(decode=True), bytes):
        raise UnreadableHtml("no HTML part")
    return _page_text(_decoded(payload, page.get_content_charset()))


def html_text(data: bytes) -> str:
    return _page_text(_decoded(data))


def _page_text(text: str) -> str:
    text = _XML_DECLARATION.sub("", text)   # lxml takes no encoding declaration in a str
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableHtml(str(exc)) from exc
    body = root.find("body")
    return "\n".join(_lines(_flow(root if body is None else body)))


def _decoded(data: bytes, charset: str | None = None) -> str:
    """Its text by its byte-order mark, the `charset` its MIME part declares, the charset its <meta> declares,
    else UTF-8, else Windows-1258 (the Vietnamese code page, which writes tone marks as combining characters:
    composed here, NFC)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace")
    declared = _CHARSET.search(data[:4096])
    for name in filter(None, (charset, declared.group(1).decode("ascii") if declared else None)):
        try:
            return unicodedata.normalize("NFC", data.decode(name, "replace"))
        except LookupError:   # a charset Python does not know: read as undeclared
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", data.decode("cp1258", "replace"))


def _flow(element) -> Iterator[str | None]:
    """The element's text in reading order, None where a line ends (a block's edges, a <br>)."""
    tag = element.tag if isinstance(element.tag, str) else None   # None: a comment or processing instruction
    if tag is None or tag.lower() in _SKIPPED:
        return
    tag = tag.lower()
    if tag == "table":
        yield None
        yield from _table_lines(element)
        yield None
        return
    if tag in _PARAGRAPHS and not "".join(element.itertext()).strip():
        yield from (None, _Line(""), None)   # an empty paragraph is an empty line, as in a DOCX
        return
    edge = tag in _BLOCKS or tag == "br"
    if edge:
        yield None
    yield element.text or ""
    for child in element:
        yield from _flow(child)
        yield child.tail or ""
    if edge:
        yield None


def _lines(pieces: Iterable[str | None]) -> list[str]:
    """The pieces joined into lines, HTML's runs of white space (line breaks of the source, &nbsp;) as one
    space; no empty lines but empty paragraphs'."""
    lines: list[str] = []
    current: list[str] = []
    for piece in [*pieces, None]:
        if isinstance(piece, _Line):
            lines.append(piece)
        elif piece is not None:
            current.append(piece)
        elif current:
            lines.append(" ".join("".join(current).split()))
            current = []
    return [line for line in lines if line or isinstance(line, _Line)]


def _table_lines(table) -> list[str]:
    # each cell read once: a table nested in a cell is read with it (read again for the row's text, a page of
    # tables nested 30 deep took 2^30 reads)
    rows = [[(cell, _lines(_flow(cell))) for cell in row] for row in _rows(table)]
    texts = [_row_cells(row) for row in rows]
    if is_task_table(texts):
        return [_Line(CELL.join(cells)) for cells in texts]
    return [_Line(line) for row in rows for _, lines in row for line in lines]


def _rows(table) -> list[list]:
    """Its rows' cells; cells standing in the table outside any row (a page that closes a row and opens
    none: libxml2 leaves them there, a browser draws them as rows) make rows of their own."""
    rows: list[list] = []
    stray: list = []
    for child in table.xpath("./* | ./thead/* | ./tbody/* | ./tfoot/*"):
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag in ("td", "th"):
            stray.append(child)
            continue
        if stray:
            rows.append(stray)
            stray = []
        if tag == "tr":
            rows.append([cell for cell in child if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")])
    return [*rows, stray] if stray else rows


def _row_cells(row: list) -> list[str]:
    """A row's cells, a cell spanning columns once and then empty (as the DOCX reader gives it)."""
    cells: list[str] = []
    for cell, lines in row:
        cells.append(" ".join(lines))
        span = cell.get("colspan", "1")
        cells.extend([""] * (int(span) - 1 if span.isdigit() and 1 < int(span) <= 100 else 0))
    return cells
