"""Sub-assignment: Sở Tài chính passes its assignment to its section Phòng Ngân sách, whose
reports roll up into the department's assignment."""
from __future__ import annotations

from sqlalchemy import select

from engine.directives.models import Assignment
from engine.notifications.models import Notification
from engine.org import service as org
from tests.api.test_api import DIRECTIVE, register_and_classify
from tests.conftest import PASSWORD


def _stc_task_with_a_section(as_user, loaded) -> tuple:
    """STC's task (registered and classified) and an officer of its section STC-NS: the callers
    clerk, STC's head, the section's officer, SXD's officer, and the task's id."""
    with loaded.db.session() as s:
        org.create_user(s, "ns", PASSWORD, "Chuyên viên Phòng Ngân sách", "STC-NS", ["unit_officer"])
    clerk, head, ns, sxd = as_user("clerk"), as_user("stc_gd"), as_user("ns"), as_user("sxd")
    register_and_classify(clerk, {**DIRECTIVE, "assignments": [{"content": "Báo cáo quyết toán", "lead_unit": "STC",
                                                                 "deadline": "2026-03-31"}]})
    return clerk, head, ns, sxd, head("GET", "/assignments").get_json()["items"][0]["id"]


def test_a_unit_passes_its_assignment_to_a_section(as_user, loaded):
    clerk, head, ns, sxd, parent_id = _stc_task_with_a_section(as_user, loaded)
    url = f"/assignments/{parent_id}/sub-assignments"

    late = head("POST", url, json={"items": [{"unit": "STC-NS", "deadline": "2026-04-15"}]})
    assert late.status_code == 422 and "31/03/2026" in late.get_json()["error"]["fields"]["items[0].deadline"]
    past = head("POST", url, json={"items": [{"unit": "STC-NS", "deadline": "01/02/2026"}]})  # a share born overdue
    assert past.status_code == 422, past.get_json()
    assert past.get_json()["error"]["fields"]["items[0].deadline"] == \
        "Phần việc 1: thời hạn không được trước ngày hôm nay (12/02/2026)."
    outside = head("POST", url, json={"items": [{"unit": "STC-NS"}, {"unit": "SXD"}]})  # the bad one is named
    assert outside.status_code == 422 and list(outside.get_json()["error"]["fields"]) == ["items[1].unit"]
    assert clerk("POST", url, json={"items": [{"unit": "STC-NS"}]}).status_code == 403
    assert sxd("POST", url, json={"items": [{"unit": "STC-NS"}]}).status_code == 404

    passed = head("POST", url, json={"items": [{"unit": "STC-NS", "content": "Tổng hợp số liệu",
                                                "deadline": "2026-03-20"}]})
    assert passed.status_code == 201, passed.get_json()
    [child] = passed.get_json()["items"]
    assert (child["parent_id"], child["lead_unit"], child["deadline"]) == (parent_id, "STC-NS", "2026-03-20")
    assert [c["id"] for c in head("GET", url).get_json()["items"]] == [child["id"]]
    assert sxd("GET", url).status_code == 404
    # the same share again (a double-click) is refused, naming the section; other content is a new share
    twice = head("POST", url, json={"items": [{"unit": "STC-NS", "content": "Tổng hợp số liệu"}]})
    assert twice.status_code == 422 and twice.get_json()["error"]["fields"] == {
        "items[0].unit": "Phần việc 1: Phòng Ngân sách đã được giao phần việc này."}
    both = head("POST", url, json={"items": [{"unit": "STC-NS", "content": "Rà soát"},
                                             {"unit": "STC-NS", "content": "Rà soát"}]})
    assert both.status_code == 422 and list(both.get_json()["error"]["fields"]) == ["items[1].unit"]
    assert [c["id"] for c in head("GET", url).get_json()["items"]] == [child["id"]]  # nothing half-given

    inbox = ns("GET", "/work-items").get_json()["items"]
    assert [i["assignment_id"] for i in inbox] == [child["id"]]
    assert head("GET", f"/assignments/{parent_id}").get_json()["progress"] == "not_started"
    assert ns("POST", f"/assignments/{child['id']}/progress", json={"progress": "in_progress"}).status_code == 201
    assert head("GET", f"/assignments/{parent_id}").get_json()["progress"] == "in_progress"
    assert ns("POST", f"/assignments/{child['id']}/progress", json={"progress": "done"}).status_code == 201
    with loaded.db.session() as s:
        parent = s.get(Assignment, parent_id)
        # The sections are done; the department still confirms "done" upward itself.
        assert (parent.progress, parent.completed_on) == ("in_progress", None)
        told = s.scalars(select(Notification.user_id).where(Notification.kind == "subassignments_done")).all()
        assert set(told) == {u.id for u in org.users_by_name(s, ["stc", "stc_gd"])}
    assert ns("GET", "/work-items").get_json()["total"] == 0
    # its process ended with the section's "done": so does the share, not left open in the registry for ever
    [share] = head("GET", url).get_json()["items"]
    assert (share["status"], share["closed_on"]) == ("closed", share["completed_on"]), share


