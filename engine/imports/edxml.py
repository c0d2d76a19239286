"""edXML messages (QCVN 102:2016/BTTTT, amended 2022) as the national document hub sends them.

A document message announces a directive by its header (issuer, number/notation, dates,
type, subject, signer, due date, priority, attachments) but carries no task list: the clerk,
or the caller, adds the assignments. Its business type (TraceHeaderList/Bussiness/
BussinessDocType) says what it does to a document already sent: 0 new, 1 recall (thu hồi),
2 update (cập nhật), 3 replace (thay thế) — the codes of the SDK ports of the standard, e.g.
Bkav eGovCloud's `Bussiness` DTO ("0 - Văn bản mới, 1 - Thu hồi, 2 - Cập nhật, 3 - Thay thế").
A status message (edXMLHeader/Status) reports how the receiver handles one (STATUS_NAMES).

Elements are matched by local name so that both namespace versions parse; every text is
NFC-normalised (real messages carry decomposed Vietnamese).
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import io
import logging
import mimetypes
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from email.header import decode_header, make_header
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock, forms, translation
from engine.audit.models import AuditEntry
from engine.directives import attachments as attachment_store
from engine.directives import changes, documents
from engine.directives import service as directives
from engine.directives.models import DOCUMENT_ID_LENGTH, ENDED_BY_ISSUER, Attachment, Directive, DirectiveStatus
from engine.errors import EngineError
from engine.imports import packages
from engine.imports.errors import ImportFailed, RowError
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.text import clean_text, fold

log = logging.getLogger(__name__)

# A message carries its files in base64 (4/3 of their size, with line breaks): one file at the
# attachments' 20 MB limit comes in a message of about 27.5 MB.
MAX_BYTES = 30 * 1024 * 1024
MAX_ATTACHMENTS = 20
# OtherInfo/Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ.
PRIORITIES = {"0": "normal", "1": "urgent", "2": "very_urgent", "3": "flash", "4": "flash"}
NEW, RECALL, UPDATE, REPLACE = "0", "1", "2", "3"
BUSINESS_TYPES = {NEW: "new", RECALL: "recall", UPDATE: "update", REPLACE: "replace"}
# StatusCode of a status message, as the SDK ports of the standard list them (e.g.
# TrucVanban's BusinessStatusCode, Bkav eGovCloud's DocumentStatusDto): 07-12 and 14 are unused.
STATUS_NAMES = {
    "01": "Đã đến", "02": "Từ chối tiếp nhận", "03": "Đã tiếp nhận (vào sổ)", "04": "Đã phân công xử lý",
    "05": "Đang xử lý", "06": "Hoàn thành", "13": "Yêu cầu lấy lại", "15": "Đồng ý lấy lại / cập nhật",
    "16": "Từ chối lấy lại / cập nhật",
}
# DocumentType/TypeName -> the type abbreviation of Decree 30/2020/NĐ-CP (Phụ lục III) kept in
# Directive.doc_type; a công văn has none ("CV", as engine.directives.service guesses it).
DOCUMENT_TYPES = {
    "nghi quyet": "NQ", "quyet dinh": "QĐ", "chi thi": "CT", "quy che": "QC", "quy dinh": "QyĐ",
    "thong cao": "TC", "thong bao": "TB", "huong dan": "HD", "chuong trinh": "CTr", "ke hoach": "KH",
    "phuong an": "PA", "de an": "ĐA", "du an": "DA", "bao cao": "BC", "bien ban": "BB", "to trinh": "TTr",
    "cong dien": "CĐ", "giay moi": "GM", "cong van": "CV", "ket luan": "KL",
}
# Formats that are zip archives themselves: an attachment of one of them is never unzipped.
_ZIP_FORMATS = {".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}
# The date forms real messages use, with or without a time after them.
_DATE_FORMS = (re.compile(r"(?P<y>\d{4})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})"),
               re.compile(r"(?P<d>\d{1,2})[/-](?P<m>\d{1,2})[/-](?P<y>\d{4})"))
_TIME = re.compile(r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


@dataclass
class Document:
    """A document message, read."""

    header: dict                 # the register_directive form's fields
    due_date: str                # ISO, or ""
    doc_type: str                # Decree 30 abbreviation
    doc_type_name: str
    document_id: str
    sender: dict                 # {"organ_id", "name"} of From
    business: str                # NEW, RECALL, UPDATE or REPLACE
    reason: str                  # BussinessDocReason
    response_for: list[dict] = field(default_factory=list)  # [{"organ_id", "code", "date", "document_id"}]
    replaces: list[str] = field(default_factory=list)       # ReplacementInfo/DocumentId
    steering_type: str = ""
    attachments: list[tuple[str, bytes]] = field(default_factory=list)

    def preview(self) -> dict:
        return {"kind": "document", **self.header, "due_date": self.due_date, "doc_type": self.doc_type,
                "doc_type_name": self.doc_type_name, "source_document_id": self.document_id,
                "sender_organ_id": self.sender["organ_id"], "business_type": BUSINESS_TYPES[self.business],
                "business_reason": self.reason, "response_for": self.response_for, "replaces": self.replaces,
                "steering_type": self.steering_type, "attachments": [name for name, _ in self.attachments]}


@dataclass
class Status:
    """A status message, read."""

    code: str
    description: str
    sender: dict
    response_for: dict
    timestamp: str

    def preview(self) -> dict:
        return {"kind": "status", "status_code": self.code, "status": STATUS_NAMES[self.code],
                "description": self.description, "sender_organ_id": self.sender["organ_id"],
                "sender": self.sender["name"], "response_for": self.response_for, "timestamp": self.timestamp}


@dataclass
class Outcome:
    """What importing a message did: `action` is registered, recalled, updated, replaced or
    status_recorded; `changed` is False when it had been applied before (nothing done twice)."""

    action: str
    directive: Directive
    changed: bool = True


class Malformed(ImportFailed):
    """Not well-formed XML: a broken message, or one still being written."""


def _parser() -> etree.XMLParser:
    # No entities, no DTD, no network: a received file must not reach anything else. huge_tree:
    # libxml2 refuses a text node over 10 MB (a file past 7.5 MB, base64-encoded) as not
    # well-formed; the message's size is bounded by MAX_BYTES before it is parsed.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=True, remove_comments=True)


def _fail(message: str, field: str | None = None, **params) -> ImportFailed:
    return ImportFailed([RowError(row=None, column=None, field=field, message=message, params=params)])


def _all(node, *path: str) -> list:
    return node.xpath("/".join(f"*[local-name()='{name}']" for name in path))


def _text(node, *path: str) -> str:
    """NFC text of the first element found along `path` (local names), or ''."""
    found = _all(node, *path)
    return clean_text(found[0].text or "").strip() if found else ""


def _date_parts(value: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written in one of the forms real messages use (yyyy/MM/dd, yyyy-MM-dd,
    dd/MM/yyyy, each perhaps with a time), unchecked; None in any other form."""
    for form in _DATE_FORMS:
        found = form.match(value)
        if found and _TIME.fullmatch(value[found.end():]):
            return int(found["y"]), int(found["m"]), int(found["d"])
    return None


