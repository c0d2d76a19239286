"""The office's page of documents from the hub waiting to be registered (văn bản đến chờ
đăng ký): listed with a count in the menu, registered with assignments once, or dismissed."""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.directives.models import Directive
from engine.exchange import received
from engine.exchange.inbox import import_folder
from engine.exchange.models import RecallRequest, ReceivedDocument
from tests.api.test_edxml_recall_requests import recall_request
from tests.proposals.texts import notice_docx

SDK = Path(__file__).parent.parent / "fixtures" / "edxml" / "document_sdk.xml"


def _waiting(loaded, tmp_path, message: bytes = SDK.read_bytes()) -> int:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    (inbox / "a.edxml").write_bytes(message)
    import_folder(loaded)
    with loaded.db.session() as s:
        return s.scalar(select(ReceivedDocument.id))


def _directives(loaded) -> int:
    with loaded.db.session() as s:
        return s.scalar(select(func.count(Directive.id)))


def test_the_office_sees_it_with_a_count_and_registers_it_once(loaded, browser, tmp_path):
    row_id = _waiting(loaded, tmp_path)
    clerk = browser("clerk")
    listed = clerk.get("/directives/received").get_data(as_text=True)
    assert "Văn bản đến chờ đăng ký" in listed and '<span class="badge">1</span>' in listed
    assert "1520/UBND-KT" in listed and "30/11/2026" in listed
    page = clerk.get(f"/directives/received/{row_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Đăng ký" in html and f"/directives/received/{row_id}/files/0" in html
    assert clerk.get(f"/directives/received/{row_id}/files/0").status_code == 200
    form = {"a-0-content": "Báo cáo tiến độ giải ngân", "a-0-lead_unit": "STC"}
    done = clerk.post(f"/directives/received/{row_id}", form)
    assert done.status_code == 302 and "/directives/" in done.location
    again = clerk.post(f"/directives/received/{row_id}", form, page="/directives/received")
    assert again.status_code in (302, 303) and _directives(loaded) == 1
    assert "1520/UBND-KT" not in clerk.get("/directives/received").get_data(as_text=True)


def test_a_task_given_a_deadline_on_a_day_off_is_registered_with_a_warning(loaded, browser, tmp_path):
    """The document is dated 30/11/2026; its task due Sun 06/12/2026 is registered as written, and the page says
    the working day it runs to (Bộ luật Dân sự 2015, Đ.148 k.5), as registration does."""
    row_id = _waiting(loaded, tmp_path)
    done = browser("clerk").post(f"/directives/received/{row_id}", {
        "a-0-content": "Báo cáo tiến độ giải ngân", "a-0-lead_unit": "STC", "a-0-deadline": "06/12/2026"},
        follow_redirects=True)
    assert ('<div class="flash warning" role="alert">Nhiệm vụ 1: hạn 06/12/2026 là ngày nghỉ; theo Điều 148 Bộ luật '
            'Dân sự, hạn được tính đến hết ngày làm việc tiếp theo 07/12/2026.</div>') in done.get_data(as_text=True)


def test_the_assignments_are_proposed_from_its_document_each_with_its_sentence(loaded, browser, tmp_path):
    with_docx = re.sub(rb"<ContentTransferEncoded>.*?</ContentTransferEncoded>(\s*)<AttachmentName>[^<]*",
                       b"<ContentTransferEncoded>" + base64.b64encode(notice_docx())
                       + b"</ContentTransferEncoded>\\1<AttachmentName>thong-bao.docx", SDK.read_bytes(), flags=re.S)
    html = browser("clerk").get(f"/directives/received/{_waiting(loaded, tmp_path, with_docx)}").get_data(as_text=True)
    assert html.count("Trích từ văn bản:") == 4 and 'name="a-3-content"' in html


def test_a_refused_registration_says_why_and_keeps_it(loaded, browser, tmp_path):
    row_id = _waiting(loaded, tmp_path)
    refused = browser("clerk").post(f"/directives/received/{row_id}", {"a-0-content": "Báo cáo",
                                                                         "a-0-lead_unit": "XYZ"})
    assert refused.status_code == 422 and "XYZ" in refused.get_data(as_text=True)
    assert _directives(loaded) == 0


def test_dismissed_with_a_reason_only(loaded, browser, tmp_path):
    row_id = _waiting(loaded, tmp_path)
    clerk = browser("clerk")
    page = f"/directives/received/{row_id}"
    # Bỏ qua answers the sender 02 with the reason (docs/import.md): the clerk reads it before
    assert "Cơ quan gửi được báo văn bản bị từ chối tiếp nhận (trạng thái 02), kèm lý do này." in \
        clerk.get(page).get_data(as_text=True)
    clerk.post(f"{page}/dismiss", {"reason": ""}, page=page)
    with loaded.db.session() as s:
        assert s.get(ReceivedDocument, row_id).status == received.WAITING
    clerk.post(f"{page}/dismiss", {"reason": "Văn bản để biết"}, page=page)
    with loaded.db.session() as s:
        assert s.get(ReceivedDocument, row_id).status == received.DISMISSED


def test_unit_staff_do_not_see_it(loaded, browser, tmp_path):
    row_id = _waiting(loaded, tmp_path)
    stc = browser("stc")
    assert "Văn bản đến chờ đăng ký" not in stc.get("/inbox").get_data(as_text=True)
    assert stc.get(f"/directives/received/{row_id}").status_code == 403


def _registered_318(loaded, tmp_path) -> Path:
    """318/QĐ-UBND registered from the watched folder with a task for STC; the folder."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    loaded.settings.edxml_inbox_dir, loaded.settings.edxml_inbox_user = str(inbox), "clerk"
    (inbox / "a.edxml").write_bytes((SDK.parent / "document_new.xml").read_bytes())
    (inbox / "a.json").write_text('[{"content": "Báo cáo tiến độ", "lead_unit": "STC"}]', encoding="utf-8")
    import_folder(loaded)
    return inbox


def test_a_replacement_says_which_registered_directive_it_replaces(loaded, browser, tmp_path):
    """Registering it withdraws the open tasks of a directive the list did not name."""
    inbox = _registered_318(loaded, tmp_path)
    (inbox / "b.edxml").write_bytes((SDK.parent / "document_replace.xml").read_bytes())
    import_folder(loaded)
    with loaded.db.session() as s:
        row_id = s.scalar(select(ReceivedDocument.id))
        old_id = s.scalar(select(Directive.id).where(Directive.symbol == "318/QĐ-UBND"))
    clerk = browser("clerk")
    assert "Thay thế văn bản đã đăng ký 318/QĐ-UBND" in clerk.get("/directives/received").get_data(as_text=True)
    html = clerk.get(f"/directives/received/{row_id}").get_data(as_text=True)
    assert "các nhiệm vụ chưa hoàn thành của văn bản đó bị thu hồi" in html and f"/directives/{old_id}\"" in html


def test_a_document_dated_after_today_is_flagged_before_it_is_registered(loaded, browser, tmp_path):
    """The hub's document dated 30/11/2026 on 12/02/2026 (the sender's clock or a typo): it is
    taken as dated, so the list and its register page warn the clerk to check with the sender
    before the deadlines counted from that day are set; one dated today is not flagged."""
    ahead = _waiting(loaded, tmp_path)
    clerk = browser("clerk")
    listed = clerk.get("/directives/received").get_data(as_text=True)
    assert listed.count('class="badge warning dated-ahead"') == 1 and "Ngày ban hành sau hôm nay" in listed
    page = clerk.get(f"/directives/received/{ahead}").get_data(as_text=True)
    assert 'id="dated-ahead"' in page
    assert "ngày ban hành 30/11/2026, sau hôm nay (12/02/2026)" in page and "kiểm tra với nơi gửi" in page
    (tmp_path / "inbox" / "b.edxml").write_bytes((SDK.parent / "document_new.xml").read_bytes())
    import_folder(loaded)
    [today] = [row.id for row in _rows(loaded) if row.id != ahead]
    assert 'id="dated-ahead"' not in clerk.get(f"/directives/received/{today}").get_data(as_text=True)
    assert clerk.get("/directives/received").get_data(as_text=True).count("dated-ahead") == 1


def _rows(loaded) -> list[ReceivedDocument]:
    with loaded.db.session() as s:
        return list(s.scalars(select(ReceivedDocument)))


def _asked_back(loaded, tmp_path) -> tuple[int, int]:
    """318/QĐ-UBND registered from the folder, then its issuer's 13: (the directive's id, the request's)."""
    inbox = _registered_318(loaded, tmp_path)
    (inbox / "b.edxml").write_bytes(recall_request())
    assert import_folder(loaded).imported == 1
    with loaded.db.session() as s:
        directive_id = s.scalar(select(Directive.id).where(Directive.symbol == "318/QĐ-UBND"))
        request_id = s.scalar(select(RecallRequest.id))
    return directive_id, request_id


