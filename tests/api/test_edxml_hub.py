"""edXML as the national hub sends it (tests/fixtures/edxml, MANIFEST.md): slash dates,
decomposed text, agency identifiers, each business type, each status code; and the status
messages sent back to the sender through the outbox, received once each by a fake hub."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import time
import unicodedata
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import clock as clock_module
from engine.audit.models import AuditEntry
from engine.directives import documents
from engine.directives.models import Assignment, AssignmentStatus, Directive, DirectiveStatus
from engine.exchange import inbox as inbox_module
from engine.exchange import received
from engine.exchange.inbox import import_folder
from engine.exchange.models import ReceivedDocument, StatusMessage
from engine.exchange.outbox import deliver_due
from engine.imports import ImportFailed, edxml
from engine.notifications.models import Notification
from engine.org import service as org
from tests.fakehub import FakeHub

FIXTURES = Path(__file__).parent.parent / "fixtures" / "edxml"
NEW, UPDATE, RECALL, REPLACE, SDK = (FIXTURES / f"document_{n}.xml"
                                     for n in ("new", "update", "recall", "replace", "sdk"))
TASKS = [{"content": "Báo cáo tiến độ giải ngân", "lead_unit": "STC"}]


def _import(loaded, path: Path | bytes, user, tasks=TASKS) -> received.Received:
    """Received as every way in receives it (the watched folder, the API, the command)."""
    data = path.read_bytes() if isinstance(path, Path) else path
    return received.receive(loaded, data, tasks, user, "message.edxml")


def _history(loaded, directive_id: int) -> list[tuple[str, dict, str | None]]:
    with loaded.db.session() as s:
        return [(e.action, e.after, e.comment) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.directive_id == directive_id).order_by(AuditEntry.id))]


# ---------------------------------------------------------------- the header
def test_the_header_is_read_as_the_hub_sends_it():
    found = edxml.parse_header(NEW.read_bytes())
    assert NEW.read_text(encoding="utf-8") != unicodedata.normalize("NFC", NEW.read_text(encoding="utf-8"))
    assert {k: found[k] for k in ("symbol", "issued_on", "issuer", "due_date", "urgency", "doc_type",
                                  "steering_type", "business_type", "sender_organ_id", "attachments")} == {
        "symbol": "318/QĐ-UBND", "issued_on": "2026-02-12", "issuer": "Ủy ban nhân dân tỉnh Đắk Lắk",
        "due_date": "2026-03-31", "urgency": "very_urgent", "doc_type": "QĐ", "steering_type": "1",
        "business_type": "new", "sender_organ_id": "000.00.00.H17", "attachments": ["318-QĐ-UBND.pdf"]}
    assert found["summary"] == unicodedata.normalize("NFC", found["summary"])


def test_a_message_as_the_sdks_write_it_registers_with_its_attachment(loaded, org_tree):
    """The root edXML element, AttachmentEncoded outside the envelope and the file in base64 as
    ContentTransferEncoded (MANIFEST.md): it was refused as an empty file."""
    [(name, content)] = edxml.read(SDK.read_bytes()).attachments
    assert name == "1520-UBND-KT giải ngân vốn.pdf" and content.startswith(b"%PDF-1.4")
    outcome = _import(loaded, SDK, org_tree["clerk"])
    assert (outcome.action, outcome.directive.symbol, outcome.directive.doc_type, outcome.directive.urgency) == (
        "registered", "1520/UBND-KT", "CV", "urgent")


def test_a_file_outside_attachment_encoded_refuses_the_message_naming_it(loaded, org_tree, as_user):
    """A file straight under the envelope, not in AttachmentEncoded/Attachment (tests/fixtures/edxml/
    document_sdk_envelope_attachment.xml): the SDKs of the standard read files only there, and it was dropped
    unsaid, the directive registered without its document. The API refuses it (nothing stored), naming the
    file; the watched folder answers 02 (tests/api/test_edxml_refusals.py)."""
    data = (FIXTURES / "document_sdk_envelope_attachment.xml").read_bytes()
    response = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(data), "1565.edxml"), "assignments": json.dumps(TASKS)})
    assert response.status_code == 422
    [row] = response.get_json()["error"]["rows"]
    assert (row["field"], row["message"]) == ("AttachmentEncoded", (
        "Gói tin có 1 tệp đặt ngoài AttachmentEncoded/Attachment (1565-UBND-KT kế hoạch vốn.pdf), nơi phần mềm "
        "theo chuẩn không đọc tệp: nơi gửi phải gửi lại các tệp trong AttachmentEncoded/Attachment."))
    with pytest.raises(ImportFailed):
        _import(loaded, data, org_tree["clerk"], tasks=[])  # nor kept waiting for the office
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0
        assert s.scalar(select(func.count(ReceivedDocument.id))) == 0


def test_a_file_named_only_in_the_manifest_registers_under_that_name(loaded, org_tree):
    """The file's name and type in edXMLManifest/Reference only (`ContentId` cid:3f6d1c2e), its
    AttachmentEncoded/Attachment carrying the ContentId (without cid:) and the base64: the
    whole message was refused as "Không nhận tệp loại ?." (a file without a name), on the
    watched folder with a 02 to the sender."""
    message = FIXTURES / "document_sdk_manifest_names.xml"
    [(name, content)] = edxml.read(message.read_bytes()).attachments
    assert (name, content.startswith(b"%PDF-1.4")) == ("1540-UBND-KT kế hoạch giải ngân.pdf", True)
    directive = _import(loaded, message, org_tree["clerk"]).directive
    with loaded.db.session() as s:
        listed = documents.listed(s, s.get(Directive, directive.id))
    assert [(f.filename, f.content_type) for _kind, f in listed] == [
        ("1540-UBND-KT kế hoạch giải ngân.pdf", "application/pdf")]


def test_a_file_named_with_the_sender_s_windows_folders_keeps_its_own_name(loaded, org_tree):
    """A sender whose software keeps ASP.NET's HttpPostedFile.FileName (the client's whole path)
    names the file "C:\\Users\\vanthu\\Desktop\\1550-….pdf": the clerk read, and downloaded, a
    file of that name."""
    message = FIXTURES / "document_sdk_client_path.xml"
    assert edxml.parse_header(message.read_bytes())["attachments"] == ["1550-UBND-KT giải ngân vốn.pdf"]
    directive = _import(loaded, message, org_tree["clerk"]).directive
    with loaded.db.session() as s:
        [(_kind, stored)] = documents.listed(s, s.get(Directive, directive.id))
    assert stored.filename == "1550-UBND-KT giải ngân vốn.pdf"


def test_a_file_the_sender_zipped_is_kept_as_the_file_inside(loaded, org_tree):
    """A PDF zipped before its base64 (the hub's Java gateway unzips each file it receives): it
    was kept as "….pdf" holding the zip's bytes, a file no reader opens, and no task could be
    proposed from its text. A zip of several files stays a .zip; a DOCX, itself a zip, is left whole."""
    message = FIXTURES / "document_sdk_zipped.xml"
    [(name, content)] = edxml.read(message.read_bytes()).attachments
    assert (name, content[:8]) == ("1545-UBND-KT giải ngân vốn.pdf", b"%PDF-1.4")
    directive = _import(loaded, message, org_tree["clerk"]).directive
    with loaded.db.session() as s:
        [(_kind, stored)] = documents.listed(s, s.get(Directive, directive.id))
        assert (stored.filename, stored.size) == ("1545-UBND-KT giải ngân vốn.pdf", len(content))
    several = io.BytesIO()
    with zipfile.ZipFile(several, "w") as archive:
        archive.writestr("Phụ lục 1.pdf", content)
        archive.writestr("Phụ lục 2.pdf", content)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    for inner, name, kept in ((several.getvalue(), "Phụ lục.pdf", "Phụ lục.pdf.zip"),
                              (docx.getvalue(), "Dự thảo.docx", "Dự thảo.docx")):
        body = message.read_text(encoding="utf-8").replace("1545-UBND-KT giải ngân vốn.pdf", name)
        body = re.sub(r"<ContentTransferEncoded>.*?</ContentTransferEncoded>",
                      f"<ContentTransferEncoded>{base64.b64encode(inner).decode()}</ContentTransferEncoded>",
                      body, flags=re.S)
        assert edxml.read(body.encode()).attachments == [(kept, inner)]


def test_a_recall_and_a_replacement_as_the_sdks_write_them_act_on_the_directive(loaded, org_tree):
    """The SDKs wrap the envelope in a root edXML element (MANIFEST.md): their business type,
    in edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList, was looked for under the root's own
    edXMLHeader, found nowhere and read as 0 (new). The recall was refused as a document
    registered already; the replacement registered as a new directive, the replaced one's
    tasks left open."""
    for fixture, code, business in (("sdk_recall", "1", "recall"), ("sdk_replace", "3", "replace")):
        data = (FIXTURES / f"document_{fixture}.xml").read_bytes()
        assert (edxml.return_address(data).business, edxml.parse_header(data)["business_type"]) == (code, business)
    first = _import(loaded, SDK, org_tree["clerk"]).directive
    replacement = _import(loaded, FIXTURES / "document_sdk_replace.xml", org_tree["clerk"])
    assert (replacement.action, replacement.directive.symbol) == ("replaced", "1535/UBND-KT")
    with loaded.db.session() as s:
        assert s.get(Directive, first.id).status == DirectiveStatus.REPLACED
        assert {a.status for a in s.scalars(select(Assignment).where(Assignment.directive_id == first.id))} <= {
            AssignmentStatus.CANCELLED}
    second = _import(loaded, SDK.read_bytes().replace(b"1520", b"1521"), org_tree["clerk"]).directive
    recall = (FIXTURES / "document_sdk_recall.xml").read_bytes().replace(b"1520", b"1521")
    recalled = _import(loaded, recall, org_tree["clerk"], tasks=[])
    assert (recalled.action, recalled.changed, recalled.directive.id) == ("recalled", True, second.id)
    with loaded.db.session() as s:
        assert s.get(Directive, second.id).status == DirectiveStatus.REVOKED
    assert ("directive.recalled", {"reason": "Thu hồi do ban hành sai thẩm quyền", "document": "1521/UBND-KT"},
            None) in _history(loaded, second.id)


def _with_scan(size: int) -> tuple[bytes, bytes]:
    """document_new.xml carrying a scanned PDF of `size` bytes, base64 over CRLF-ended lines as
    the SDKs write it; (message, file)."""
    scan = b"%PDF-1.4\n" + hashlib.sha512(str(size).encode()).digest() * (size // 64)
    encoded = base64.encodebytes(scan).replace(b"\n", b"\r\n")
    return re.sub(rb"<edXML:ContentTransferEncoded>.*?</edXML:ContentTransferEncoded>",
                  b"<edXML:ContentTransferEncoded>" + encoded + b"</edXML:ContentTransferEncoded>",
                  NEW.read_bytes(), flags=re.S), scan


def test_a_message_with_a_large_scan_registers_with_it_whole(loaded, org_tree, tmp_path):
    """A 12 MB scan (16 MB of base64): libxml2 refused its text node as 'Not well-formed XML:
    Resource limit exceeded' past 10 MB, and a message over 20 MB was refused, though a file
    may have 20 MB. Through the watched folder, as the hub delivers it."""
    message, scan = _with_scan(12 * 1024 * 1024)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    (inbox / "a.edxml").write_bytes(message)
    (inbox / "a.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert (import_folder(loaded).imported, (inbox / "failed").exists()) == (1, False)
    with loaded.db.session() as s:
        [(kind, stored)] = documents.listed(s, s.scalars(select(Directive)).one())
        assert (kind, stored.sha256) == ("scan", hashlib.sha256(scan).hexdigest())
    with pytest.raises(ImportFailed) as refused:
        edxml.read(b" " * (edxml.MAX_BYTES + 1))
    assert refused.value.errors[0].params == {"max": 30}


def test_attachments_named_without_an_extension_or_mime_encoded_register_by_their_content_type(loaded, org_tree):
    """The document and its annexes were refused ('File type ? is not accepted') where the sender
    named a file without its extension, gave no name, or wrote the name as a MIME encoded word."""
    def attachment(name: str, content_type: str) -> str:
        return (f"<edXML:Attachment><edXML:ContentType>{content_type}</edXML:ContentType>"
                f"<edXML:AttachmentName>{name}</edXML:AttachmentName>"
                "<edXML:ContentTransferEncoded>JVBERi0xLjQK</edXML:ContentTransferEncoded></edXML:Attachment>")
    files = "".join((attachment("VanBan318", "application/pdf"), attachment("=?UTF-8?B?UGjhu6UgbOG7pWMucGRm?=", "x"),
                     attachment("", "application/pdf; name=x")))
    message = re.sub(r"<edXML:AttachmentEncoded>.*</edXML:AttachmentEncoded>",
                     f"<edXML:AttachmentEncoded>{files}</edXML:AttachmentEncoded>", NEW.read_text(encoding="utf-8"),
                     flags=re.S).encode()
    directive = _import(loaded, message, org_tree["clerk"]).directive
    with loaded.db.session() as s:
        assert [(kind, f.filename) for kind, f in documents.listed(s, s.get(Directive, directive.id))] == [
            ("scan", "VanBan318.pdf"), ("annex", "Phụ lục.pdf"), ("annex", "Tệp đính kèm 3.pdf")]


def test_the_files_of_a_message_are_the_directives_documents(loaded, org_tree, as_user):
    """Listed on its page and downloadable as a scan or annex (they were stored and shown nowhere:
    'Chưa đính kèm tệp nào')."""
    annexed = SDK.read_text(encoding="utf-8").replace("</AttachmentEncoded>", """<Attachment>
      <ContentId>2</ContentId><AttachmentName>Phụ lục danh mục dự án.docx</AttachmentName>
      <ContentTransferEncoded>UEsDBBQAAAAIAA==</ContentTransferEncoded></Attachment></AttachmentEncoded>""").encode()
    directive_id = _import(loaded, annexed, org_tree["clerk"]).directive.id
    with loaded.db.session() as s:
        listed = documents.listed(s, s.get(Directive, directive_id))
        assert [(kind, f.filename) for kind, f in listed] == [
            ("scan", "1520-UBND-KT giải ngân vốn.pdf"), ("annex", "Phụ lục danh mục dự án.docx")]
        digest = listed[0][1].sha256
    download = as_user("chanhvp")("GET", f"/attachments/{digest}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-1.4")


@pytest.mark.parametrize(("written", "iso"), [
    ("2026/02/12", "2026-02-12"), ("2026/2/12 08:00:00", "2026-02-12"), ("2026-02-12", "2026-02-12"),
    ("2026-02-12T08:00:00+07:00", "2026-02-12"), ("12/02/2026", "2026-02-12"), ("12/02/2026 08:00", "2026-02-12")])
def test_dates_in_the_forms_real_messages_use(written, iso):
    data = NEW.read_bytes().replace(b"2026/02/12 08:00:00</edXML:PromulgationDate>",
                                    f"{written}</edXML:PromulgationDate>".encode())
    assert edxml.parse_header(data)["issued_on"] == iso


@pytest.mark.parametrize("written", ["0001-01-01T00:00:00", "01/01/0001 00:00:00", "0001/01/01"])
def test_a_due_date_of_dotnets_min_value_is_no_due_date(written):
    # A sender written in .NET holds the due date in a non-nullable DateTime: "none" is its MinValue.
    data = NEW.read_bytes().replace(b"<edXML:DueDate>31/03/2026", f"<edXML:DueDate>{written}".encode())
    assert edxml.read(data).due_date == ""
    year_two = NEW.read_bytes().replace(b"<edXML:DueDate>31/03/2026", b"<edXML:DueDate>0002-01-01")
    with pytest.raises(ImportFailed):
        edxml.read(year_two)


def test_a_bad_date_names_the_element_and_the_preview_refuses_it(as_user, loaded):
    data = NEW.read_bytes().replace(b"<edXML:DueDate>31/03/2026", b"<edXML:DueDate>31/13/2026")
    with pytest.raises(ImportFailed) as failure:
        edxml.parse_header(data)
    error = failure.value.errors[0]
    assert error.field == "due_date" and "DueDate" in error.render() and "dd/mm/yyyy" not in error.render()
    preview = as_user("clerk")("POST", "/imports/edxml?preview=true", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(data), "msg.xml")})
    assert preview.status_code == 422 and preview.get_json()["error"]["rows"][0]["field"] == "due_date"


def test_agency_identifier_names_the_issuer_and_a_decomposed_copy_is_a_duplicate(loaded, org_tree):
    with loaded.db.session() as s:
        org.set_agency_code(s, "UBND", "000.00.00.h17")
    outcome = _import(loaded, NEW, org_tree["clerk"])
    assert (outcome.action, outcome.directive.issuer, outcome.directive.doc_type) == (
        "registered", "UBND tỉnh", "QĐ")
    with loaded.db.session() as s:
        directive = s.get(Directive, outcome.directive.id)
        assert directive.extra["edxml"]["issuer_unit"] == "UBND"
        assert [(kind, f.filename) for kind, f in documents.listed(s, directive)] == [("scan", "318-QĐ-UBND.pdf")]
    without_id = NEW.read_bytes().replace(b"<edXML:DocumentId>", b"<edXML:DocumentId>x")
    composed = unicodedata.normalize("NFC", without_id.decode()).encode()
    again = _import(loaded, NEW, org_tree["clerk"])  # the very same message: received before, nothing done
    assert (again.action, again.changed, again.directive.id) == ("registered", False, outcome.directive.id)
    for copy in (without_id, composed):
        with pytest.raises(ImportFailed, match="not imported"):
            _import(loaded, copy, org_tree["clerk"])
    with loaded.db.session() as s:
        assert len(s.scalars(select(Directive)).all()) == 1


def test_an_agency_identifier_is_checked(loaded):
    with loaded.db.session() as s, pytest.raises(org.OrgError):
        org.set_agency_code(s, "STC", "sở tài chính")


# ---------------------------------------------------------------- business types
def test_update_then_recall_apply_to_the_registered_directive_once(loaded, org_tree):
    with loaded.db.session() as s:
        org.set_agency_code(s, "UBND", "000.00.00.H17")
    first = _import(loaded, NEW, org_tree["clerk"])
    updated = _import(loaded, UPDATE, org_tree["clerk"], tasks=[])
    assert (updated.action, updated.changed, updated.directive.id) == ("updated", True, first.directive.id)
    assert "đôn đốc" in updated.directive.summary and updated.directive.issuer == "UBND tỉnh"
    assert _import(loaded, UPDATE, org_tree["clerk"], tasks=[]).changed is False
    recalled = _import(loaded, RECALL, org_tree["clerk"], tasks=[])
    assert (recalled.action, recalled.changed) == ("recalled", True)
    assert _import(loaded, RECALL, org_tree["clerk"], tasks=[]).changed is False
    with loaded.db.session() as s:
        assert s.get(Directive, first.directive.id).status == DirectiveStatus.REVOKED
        assert {a.status for a in s.scalars(select(Assignment))} <= {AssignmentStatus.CANCELLED}
    actions = [a for a, _after, _comment in _history(loaded, first.directive.id)]
    assert actions.count("directive.updated_by_issuer") == 1 and actions.count("directive.recalled") == 1
    assert ("directive.recalled", {"reason": "Ban hành nhầm", "document": "318/QĐ-UBND"}, None) in \
        _history(loaded, first.directive.id)


def test_an_update_tells_the_office_s_clerks_what_changed_once(loaded, org_tree):
    """The issuer's update corrects the summary, the date and the urgency: the office's clerk is
    told each as old → new in the register page's words (dd/mm/yyyy, Khẩn), with the issuer's
    reason, and the history keeps both values; the same update again tells nobody. (The header
    changed with no notice to the clerk.)"""
    with loaded.db.session() as s:
        org.set_agency_code(s, "UBND", "000.00.00.H17")
    directive = _import(loaded, NEW, org_tree["clerk"]).directive
    update = UPDATE.read_bytes().replace(b"<edXML:Priority>2<", b"<edXML:Priority>1<") \
        .replace(b"<edXML:PromulgationDate>2026/02/12<", b"<edXML:PromulgationDate>2026/02/13<")
    assert _import(loaded, update, org_tree["clerk"], tasks=[]).changed
    assert _import(loaded, update, org_tree["clerk"], tasks=[]).changed is False
    with loaded.db.session() as s:
        notes = s.scalars(select(Notification).where(Notification.kind == "updated_by_issuer")).all()
        assert [(n.user_id, n.directive_id, n.link) for n in notes] == [
            (org_tree["clerk"].id, directive.id, f"/directives/{directive.id}")]
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "directive.updated_by_issuer")).all()
    old, new = (unicodedata.normalize("NFC", f"Về việc triển khai {words}giải ngân vốn đầu tư công năm 2026")
                for words in ("", "và đôn đốc "))
    assert notes[0].subject == "Cơ quan ban hành cập nhật văn bản 318/QĐ-UBND"
    assert notes[0].body == (
        f"Văn bản 318/QĐ-UBND — {new} được cơ quan ban hành cập nhật qua trục liên thông văn bản:\n"
        f"- Ngày ban hành: 12/02/2026 → 13/02/2026\n- Trích yếu: {old} → {new}\n- Độ khẩn: Thượng khẩn → Khẩn\n"
        "Lý do cập nhật: Sửa trích yếu")
    assert (entry.before, entry.after, entry.comment) == (
        {"issued_on": "2026-02-12", "summary": old, "urgency": "very_urgent"},
        {"issued_on": "2026-02-13", "summary": new, "urgency": "urgent"}, "Sửa trích yếu")
    # dated after today (12/02/2026) by the issuer: taken as dated, and the history says so (docs/import.md)
    assert ("directive.dated_ahead", {"issued_on": "2026-02-13", "received_on": "2026-02-12"}, None) in \
        _history(loaded, directive.id)


def test_an_update_adds_the_corrected_file_once(loaded, org_tree):
    """The issuer's corrected document came with the update and was dropped: the directive kept
    only the file it was registered with."""
    with loaded.db.session() as s:
        org.set_agency_code(s, "UBND", "000.00.00.H17")
    first = _import(loaded, NEW, org_tree["clerk"]).directive
    corrected = UPDATE.read_text(encoding="utf-8").replace(">318-QĐ-UBND.pdf<", ">318-QĐ-UBND-sửa.pdf<").replace(
        "JVBERi0xLjQK", "JVBERi0xLjUK").encode()  # %PDF-1.5: another file
    for changed in (True, False):
        assert _import(loaded, corrected, org_tree["clerk"], tasks=[]).changed is changed
    with loaded.db.session() as s:
        listed = documents.listed(s, s.get(Directive, first.id))
    assert [f.filename for _kind, f in listed] == ["318-QĐ-UBND.pdf", "318-QĐ-UBND-sửa.pdf"]
    assert [a for a, _after, _c in _history(loaded, first.id)].count(documents.ATTACHED) == 2


def test_a_replacement_supersedes_the_old_directive(loaded, org_tree):
    old = _import(loaded, NEW, org_tree["clerk"]).directive
    new = _import(loaded, REPLACE, org_tree["clerk"])
    assert (new.action, new.directive.symbol, new.directive.issued_on.isoformat()) == (
        "replaced", "325/QĐ-UBND", "2026-02-20")
    with loaded.db.session() as s:
        assert s.get(Directive, old.id).status == DirectiveStatus.REPLACED
    assert ("directive.replaced", {"replaced_by": "325/QĐ-UBND", "reason": "Thay thế Quyết định 318/QĐ-UBND"},
            None) in _history(loaded, old.id)
    again = _import(loaded, REPLACE, org_tree["clerk"])
    assert (again.changed, again.directive.id) == (False, new.directive.id)


def test_a_recall_of_a_replaced_directive_leaves_it_replaced_and_its_replacement_alone(loaded, org_tree):
    """318/QĐ-UBND was replaced by 325/QĐ-UBND (its tasks withdrawn then); its issuer then recalls
    318: nothing of it runs, so it stays replaced, pointing at 325, whose tasks go on; the recall
    is still agreed (15). It became revoked, its history saying it was recalled after it was replaced."""
    old = _import(loaded, NEW, org_tree["clerk"]).directive
    new = _import(loaded, REPLACE, org_tree["clerk"]).directive
    before = _history(loaded, new.id)
    recalled = _import(loaded, RECALL, org_tree["clerk"], tasks=[])
    assert (recalled.action, recalled.directive.id, recalled.changed) == ("recalled", old.id, False)
    with loaded.db.session() as s:
        assert (s.get(Directive, old.id).status, s.get(Directive, old.id).extra["replaced_by"]) == (
            DirectiveStatus.REPLACED, new.id)
        assert s.get(Directive, new.id).status == DirectiveStatus.REGISTERED
        assert s.scalar(select(StatusMessage.reply_to).where(StatusMessage.status_code == "15"))
    assert "directive.recalled" not in [a for a, _after, _c in _history(loaded, old.id)]
    assert _history(loaded, new.id) == before


@pytest.mark.usefixtures("vietnamese")
def test_a_replacement_and_a_recall_without_a_reason_say_why_in_the_catalogues_words(loaded, org_tree):
    """No BussinessDocReason: the withdrawn tasks' reason is the catalogue's (engine.translation),
    not Vietnamese the engine wrote itself."""
    def without_reason(path: Path) -> bytes:
        return re.sub(rb"<edXML:BussinessDocReason>[^<]*</edXML:BussinessDocReason>", b"", path.read_bytes())

    old = _import(loaded, NEW, org_tree["clerk"]).directive
    new = _import(loaded, without_reason(REPLACE), org_tree["clerk"]).directive
    _import(loaded, without_reason(RECALL).replace(b"2026/02/12,0000318", b"2026/02/20,0000325")
            .replace(b"<edXML:CodeNumber>318<", b"<edXML:CodeNumber>325<"), org_tree["clerk"], tasks=[])
    assert ("directive.replaced", {"replaced_by": "325/QĐ-UBND", "reason": "Thay thế bởi văn bản 325/QĐ-UBND"},
            None) in _history(loaded, old.id)
    assert ("directive.recalled", {"reason": "Cơ quan ban hành thu hồi văn bản", "document": "325/QĐ-UBND"},
            None) in _history(loaded, new.id)


def test_a_message_without_a_known_id_finds_the_document_of_its_year(loaded, org_tree):
    """Numbers restart each year: a recall of last year's 318/QĐ-UBND, or a status about it, whose
    DocumentId matched none, fell on this year's, the last registered."""
    with loaded.db.session() as s:
        org.set_agency_code(s, "UBND", "000.00.00.H17")
    last_year = NEW.read_bytes().replace(b"2026/02/12 08:00:00", b"2025/02/12 08:00:00").replace(
        b"DueDate>31/03/2026", b"DueDate>31/03/2025").replace(b"2026/02/12,0000318", b"2025/02/12,0000318")
    old, new = (_import(loaded, data, org_tree["clerk"]).directive for data in (last_year, NEW.read_bytes()))
    unknown_id = b"<edXML:DocumentId>unknown-"
    status = (FIXTURES / "status_05.xml").read_bytes().replace(b"12/02/2026", b"12/02/2025")
    _import(loaded, status.replace(b"<edXML:DocumentId>", unknown_id), org_tree["clerk"], tasks=[])
    recall = RECALL.read_bytes().replace(b"2026/02/12", b"2025/02/12").replace(b"<edXML:DocumentId>", unknown_id)
    assert _import(loaded, recall, org_tree["clerk"], tasks=[]).directive.id == old.id
    with loaded.db.session() as s:
        assert (s.get(Directive, old.id).status, s.get(Directive, new.id).status) == (
            DirectiveStatus.REVOKED, DirectiveStatus.REGISTERED)
    assert "directive.status_received" in [a for a, _after, _c in _history(loaded, old.id)]
    assert "directive.status_received" not in [a for a, _after, _c in _history(loaded, new.id)]


def test_a_recall_of_an_unknown_document_names_it(loaded, org_tree):
    with pytest.raises(ImportFailed) as failure:
        _import(loaded, RECALL, org_tree["clerk"], tasks=[])
    assert failure.value.errors[0].field == "DocumentId"


# ---------------------------------------------------------------- status messages in
@pytest.mark.parametrize("code", sorted(edxml.STATUS_NAMES))
def test_each_status_code_is_recorded_on_the_directive_once(code, loaded, org_tree):
    directive = _import(loaded, NEW, org_tree["clerk"]).directive
    message = (FIXTURES / f"status_{code}.xml").read_bytes()
    outcome = _import(loaded, message, org_tree["clerk"], tasks=[])
    assert (outcome.action, outcome.directive.id) == ("status_recorded", directive.id)
    assert _import(loaded, message, org_tree["clerk"], tasks=[]).changed is False
    recorded = [after for action, after, _ in _history(loaded, directive.id) if action == "directive.status_received"]
    assert recorded == [{"status": f"{code} — {edxml.STATUS_NAMES[code]}", "from": "Sở Tài chính",
                         "at": "2026/02/13 10:00:00", "description": "Trạng thái xử lý"}]


def test_a_status_about_no_known_document_is_refused_by_element(as_user, loaded):
    response = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                                data={"file": (io.BytesIO((FIXTURES / "status_04.xml").read_bytes()), "s.xml")})
    assert response.status_code == 422 and response.get_json()["error"]["rows"][0]["field"] == "ResponseFor"