def edxml_date(value: str, element: str, field_name: str) -> str:
    """An ISO date from the forms real messages use; the error names the edXML element, which the
    clerk cannot edit."""
    parts = _date_parts(value)
    if parts:
        try:
            return forms.parse_date(date(*parts)).isoformat()
        except (ValueError, forms.Invalid):
            pass
    raise _fail("The edXML element %(element)s holds %(value)s, which is not a date (the sender must correct "
                "the message).", field_name, element=element, value=value)


def _due_date(header: etree._Element) -> str:
    """The document's due date, "" when it has none: senders written in .NET put DateTime's
    MinValue (01/01/0001) there for "no due date", their DueDate being a non-nullable DateTime."""
    due = _text(header, "DueDate")
    if not due or (_date_parts(due) or (0,))[0] == 1:
        return ""
    return edxml_date(due, "DueDate", "due_date")


def read(data: bytes) -> Document | Status:
    """The message in `data`, or ImportFailed saying what is wrong with it."""
    if len(data) > MAX_BYTES:
        raise _fail("The edXML file is too large: at most %(max)s MB.", max=MAX_BYTES // (1024 * 1024))
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise Malformed(_malformed(exc).errors) from None
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        raise _fail("An edXML message may not carry a DOCTYPE.")
    statuses = root.xpath("//*[local-name()='Status'][*[local-name()='StatusCode']]")
    if statuses:
        return _status(statuses[0])
    headers = root.xpath("//*[local-name()='MessageHeader']")
    if not headers:
        raise _fail("No edXML MessageHeader in this file.")
    return _document(root, headers[0])


# libxml2's errors for a bare "&" in text: no name after it, no ';' after the name, an entity XML
# does not know ("R&D;", "&nbsp;"). The commonest fault of real senders: their text written unescaped.
_AMPERSAND_ERRORS = {23, 26, 68}


def _malformed(exc: etree.XMLSyntaxError) -> ImportFailed:
    line, column = exc.position
    if exc.code in _AMPERSAND_ERRORS:
        return _fail("Not well-formed XML: at line %(line)s, column %(column)s a character & is not written as "
                     "&amp; (the sender must correct the message).", line=line, column=column)
    return _fail("Not well-formed XML: %(detail)s", detail=str(exc))


@dataclass(frozen=True)
class ReturnAddress:
    """Whom a document message came from and which document it names, as far as its header says."""

    organ_id: str
    symbol: str
    issued_on: date | None
    document_id: str
    business: str


def return_address(data: bytes) -> ReturnAddress | None:
    """The sender of a document message and its document, read leniently (the message may have
    been refused for its header: a date that is none, a missing subject; or as not well-formed XML, or
    too large, or for its DOCTYPE, which the sender is told too): None for a status message, or one
    without From/OrganId (nobody to tell)."""
    root, verbatim = _readable(data)
    headers = root.xpath("//*[local-name()='MessageHeader']") if root is not None else []
    if root is None or root.xpath("//*[local-name()='Status']") or not headers:
        return None

    def text(*path: str) -> str:
        found = _text(headers[0], *path)
        return found if verbatim is None or _verbatim(verbatim, found) else ""

    organ_id = text("From", "OrganId").upper()
    if not organ_id:
        return None
    number, notation = text("Code", "CodeNumber"), text("Code", "CodeNotation")
    issued = text("PromulgationInfo", "PromulgationDate") or text("PromulgationInfo", "Date")
    try:
        issued_on = date.fromisoformat(edxml_date(issued, "PromulgationDate", "issued_on")) if issued else None
    except ImportFailed:
        issued_on = None
    return ReturnAddress(organ_id, "/".join(filter(None, (number, notation))), issued_on, text("DocumentId"),
                         _business_type(root))


# A message's header comes before its files: a broken or oversized message's sender is read from this much.
_HEAD_BYTES = 1024 * 1024


def _readable(data: bytes) -> tuple[etree._Element | None, str | None]:
    """The message's tree (and None), or, where it is not well-formed or too large to parse, its head
    recovered and its text as written (_recovered_head)."""
    if len(data) <= MAX_BYTES:
        with contextlib.suppress(etree.XMLSyntaxError):
            return etree.fromstring(data, _parser()), None
    return _recovered_head(data)


def _recovered_head(data: bytes) -> tuple[etree._Element | None, str]:
    """The head of a message that is not well-formed (or too large to parse), read by libxml2's recovery,
    and its text as written. The recovery drops what it cannot read ("R&D" reads "R"): it is used to find
    whom to tell, never to take the message, and a value is believed only where the text has it verbatim."""
    head = data[:_HEAD_BYTES]
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False,
                             remove_comments=True)
    try:
        root = etree.fromstring(head, parser)
    except etree.XMLSyntaxError:  # nothing readable at all
        return None, ""
    return root, clean_text(head.decode("utf-8", errors="replace"))


