"""A message the watched folder refuses to failed/ is answered to its sender, once per message,
where its header names the sender: 02 (từ chối tiếp nhận) for a document, 16 (từ chối lấy lại /
cập nhật) for a recall or an update, with the reason in the clerk's Vietnamese words, naming the
element or field (engine.exchange.received.refused). The sender never learned it before."""
from __future__ import annotations

import html
import json
import os
import re
import time
from pathlib import Path

import pytest

from engine.exchange import inbox as inbox_module
from engine.exchange.inbox import import_folder
from engine.exchange.outbox import deliver_due
from engine.imports import edxml
from tests.fakehub import FakeHub

FIXTURES = Path(__file__).parent.parent / "fixtures" / "edxml"
NEW = (FIXTURES / "document_new.xml").read_bytes()
DOCUMENT_ID = "000.00.00.H17,2026/02/12,0000318"
BAD_DUE = NEW.replace(b"<edXML:DueDate>31/03/2026", b"<edXML:DueDate>31/13/2026")


pytestmark = pytest.mark.usefixtures("vietnamese")


def _drop(loaded, inbox: Path, name: str, data: bytes, tasks: list | None = None) -> None:
    """The message into the folder (written long enough ago: one not well-formed is not taken while the hub's
    SDK may still be writing it) and one scheduler tick, which refuses it to failed/."""
    (inbox / name).write_bytes(data)
    written = time.time() - inbox_module.WRITING_SECONDS - 1
    os.utime(inbox / name, (written, written))
    if tasks is not None:
        (inbox / name).with_suffix(".json").write_text(json.dumps(tasks), encoding="utf-8")
    assert import_folder(loaded).failed == 1
    assert (inbox / "failed" / name).exists()


def _said(loaded, hub: FakeHub) -> list[tuple[str, str, str, str]]:
    """(StatusCode, ResponseFor/Code, its DocumentId, Description) of every status delivered."""
    deliver_due(loaded.db, loaded.settings)

    def element(body: bytes, name: str) -> str:
        return body.decode().split(f"<edXML:{name}>")[1].split("<")[0]
    return sorted(tuple(element(b, n) for n in ("StatusCode", "Code", "DocumentId", "Description"))
                  for b in hub.kept.values())


def test_a_document_refused_for_its_header_is_answered_02_once_naming_the_element(loaded, org_tree, inbox, office_hub):
    _drop(loaded, inbox, "0000318.edxml", BAD_DUE)
    _drop(loaded, inbox, "0000318-again.edxml", BAD_DUE)  # the hub delivering it again
    [(code, symbol, document_id, description)] = _said(loaded, office_hub)
    assert (code, symbol, document_id) == ("02", "318/QĐ-UBND", DOCUMENT_ID)
    assert description == ("Từ chối tiếp nhận: Tệp chưa được nhập: phát hiện 1 lỗi. Hạn xử lý: Thẻ edXML DueDate "
                           "có giá trị 31/13/2026, không phải là ngày (nơi gửi phải sửa gói tin).")
    body = next(iter(office_hub.kept.values())).decode()
    assert "<edXML:PromulgationDate>2026/02/12</edXML:PromulgationDate>" in body
    assert "<edXML:OrganId>000.00.01.H17</edXML:OrganId>" in body and "<edXML:OrganId>000.00.00.H17<" in body


def test_a_header_whose_date_is_none_is_still_answered_to_its_sender(loaded, org_tree, inbox, office_hub):
    bad_date = re.sub(rb"<edXML:PromulgationDate>[^<]*", b"<edXML:PromulgationDate>30/02/2026", NEW)
    _drop(loaded, inbox, "a.edxml", bad_date)
    [(code, symbol, document_id, description)] = _said(loaded, office_hub)
    assert (code, symbol, document_id) == ("02", "318/QĐ-UBND", DOCUMENT_ID)
    assert "Ngày ban hành: Thẻ edXML PromulgationInfo/PromulgationDate có giá trị 30/02/2026" in description


def test_a_recall_of_no_document_received_is_answered_16(loaded, org_tree, inbox, office_hub):
    _drop(loaded, inbox, "recall.edxml", (FIXTURES / "document_recall.xml").read_bytes())
    [(code, symbol, _document_id, description)] = _said(loaded, office_hub)
    assert (code, symbol) == ("16", "318/QĐ-UBND")
    assert description.startswith("Từ chối lấy lại / cập nhật: ") and "DocumentId" in description, description