# ---------------------------------------------------------------- status messages out
@pytest.fixture
def hub():
    fake = FakeHub()
    yield fake
    fake.close()


def test_statuses_go_back_to_the_sender_once_each_after_the_hub_recovers(loaded, org_tree, as_user, hub):
    loaded.settings.edxml_status_endpoint = hub.url
    with loaded.db.session() as s:
        org.set_agency_code(s, "VP", "000.00.01.H17")
    clerk = as_user("clerk")
    directive = _import(loaded, NEW, org_tree["clerk"]).directive
    hub.failing = True
    assert deliver_due(loaded.db, loaded.settings).failed == 2  # 01 đã đến and 03 đã tiếp nhận
    assert deliver_due(loaded.db, loaded.settings).failed == 0  # backing off: not tried again yet
    hub.failing = False
    clock_module.current_clock().advance(timedelta(minutes=1))
    assert deliver_due(loaded.db, loaded.settings).sent == 2
    assert hub.codes() == ["01", "03"]
    body = next(iter(hub.kept.values())).decode()
    assert "<edXML:OrganId>000.00.01.H17</edXML:OrganId>" in body and directive.source_document_id in body
    item = clerk("GET", "/work-items").get_json()["items"][0]
    assert clerk("POST", f"/work-items/{item['id']}/complete", json={"tracked": True}).status_code == 200
    deliver_due(loaded.db, loaded.settings)
    deliver_due(loaded.db, loaded.settings)
    assert hub.codes() == ["01", "03", "04"] and len(hub.posts) == len(set(hub.posts)) + 2  # two 503s, no repeat
    with loaded.db.session() as s:
        rows = s.scalars(select(StatusMessage)).all()
        assert {(r.status_code, r.attempts, r.delivered_at is not None) for r in rows} == {
            ("01", 2, True), ("03", 2, True), ("04", 1, True)}