def _verbatim(written: str, value: str) -> bool:
    """`value` is an element's whole text as the message writes it (not a recovery's guess)."""
    return not value or re.search(rf">\s*{re.escape(value)}\s*<", written) is not None


def _business_type(root) -> str:
    """TraceHeaderList/Bussiness/BussinessDocType wherever the envelope is: the root itself, or
    under the root edXML element the SDKs wrap it in (there it was missed and every recall,
    update and replacement read as new)."""
    trace = root.xpath("//*[local-name()='TraceHeaderList']")
    return (_text(trace[0], "Bussiness", "BussinessDocType") if trace else "") or NEW


def _organ(node, *path: str) -> dict:
    return {"organ_id": _text(node, *path, "OrganId").upper(), "name": _text(node, *path, "OrganName")}


def _response_for(node) -> dict:
    issued = _text(node, "PromulgationDate")
    return {"organ_id": _text(node, "OrganId").upper(), "code": _text(node, "Code"),
            "date": edxml_date(issued, "ResponseFor/PromulgationDate", "response_for") if issued else "",
            "document_id": _text(node, "DocumentId")}


def _status(node) -> Status:
    code = _text(node, "StatusCode").zfill(2)
    if code not in STATUS_NAMES:
        raise _fail("StatusCode %(code)s is not a status of the standard.", "StatusCode", code=code)
    targets = _all(node, "ResponseFor")
    if not targets:
        raise _fail("A status message must say in ResponseFor which document it is about.", "ResponseFor")
    return Status(code=code, description=_text(node, "Description"), sender=_organ(node, "From"),
                  response_for=_response_for(targets[0]), timestamp=_text(node, "Timestamp"))


