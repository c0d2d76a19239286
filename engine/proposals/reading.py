"""A directive's text from the file the clerk attaches: DOCX (paragraphs, and task tables a row a line), ODT
(LibreOffice Writer, the same way: engine.proposals.odt), Word
97–2003 (.doc, also renamed .docx, through antiword, Debian package antiword), a web page (HTML, often named
.doc, or saved as one file, .mht: engine.proposals.html), PDF through its text layer (poppler's pdftotext), and
a scanned PDF or an image through OCR (tesseract with its Vietnamese data, Debian packages tesseract-ocr and
tesseract-ocr-vie). Bounded: the file's size, the pages read and each program's running time."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError
from engine.imports import packages
from engine.proposals import html, odt
from engine.proposals.tables import CELL, is_task_table

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 20            # pages read from a PDF (text layer or OCR)
TIMEOUT_SECONDS = 60      # for each external program run
READ_SECONDS = 90         # for the whole file: under the web server's 120 s limit on a request
MIN_TEXT_PER_PAGE = 40    # fewer characters than this per page: a scan, read through OCR
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# An image is read only up to this many pixels a page: tesseract takes ~4 bytes a pixel, and a 440 KB PNG
# can hold 400 million (1.5 GB). An A4 page scanned at 300 dpi is 8.7 million, an A3 at 400 dpi 31 million.
MAX_PIXELS = 40_000_000
SCAN_LONG_SIDE = 3508     # pixels: a PDF page's long side rendered for OCR (A4 at 300 dpi; a bigger page scaled down)


# Why a file gives no text: the reason (for the API) and the sentence people read.
REASONS = {
    "too_large": "The file is larger than %(limit)s MB.",
    "unsupported": "Attach a DOCX, a DOC, an ODT, a PDF or a scanned image (PNG, JPEG, TIFF).",
    "unreadable": "The file could not be read: it is damaged or not what its name says.",
    "encrypted": "The file is protected by a password: save it again without the password, or paste the text.",
    "unpacks_too_large": "The file is refused: once unpacked it would exceed %(mb)s MB, or a part of it more "
                         "than %(ratio)s times its size.",
    "too_slow": "Reading this file took longer than %(seconds)s seconds: paste the text, or attach fewer pages.",
    "too_many_pixels": "The image is too large to read: at most %(megapixels)s million pixels a page (a page "
                       "scanned at 300 dpi is about 9 million) and %(pages)s pages.",
    "ocr_unavailable": "This file is a scan and text recognition (OCR with Vietnamese data) is not installed "
                       "on this server: paste the text instead.",
    "legacy_font": "The text is in a pre-Unicode Vietnamese font (TCVN3/ABC or VNI) and cannot be read: convert it "
                   "to Unicode (Unikey's converter does) and paste or attach it again.",
    "doc_unavailable": "Word 97–2003 files (.doc) are not read on this server (antiword is not installed): save it "
                       "as DOCX or PDF, or paste the text.",
}


class ReadingError(EngineError):
    def __init__(self, reason: str, seconds: float | None = None):
        """`seconds`: for too_slow, the limit that stopped the reading (one program's or the whole file's)."""
        params: dict[str, dict[str, float]] = {
            "too_large": {"limit": MAX_BYTES // (1024 * 1024)}, "too_slow": {"seconds": seconds or READ_SECONDS},
            "unpacks_too_large": {"mb": packages.MAX_MEMBER_BYTES // (1024 * 1024), "ratio": packages.MAX_RATIO},
            "too_many_pixels": {"megapixels": MAX_PIXELS // 1_000_000, "pages": MAX_PAGES}}
        super().__init__(REASONS[reason], **params.get(reason, {}))
        self.reason = reason


@dataclass(frozen=True)
class DocumentText:
    text: str
    method: str   # docx, odt, doc, html, mhtml, pdf_text, ocr


def read_document(data: bytes, filename: str) -> DocumentText:
    if len(data) > MAX_BYTES:
        raise ReadingError("too_large")
    name = filename.lower()
    deadline = time.monotonic() + READ_SECONDS
    if html.is_mhtml(data):   # a web page saved as one file (.mht), also named .doc
        return DocumentText(_html_text(html.mhtml_text, data), "mhtml")
    if html.is_html(data):   # whatever its name: office systems save a web page as .doc ("report.doc")
        return DocumentText(_html_text(html.html_text, data), "html")
    if data.startswith(_OLE) and _ENCRYPTED_PACKAGE in data:   # a DOCX Word saved with "Encrypt with Password"
        raise ReadingError("encrypted")
    if odt.is_odt(data) or name.endswith(".odt"):   # by its bytes first: also one renamed .docx
        return DocumentText(_odt_text(data), "odt")
    if name.endswith(".docx") and not data.startswith(_OLE):
        return DocumentText(_docx_text(data), "docx")
    if name.endswith((".doc", ".docx")):   # a Word 97–2003 file, also when renamed .docx
        return DocumentText(_doc_text(data, deadline), "doc")
    if name.endswith(".pdf") or data.startswith(b"%PDF"):
        return _pdf_text(data, deadline)
    if name.endswith(IMAGE_SUFFIXES):
        return DocumentText(_ocr_images([_saved(data, Path(name).suffix)], deadline), "ocr")
    raise ReadingError("unsupported")


# A Word 97–2003 file and a password-protected Office file are OLE compound files; the latter holds its document
# encrypted in a stream named EncryptedPackage (MS-OFFCRYPTO), its name in UTF-16.
_OLE = bytes.fromhex("d0cf11e0a1b11ae1")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# What a program says on stderr of a file it may not open: poppler's tools of a PDF with an open password.
_REFUSED = ((b"Incorrect password", "encrypted"),)


def _html_text(read: Callable[[bytes], str], data: bytes) -> str:
    try:
        return read(data)
    except html.UnreadableHtml as exc:
        raise ReadingError("unreadable") from exc


def ocr_available() -> bool:
    """tesseract is installed and has its Vietnamese data."""
    if shutil.which("tesseract") is None:
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    return "vie" in listed.stdout.split()


def _docx_text(data: bytes) -> str:
    import docx  # python-docx; imported here, only a DOCX needs it
    from docx.table import Table

    _check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadingError("unreadable") from exc
    lines: list[str] = []
    for block in _blocks(document.element.body):   # paragraphs and tables in the document's order
        if block.tag == _W + "p":
            lines.append(_paragraph_text(block))
            continue
        table = Table(block, document)
        rows = [_row_cells(row) for row in table.rows]
        if is_task_table(rows):   # a row a line, its cells separated by tabs (engine.proposals.tables)
            lines.extend(CELL.join(cells) for cells in rows)
        else:   # a cell's text a line (the letterhead, the signature, a table of figures)
            lines.extend(_cell_text(cell) for row in table.rows for cell in row.cells)
    return "\n".join(lines)


def _check_package(data: bytes) -> None:
    """A DOCX or an ODT is a zip: its document's XML may unpack to gigabytes."""
    try:
        packages.check_bounds(data)
    except packages.PackageTooLarge as exc:
        raise ReadingError("unpacks_too_large") from exc


