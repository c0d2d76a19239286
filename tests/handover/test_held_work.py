"""Work given by name to a person who can no longer act (disabled, or ended with their unit) waited for them: nobody
else could do it. The unit's head and the office now find it (engine.handover.service.held_work) and give it to
someone in force of the unit or of the unit doing its work (`hand_over`), audited in the task's history, the new
holder told; through the API too."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.directives.models import Assignment
from engine.handover import service as handover
from engine.notifications.models import Notification
from engine.org import accounts
from engine.org import service as org
from engine.org.models import User
from tests.api.test_api import register_and_classify
from tests.conftest import PASSWORD
from tests.handover.conftest import complete, work


def account(s, username: str) -> User:
    return s.scalar(select(User).where(User.username == username))


def disable(engine, username: str) -> None:
    with engine.db.session() as s:
        accounts.set_active(s, account(s, username).id, False, account(s, "admin"))


def held(engine, viewer: str, holder: str | None = None) -> list[handover.Held]:
    """What `viewer` may hand over (of `holder`'s only, when given): usernames."""
    with engine.db.reading() as s:
        return handover.held_work(s, account(s, viewer), account(s, holder).id if holder else None)


def hand_over(engine, actor: str, found: handover.Held, to: str) -> None:
    with engine.db.session() as s:
        handover.hand_over(s, account(s, actor), found.kind, found.record_id, found.holder.username, to)


def test_a_hand_over_given_to_a_disabled_officer_is_handed_to_a_colleague_who_does_it(province, call, inspected):
    engine = province[0]
    item = work(call("stcns"), "inspection_hand_over")
    with engine.db.session() as s:  # a newcomer, after the hand-over was given to the section's officer by name
        org.create_user(s, "stcns2", PASSWORD, "Đặng Ngân Sách Mới", "STC-NS", ["unit_officer"])
    disable(engine, "stcns")
    for viewer in ("stc_gd", "clerk", "admin"):  # the unit's head (the department above the section), the office
        [found] = held(engine, viewer)
        assert (found.kind, found.record_id, found.holder.full_name, found.why, found.ended_on) == (
            "work_item", item["id"], "Lý Ngân Sách", "disabled", None)
        assert found.inspection == "Kiểm tra nội bộ Phòng Ngân sách"
    for viewer in ("stc", "sxd", "stcns2"):  # not the unit's head
        assert held(engine, viewer) == []
    with engine.db.reading() as s:
        assert [u.full_name for u in handover.candidates(s, found)] == ["Đặng Ngân Sách Mới"]

    with pytest.raises(handover.HandOverError) as refused:  # not of the section
        hand_over(engine, "stc_gd", found, "sxd")
    assert refused.value.field == "user"
    with pytest.raises(handover.HandOverError) as refused:  # an officer of the department is not its head
        hand_over(engine, "stc", found, "stcns2")
    assert refused.value.field == "id"
    hand_over(engine, "stc_gd", found, "stcns2")

    assert held(engine, "stc_gd") == []
    with engine.db.reading() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "work.handed_over"))
        assert (entry.object_type, entry.object_id) == ("inspection", str(inspected))
        assert entry.after == {"held_by": "Lý Ngân Sách", "given_to": "Đặng Ngân Sách Mới",
                               "step": item["title"]}
        told = s.scalar(select(Notification).where(Notification.user_id == account(s, "stcns2").id,
                                                   Notification.kind == "handed_over"))
        assert told.subject == "Anh/Chị được chuyển công việc của Lý Ngân Sách"
        assert told.link == f"/work/{item['id']}"
    complete(call("stcns2"), "inspection_hand_over", {"hand_over_note": "Báo cáo của phòng"})