def _document(root, header) -> Document:
    number, notation = _text(header, "Code", "CodeNumber"), _text(header, "Code", "CodeNotation")
    sender = _organ(header, "From")
    issued_element = "PromulgationInfo/PromulgationDate"
    issued = _text(header, "PromulgationInfo", "PromulgationDate")
    if not issued and _text(header, "PromulgationInfo", "Date"):
        issued, issued_element = _text(header, "PromulgationInfo", "Date"), "PromulgationInfo/Date"
    found = {
        "symbol": f"{number}/{notation}" if number and notation else "",
        "issued_on": edxml_date(issued, issued_element, "issued_on") if issued else "",
        "issuer": sender["name"],
        "summary": _text(header, "Subject"),
        "signer": _text(header, "SignerInfo", "FullName"),
        "urgency": PRIORITIES.get(_text(header, "OtherInfo", "Priority"), "normal"),
    }
    missing = [name for name in ("symbol", "issued_on", "issuer", "summary") if not found[name]]
    if missing:
        raise ImportFailed([RowError(None, None, name, "Missing in the edXML header.") for name in missing])
    document_id = _text(header, "DocumentId")
    if len(document_id) > DOCUMENT_ID_LENGTH:
        raise _fail("The DocumentId has more than %(max)s characters.", "source_document_id", max=DOCUMENT_ID_LENGTH)
    due = _due_date(header)
    type_name = _text(header, "DocumentType", "TypeName")
    business = _business_type(root)
    if business not in BUSINESS_TYPES:
        raise _fail("BussinessDocType %(value)s is not 0, 1, 2 or 3.", "BussinessDocType", value=business)
    bussiness = root.xpath("//*[local-name()='Bussiness']")
    return Document(
        header=found, due_date=due,
        doc_type=DOCUMENT_TYPES.get(fold(type_name)) or directives.symbol_columns(found)["doc_type"],
        doc_type_name=type_name, document_id=document_id, sender=sender, business=business,
        reason=_text(bussiness[0], "BussinessDocReason") if bussiness else "",
        response_for=[_response_for(node) for node in _all(header, "ResponseFor")],
        replaces=[clean_text(node.text or "").strip()
                  for node in root.xpath("//*[local-name()='ReplacementInfo']/*[local-name()='DocumentId']")],
        steering_type=_text(header, "SteeringType"), attachments=_attachments(root))


