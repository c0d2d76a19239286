"""The header of an edXML message (QCVN 102:2016/BTTTT, amended 2022) as a directive.

edXML carries no task list: the header gives the document (issuer, number/notation, date,
type, subject, signer, due date, urgency, id) and the clerk, or the caller, adds the
assignments. Elements are matched by local name so that both namespace versions parse.
"""
from __future__ import annotations

from lxml import etree

from engine import forms
from engine.directives import service as directives
from engine.directives.models import DOCUMENT_ID_LENGTH, Directive
from engine.imports.errors import ImportFailed, RowError
from engine.org.models import User

MAX_BYTES = 20 * 1024 * 1024
# OtherInfo/Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ.
PRIORITIES = {"0": "normal", "1": "urgent", "2": "very_urgent", "3": "flash", "4": "flash"}


def _parser() -> etree.XMLParser:
    # No entities, no DTD, no network: a received file must not reach anything else.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True)


def _fail(message: str, field: str | None = None, **params) -> ImportFailed:
    return ImportFailed([RowError(row=None, column=None, field=field, message=message, params=params)])


def _text(header, *path: str) -> str:
    """Text of the first element found along `path` (local names), or ''."""
    query = "/".join(f"*[local-name()='{name}']" for name in path)
    found = header.xpath(query)
    return (found[0].text or "").strip() if found else ""


def parse_header(data: bytes) -> dict:
    """The directive fields of an edXML message header (names of the register_directive form,
    plus due_date, doc_type_name and source_document_id)."""
    if len(data) > MAX_BYTES:
        raise _fail("The edXML file is too large.")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise _fail("Not well-formed XML: %(detail)s", detail=str(exc)) from None
    if root.getroottree().docinfo.internalDTD is not None or root.getroottree().docinfo.doctype:
        raise _fail("An edXML message may not carry a DOCTYPE.")
    headers = root.xpath("//*[local-name()='MessageHeader']")
    if not headers:
        raise _fail("No edXML MessageHeader in this file.")
    header = headers[0]
    number, notation = _text(header, "Code", "CodeNumber"), _text(header, "Code", "CodeNotation")
    issued = _text(header, "PromulgationInfo", "PromulgationDate") or _text(header, "PromulgationInfo", "Date")
    priority = _text(header, "OtherInfo", "Priority")
    found = {
        "symbol": f"{number}/{notation}" if number and notation else "",
        "issued_on": issued,
        "issuer": _text(header, "From", "OrganName"),
        "summary": _text(header, "Subject"),
        "signer": _text(header, "SignerInfo", "FullName"),
        "urgency": PRIORITIES.get(priority, "normal"),
        "due_date": _text(header, "DueDate"),
        "doc_type_name": _text(header, "DocumentType", "TypeName"),
        "source_document_id": _text(header, "DocumentId"),
    }
    missing = [name for name in ("symbol", "issued_on", "issuer", "summary") if not found[name]]
    if missing:
        raise ImportFailed([RowError(None, None, name, "Missing in the edXML header.") for name in missing])
    if len(found["source_document_id"]) > DOCUMENT_ID_LENGTH:
        raise _fail("The DocumentId has more than %(max)s characters.", "source_document_id", max=DOCUMENT_ID_LENGTH)
    return found


def import_message(engine, data: bytes, assignments: list[dict], actor: User) -> Directive:
    """Register the directive an edXML message announces, with the given assignments; those
    without a deadline of their own get the message's due date."""
    header = parse_header(data)
    due = header["due_date"]
    if due:
        try:
            due = forms.parse_date(due).isoformat()
        except Exception:
            raise _fail("DueDate is not a date.", "due_date") from None
    items = [{**item, "deadline": item.get("deadline") or (None if item.get("deadline_days") else due)}
             for item in assignments]
    with engine.db.session() as session:
        try:
            directive = directives.register(engine, header, items, actor, session=session)
        except forms.FormValidationError as exc:
            raise ImportFailed([RowError(None, None, name, message.text, message.params)
                                for name, message in exc.errors.items()]) from None
        directive.source_document_id = header["source_document_id"] or None
        return directive