def test_the_office_s_own_mistakes_and_nameless_messages_tell_nobody(loaded, org_tree, inbox, office_hub):
    """Assignments beside it naming no unit, a sidecar that is no JSON: the office mends them
    and drops the message again. A status, a message without From/OrganId: nothing to
    answer, or nobody to tell. A second copy of a registered document
    (its sender had 01 and 03)."""
    _drop(loaded, inbox, "units.edxml", NEW, [{"content": "Báo cáo", "lead_unit": "XYZ"}])
    (inbox / "json.edxml").write_bytes(NEW)
    (inbox / "json.json").write_text("[{", encoding="utf-8")
    assert import_folder(loaded).failed == 1
    _drop(loaded, inbox, "status.edxml", (FIXTURES / "status_04.xml").read_bytes())
    _drop(loaded, inbox, "nameless.edxml", re.sub(rb"<edXML:OrganId>000.00.00.H17</edXML:OrganId>", b"", BAD_DUE,
                                                  count=1))
    assert _said(loaded, office_hub) == []
    (inbox / "good.edxml").write_bytes(NEW)
    (inbox / "good.json").write_text(json.dumps([{"content": "Báo cáo", "lead_unit": "STC"}]), encoding="utf-8")
    assert import_folder(loaded).imported == 1
    _drop(loaded, inbox, "copy.edxml", NEW.replace(b"<edXML:Subject>", "<edXML:Subject>(Bản sao) ".encode()), [])
    assert [code for code, *_rest in _said(loaded, office_hub)] == ["01", "03"]


AMPERSAND = (FIXTURES / "document_sdk_ampersand.xml").read_bytes()


def test_a_message_with_a_bare_ampersand_is_answered_02_once_saying_where(loaded, org_tree, inbox, office_hub):
    """A sender writing "Sở Tài chính & Sở Xây dựng" unescaped (tests/fixtures/edxml/document_sdk_ampersand.xml):
    not well-formed XML, refused to failed/ and the sender never told. It is answered 02 with the line and
    column, once however often the hub delivers it; nothing of it is taken (libxml2's recovery would read
    "R&D" as "R")."""
    _drop(loaded, inbox, "1560.edxml", AMPERSAND)
    _drop(loaded, inbox, "1560-again.edxml", AMPERSAND)
    [(code, symbol, document_id, description)] = _said(loaded, office_hub)
    assert (code, symbol, document_id) == ("02", "1560/UBND-KT", "000.00.00.H17,2026/11/30,1560/UBND-KT")
    why = ("Tệp XML không đúng cú pháp: ở dòng 29, cột 56 có ký tự & chưa được viết thành &amp; (nơi gửi phải sửa "
           "gói tin).")
    assert html.unescape(description) == f"Từ chối tiếp nhận: Tệp chưa được nhập: phát hiện 1 lỗi. {why}"
    assert (inbox / "failed" / "1560.edxml.error.txt").read_text(encoding="utf-8") == (
        f"Tệp chưa được nhập: phát hiện 1 lỗi.\n  {why}\n")
    assert (inbox / "failed" / "1560-again.edxml").exists()


def test_a_broken_message_is_answered_only_to_an_address_it_writes_whole(loaded, org_tree, inbox, office_hub):
    """The recovery reads "000.00&00.H17" as "000.00" (and a DOCTYPE-carrying or truncated message still
    names its sender): a status goes only to an identifier the message writes verbatim."""
    broken_sender = AMPERSAND.replace(b"<edXML:OrganId>000.00.00.H17</edXML:OrganId>",
                                      b"<edXML:OrganId>000.00&00.H17</edXML:OrganId>", 1)
    _drop(loaded, inbox, "a.edxml", broken_sender)
    assert _said(loaded, office_hub) == []
    doctype = NEW.replace(b"?>", b'?><!DOCTYPE edXML [<!ENTITY x "y">]>', 1)
    _drop(loaded, inbox, "b.edxml", doctype)
    _drop(loaded, inbox, "c.edxml", NEW[: len(NEW) // 2])
    _drop(loaded, inbox, "d.edxml", NEW.replace(b"<edXML:Subject>", b"<edXML:Subject>(30 MB) ", 1)
          + b" " * edxml.MAX_BYTES)
    said = _said(loaded, office_hub)
    assert [(code, symbol) for code, symbol, *_rest in said] == [("02", "318/QĐ-UBND")] * 3
    assert any("Tệp edXML quá lớn: tối đa 30 MB." in description for *_rest, description in said)


def test_a_message_with_a_file_outside_attachment_encoded_is_answered_02_naming_it(loaded, org_tree, inbox,
                                                                                   office_hub):
    _drop(loaded, inbox, "1565.edxml", (FIXTURES / "document_sdk_envelope_attachment.xml").read_bytes())
    [(code, symbol, _document_id, description)] = _said(loaded, office_hub)
    assert (code, symbol) == ("02", "1565/UBND-KT")
    assert "Gói tin có 1 tệp đặt ngoài AttachmentEncoded/Attachment (1565-UBND-KT kế hoạch vốn.pdf)" in description