def _attachments(root) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each AttachmentEncoded/Attachment: the SDKs of the standard write
    the file itself, in base64, as ContentTransferEncoded (wrapped over lines)."""
    found: list[tuple[str, bytes]] = []
    references = _manifest(root)
    _refuse_stray_files(root, references)
    for node in root.xpath("//*[local-name()='AttachmentEncoded']/*[local-name()='Attachment']"):
        name = _file_name(_described(node, references), len(found) + 1)
        try:
            content = base64.b64decode("".join(_text(node, "ContentTransferEncoded").split()), validate=True)
        except (binascii.Error, ValueError):
            raise _fail("The attachment %(name)s is not valid base64.", "AttachmentEncoded", name=name) from None
        found.append(_unzipped(name, content))
    if len(found) > MAX_ATTACHMENTS:
        raise _fail("An edXML message may carry at most %(max)s attachments.", "AttachmentEncoded",
                    max=MAX_ATTACHMENTS)
    return found


# A file (its base64) anywhere but in AttachmentEncoded/Attachment: an Attachment straight under the envelope.
_STRAY_FILES = ("//*[local-name()='ContentTransferEncoded'][not(parent::*[local-name()='Attachment']"
                "/parent::*[local-name()='AttachmentEncoded'])]")


def _refuse_stray_files(root, references: dict) -> None:
    """The standard's SDKs read a message's files from AttachmentEncoded/Attachment only (the hub's Java gateway
    and Bkav's eDoc parser: the root's AttachmentEncoded children): a file placed elsewhere reaches no office
    that receives with them, and was dropped here unsaid. The message is refused naming the files, so that the
    sender, told, sends them where every receiver reads them."""
    stray = root.xpath(_STRAY_FILES)
    if stray:
        names = [_file_name(_described(node.getparent(), references), number) for number, node in enumerate(stray, 1)]
        raise _fail("The message carries %(count)s file(s) outside AttachmentEncoded/Attachment (%(names)s), where "
                    "the standard's software does not read them: the sender must send them in "
                    "AttachmentEncoded/Attachment.", "AttachmentEncoded", count=len(stray), names=", ".join(names))


def _unzipped(name: str, content: bytes) -> tuple[str, bytes]:
    """A file its sender zipped before encoding it (the hub's gateways unzip each file they
    receive): the one file inside, under the attachment's name; a zip of several files is kept
    as one, named .zip. A file whose format is itself a zip (DOCX, XLSX, ODT…) is left whole."""
    if Path(name).suffix.lower() in _ZIP_FORMATS or not zipfile.is_zipfile(io.BytesIO(content)):
        return name, content
    try:
        packages.check_bounds(content)
    except packages.PackageTooLarge as exc:
        raise _fail(exc.message, "AttachmentEncoded", **exc.params) from None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            files = [member for member in archive.infolist() if not member.is_dir()]
            if len(files) == 1:
                return name, archive.read(files[0])
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error):
        pass  # damaged, encrypted or of an unknown method: the archive as it came
    return f"{name}.zip", content


def _manifest(root) -> dict:
    """edXMLManifest/Reference by its ContentId: where a sender names its files and their types
    (the Attachment beside the file may carry only the ContentId)."""
    references = root.xpath("//*[local-name()='edXMLManifest']/*[local-name()='Reference']")
    return {content_id: node for node in references if (content_id := _content_id(_text(node, "ContentId")))}


def _described(node, references: dict) -> list:
    """The element carrying a file, and the manifest's Reference naming it (joined on ContentId) where there is one."""
    content_id = _content_id(_text(node, "ContentId"))
    return [node, references[content_id]] if content_id in references else [node]


def _content_id(value: str) -> str:
    # the manifest writes "cid:3f6d1c2e" (a MIME Content-ID, perhaps in <>) where the attachment has "3f6d1c2e"
    bare = value.strip().strip("<>")
    return bare[4:] if bare.lower().startswith("cid:") else bare


def _file_name(described: list, number: int) -> str:
    """The attachment's name as the clerk reads it, from `described` (the Attachment, then its
    manifest Reference): an RFC 2047 encoded word (=?UTF-8?B?…?=, as MIME-based senders write it) decoded, and
    the extension its ContentType gives added where the name has none known (the file was
    refused as of an unaccepted type, and the message with it)."""
    name = _first(described, "AttachmentName") or _first(described, "Description")
    if name.startswith("=?"):
        with contextlib.suppress(ValueError, LookupError):  # not an encoded word after all
            name = clean_text(str(make_header(decode_header(name)))).strip()
    name = attachment_store.base_name(name)
    if mimetypes.guess_type(name)[0] is None:
        content_type = _first(described, "ContentType").split(";")[0].strip().lower()
        extension = mimetypes.guess_extension(content_type) or ""
        name = f"{name or f'Tệp đính kèm {number}'}{extension}"
    return name


def _first(nodes: list, element: str) -> str:
    """The first non-empty text of `element` among `nodes`, or ''."""
    return next(filter(None, (_text(node, element) for node in nodes)), "")