def test_a_recall_and_an_update_are_answered_once_each_and_a_document_not_taken_is_refused(loaded, org_tree, hub):
    """dondoc applies the sender's update and recall as they come: each message is answered 15
    (đồng ý lấy lại / cập nhật) once, however often it comes; a document the office does not
    take (Bỏ qua) is answered 02 (từ chối tiếp nhận) with the clerk's reason, closing its 01.
    Neither was sent: the sender saw 01 and 03, then nothing."""
    loaded.settings.edxml_status_endpoint = hub.url
    with loaded.db.session() as s:
        org.set_agency_code(s, "VP", "000.00.01.H17")
    for message, tasks in ((NEW, TASKS), (UPDATE, []), (UPDATE, []), (RECALL, []), (RECALL, []), (SDK, [])):
        received.receive(loaded, message.read_bytes(), tasks, org_tree["clerk"], message.name)
    [row] = _waiting(loaded)
    received.dismiss(loaded, row.id, "Văn bản để biết, không giao nhiệm vụ", org_tree["clerk"])
    assert deliver_due(loaded.db, loaded.settings).sent == 6
    assert deliver_due(loaded.db, loaded.settings).sent == 0
    assert hub.codes() == ["01", "01", "02", "03", "15", "15"]
    said = sorted((_element(b, "StatusCode"), _element(b, "DocumentId"), _element(b, "Description"))
                  for b in hub.kept.values())
    assert said == [
        ("01", "000.00.00.H17,2026/02/12,0000318", "Đã đến"),
        ("01", "000.00.00.H17,2026/11/30,1520/UBND-KT", "Đã đến"),
        ("02", "000.00.00.H17,2026/11/30,1520/UBND-KT", "Từ chối tiếp nhận: Văn bản để biết, không giao nhiệm vụ"),
        ("03", "000.00.00.H17,2026/02/12,0000318", "Đã tiếp nhận (vào sổ)"),
        ("15", "000.00.00.H17,2026/02/12,0000318", "Đồng ý lấy lại / cập nhật"),
        ("15", "000.00.00.H17,2026/02/12,0000318", "Đồng ý lấy lại / cập nhật")]
    assert all("<edXML:OrganId>000.00.01.H17</edXML:OrganId>" in b.decode() for b in hub.kept.values())


