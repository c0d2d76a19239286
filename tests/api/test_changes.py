"""After registration through the API: withdraw or adjust an assignment, correct the header, add assignments."""
from __future__ import annotations

from tests.api.test_api import DIRECTIVE, register_and_classify

INSTRUCTION = "Ý kiến chỉ đạo của Chủ tịch UBND tỉnh tại Thông báo số 12/TB-UBND"
ADDED = {"content": "Rà soát quy hoạch", "lead_unit": "SXD", "deadline": "2026-02-27"}


def test_adjust_an_assignment(as_user, loaded):
    clerk, stc = as_user("clerk"), as_user("stc")
    directive_id = register_and_classify(clerk)
    [assignment] = clerk("GET", f"/directives/{directive_id}").get_json()["assignments"]
    url = f"/assignments/{assignment['id']}/adjust"
    change = {"new_lead_unit": "SXD", "new_deadline": "2026-03-13", "correction_note": "Giao Sở Xây dựng"}
    missing = clerk("POST", url, json={"new_deadline": "2026-03-13", "instruction": INSTRUCTION})
    assert missing.status_code == 422 and "correction_note" in missing.get_json()["error"]["fields"]
    bad = clerk("POST", url, json={**change, "new_lead_unit": "NOPE", "instruction": INSTRUCTION})
    assert bad.status_code == 422 and "new_lead_unit" in bad.get_json()["error"]["fields"]
    assert clerk("POST", url, json=change).get_json()["error"]["code"] == "refused"  # no instruction
    assert stc("POST", url, json={**change, "instruction": INSTRUCTION}).status_code == 403

    key = {"Idempotency-Key": "adjust-1"}
    done = clerk("POST", url, json={**change, "instruction": INSTRUCTION}, headers=key)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["lead_unit"], body["deadline"]) == ("SXD", "2026-03-13"), body
    again = clerk("POST", url, json={**change, "instruction": INSTRUCTION}, headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.get_json() == body
    assert stc("GET", "/work-items").get_json()["total"] == 0
    assert as_user("sxd")("GET", "/work-items").get_json()["total"] == 1


def test_withdraw_an_assignment(as_user, loaded):
    clerk, stc = as_user("clerk"), as_user("stc")
    directive_id = register_and_classify(clerk)
    [assignment] = clerk("GET", f"/directives/{directive_id}").get_json()["assignments"]
    url = f"/assignments/{assignment['id']}/withdraw"
    assert stc("GET", "/work-items").get_json()["total"] == 1

    blank = clerk("POST", url, json={"reason": "   ", "instruction": INSTRUCTION})
    assert blank.status_code == 422 and "reason" in blank.get_json()["error"]["fields"]
    missing = clerk("POST", url, json={"instruction": INSTRUCTION})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["fields"]
    no_instruction = clerk("POST", url, json={"reason": "Không còn phù hợp"})
    assert no_instruction.status_code == 422 and no_instruction.get_json()["error"]["code"] == "refused"
    assert stc("POST", url, json={"reason": "Không phù hợp", "instruction": INSTRUCTION}).status_code == 403

    key = {"Idempotency-Key": "withdraw-1"}
    done = clerk("POST", url, json={"reason": "Không còn phù hợp", "instruction": INSTRUCTION}, headers=key)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert (body["status"], body["outcome"]) == ("cancelled", None)
    assert body["withdrawal"] == {"reason": "Không còn phù hợp", "instruction": INSTRUCTION,
                                  "by": "Nguyễn Văn Theo Dõi", "on": "2026-02-12"}
    again = clerk("POST", url, json={"reason": "Không còn phù hợp", "instruction": INSTRUCTION}, headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.get_json() == body
    assert clerk("POST", url, json={"reason": "Lần nữa", "instruction": INSTRUCTION}).status_code == 422
    assert stc("GET", "/work-items").get_json()["total"] == 0
    assert stc("GET", f"/assignments/{assignment['id']}").get_json()["withdrawal"]["by"] == "Nguyễn Văn Theo Dõi"
    summary = clerk("GET", "/reports/summary").get_json()
    assert summary["total"]["total"] == 0, summary


def test_correct_a_directive_header(as_user, loaded):
    clerk, stc = as_user("clerk"), as_user("stc")
    directive_id = register_and_classify(clerk)
    url = f"/directives/{directive_id}"
    bad = clerk("PATCH", url, json={"issued_on": "31/02/2026", "symbol": "khác"})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"issued_on", "symbol"}
    assert clerk("PATCH", url, json={}).status_code == 422
    assert clerk("PATCH", url, json={"secrecy": "secret"}).status_code == 422
    assert stc("PATCH", url, json={"summary": "Khác"}).status_code == 403
    changed = clerk("PATCH", url, json={"summary": "Về việc giải ngân", "urgency": "urgent"})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["summary"], body["urgency"], body["symbol"]) == ("Về việc giải ngân", "urgent", DIRECTIVE["symbol"])
    assert clerk("GET", url).get_json()["summary"] == "Về việc giải ngân"
    # spaces around a symbol are dropped, as on the page (a pasted "109/QĐ-UBND " was refused here)
    pasted = clerk("PATCH", url, json={"symbol": " 109/QĐ-UBND "})
    assert pasted.status_code == 200 and pasted.get_json()["symbol"] == "109/QĐ-UBND", pasted.get_json()