def _odt_text(data: bytes) -> str:
    _check_package(data)
    try:
        return odt.odt_text(data)
    except odt.EncryptedOdt as exc:
        raise ReadingError("encrypted") from exc
    except odt.UnreadableOdt as exc:
        raise ReadingError("unreadable") from exc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What a paragraph's text is made of, and what is no text of the document as it reads: a tracked deletion or
# the old place of moved text, and a text box (a drawing's own paragraphs, read as no part of this one).
_TEXT = {_W + "t": "", _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}   # w:t: its text
_NOT_READ = {_W + "del", _W + "moveFrom", _W + "txbxContent"}
_CONTAINERS = {_W + "sdt", _W + "sdtContent", _W + "customXml"}   # content controls around paragraphs or tables


def _blocks(parent):
    """The paragraphs and tables (w:p, w:tbl) of `parent`, in order, those inside content controls too
    (python-docx's iter_inner_content passes over them, and a form-made directive has its text in them)."""
    for child in parent.iterchildren():
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag in _CONTAINERS:
            yield from _blocks(child)


def _paragraph_text(paragraph) -> str:
    """A paragraph's text as Word shows it with its tracked changes accepted: the runs inside an insertion, a
    smart tag, a content control or a field too, where python-docx's Paragraph.text reads only the paragraph's
    own runs and links ("Giao [Sở Tài chính, inserted] chủ trì" read "Giao  chủ trì")."""
    parts: list[str] = []
    for node in paragraph.iter(*_TEXT):
        if not any(a.tag in _NOT_READ for a in _ancestors(node, paragraph)):
            page_break = node.tag == _W + "br" and node.get(_W + "type", "textWrapping") != "textWrapping"
            parts.append("" if page_break else _TEXT[node.tag] or node.text or "")   # as python-docx reads a break
    return "".join(parts)


def _ancestors(node, top):
    while (node := node.getparent()) is not None and node is not top:
        yield node


def _cell_text(cell) -> str:
    """Its paragraphs' text (a table nested in it is no line of the document's, as python-docx's cell.text)."""
    return "\n".join(_paragraph_text(p) for p in _blocks(cell._tc) if p.tag == _W + "p")


def _row_cells(row) -> list[str]:
    """A table row's cells, a cell's lines joined: a cell spanning columns once, then empty; a cell
    spanning rows repeated in each (python-docx gives it so)."""
    cells, previous = [], None
    for cell in row.cells:
        cells.append("" if cell is previous else " ".join(_cell_text(cell).split()))
        previous = cell
    return cells


# A row of a table as antiword draws it: its cells between bars ("|Sở Tài chính |Quý II/2026 |").
_DRAWN_ROW = re.compile(r"\|(.*\|)+\s*")