def _waiting(loaded) -> list[ReceivedDocument]:
    with loaded.db.session() as s:
        rows = received.waiting(s)
        s.expunge_all()
        return rows


def _element(body: bytes, name: str) -> str:
    return body.decode().split(f"<edXML:{name}>")[1].split("<")[0]


def test_a_ward_s_status_goes_back_from_the_ward(loaded, org_tree, hub):
    """A document a ward's office registers from the hub is the ward's committee's to track: its status
    goes back from the ward, by its agency identifier and name, not from the province's office (issue #21)."""
    loaded.settings.edxml_status_endpoint = hub.url
    with loaded.db.session() as s:
        org.set_agency_code(s, "VP", "000.00.01.H17")
        org.create_unit(s, "xa-a", "UBND phường An Phú", parent_code="UBND", kind="commune")
        org.create_unit(s, "xa-a-kt", "Phòng Kinh tế phường An Phú", parent_code="xa-a", kind="section")
        org.set_agency_code(s, "xa-a", "000.01.02.H17")
        org.mark_issuing_body(s, "xa-a", True)
        ward_clerk = org.create_user(s, "vp_a", "x" * 12, "Văn thư phường An Phú", "xa-a", ["clerk"])
    _import(loaded, NEW, ward_clerk, [{"content": "Báo cáo tiến độ", "lead_unit": "xa-a-kt"}])
    assert deliver_due(loaded.db, loaded.settings).sent == 2   # 01 (đã đến) and 03 (đã tiếp nhận)
    assert hub.codes() == ["01", "03"]
    for body in hub.kept.values():
        sender = re.search(r"<edXML:From>(.*?)</edXML:From>", body.decode(), re.S).group(1)
        assert "000.01.02.H17" in sender and "UBND phường An Phú" in sender and "000.00.01.H17" not in sender


