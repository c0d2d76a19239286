"""A sender asks for a registered document back (edXML status 13, yêu cầu lấy lại): the request
waits for the office's clerk, who accepts it (the directive is recalled, 15 to the sender) or
refuses it with a reason (16), once, through the watched folder, the API and the fake hub
(engine.exchange.recalls). It was recorded in the history and never answered."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.directives.models import Directive, DirectiveStatus
from engine.exchange.inbox import import_folder
from engine.exchange.models import ReceivedDocument, StatusMessage
from engine.exchange.outbox import deliver_due
from engine.runtime.models import LIVE_STATUSES, WorkflowInstance
from tests.fakehub import FakeHub

FIXTURES = Path(__file__).parent.parent / "fixtures" / "edxml"
TASKS = [{"content": "Báo cáo tiến độ giải ngân", "lead_unit": "STC"}]
DOCUMENT_ID = "000.00.00.H17,2026/02/12,0000318"
ROUTE = "/imports/edxml/recall-requests"


def recall_request(description: str = "Văn bản ban hành nhầm, đề nghị trả lại") -> bytes:
    """status_13.xml as the document's issuer sends it: From the province's committee, its reason given."""
    message = (FIXTURES / "status_13.xml").read_bytes().replace(b"000.00.02.H17", b"000.00.00.H17")
    message = re.sub(rb"<edXML:OrganName>[^<]*</edXML:OrganName>",
                     "<edXML:OrganName>Ủy ban nhân dân tỉnh Đắk Lắk</edXML:OrganName>".encode(), message)
    return re.sub(rb"<edXML:Description>[^<]*", f"<edXML:Description>{description}".encode(), message)


def _registered_then_asked_back(loaded, inbox: Path, hub: FakeHub) -> int:
    """318/QĐ-UBND registered from the folder with a task for STC, its 01 and 03 sent; then its
    issuer's 13, dropped twice (the hub delivering it again). The directive's id."""
    (inbox / "0000318.edxml").write_bytes((FIXTURES / "document_new.xml").read_bytes())
    (inbox / "0000318.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert import_folder(loaded).imported == 1
    assert deliver_due(loaded.db, loaded.settings).sent == 2
    for name in ("0000318-13.edxml", "0000318-13-again.edxml"):
        (inbox / name).write_bytes(recall_request())
        assert (import_folder(loaded).imported, (inbox / "failed").exists()) == (1, False)
    with loaded.db.session() as s:
        return s.scalar(select(Directive.id).where(Directive.source_document_id == DOCUMENT_ID))


def _live(session, directive_id: int) -> list[int]:
    """The directive's processes still running (classifying it, its tasks)."""
    return list(session.scalars(select(WorkflowInstance.id).where(WorkflowInstance.directive_id == directive_id,
                                                                  WorkflowInstance.status.in_(LIVE_STATUSES))))


def _answers(hub: FakeHub) -> list[tuple[str, str, str]]:
    """(StatusCode, DocumentId, Description) of every status the hub kept after 01 and 03."""
    def element(body: bytes, name: str) -> str:
        return body.decode().split(f"<edXML:{name}>")[1].split("<")[0]
    return sorted((element(b, "StatusCode"), element(b, "DocumentId"), element(b, "Description"))
                  for b in hub.kept.values() if element(b, "StatusCode") not in ("01", "03"))


def test_an_accepted_request_recalls_the_directive_and_answers_15_once(loaded, org_tree, inbox, office_hub, as_user):
    directive_id = _registered_then_asked_back(loaded, inbox, office_hub)
    clerk = as_user("clerk")
    [listed] = clerk("GET", ROUTE).get_json()["items"]
    assert (listed["sender"]["name"], listed["directive"]["symbol"], listed["description"], listed["status"]) == (
        "Ủy ban nhân dân tỉnh Đắk Lắk", "318/QĐ-UBND", "Văn bản ban hành nhầm, đề nghị trả lại", "waiting")
    assert as_user("stc")("GET", ROUTE).status_code == 403
    assert as_user("stc")("POST", f"{ROUTE}/{listed['id']}", json={"answer": "accept"}).status_code == 403
    assert deliver_due(loaded.db, loaded.settings).sent == 0  # nothing is answered before the clerk decides
    with loaded.db.session() as s:
        assert s.get(Directive, directive_id).status != DirectiveStatus.REVOKED and _live(s, directive_id)

    accepted = clerk("POST", f"{ROUTE}/{listed['id']}", json={"answer": "accept"})
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json() == {"id": listed["id"], "status": "accepted", "directive_id": directive_id}
    assert clerk("POST", f"{ROUTE}/{listed['id']}", json={"answer": "refuse", "reason": "x"}).status_code == 409
    assert clerk("GET", ROUTE).get_json()["items"] == []
    with loaded.db.session() as s:
        assert s.get(Directive, directive_id).status == DirectiveStatus.REVOKED
        assert not _live(s, directive_id)
    assert deliver_due(loaded.db, loaded.settings).sent == 1
    assert deliver_due(loaded.db, loaded.settings).sent == 0
    assert _answers(office_hub) == [("15", DOCUMENT_ID, "Đồng ý lấy lại / cập nhật")]
    body = next(b for b in office_hub.kept.values() if b"<edXML:StatusCode>15<" in b).decode()
    assert "<edXML:OrganId>000.00.01.H17</edXML:OrganId>" in body and "<edXML:Code>318/QĐ-UBND</edXML:Code>" in body


