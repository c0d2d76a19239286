"""A message the watched folder refuses to failed/ is answered to its sender, once per message,
where its header names the sender: 02 (từ chối tiếp nhận) for a document, 16 (từ chối lấy lại /
cập nhật) for a recall or an update, with the reason in the clerk's Vietnamese words, naming the
element or field (engine.exchange.received.refused). The sender never learned it before."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.exchange.inbox import import_folder
from engine.exchange.outbox import deliver_due
from tests.fakehub import FakeHub

FIXTURES = Path(__file__).parent.parent / "fixtures" / "edxml"
NEW = (FIXTURES / "document_new.xml").read_bytes()
DOCUMENT_ID = "000.00.00.H17,2026/02/12,0000318"
BAD_DUE = NEW.replace(b"<edXML:DueDate>31/03/2026", b"<edXML:DueDate>31/13/2026")


pytestmark = pytest.mark.usefixtures("vietnamese")


def _drop(loaded, inbox: Path, name: str, data: bytes, tasks: list | None = None) -> None:
    """The message into the folder and one scheduler tick, which refuses it to failed/."""
    (inbox / name).write_bytes(data)
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
    and drops the message again. A status, a message without From/OrganId, one not
    well-formed: nobody to tell, or nothing to answer. A second copy of a registered document
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