def test_add_an_assignment_to_a_directive(as_user, loaded):
    clerk, sxd = as_user("clerk"), as_user("sxd")
    directive_id = register_and_classify(clerk)
    url = f"/directives/{directive_id}/assignments"
    bad = clerk("POST", url, json={"assignments": [ADDED, {"content": "Thiếu đơn vị", "lead_unit": "KHONG"}]})
    assert bad.status_code == 422 and list(bad.get_json()["error"]["fields"]) == ["assignments[1].lead_unit"]
    assert clerk("POST", url, json={"assignments": []}).status_code == 422
    assert sxd("POST", url, json={"assignments": [ADDED]}).status_code == 403
    before = sxd("GET", "/work-items").get_json()["total"]
    added = clerk("POST", url, json={"assignments": [ADDED]}, headers={"Idempotency-Key": "add-1"})
    assert added.status_code == 201, added.get_json()
    [row] = added.get_json()["items"]
    assert (row["seq"], row["lead_unit"], row["deadline"], row["status"]) == (2, "SXD", "2026-02-27", "open")
    replay = clerk("POST", url, json={"assignments": [ADDED]}, headers={"Idempotency-Key": "add-1"})
    assert replay.get_json() == added.get_json()
    assert len(clerk("GET", f"/directives/{directive_id}").get_json()["assignments"]) == 2
    items = sxd("GET", "/work-items").get_json()["items"]
    assert len(items) == before + 1 and row["id"] in {i["assignment_id"] for i in items}