def test_handled_and_done_go_back_once_each(loaded, org_tree, as_user, hub):
    """05 when the lead unit first reports, 06 when every task has ended done — each once,
    however many reports follow."""
    loaded.settings.edxml_status_endpoint = hub.url
    clerk, unit = as_user("clerk"), as_user("stc")
    _import(loaded, NEW, org_tree["clerk"])

    def complete(caller, form_key: str, data: dict) -> None:
        [item] = [i for i in caller("GET", "/work-items").get_json()["items"] if i["form_key"] == form_key]
        assert caller("POST", f"/work-items/{item['id']}/complete", json=data).status_code == 200

    complete(clerk, "classify_directive", {"tracked": True})
    complete(unit, "update_progress", {"action": "update", "progress": "in_progress", "note": "Đang rà soát"})
    complete(unit, "update_progress", {"action": "update", "progress": "in_progress", "note": "Gần xong"})
    deliver_due(loaded.db, loaded.settings)
    assert hub.codes() == ["01", "03", "04", "05"]
    complete(unit, "update_progress", {"action": "update", "progress": "done", "note": "Đã xong"})
    deliver_due(loaded.db, loaded.settings)
    assert hub.codes() == ["01", "03", "04", "05"]  # reported done, not yet closed by the office
    complete(clerk, "review_assignment", {"decision": "close"})
    deliver_due(loaded.db, loaded.settings)
    deliver_due(loaded.db, loaded.settings)
    assert hub.codes() == ["01", "03", "04", "05", "06"]