def test_the_findings_of_a_team_whose_unit_ended_go_to_the_unit_doing_its_work(province, call, inspected, clock,
                                                                                browser):
    """Sở Tài chính's officer, alone on the team, ends with his department, merged into Sở Xây dựng from
    16/04/2026: the findings wait for him until the office gives them to Sở Xây dựng's officer."""
    engine = province[0]
    with engine.db.session() as s:
        org.retire_unit(s, "STC", date(2026, 4, 16), "SXD")
    assert held(engine, "clerk", "stc") == []  # still in force today
    clock.set(datetime(2026, 4, 16, 9, 0))
    [found] = held(engine, "clerk", "stc")
    assert (found.holder.full_name, found.why, found.ended_on) == ("Phạm Chuyên Viên", "unit_ended", date(2026, 4, 16))
    page = browser("clerk").get("/today").get_data(as_text=True)
    assert "Phạm Chuyên Viên" in page and "Sở Tài chính thôi hoạt động từ ngày 16/04/2026" in page
    with engine.db.reading() as s:
        assert {u.username for u in handover.candidates(s, found)} == {"sxd"}
    with pytest.raises(handover.HandOverError):
        hand_over(engine, "clerk", found, "stc_gd")  # ended with the department too
    hand_over(engine, "clerk", found, "sxd")
    clock.set(datetime(2026, 4, 23, 16, 0))
    complete(call("sxd"), "inspection_findings", {"ended_on": "23/04/2026", "findings": "Đúng tiến độ"})


def test_a_task_followed_up_by_a_clerk_who_left_is_given_to_another_clerk(province, call):
    engine = province[0]
    with engine.db.session() as s:
        org.create_user(s, "clerk2", PASSWORD, "Hà Theo Dõi", "VP", ["clerk"])
    body = {"symbol": "45/2026/QĐ-UBND", "issued_on": "12/04/2026", "issuer": "UBND tỉnh", "summary": "Về việc X",
            "assignments": [{"content": "Báo cáo tình hình", "lead_unit": "STC", "deadline_days": 5,
                             "follow_up_officer": "clerk2"}]}
    register_and_classify(call("clerk"), body)
    disable(engine, "clerk2")
    [found] = held(engine, "chanhvp")
    assert (found.kind, found.holder.full_name, found.why) == ("follow_up", "Hà Theo Dõi", "disabled")
    assert held(engine, "stc_gd") == []  # the office's work, not the department's
    with pytest.raises(handover.HandOverError):
        hand_over(engine, "chanhvp", found, "stc")
    hand_over(engine, "chanhvp", found, "clerk")
    with engine.db.reading() as s:
        assert s.get(Assignment, found.record_id).follow_up_officer_id == account(s, "clerk").id
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "work.handed_over"))
        assert (entry.assignment_id, entry.after["given_to"]) == (found.record_id, "Nguyễn Văn Theo Dõi")


def newcomer_and_disabled(engine) -> None:
    """Phòng Ngân sách's newcomer arrives after the hand-over was given by name to its officer, then disabled."""
    with engine.db.session() as s:
        org.create_user(s, "stcns2", PASSWORD, "Đặng Ngân Sách Mới", "STC-NS", ["unit_officer"])
    disable(engine, "stcns")