def test_a_new_lead_unit_takes_the_task_without_the_old_leads_sections(as_user, loaded):
    """Adjusting (or correcting a return to) another lead unit: the old lead's sections' shares
    end with its part, not left running under the new lead (listed as its shares, their reports
    rolled into its progress, the section still urged and asked to report)."""
    clerk, head, ns, sxd, parent_id = _stc_task_with_a_section(as_user, loaded)
    url = f"/assignments/{parent_id}/sub-assignments"
    [child] = head("POST", url, json={"items": [{"unit": "STC-NS"}]}).get_json()["items"]
    kept = clerk("POST", f"/assignments/{parent_id}/adjust",
                 json={"new_content": "Báo cáo quyết toán năm", "correction_note": "Rõ nội dung",
                       "instruction": "Chủ tịch UBND tỉnh"})
    assert kept.status_code == 200 and head("GET", url).get_json()["items"][0]["status"] == "open"

    moved = clerk("POST", f"/assignments/{parent_id}/adjust",
                  json={"new_lead_unit": "SXD", "correction_note": "Giao Sở Xây dựng",
                        "instruction": "Chủ tịch UBND tỉnh"})
    assert moved.status_code == 200, moved.get_json()
    assert sxd("GET", url).get_json()["items"] == []
    assert ns("GET", "/work-items").get_json()["total"] == 0
    assert ns("GET", f"/assignments/{child['id']}").get_json()["status"] == "cancelled"
    with loaded.db.session() as s:
        told = s.scalars(select(Notification.user_id).where(Notification.kind == "withdrawn")).all()
        assert told == [org.users_by_name(s, ["ns"])[0].id]


def test_a_coordinating_unit_does_not_read_the_lead_units_shares(as_user, loaded):
    """How the lead unit divides its task is its own affair and the office's: the page showed a
    coordinating unit no shares, the API listed them all (and 404 on each)."""
    clerk, head, sxd = as_user("clerk"), as_user("stc_gd"), as_user("sxd")
    register_and_classify(clerk, {**DIRECTIVE, "assignments": [{"content": "Báo cáo quyết toán", "lead_unit": "STC",
                                                                 "coordinating_units": ["SXD"]}]})
    parent_id = head("GET", "/assignments").get_json()["items"][0]["id"]
    url = f"/assignments/{parent_id}/sub-assignments"
    assert head("POST", url, json={"items": [{"unit": "STC-NS"}]}).status_code == 201
    assert len(head("GET", url).get_json()["items"]) == len(clerk("GET", url).get_json()["items"]) == 1
    assert sxd("GET", f"/assignments/{parent_id}").status_code == 200
    assert sxd("GET", url).get_json()["items"] == []


def test_a_coordinating_unit_is_told_why_it_may_not_pass_the_task_down(as_user, loaded):
    """It sees the assignment: "Nhiệm vụ 1 không tồn tại" told it something false (as extensions did)."""
    clerk, sxd = as_user("clerk"), as_user("sxd")
    register_and_classify(clerk, {**DIRECTIVE, "assignments": [{"content": "Báo cáo quyết toán", "lead_unit": "STC",
                                                                 "coordinating_units": ["SXD"]}]})
    parent_id = clerk("GET", "/assignments").get_json()["items"][0]["id"]
    assert sxd("GET", f"/assignments/{parent_id}").status_code == 200
    refused = sxd("POST", f"/assignments/{parent_id}/sub-assignments", json={"items": [{"unit": "STC-NS"}]})
    assert refused.status_code == 403, refused.get_json()
    assert refused.get_json()["error"]["message"] == "Chỉ đơn vị chủ trì được giao tiếp nhiệm vụ xuống các phòng."