def test_a_document_waiting_for_the_office_is_answered_arrived_once(loaded, org_tree, hub, tmp_path):
    """01 (đã đến) goes back when the document arrives, though the office registers it later; the
    same message again, or registering it, sends no second 01."""
    loaded.settings.edxml_status_endpoint = hub.url
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    (inbox / "a.edxml").write_bytes(NEW.read_bytes())
    import_folder(loaded)
    (inbox / "b.edxml").write_bytes(NEW.read_bytes())  # the hub delivered it twice
    import_folder(loaded)
    assert deliver_due(loaded.db, loaded.settings).sent == 1
    assert hub.codes() == ["01"]
    body = next(iter(hub.kept.values())).decode()
    assert "<edXML:DocumentId>000.00.00.H17,2026/02/12,0000318</edXML:DocumentId>" in body
    assert "<edXML:Code>318/QĐ-UBND</edXML:Code>" in body and "<edXML:Description>Đã đến" in body
    with loaded.db.session() as s:
        row_id = s.scalar(select(ReceivedDocument.id))
        clerk = org.users_by_name(s, ["clerk"])[0]
        s.expunge(clerk)
    received.register(loaded, row_id, TASKS, clerk)
    deliver_due(loaded.db, loaded.settings)
    assert hub.codes() == ["01", "03"] and len(hub.posts) == 2