def test_the_api_lists_held_work_and_hands_it_over_naming_the_field_it_refuses(province, call, inspected, vietnamese):
    engine = province[0]
    item = work(call("stcns"), "inspection_hand_over")
    newcomer_and_disabled(engine)
    [listed] = call("stc_gd")("GET", "/held-work").get_json()["items"]
    assert listed == {"kind": "work_item", "id": item["id"], "step": item["title"], "unit": "STC-NS",
                      "holder": {"username": "stcns", "full_name": "Lý Ngân Sách"}, "why": "disabled",
                      "ended_on": None, "assignment_id": None, "directive_id": None, "inspection_id": inspected,
                      "candidates": [{"username": "stcns2", "full_name": "Đặng Ngân Sách Mới"}]}
    assert call("stc")("GET", "/held-work").get_json()["items"] == []

    body = {"kind": "work_item", "id": item["id"], "holder": "stcns"}
    head = call("stc_gd")
    for bad, field in (({**body, "user": "sxd"}, "user"), (body, "user"), ({**body, "user": "stcns2", "id": "x"}, "id"),
                       ({**body, "user": "stcns2", "kind": "step"}, "kind")):
        refused = head("POST", "/held-work/hand-over", json=bad)
        assert refused.status_code == 422 and list(refused.get_json()["error"]["fields"]) == [field], bad
    assert head("POST", "/held-work/hand-over", json={**body, "user": "sxd"}).get_json()["error"]["fields"] == {
        "user": "Chọn một người đang làm việc tại đơn vị (hoặc đơn vị nay làm công việc của đơn vị đó) để nhận "
                "công việc này."}
    for outsider in ("stc", "sxd"):  # not the unit's head: as if there were nothing there
        refused = call(outsider)("POST", "/held-work/hand-over", json={**body, "user": "stcns2"})
        assert refused.status_code == 422 and list(refused.get_json()["error"]["fields"]) == ["id"]
    assert head("GET", "/held-work").get_json()["items"] == [listed]  # nothing half-written: still held
    assert call("stcns2")("GET", "/work-items").get_json()["items"] == []

    done = head("POST", "/held-work/hand-over", json={**body, "user": "stcns2"})
    assert done.status_code == 200 and done.get_json()["holder"]["full_name"] == "Lý Ngân Sách"
    assert head("POST", "/held-work/hand-over", json={**body, "user": "stcns2"}).status_code == 422  # not twice
    complete(call("stcns2"), "inspection_hand_over", {"hand_over_note": "Báo cáo của phòng"})


def test_the_pages_show_held_work_where_the_head_and_the_office_look_and_hand_it_over(province, call, inspected,
                                                                                      browser):
    """Disabling the officer on the users page tells the administrator what he holds and offers the hand-over; the
    department's head sees it in the inbox, the office on its day; the inspection's history reads it in words."""
    engine = province[0]
    item = work(call("stcns"), "inspection_hand_over")
    with engine.db.session() as s:
        org.create_user(s, "stcns2", PASSWORD, "Đặng Ngân Sách Mới", "STC-NS", ["unit_officer"])
        officer_id = account(s, "stcns").id
    admin = browser("admin")
    disabled = admin.post(f"/admin/users/{officer_id}/active", page="/admin/users")
    assert disabled.status_code == 302 and disabled.location.endswith(f"/admin/users/{officer_id}")
    page = admin.get(disabled.location).get_data(as_text=True)
    assert ("Lý Ngân Sách đang giữ 1 công việc được giao đích danh mà không ai khác làm được: chuyển cho người khác "
            "ở mục dưới đây.") in page
    assert 'id="held-work"' in page and "Tài khoản đã bị khóa" in page and item["title"] in page

    head, office = browser("stc_gd"), browser("clerk")
    for b, path in ((head, "/inbox"), (office, "/today")):
        page = b.get(path).get_data(as_text=True)
        assert "Công việc của người không còn xử lý được" in page and "Lý Ngân Sách" in page, path
        assert "Kiểm tra nội bộ Phòng Ngân sách" in page
        assert '<option value="stcns2">Đặng Ngân Sách Mới</option>' in page
    assert 'id="held-work"' not in browser("stc").get("/inbox").get_data(as_text=True)

    form = {"kind": "work_item", "id": str(item["id"]), "holder": "stcns", "next": "/inbox"}
    refused = head.post("/held-work/hand-over", {**form, "user": "sxd"}, page="/inbox")
    assert refused.status_code == 422
    assert "Người nhận công việc: Chọn một người đang làm việc tại đơn vị" in refused.get_data(as_text=True)
    done = head.post("/held-work/hand-over", {**form, "user": "stcns2"}, page="/inbox")
    assert done.status_code == 302 and done.location.endswith("/inbox")
    page = head.get("/inbox").get_data(as_text=True)
    assert "Đã chuyển công việc của Lý Ngân Sách; người nhận đã được thông báo." in page
    assert 'id="held-work"' not in page
    history = head.get(f"/inspections/{inspected}").get_data(as_text=True)
    assert "Chuyển công việc của Lý Ngân Sách cho Đặng Ngân Sách Mới" in history
    assert f'href="/work/{item["id"]}"' in browser("stcns2").get("/inbox").get_data(as_text=True)