def parse_header(data: bytes) -> dict:
    """What the message says, dates in ISO (for a preview): nothing is stored."""
    return read(data).preview()


# ---------------------------------------------------------------- importing
def apply(engine, session: Session, message: Document | Status, assignments: list[dict], actor: User) -> Outcome:
    """Apply a message in the caller's transaction: register the directive a new document
    announces (with the given assignments; those without a deadline of their own get the due
    date), recall, update or replace the one registered from an earlier message, or record a
    status. Every way in (the watched folder, the API, the command) receives a message through
    engine.exchange.received.receive, which calls this."""
    try:
        if isinstance(message, Status):
            return _record_status(session, message, actor)
        if message.business == NEW:
            return Outcome("registered", _register(engine, session, message, assignments, actor))
        target = _target(session, message)
        if message.business == RECALL:
            return _recall(engine, session, target, message, actor)
        if message.business == UPDATE:
            return _update(engine, session, target, message, actor)
        return _replace(engine, session, target, message, assignments, actor)
    except forms.FormValidationError as exc:
        raise ImportFailed([RowError(None, None, name, message.text, message.params)
                            for name, message in exc.errors.items()]) from None
    except EngineError as exc:
        if isinstance(exc, ImportFailed):
            raise
        raise ImportFailed([RowError(None, None, getattr(exc, "field", None), exc.message, exc.params)]) \
            from None


def _register(engine, session: Session, message: Document, assignments: list[dict], actor: User) -> Directive:
    if message.document_id and (known := by_document_id(session, [message.document_id])) is not None:
        raise _fail("This document (DocumentId %(id)s) is registered already as %(symbol)s.", "source_document_id",
                    id=message.document_id, symbol=known.symbol)
    issuer_unit = _issuer_unit(session, message)
    header = _header(session, message)
    directive = directives.register(engine, header, with_due_date(assignments, message.due_date), actor,
                                    session=session, sender_dated=True)
    _note_date_ahead(session, directive, actor)
    directive.doc_type, directive.source_document_id = message.doc_type, message.document_id or None
    directive.extra = {**(directive.extra or {}), "edxml": {
        "sender": message.sender, "issuer_unit": issuer_unit.code if issuer_unit else None,
        "document_type": message.doc_type_name, "steering_type": message.steering_type,
        "response_for": message.response_for, "due_date": message.due_date or None}}
    _attach_files(engine, session, directive, message, actor)
    return directive


def with_due_date(assignments: list[dict], due_date: str | None) -> list[dict]:
    """The tasks as a document registers them: one given neither a deadline nor working days takes its DueDate."""
    return [{**item, "deadline": item.get("deadline") or (None if item.get("deadline_days") else due_date)}
            for item in assignments]


def day_off_deadlines(session: Session, directive: Directive, assignments: list[dict]) -> dict[int, forms.Message]:
    """directives.day_off_deadlines over the tasks `directive`, registered from a document, was given."""
    due = ((directive.extra or {}).get("edxml") or {}).get("due_date")
    return directives.day_off_deadlines(session, with_due_date(assignments, due))


def _attach_files(engine, session: Session, directive: Directive, message: Document,
                  actor: User) -> list[Attachment]:
    """The message's files as the directive's documents, listed and downloadable on its page:
    the first is the document itself (bản chụp văn bản), the others its annexes."""
    uploads = [documents.Upload(io.BytesIO(content), name, documents.ANNEX if index else documents.SCAN)
               for index, (name, content) in enumerate(message.attachments)]
    try:
        return documents.attach(session, engine.blobs, directive, uploads, actor)
    except attachment_store.AttachmentError as exc:
        raise _fail(exc.message, "AttachmentEncoded", **exc.params) from None


def by_document_id(session: Session, ids: list[str]) -> Directive | None:
    for document_id in filter(None, ids):
        found = session.scalar(select(Directive).where(Directive.source_document_id == document_id)
                               .order_by(Directive.id.desc()).limit(1))
        if found is not None:
            return found
    return None


def replaced_directive(session: Session, replaces: list[str], response_for: list[dict]) -> Directive | None:
    """The registered directive a replacing document names (ReplacementInfo, then ResponseFor)."""
    return by_document_id(session, [*replaces, *(r["document_id"] for r in response_for)])