def test_nothing_is_sent_without_an_endpoint(loaded, org_tree):
    _import(loaded, NEW, org_tree["clerk"])
    assert deliver_due(loaded.db, loaded.settings).sent == 0
    with loaded.db.session() as s:
        assert [r.status_code for r in s.scalars(select(StatusMessage))] == ["01", "03"]


# ---------------------------------------------------------------- the watched folder
def test_the_watched_folder_imports_each_file_once(loaded, org_tree, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    (inbox / "a.xml").write_bytes(NEW.read_bytes())
    (inbox / "a.json").write_text(json.dumps(TASKS), encoding="utf-8")
    (inbox / "b.xml").write_bytes((FIXTURES / "status_05.xml").read_bytes())
    (inbox / "c.xml").write_bytes(b"<not-edxml/>")
    # As the hub's SDK saves a received message: <DocumentId-uuid>.edxml (it was never picked up).
    (inbox / "d.edxml").write_bytes(SDK.read_bytes())
    (inbox / "d.json").write_text(json.dumps(TASKS), encoding="utf-8")
    first = import_folder(loaded)
    assert (first.imported, first.failed) == (3, 1)
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["a.json", "a.xml", "b.xml", "d.edxml", "d.json"]
    assert "No edXML MessageHeader" in (inbox / "failed" / "c.xml.error.txt").read_text(encoding="utf-8")
    assert (import_folder(loaded).imported, import_folder(loaded).failed) == (0, 0)


def test_the_watched_folder_says_why_in_the_clerks_language(loaded, org_tree, tmp_path, monkeypatch):
    """The error file beside a refused message reads as the pages do: `dondoc` (the scheduler's
    process too) installs the web layer's catalogue for the engine."""
    from engine import translation
    from webui import cli as webui_cli

    monkeypatch.setattr(webui_cli, "cli", lambda **_: None)
    webui_cli.main()
    try:
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
        (inbox / "c.xml").write_bytes(b"<not-edxml/>")
        assert import_folder(loaded).failed == 1
        assert (inbox / "failed" / "c.xml.error.txt").read_text(encoding="utf-8") == (
            "Tệp chưa được nhập: phát hiện 1 lỗi.\n  Tệp không có phần MessageHeader của edXML.\n")
        # a refused field is named as the register page names it, not by its code
        no_subject = re.sub(rb"<edXML:Subject>.*?</edXML:Subject>", b"", NEW.read_bytes())
        (inbox / "d.xml").write_bytes(no_subject)
        (inbox / "e.xml").write_bytes(NEW.read_bytes())
        (inbox / "e.json").write_text(json.dumps([{"content": "Báo cáo", "lead_unit": "XYZ"}]), encoding="utf-8")
        assert import_folder(loaded).failed == 2
        assert (inbox / "failed" / "d.xml.error.txt").read_text(encoding="utf-8") == (
            "Tệp chưa được nhập: phát hiện 1 lỗi.\n  Trích yếu: Thiếu trong phần đầu gói tin edXML.\n")
        assert (inbox / "failed" / "e.xml.error.txt").read_text(encoding="utf-8") == (
            "Tệp chưa được nhập: phát hiện 1 lỗi.\n  Đơn vị chủ trì: Nhiệm vụ 1: không có đơn vị XYZ.\n")
    finally:
        translation.install(dict)


def test_the_watched_folder_imports_in_the_order_messages_arrived(loaded, org_tree, tmp_path):
    """Named by document id, an update that waited in the folder with its document (the
    scheduler stopped) sorted first, found no directive and stayed in failed/."""
    with loaded.db.session() as s:
        org.set_agency_code(s, "UBND", "000.00.00.H17")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    for name, source, arrived in (("f3a1.edxml", NEW, 1_000), ("0b7c.edxml", UPDATE, 2_000)):
        (inbox / name).write_bytes(source.read_bytes())
        os.utime(inbox / name, (arrived, arrived))
    (inbox / "f3a1.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert (import_folder(loaded).imported, not (inbox / "failed").exists()) == (2, True)
    with loaded.db.session() as s:
        [directive] = s.scalars(select(Directive)).all()
        assert [a for a, _after, _c in _history(loaded, directive.id)].count("directive.updated_by_issuer") == 1


def test_a_message_a_stopped_scheduler_had_claimed_comes_back_and_is_imported(loaded, org_tree, tmp_path):
    """Claimed by renaming it under processing/ (two schedulers watch one folder), then the
    scheduler was killed: after the claim's lease the message is the folder's again."""
    inbox = tmp_path / "inbox"
    room = inbox / inbox_module.CLAIMS / "killed"
    room.mkdir(parents=True)
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    (room / "a.xml").write_bytes(NEW.read_bytes())
    (room / "a.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert import_folder(loaded).imported == 0  # a live scheduler's claim: left alone
    stale = time.time() - inbox_module.CLAIM_LEASE_SECONDS - 1
    os.utime(room, (stale, stale))
    assert import_folder(loaded).imported == 1
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["a.json", "a.xml"]
    assert list((inbox / inbox_module.CLAIMS).iterdir()) == []


def test_a_message_still_being_written_is_taken_whole_on_a_later_tick(loaded, org_tree, tmp_path):
    """Half a message, just written (the hub's SDK still writing it), went to failed/ as not
    well-formed, and the SDK finished it there; a broken one written long ago still does."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    whole = NEW.read_bytes()
    (inbox / "a.edxml").write_bytes(whole[: len(whole) // 2])
    (inbox / "a.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert (import_folder(loaded).failed, (inbox / "a.edxml").exists(), (inbox / "a.json").exists()) == (0, True, True)
    with (inbox / "a.edxml").open("ab") as rest:
        rest.write(whole[len(whole) // 2:])
    assert import_folder(loaded).imported == 1
    (inbox / "b.edxml").write_bytes(whole[: len(whole) // 2])
    written = time.time() - inbox_module.WRITING_SECONDS - 1
    os.utime(inbox / "b.edxml", (written, written))
    assert import_folder(loaded).failed == 1
    assert "Not well-formed XML" in (inbox / "failed" / "b.edxml.error.txt").read_text(encoding="utf-8")


def test_an_edxml_document_whose_task_is_due_on_a_day_off_is_registered_with_a_warning(as_user):
    """As registration does: the task given with the message (dated 30/11/2026), due Sun 06/12/2026, is registered
    as written and the answer says the working day it runs to (Bộ luật Dân sự 2015, Đ.148 k.5)."""
    tasks = [{**TASKS[0], "deadline": "2026-12-06"}]
    response = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(SDK.read_bytes()), "1520.edxml"),
                                      "assignments": json.dumps(tasks)})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["warnings"] == {"assignments[0].deadline": (
        "Nhiệm vụ 1: hạn 06/12/2026 là ngày nghỉ; theo Điều 148 Bộ luật Dân sự, hạn được tính đến hết ngày làm "
        "việc tiếp theo 07/12/2026.")}
    # a task given without a deadline takes the message's DueDate: Sun 06/12/2026 too
    due_sunday = SDK.read_bytes().replace(b"<edXML:DueDate>2026/12/31<", b"<edXML:DueDate>2026/12/06<")
    due_sunday = due_sunday.replace(b"1520", b"1521")  # another document: its number and DocumentId
    response = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(due_sunday), "1521.edxml"), "assignments": json.dumps(TASKS)})
    assert response.status_code == 201, response.get_json()
    assert list(response.get_json()["warnings"]) == ["assignments[0].deadline"]