def test_a_refusal_needs_a_reason_and_answers_16_with_it_once(loaded, org_tree, inbox, office_hub, as_user):
    directive_id = _registered_then_asked_back(loaded, inbox, office_hub)
    clerk = as_user("clerk")
    [listed] = clerk("GET", ROUTE).get_json()["items"]
    without = clerk("POST", f"{ROUTE}/{listed['id']}", json={"answer": "refuse", "reason": "  "})
    assert without.status_code == 422 and "reason" in without.get_json()["error"]["fields"]
    assert clerk("POST", f"{ROUTE}/{listed['id']}", json={"answer": "later"}).status_code == 422
    assert clerk("POST", f"{ROUTE}/999999", json={"answer": "accept"}).status_code == 404
    refused = clerk("POST", f"{ROUTE}/{listed['id']}", json={"answer": "refuse",
                                                              "reason": "Các sở đã triển khai nhiệm vụ"})
    assert refused.get_json()["status"] == "refused"
    assert clerk("POST", f"{ROUTE}/{listed['id']}", json={"answer": "accept"}).status_code == 409
    with loaded.db.session() as s:
        assert s.get(Directive, directive_id).status != DirectiveStatus.REVOKED
        assert s.scalar(select(StatusMessage.reply_to).where(StatusMessage.status_code == "16"))
    deliver_due(loaded.db, loaded.settings)
    assert _answers(office_hub) == [("16", DOCUMENT_ID, "Từ chối lấy lại / cập nhật: Các sở đã triển khai nhiệm vụ")]


@pytest.mark.usefixtures("vietnamese")
def test_a_request_about_a_document_set_aside_is_agreed_once(loaded, org_tree, inbox, office_hub, as_user):
    """318/QĐ-UBND came without tasks and its issuer's 13 waited with it in the folder; the clerk
    set the document aside (Bỏ qua): nothing was registered, so the 13 is answered 15 (đồng ý
    lấy lại), saying why, once however often the hub delivers it, and the 13 goes to done/ with
    a line in the audit trail. It went to failed/ and the sender heard nothing."""
    (inbox / "0000318.edxml").write_bytes((FIXTURES / "document_new.xml").read_bytes())
    (inbox / "0000318-13.edxml").write_bytes(recall_request())
    assert import_folder(loaded).imported == 1 and (inbox / "0000318-13.edxml").exists()  # it waits
    with loaded.db.session() as s:
        waiting = s.scalar(select(ReceivedDocument.id))
    assert as_user("clerk")("POST", f"/imports/edxml/received/{waiting}/dismiss",
                            json={"reason": "Văn bản để biết"}).status_code == 200
    assert import_folder(loaded).imported == 1
    (inbox / "0000318-13-again.edxml").write_bytes(recall_request())
    assert (import_folder(loaded).imported, (inbox / "failed").exists()) == (1, False)
    posted = as_user("clerk")("POST", "/imports/edxml", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(recall_request()), "0000318-13.edxml")})
    assert (posted.status_code, posted.get_json()["action"], posted.get_json()["changed"],
            posted.get_json()["received"]["id"]) == (200, "given_back", False, waiting)  # received before
    deliver_due(loaded.db, loaded.settings)
    assert _answers(office_hub) == [
        ("02", DOCUMENT_ID, "Từ chối tiếp nhận: Văn bản để biết"),
        ("15", DOCUMENT_ID, "Đồng ý lấy lại / cập nhật: Văn bản không được đăng ký theo dõi: Văn bản để biết")]
    with loaded.db.session() as s:
        [line] = s.scalars(select(AuditEntry).where(AuditEntry.action == "received.given_back")).all()
        assert (line.object_id, line.after["from"], line.after["document"]) == (
            str(waiting), "Ủy ban nhân dân tỉnh Đắk Lắk", "318/QĐ-UBND")