def _target(session: Session, message: Document) -> Directive:
    """The directive an earlier message of the same document registered: by the replaced
    document's id, ResponseFor, this message's DocumentId, then (a recall or an update, which
    keep the number) by number/notation, date and issuer: numbers restart each year, so the
    number alone may be last year's document too."""
    ids = [*message.replaces, *(r["document_id"] for r in message.response_for), message.document_id]
    found = by_document_id(session, ids)
    if found is None and message.business != REPLACE:
        found = session.scalar(select(Directive).where(
            Directive.symbol == message.header["symbol"],
            Directive.issued_on == date.fromisoformat(message.header["issued_on"]),
            Directive.issuer.in_(_issuer_names(session, message))).order_by(Directive.id.desc()).limit(1))
    if found is None:
        raise _fail("No registered directive is the document this %(kind)s message is about (DocumentId "
                    "%(id)s, %(symbol)s).", "DocumentId", kind=BUSINESS_TYPES[message.business],
                    id=message.document_id or "—", symbol=message.header["symbol"])
    return found


def _issuer_unit(session: Session, message: Document):
    return org.unit_by_agency_code(session, message.sender["organ_id"]) if message.sender["organ_id"] else None


def _header(session: Session, message: Document) -> dict:
    """The header to register or update: the issuer by the organisation tree's name when its
    agency identifier is a unit's, so that every message of it reads alike."""
    unit = _issuer_unit(session, message)
    return {**message.header, **({"issuer": unit.name} if unit else {})}


def _issuer_names(session: Session, message: Document) -> list[str]:
    return list({message.header["issuer"], _header(session, message)["issuer"]})


def recall_reason(message: Document) -> str:
    """Why a recall (thu hồi) ends what it names: its BussinessDocReason, else the catalogue's words."""
    return message.reason or translation.translate("The issuer recalled the document")


def replace_reason(message: Document) -> str:
    """Why a replacement (thay thế) ends what it names: its BussinessDocReason, else which document replaces it."""
    return message.reason or translation.message("Replaced by document %(symbol)s",
                                                 {"symbol": message.header["symbol"]})


def _recall(engine, session: Session, directive: Directive, message: Document, actor: User) -> Outcome:
    changed = recall(engine, session, directive, recall_reason(message), message.header["symbol"], actor)
    return Outcome("recalled", directive, changed=changed)


def recall(engine, session: Session, directive: Directive, reason: str, document: str, actor: User) -> bool:
    """The issuer takes the document back (thu hồi): its open tasks are withdrawn with `reason`
    and it ends, recalled; False when it had ended so before: recalled, or replaced (its tasks
    were withdrawn then; it stays replaced, pointing at its replacement, which the recall of
    this document leaves alone)."""
    if directive.status in ENDED_BY_ISSUER:
        return False
    changes.end_directive(engine, session, directive, actor, reason)
    directive.status = DirectiveStatus.REVOKED
    audit.record(session, "directive.recalled", "directive", directive.id, actor=actor,
                 after={"reason": reason, "document": document}, directive_id=directive.id)
    return True


def _update(engine, session: Session, directive: Directive, message: Document, actor: User) -> Outcome:
    """The header takes the message's values and its files not yet the directive's are added
    (the issuer's corrected document): both written in the history, and the office's clerks are
    told what changed."""
    before, listed = changes.header_of(directive), {entry["sha256"] for entry in _documents(directive)}
    header = _header(session, message)
    fields = {key: header[key] for key in changes.HEADER_FIELDS if key in header}
    updated = changes.edit_header(engine, directive.id, fields, actor, action="directive.updated_by_issuer",
                                  comment=message.reason or None, sender_dated=True)
    if updated.issued_on.isoformat() != before["issued_on"]:
        _note_date_ahead(session, updated, actor)
    stored = _attach_files(engine, session, updated, message, actor)
    added = [row.filename for row in stored if row.sha256 not in listed]
    if changes.header_of(updated) == before and not added:
        return Outcome("updated", updated, changed=False)
    _tell_office(engine, session, updated, before, added, message.reason)
    return Outcome("updated", updated)


def dated_ahead(issued_on: date) -> bool:
    """A document the hub brings dated after today (the sender's clock or typo) is taken as the
    sender dated it: the office cannot refuse the sender's date, so it is flagged instead."""
    return issued_on > clock.today()