def _doc_text(data: bytes, deadline: float) -> str:
    """A Word 97–2003 document's text through antiword: its paragraphs a line each (no wrapping), in UTF-8,
    a table's row a line with its cells separated as a DOCX's are (engine.proposals.tables)."""
    if _word_97_encrypted(data):   # antiword reads none: "Encrypted documents are not supported"
        raise ReadingError("encrypted")
    if shutil.which("antiword") is None:
        raise ReadingError("doc_unavailable")
    path = _saved(data, ".doc")
    try:
        out = _run(["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)], deadline).stdout.decode("utf-8", "replace")
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return "\n".join(CELL.join(cell.strip() for cell in line.strip()[1:-1].split("|"))
                     if _DRAWN_ROW.fullmatch(line.strip()) else line for line in out.splitlines())


# The flags of a Word 97–2003 file's FIB, at byte 10 of its WordDocument stream, and the one set when Word saved it
# with a password to open (MS-DOC 2.5.2 FibBase: fEncrypted, RC4 encryption or XOR obfuscation).
_FIB_FLAGS = slice(10, 12)
_F_ENCRYPTED = 0x0100


def _word_97_encrypted(data: bytes) -> bool:
    """A Word 97–2003 file saved with a password to open; False for any other (antiword refuses a damaged one)."""
    import olefile  # only a .doc needs it

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            flags = ole.openstream("WordDocument").read(_FIB_FLAGS.stop)[_FIB_FLAGS]
    except (OSError, ValueError):   # no OLE2 file, one without a WordDocument stream, or a damaged one
        return False
    return len(flags) == 2 and bool(int.from_bytes(flags, "little") & _F_ENCRYPTED)


def _run(args: list[str], deadline: float) -> subprocess.CompletedProcess:
    """`args` run within TIMEOUT_SECONDS and before the whole read's `deadline`; stopped, the refusal names the
    limit that stopped it (the program's own 60 s came first: "longer than 90 seconds" was untrue)."""
    left = min(TIMEOUT_SECONDS, deadline - time.monotonic())
    if left <= 0:
        raise ReadingError("too_slow")
    try:
        return subprocess.run(args, capture_output=True, timeout=left, check=True)
    except subprocess.TimeoutExpired as exc:
        raise ReadingError("too_slow", TIMEOUT_SECONDS if left == TIMEOUT_SECONDS else READ_SECONDS) from exc
    except subprocess.CalledProcessError as exc:
        said = exc.stderr or b""
        raise ReadingError(next((reason for words, reason in _REFUSED if words in said), "unreadable")) from exc


def _saved(data: bytes, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="dondoc-read-"))
    path = folder / ("input" + suffix)
    path.write_bytes(data)
    return path


def _pdf_text(data: bytes, deadline: float) -> DocumentText:
    if shutil.which("pdftotext") is None:
        raise ReadingError("unsupported")
    path = _saved(data, ".pdf")
    try:
        out = _run(["pdftotext", "-l", str(MAX_PAGES), "-enc", "UTF-8", str(path), "-"], deadline).stdout
        out = out.decode("utf-8", "replace")
        pages = max(1, out.count("\f"))
        if len(out.strip()) >= MIN_TEXT_PER_PAGE * pages:
            return DocumentText(out.replace("\f", "\n"), "pdf_text")
        _run(["pdftoppm", "-scale-to", str(SCAN_LONG_SIDE), "-gray", "-png", "-l", str(MAX_PAGES), str(path),
              str(path.parent / "page")], deadline)
        return DocumentText(_ocr_images(sorted(path.parent.glob("page*.png")), deadline), "ocr")
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


# A blank line OCR puts between two blocks of one sentence: after a line ending without a stop, before one
# opening in lower case ("… định kỳ hằng\n\ntháng báo cáo …").
_SPLIT_SENTENCE = re.compile(r"(?<=[^\s.;:!?])[ \t]*\n(?:[ \t]*\n)+[ \t]*(?=[^\W\d_])")


def mend_blocks(text: str) -> str:
    """OCR text with a sentence split across its blocks joined again (a paragraph break read in the middle of
    a sentence parts it from its deadline: "… hằng" / "tháng báo cáo … trước ngày 25")."""
    return _SPLIT_SENTENCE.sub(lambda m: "\n" if text[m.end():m.end() + 1].islower() else m.group(0), text)


def _ocr_images(images: list[Path], deadline: float) -> str:
    try:
        if not ocr_available():
            raise ReadingError("ocr_unavailable")
        for image in images:
            _check_pixels(image)
        return "\n".join(mend_blocks(_run(["tesseract", str(image), "-", "-l", "vie"], deadline).stdout.decode(
            "utf-8", "replace")) for image in images[:MAX_PAGES])
    finally:
        for image in images:
            shutil.rmtree(image.parent, ignore_errors=True)


def _check_pixels(path: Path) -> None:
    """Refuse an image of more pages or pixels than OCR reads, from its header (Pillow reads no more)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            pages = getattr(image, "n_frames", 1)
            for page in range(min(pages, MAX_PAGES + 1)):  # a TIFF's pages may differ in size
                image.seek(page)
                if image.width * image.height > MAX_PIXELS:
                    raise ReadingError("too_many_pixels")
    except Image.DecompressionBombError as exc:  # Pillow's own bound, far above ours
        raise ReadingError("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, EOFError) as exc:
        raise ReadingError("unreadable") from exc
    if pages > MAX_PAGES:
        raise ReadingError("too_many_pixels")