@pytest.mark.usefixtures("vietnamese")
@pytest.mark.parametrize("ended_by, status, why", [
    ("document_recall.xml", DirectiveStatus.REVOKED, "Văn bản đã được thu hồi, không còn theo dõi"),
    ("document_replace.xml", DirectiveStatus.REPLACED, "Văn bản đã được thay thế, không còn theo dõi theo văn bản này"),
])
def test_a_request_about_a_directive_already_revoked_or_replaced_is_agreed_once(
        loaded, org_tree, inbox, office_hub, as_user, ended_by, status, why):
    """318/QĐ-UBND registered with a task for STC, then recalled by its issuer (or replaced by 325/QĐ-UBND, with
    its task), then its issuer's 13: accepting it would change nothing, so it is answered 15 (đồng ý lấy lại),
    saying why, at once and once however often the hub delivers it (the same message again, or asked again in
    other words), with a line in the directive's history; nothing waits for the clerk. It waited for the clerk."""
    (inbox / "0000318.edxml").write_bytes((FIXTURES / "document_new.xml").read_bytes())
    (inbox / "0000318.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert import_folder(loaded).imported == 1
    (inbox / "0000318-end.edxml").write_bytes((FIXTURES / ended_by).read_bytes())
    (inbox / "0000318-end.json").write_text(json.dumps(TASKS), encoding="utf-8")
    assert import_folder(loaded).imported == 1
    with loaded.db.session() as s:
        directive_id = s.scalar(select(Directive.id).where(Directive.source_document_id == DOCUMENT_ID))
        assert s.get(Directive, directive_id).status == status
    deliver_due(loaded.db, loaded.settings)
    answered_before = _answers(office_hub)
    for name, words in (("0000318-13", "Văn bản ban hành nhầm"), ("0000318-13-again", "Văn bản ban hành nhầm"),
                        ("0000318-13-other", "Đề nghị trả lại văn bản")):
        (inbox / f"{name}.edxml").write_bytes(recall_request(words))
        assert (import_folder(loaded).imported, (inbox / "failed").exists()) == (1, False)
    assert as_user("clerk")("GET", ROUTE).get_json()["items"] == []
    deliver_due(loaded.db, loaded.settings)
    assert sorted(set(_answers(office_hub)) - set(answered_before)) == [
        ("15", DOCUMENT_ID, f"Đồng ý lấy lại / cập nhật: {why}")]
    assert len(_answers(office_hub)) == len(answered_before) + 1
    with loaded.db.session() as s:
        [line] = s.scalars(select(AuditEntry).where(AuditEntry.action == "directive.recall_request_agreed")).all()
        assert (line.directive_id, line.after["from"], line.after["document"], line.after["reason"]) == (
            directive_id, "Ủy ban nhân dân tỉnh Đắk Lắk", "318/QĐ-UBND", why)


@pytest.mark.usefixtures("vietnamese")
@pytest.mark.parametrize("ended_by, why, answers_the_ending", [
    ("document_recall.xml", "Văn bản đã được thu hồi, không còn theo dõi", True),
    ("document_replace.xml", "Văn bản đã được thay thế, không còn theo dõi theo văn bản này", False),
])
def test_a_waiting_request_is_agreed_once_when_its_issuer_recalls_or_replaces_the_directive(
        loaded, org_tree, inbox, office_hub, as_user, ended_by, why, answers_the_ending):
    """318/QĐ-UBND's 13 waits for the clerk; then its issuer recalls it (or replaces it by 325/QĐ-UBND): the
    request is answered 15 at once, saying why, once (the ending message delivered again answers nothing more),
    and no longer waits; the clerk's late answer is refused as already given. The issuer's recall has its own
    15 besides, as ever. It waited for the clerk, whose accepting it changed nothing."""
    directive_id = _registered_then_asked_back(loaded, inbox, office_hub)
    [waiting] = as_user("clerk")("GET", ROUTE).get_json()["items"]
    answered_before = _answers(office_hub)
    for name in ("0000318-end", "0000318-end-again"):
        (inbox / f"{name}.edxml").write_bytes((FIXTURES / ended_by).read_bytes())
        (inbox / f"{name}.json").write_text(json.dumps(TASKS), encoding="utf-8")
        assert (import_folder(loaded).imported, (inbox / "failed").exists()) == (1, False)
    assert as_user("clerk")("GET", ROUTE).get_json()["items"] == []
    deliver_due(loaded.db, loaded.settings)
    new_answers = [("15", DOCUMENT_ID, "Đồng ý lấy lại / cập nhật")] if answers_the_ending else []
    new_answers.append(("15", DOCUMENT_ID, f"Đồng ý lấy lại / cập nhật: {why}"))
    assert sorted(set(_answers(office_hub)) - set(answered_before)) == new_answers
    assert len(_answers(office_hub)) == len(answered_before) + len(new_answers)
    late = as_user("clerk")("POST", f"{ROUTE}/{waiting['id']}", json={"answer": "accept"})
    assert late.status_code == 409, late.get_json()
    with loaded.db.session() as s:
        [line] = s.scalars(select(AuditEntry).where(AuditEntry.action == "directive.recall_request_agreed")).all()
        assert (line.directive_id, line.after["reason"]) == (directive_id, why)
