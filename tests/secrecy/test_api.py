"""The register under the API (/api/v1/secret-documents): its keepers read their body's lines
and close one, once; everyone else gets 403 for the list and 404 for a line."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.secrecy.models import SecretDocument


def test_the_keeper_lists_and_reads_the_lines_of_the_body(call, register):
    listed = call("chanhvp")("GET", "/secret-documents")
    assert listed.status_code == 200, listed.get_json()
    body = listed.get_json()
    assert [line["symbol"] for line in body["items"]] == ["15/QĐ-UBND", "12/QĐ-UBND"] and body["total"] == 2
    one = call("chutich")("GET", f"/secret-documents/{register.lines['first']}").get_json()
    assert one == {
        "id": register.lines["first"], "number": "12", "symbol": "12/QĐ-UBND", "issued_on": "2026-02-12",
        "issuer": "UBND tỉnh", "secrecy": "secret", "secrecy_label": "Tối mật", "summary": None, "directive_id": None,
        "status": "open", "registered_by": "Nguyễn Văn Theo Dõi", "registered_at": one["registered_at"],
        "closed_at": None, "paper_report_due": "2026-03-31", "paper_report_reminded": None,
        "paper_report_sent_on": None, "paper_report_sent_by": None,
        "assignments": [{"seq": 1, "lead_unit": {"code": "STC", "name": "Sở Tài chính"}, "deadline": "2026-03-31"},
                        {"seq": 2, "lead_unit": {"code": "SXD", "name": "Sở Xây dựng"}, "deadline": None}]}
    second_page = call("chanhvp")("GET", "/secret-documents?per_page=1&page=2").get_json()
    assert [line["symbol"] for line in second_page["items"]] == ["12/QĐ-UBND"]
    ward = call("cvp_a")("GET", "/secret-documents").get_json()["items"]
    assert [line["symbol"] for line in ward] == ["3/QĐ-UBND-PA"]


def test_others_get_403_for_the_list_and_404_for_a_line(call, register):
    for username in ("clerk", "stc", "admin", "vt_a"):
        refused = call(username)("GET", "/secret-documents")
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden", username
        for method, suffix, kwargs in (("GET", "", {}), ("PATCH", "", {"json": {"status": "closed"}}),
                                       ("POST", "/paper-reports", {"json": {"sent_on": "12/02/2026"}})):
            answer = call(username)(method, f"/secret-documents/{register.lines['first']}{suffix}", **kwargs)
            assert answer.status_code == 404, (username, method, suffix)
    assert call("cvp_a")("PATCH", f"/secret-documents/{register.lines['first']}",
                         json={"status": "closed"}).status_code == 404  # another body's keeper
    assert call("cvp_a")("POST", f"/secret-documents/{register.lines['first']}/paper-reports",
                         json={"sent_on": "12/02/2026"}).status_code == 404
    assert call("chanhvp")("GET", f"/secret-documents/{register.lines['ward']}").status_code == 404
    with register.engine.db.session() as s:
        assert set(s.scalars(select(SecretDocument.status))) == {"open"}
        assert set(s.scalars(select(SecretDocument.paper_sent_on))) == {None}


def test_closing_applies_once_whatever_the_retries(call, register):
    keeper, path = call("chanhvp"), f"/secret-documents/{register.lines['first']}"
    bad = keeper("PATCH", path, json={"status": "open"})
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]
    assert "status" in keeper("PATCH", path, json={}).get_json()["error"]["fields"]
    key = {"Idempotency-Key": "close-12"}
    closed = keeper("PATCH", path, json={"status": "closed"}, headers=key)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed", closed.get_json()
    assert closed.get_json()["closed_at"] and closed.get_json()["paper_report_due"] is None
    replayed = keeper("PATCH", path, json={"status": "closed"}, headers=key)
    assert replayed.status_code == 200 and replayed.headers["Idempotent-Replayed"] == "true"
    again = keeper("PATCH", path, json={"status": "closed"})
    assert again.status_code == 409 and again.get_json()["error"]["message"] == "Văn bản mật này đã kết thúc theo dõi."
    with register.engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "secret_document.closed")) == 1


def test_a_paper_report_sent_is_recorded_once_and_moves_the_next_one(call, register, clock):
    """Sent on 10/03, before the quarter's reminder (24/03): the line shows it, by whom, and the next quarter's
    report; a retry with its key replays the answer, the same day again is 409, a day out of bounds 422."""
    keeper, path = call("chanhvp"), f"/secret-documents/{register.lines['first']}/paper-reports"
    clock.set(datetime(2026, 3, 10, 9, 0))
    for day, words in (("11/03/2026", "Không được sau ngày hôm nay (10/03/2026)."),
                       ("2026-02-11", "Không được trước ngày 12/02/2026.")):
        refused = keeper("POST", path, json={"sent_on": day})
        assert refused.status_code == 422 and refused.get_json()["error"]["fields"] == {"sent_on": words}, day
    assert keeper("POST", path, json={}).get_json()["error"]["fields"].keys() == {"sent_on"}
    key = {"Idempotency-Key": "paper-12-q1"}
    sent = keeper("POST", path, json={"sent_on": "10/03/2026"}, headers=key)
    assert sent.status_code == 201, sent.get_json()
    assert {k: v for k, v in sent.get_json().items() if k.startswith("paper_report")} == {
        "paper_report_due": "2026-06-30", "paper_report_reminded": None, "paper_report_sent_on": "2026-03-10",
        "paper_report_sent_by": "Trần Chánh Văn Phòng"}
    replayed = keeper("POST", path, json={"sent_on": "10/03/2026"}, headers=key)
    assert replayed.status_code == 201 and replayed.headers["Idempotent-Replayed"] == "true"
    again = keeper("POST", path, json={"sent_on": "2026-03-10"})
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "Báo cáo giấy gửi ngày 10/03/2026 đã được ghi nhận."
    assert keeper("GET", f"/secret-documents/{register.lines['first']}").get_json()["paper_report_due"] == "2026-06-30"
    assert keeper("PATCH", f"/secret-documents/{register.lines['first']}", json={"status": "closed"}).status_code == 200
    closed = keeper("POST", path, json={"sent_on": "09/03/2026"})
    assert closed.status_code == 409
    assert closed.get_json()["error"]["message"] == "Văn bản mật này đã kết thúc theo dõi."
    with register.engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "secret_document.paper_report_sent")) == 1