def test_a_senders_recall_request_is_answered_on_the_page_and_read_in_the_history(loaded, browser, tmp_path):
    """The issuer asks for 318/QĐ-UBND back (status 13): the clerk reads who asks for which
    document, refuses only with a reason, and the directive's history names both in words."""
    directive_id, request_id = _asked_back(loaded, tmp_path)
    clerk = browser("clerk")
    listed = clerk.get("/directives/received").get_data(as_text=True)
    assert "Yêu cầu lấy lại văn bản" in listed and '<span class="badge">1</span>' in listed
    assert "Ủy ban nhân dân tỉnh Đắk Lắk" in listed and "318/QĐ-UBND" in listed and "12/02/2026" in listed
    assert "Văn bản ban hành nhầm, đề nghị trả lại" in listed
    assert browser("stc").post(f"/directives/received/recall-requests/{request_id}",
                               {"answer": "accept"}, page="/inbox").status_code == 403
    page, answer = "/directives/received", f"/directives/received/recall-requests/{request_id}"
    blank = clerk.post(answer, {"answer": "refuse", "reason": " "}, page=page)
    assert blank.status_code == 303
    assert "Ghi lý do không trả lại văn bản." in clerk.get(page).get_data(as_text=True)
    assert clerk.post(answer, {"answer": "refuse", "reason": "Các sở đã triển khai"}, page=page).status_code == 303
    assert "Đã từ chối yêu cầu lấy lại văn bản." in clerk.get(page).get_data(as_text=True)
    assert "Ủy ban nhân dân tỉnh Đắk Lắk" not in clerk.get(page).get_data(as_text=True)
    history = clerk.get(f"/directives/{directive_id}").get_data(as_text=True)
    assert "Từ chối yêu cầu lấy lại văn bản của cơ quan gửi (edXML)" in history
    assert all(words in history for words in ("Cơ quan gửi", "Ủy ban nhân dân tỉnh Đắk Lắk", "Các sở đã triển khai"))