def test_withdrawing_a_share_rolls_the_others_up(as_user, loaded):
    """The leader withdraws the one share not yet done: the task follows the shares left, all
    done (the unit is told, as when the last section reports), not the withdrawn one for ever."""
    _clerk, head, ns, _sxd, parent_id = _stc_task_with_a_section(as_user, loaded)
    url = f"/assignments/{parent_id}/sub-assignments"
    shares = [{"unit": "STC-NS", "content": "Số liệu thu"}, {"unit": "STC-NS", "content": "Số liệu chi"}]
    done, dropped = head("POST", url, json={"items": shares}).get_json()["items"]
    assert ns("POST", f"/assignments/{dropped['id']}/progress", json={"progress": "in_progress"}).status_code == 201
    assert ns("POST", f"/assignments/{done['id']}/progress", json={"progress": "done"}).status_code == 201
    with loaded.db.session() as s:
        assert not s.scalars(select(Notification.id).where(Notification.kind == "subassignments_done")).all()

    withdrawn = as_user("chutich")("POST", f"/assignments/{dropped['id']}/withdraw", json={"reason": "Không cần nữa"})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    with loaded.db.session() as s:
        assert s.get_one(Assignment, parent_id).progress == "in_progress"
        told = s.scalars(select(Notification.user_id).where(Notification.kind == "subassignments_done")).all()
        assert set(told) == {u.id for u in org.users_by_name(s, ["stc", "stc_gd"])}


def test_the_old_leads_finished_shares_are_not_the_new_leads(as_user, loaded):
    """A share the old lead's section finished stays its history, not a share of the task
    under its new lead: SXD listed STC-NS's closed share (and got 404 opening it)."""
    clerk, head, ns, sxd, parent_id = _stc_task_with_a_section(as_user, loaded)
    url = f"/assignments/{parent_id}/sub-assignments"
    [child] = head("POST", url, json={"items": [{"unit": "STC-NS"}]}).get_json()["items"]
    assert ns("POST", f"/assignments/{child['id']}/progress", json={"progress": "done"}).status_code == 201
    moved = clerk("POST", f"/assignments/{parent_id}/adjust",
                  json={"new_lead_unit": "SXD", "correction_note": "Giao Sở Xây dựng",
                        "instruction": "Chủ tịch UBND tỉnh"})
    assert moved.status_code == 200, moved.get_json()
    assert sxd("GET", url).get_json()["items"] == clerk("GET", url).get_json()["items"] == []
    assert ns("GET", f"/assignments/{child['id']}").get_json()["status"] == "closed"


def test_the_unit_withdraws_its_own_share(as_user, loaded):
    """The unit that passed a share down withdraws it without the leader's instruction; the
    section does not drop its share, nor does another unit touch it."""
    with loaded.db.session() as s:
        org.create_user(s, "ns_head", PASSWORD, "Trưởng Phòng Ngân sách", "STC-NS", ["unit_head"])
    _clerk, head, ns, sxd, parent_id = _stc_task_with_a_section(as_user, loaded)
    [child] = head("POST", f"/assignments/{parent_id}/sub-assignments",
                   json={"items": [{"unit": "STC-NS"}]}).get_json()["items"]
    url = f"/assignments/{child['id']}/withdraw"
    assert as_user("ns_head")("POST", url, json={"reason": "Không làm"}).status_code == 403
    assert sxd("POST", url, json={"reason": "Không làm"}).status_code == 404
    taken = head("POST", url, json={"reason": "Giao nhầm phòng"})
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["withdrawal"]["reason"] == "Giao nhầm phòng"
    assert ns("GET", "/work-items").get_json()["total"] == 0
    assert head("POST", f"/assignments/{parent_id}/withdraw", json={"reason": "x"}).status_code == 403