def _note_date_ahead(session: Session, directive: Directive, actor: User) -> None:
    """A document dated ahead (`dated_ahead`): its history says so, for the clerk to check with
    the sender before the deadlines counted from it fall due."""
    if not dated_ahead(directive.issued_on):
        return
    log.warning("edXML document %s of %s dated %s, after today %s: taken as dated", directive.symbol,
                directive.issuer, directive.issued_on, clock.today())
    received = directive.received_on.isoformat() if directive.received_on else None
    audit.record(session, "directive.dated_ahead", "directive", directive.id, actor=actor,
                 after={"issued_on": directive.issued_on.isoformat(), "received_on": received},
                 directive_id=directive.id)


def _tell_office(engine, session: Session, directive: Directive, before: dict, added: list[str],
                 reason: str) -> None:
    """The clerks of the office that tracks the directive learn what the issuer's update (cập
    nhật) changed, old → new in the register form's words, and the files it added."""
    form = engine.compiled(engine.current_bundle(session)).forms[directives.HEADER_FORM]
    after = changes.header_of(directive)
    lines = [f"- {form_field.label}: {_shown(form_field, before[key])} → {_shown(form_field, after[key])}"
             for key in changes.HEADER_FIELDS if before[key] != after[key] and (form_field := form.field(key))]
    lines += [f"- Tệp mới: {name}" for name in added]
    clerks = permissions.office_clerks(session, permissions.record_body(session, directive.id))
    notify_users(session, clerks, "updated_by_issuer", directive=directive, assignment=None,
                 changes="\n".join(lines), issuer_reason=reason)


def _shown(form_field: forms.FormField, value: str | None) -> str:
    """A header value as the register page shows it: a choice by its label, a date dd/mm/yyyy."""
    if not value:
        return "(trống)"
    if form_field.type == "date":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return next((label for option, label in form_field.options if option == value), value)


def _documents(directive: Directive) -> list[dict]:
    return list((directive.extra or {}).get("documents", []))


def _replace(engine, session: Session, old: Directive, message: Document, assignments: list[dict],
             actor: User) -> Outcome:
    if old.status == DirectiveStatus.REPLACED:
        successor = session.get(Directive, (old.extra or {}).get("replaced_by"))
        return Outcome("replaced", successor or old, changed=False)
    new = _register(engine, session, message, assignments, actor)
    reason = replace_reason(message)
    changes.end_directive(engine, session, old, actor, reason)
    old.status = DirectiveStatus.REPLACED
    old.extra = {**(old.extra or {}), "replaced_by": new.id}
    audit.record(session, "directive.replaced", "directive", old.id, actor=actor,
                 after={"replaced_by": new.symbol, "reason": reason}, directive_id=old.id)
    audit.record(session, "directive.replaces", "directive", new.id, actor=actor,
                 after={"replaces": old.symbol}, directive_id=new.id)
    return Outcome("replaced", new)


def _record_status(session: Session, message: Status, actor: User) -> Outcome:
    target = message.response_for
    directive = by_document_id(session, [target["document_id"]])
    if directive is None and target["code"]:  # and its date where given: numbers restart each year
        directive = session.scalar(select(Directive).where(
            Directive.symbol == target["code"],
            *([Directive.issued_on == date.fromisoformat(target["date"])] if target["date"] else []))
            .order_by(Directive.id.desc()).limit(1))
    if directive is None:
        raise _fail("No registered directive is the document this status is about (ResponseFor %(id)s).",
                    "ResponseFor", id=target["document_id"] or target["code"] or "—")
    after = {"status": f"{message.code} — {STATUS_NAMES[message.code]}", "from": message.sender["name"]
             or message.sender["organ_id"], "at": message.timestamp, "description": message.description}
    recorded = session.scalars(select(AuditEntry.after).where(AuditEntry.directive_id == directive.id,
                                                               AuditEntry.action == "directive.status_received"))
    if after in recorded.all():
        return Outcome("status_recorded", directive, changed=False)
    audit.record(session, "directive.status_received", "directive", directive.id, actor=actor, after=after,
                 directive_id=directive.id)
    return Outcome("status_recorded", directive)