def test_raise_an_issue_and_read_the_answer(as_user, loaded):
    """Đắk Lắk Đ.21 k.3 through the API: the coordinating unit flags the lead unit, the office
    urges it through its work item, the answer comes back on the issue."""
    clerk, stc, sxd = as_user("clerk"), as_user("stc"), as_user("sxd")
    directive_id = register_and_classify(clerk)
    [assignment] = clerk("GET", f"/directives/{directive_id}").get_json()["assignments"]
    url = f"/assignments/{assignment['id']}/issues"
    missing = sxd("POST", url, json={"kind": "coordination", "text": "Chưa gửi số liệu"})
    assert missing.status_code == 422 and "about_unit" in missing.get_json()["error"]["fields"]
    assert clerk("POST", url, json={"kind": "direction", "text": "x"}).status_code == 403  # the office receives
    assert sxd("POST", url, json={"kind": "coordination", "text": "x", "about_unit": "SXD"}).status_code == 422

    key = {"Idempotency-Key": "flag-1"}
    done = sxd("POST", url, json={"kind": "coordination", "text": "Chưa gửi số liệu", "about_unit": "STC"},
               headers=key)
    assert done.status_code == 201, done.get_json()
    body = done.get_json()
    assert (body["kind"], body["unit"], body["about_unit"], body["status"]) == ("coordination", "SXD", "STC", "pending")
    again = sxd("POST", url, json={"kind": "coordination", "text": "Chưa gửi số liệu", "about_unit": "STC"},
                headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.get_json() == body
    [settle] = [i for i in clerk("GET", "/work-items").get_json()["items"] if i["form_key"] == "settle_flag"]
    assert clerk("POST", f"/work-items/{settle['id']}/complete",
                 json={"flag_action": "Đề nghị Sở Tài chính gửi số liệu"}).status_code == 200
    [issue] = stc("GET", url).get_json()["items"]
    assert (issue["status"], issue["answer"]) == ("answered", "Đề nghị Sở Tài chính gửi số liệu")


TET_WARNING = ("Nhiệm vụ 2: hạn 20/02/2026 là ngày nghỉ; theo Điều 148 Bộ luật Dân sự, hạn được tính đến hết ngày "
               "làm việc tiếp theo 23/02/2026.")


def test_a_task_added_or_adjusted_to_a_day_off_is_taken_with_a_warning(as_user, loaded):
    """As registration does: a task added due Fri 20/02/2026 (inside Tết), or adjusted to Sun 15/03/2026, is
    taken as written (not refused) and the answer says the working day its deadline runs to (Bộ luật Dân sự
    2015, Đ.148 k.5); a working day, no warning."""
    clerk = as_user("clerk")
    directive_id = register_and_classify(clerk)
    url = f"/directives/{directive_id}/assignments"
    added = clerk("POST", url, json={"assignments": [ADDED, {**ADDED, "deadline": "2026-02-20"}]})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["warnings"] == {"assignments[1].deadline": TET_WARNING}
    assert [row["deadline"] for row in added.get_json()["items"]] == ["2026-02-27", "2026-02-20"]
    assert clerk("POST", url, json={"assignments": [ADDED]}).get_json()["warnings"] == {}
    [first, *_] = clerk("GET", f"/directives/{directive_id}").get_json()["assignments"]
    adjust = f"/assignments/{first['id']}/adjust"
    change = {"new_deadline": "2026-03-15", "correction_note": "Kéo dài thời hạn", "instruction": INSTRUCTION}
    moved = clerk("POST", adjust, json=change)
    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["deadline"], moved.get_json()["warnings"]) == ("2026-03-15", {"new_deadline": (
        "Nhiệm vụ 1: hạn 15/03/2026 là ngày nghỉ; theo Điều 148 Bộ luật Dân sự, hạn được tính đến hết ngày làm "
        "việc tiếp theo 16/03/2026.")})
    kept = clerk("POST", adjust, json={**change, "new_deadline": "2026-03-16"})
    assert kept.status_code == 200 and kept.get_json()["warnings"] == {}


def test_a_returned_task_corrected_to_a_day_off_is_taken_with_a_warning(as_user, loaded):
    """The correction of a returned task sets its deadline as an adjustment does, and warns the same way:
    corrected to Sun 15/03/2026 it is taken as written, the answer saying the day it runs to; the
    correction of a task corrected to a working day carries no warning."""
    clerk, stc = as_user("clerk"), as_user("stc")
    for deadline, warnings in (("2026-03-15", {"new_deadline": (
            "Nhiệm vụ 1: hạn 15/03/2026 là ngày nghỉ; theo Điều 148 Bộ luật Dân sự, hạn được tính đến hết ngày làm "
            "việc tiếp theo 16/03/2026.")}), ("2026-03-16", {})):
        directive_id = register_and_classify(clerk, {**DIRECTIVE, "symbol": f"{deadline[-2:]}/2026/QĐ-UBND"})
        [assignment] = clerk("GET", f"/directives/{directive_id}").get_json()["assignments"]
        assert stc("POST", f"/assignments/{assignment['id']}/return", json={"reason": "Không thuộc chức năng"}
                   ).status_code == 200
        [correct] = [i for i in clerk("GET", "/work-items").get_json()["items"]
                     if i["form_key"] == "correct_assignment" and i["assignment_id"] == assignment["id"]]
        done = clerk("POST", f"/work-items/{correct['id']}/complete",
                     json={"new_deadline": deadline, "correction_note": "Giao lại, kéo dài thời hạn"})
        assert done.status_code == 200, done.get_json()
        assert done.get_json()["warnings"] == warnings
        assert clerk("GET", f"/assignments/{assignment['id']}").get_json()["deadline"] == deadline