def test_the_menu_counts_only_the_recall_requests_the_reader_may_see(loaded, browser, tmp_path):
    """318/QĐ-UBND marked secret (mật): its sender's 13 is listed for the clerk who registered it,
    not for the office head the ruleset does not let read secret directives, and the menu's badge
    beside "Văn bản đến chờ đăng ký" counts what each one's list shows (it counted every request)."""
    inbox = _registered_318(loaded, tmp_path)
    with loaded.db.session() as s:
        s.scalars(select(Directive).where(Directive.symbol == "318/QĐ-UBND")).one().secrecy = "confidential"
    (inbox / "b.edxml").write_bytes(recall_request())
    assert import_folder(loaded).imported == 1
    seen = browser("clerk").get("/directives/received").get_data(as_text=True)
    assert "318/QĐ-UBND" in seen and '<span class="badge">1</span>' in seen
    unseen = browser("chanhvp").get("/directives/received").get_data(as_text=True)
    assert "Văn bản đến chờ đăng ký" in unseen and "318/QĐ-UBND" not in unseen
    assert 'class="badge"' not in unseen


WORDS = "Văn bản ban hành nhầm, đề nghị trả lại"  # the sender's Description
ASKED_BACK = {"vi": f"Ủy ban nhân dân tỉnh Đắk Lắk yêu cầu lấy lại văn bản: {WORDS}",
              None: f"Ủy ban nhân dân tỉnh Đắk Lắk asked to have the document back: {WORDS}"}


@pytest.mark.parametrize("language", ["vi", None])
def test_a_given_back_directive_says_who_asked_in_the_catalogues_words(language, loaded, browser, tmp_path,
                                                                        request):
    """The clerk gives 318/QĐ-UBND back: its withdrawn task and its history say who asked, and
    their words, as the catalogue `dondoc` installs for the engine words it (engine.translation),
    or the engine alone its English msgid; it wrote its own Vietnamese past the catalogue."""
    if language:
        request.getfixturevalue("vietnamese")
    directive_id, request_id = _asked_back(loaded, tmp_path)
    clerk = browser("clerk")
    assert clerk.post(f"/directives/received/recall-requests/{request_id}", {"answer": "accept"},
                      page="/directives/received").status_code == 303
    history = clerk.get(f"/directives/{directive_id}").get_data(as_text=True)
    assert history.count(ASKED_BACK[language]) >= 2  # the withdrawn task's reason, and the recall's line
    with loaded.db.session() as s:
        reasons = s.scalars(select(AuditEntry.after["reason"].as_string()).where(
            AuditEntry.directive_id == directive_id, AuditEntry.after["reason"].as_string().is_not(None))).all()
    assert reasons and set(reasons) == {ASKED_BACK[language]}
