"""Each event that concerns a person tells them (issue #18), through the engine with the
dak-lak ruleset: who is told of what, with the words that matter."""

import pytest
from sqlalchemy import select

from engine.directives import changes, extensions
from engine.directives.models import Assignment
from engine.errors import Forbidden
from engine.notifications.models import Notification
from engine.notifications.service import render
from engine.reports import adhoc
from engine.urging import manual
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

TASK = {"content": "Báo cáo tình hình giải ngân", "lead_unit": "STC", "coordinating_units": ["SXD"],
        "deadline_days": 5}


def test_the_coordinating_unit_is_told_its_part(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [TASK])
    assert set(drive.notified(engine, "assigned")) == {"stc"}
    assert set(drive.notified(engine, "coordination_asked")) == {"sxd"}


def test_a_coordinating_unit_reads_its_own_deadline(loaded, org_tree):
    """Its part is due by its own day, which the notice gave as the task's deadline only."""
    engine, users = loaded, org_tree
    drive.register(engine, users, [{**TASK, "coordinating_units": [{"unit": "SXD", "deadline": "18/02/2026"}]}])
    lines = drive.notified(engine, "coordination_asked")["sxd"].splitlines()
    assert lines[-2:] == ["Hạn gửi phần phối hợp: 18/02/2026", "Thời hạn: 26/02/2026"]


def test_each_part_of_a_message_has_its_own_line(loaded, org_tree):
    """The directive's line ends in a block tag, whose line break the environment trims (for
    the digests' loops): it read "…Về việc thử nghiệmNhiệm vụ 1: …" in every mail."""
    engine, users = loaded, org_tree
    drive.register(engine, users, [TASK])
    lines = drive.notified(engine, "coordination_asked")["sxd"].splitlines()
    assert lines[1:4] == [f"Văn bản: {drive.SYMBOL} — Về việc thử nghiệm", "Nhiệm vụ 1: Báo cáo tình hình giải ngân",
                          "Đơn vị chủ trì: Sở Tài chính"]
    body = render("escalation", "body", symbol="1/CT", summary="V/v", days_late=3, unit="Sở Tài chính")
    assert body.splitlines()[:2] == ["Nhiệm vụ dưới đây đã quá hạn 3 ngày làm việc mà chưa hoàn thành.",
                                     "Văn bản: 1/CT — V/v"]


def test_an_overdue_notice_opens_with_a_capital():
    """A task's own overdue notice, the commonest urging mail, began in lower case: "nhiệm vụ theo
    văn bản 15/CT-UBND đã quá hạn 2 ngày làm việc"."""
    subjects = [render("overdue", "subject", symbol="1/CT", days_late=2, **case)
                for case in ({}, {"first_update": True}, {"coordinating": "Sở Xây dựng"})]
    assert subjects == ["Nhiệm vụ theo văn bản 1/CT đã quá hạn 2 ngày làm việc",
                        "Chưa cập nhật tình hình lần đầu: nhiệm vụ theo văn bản 1/CT đã quá hạn 2 ngày làm việc",
                        "Phần phối hợp nhiệm vụ theo văn bản 1/CT đã quá hạn 2 ngày làm việc"]


def test_an_extension_request_names_the_task(loaded, org_tree):
    """The office head and the leader read which task is asked for: the mail gave only "Đơn vị
    chủ trì đề nghị gia hạn đến …" (a secret task's reason: test_secrecy)."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    extensions.request_extension(engine, aid, "31/03/2026", "Chờ số liệu", users["stc"])
    assert drive.notified(engine, "extension_requested")["chanhvp"].splitlines()[:4] == [
        "Đơn vị chủ trì đề nghị gia hạn đến 31/03/2026. Lý do: Chờ số liệu",
        f"Văn bản: {drive.SYMBOL} — Về việc thử nghiệm", "Nhiệm vụ 1: Báo cáo tình hình giải ngân",
        "Đơn vị chủ trì: Sở Tài chính"]


def test_a_report_sent_back_tells_the_unit_why_and_the_reopened_form_says_it(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Đã xong"}, users["stc"])
    drive.complete(engine, "review", {"decision": "send_back", "review_note": "Thiếu số liệu quý IV"}, users["clerk"])
    assert "Yêu cầu của Văn phòng: Thiếu số liệu quý IV" in drive.notified(engine, "sent_back")["stc"]
    assert "Văn phòng trả lại báo cáo, yêu cầu: Thiếu số liệu quý IV" in drive.ready(engine, "handle").instructions
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Đã bổ sung"}, users["stc"])
    assert "Thiếu số liệu" not in drive.ready(engine, "review").instructions
    drive.complete(engine, "review", {"decision": "close"}, users["clerk"])
    assert set(drive.notified(engine, "closed")) == {"stc"}


def test_a_corrected_return_tells_the_new_lead_unit(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Không thuộc chức năng"}, users["stc"])
    assert "Không thuộc chức năng" in drive.notified(engine, "returned")["clerk"]  # the office learns why
    drive.complete(engine, "correct", {"new_lead_unit": "SXD", "correction_note": "Giao Sở Xây dựng chủ trì"},
                   users["clerk"])
    assert "Nội dung điều chỉnh: Giao Sở Xây dựng chủ trì" in drive.notified(engine, "corrected")["sxd"]
    assert "Nhiệm vụ đã được điều chỉnh: Giao Sở Xây dựng chủ trì" in drive.ready(engine, "handle", "SXD").instructions


def test_each_return_tells_the_office_which_task_and_why(loaded, org_tree):
    """The mail was the unit's reason alone, and a second unit's return, while the office had
    not read the first, was collapsed into it: the office never learnt the second reason."""
    engine, users = loaded, org_tree
    drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Không thuộc chức năng"}, users["stc"])
    assert drive.notified(engine, "returned")["clerk"].splitlines()[:4] == [
        "Lý do chuyển lại: Không thuộc chức năng", f"Văn bản: {drive.SYMBOL} — Về việc thử nghiệm",
        "Nhiệm vụ 1: Báo cáo tình hình giải ngân", "Đơn vị chủ trì: Sở Tài chính"]
    drive.complete(engine, "correct", {"new_lead_unit": "SXD", "correction_note": "Giao Sở Xây dựng"}, users["clerk"])
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Cũng không thuộc Sở Xây dựng"},
                   users["sxd"], "SXD")
    with engine.db.session() as s:
        bodies = s.scalars(select(Notification.body).where(Notification.kind == "returned")).all()
    assert [body.splitlines()[0] for body in bodies] == [
        "Lý do chuyển lại: Không thuộc chức năng", "Lý do chuyển lại: Cũng không thuộc Sở Xây dựng"]


def test_extension_and_explanation_answers_reach_who_asked(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    extensions.request_extension(engine, aid, "31/03/2026", "Chờ số liệu", users["stc"])
    drive.complete(engine, "propose_extension", {"extension_proposal": "support"}, users["office_head"])
    drive.complete(engine, "decide_extension", {"extension_decision": "approve", "extension_note": "Lần cuối"},
                   users["leader"])
    decided = drive.notified(engine, "extension_decided")
    assert "Đồng ý gia hạn đến 31/03/2026. Lần cuối" in decided["stc"]
    assert "Đồng ý gia hạn đến 31/03/2026. Lần cuối" in decided["chanhvp"], "the office head who proposed"
    extensions.request_explanation(engine, aid, "Vì sao chưa cập nhật?", users["clerk"])
    asked = drive.notified(engine, "explanation_requested")
    assert "Nội dung yêu cầu giải trình: Vì sao chưa cập nhật?" in asked["stc"]
    due = drive.ready(engine, "explain").due_at.strftime("%d/%m/%Y")  # its own, not the task's 31/03/2026
    assert f"Hạn giải trình: {due}\n" in asked["stc"] and due != "31/03/2026"
    drive.complete(engine, "explain", {"explanation_answer": "Chờ số liệu các huyện"}, users["stc"])
    assert "Nội dung giải trình: Chờ số liệu các huyện" in drive.notified(engine, "explanation_answered")["clerk"]


def test_an_explanation_the_leader_asks_names_the_leader_and_the_answer_reaches_them(loaded, org_tree):
    """The unit read "Văn phòng yêu cầu giải trình" and only the office's clerks read its answer."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    extensions.request_explanation(engine, aid, "Vì sao chậm?", users["leader"])
    assert drive.ready(engine, "explain").instructions == "Lê Chủ Tịch yêu cầu giải trình: Vì sao chậm?"
    drive.complete(engine, "explain", {"explanation_answer": "Chờ số liệu"}, users["stc"])
    answered = drive.notified(engine, "explanation_answered")
    assert "Nội dung giải trình: Chờ số liệu" in answered[users["leader"].username]
    assert "clerk" in answered, "the office still reads it"


def test_the_office_urges_by_hand(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    with pytest.raises(Forbidden):
        manual.urge(engine, aid, "Khẩn trương", users["stc"])
    assert manual.urge(engine, aid, "Đề nghị báo cáo trước 16 giờ ngày 20/02", users["clerk"]).told == 2
    told = drive.notified(engine, "urged")
    assert set(told) == {"stc", "stc_gd"} and "Đề nghị báo cáo trước 16 giờ ngày 20/02" in told["stc"]
    manual.urge(engine, aid, "Đề nghị phối hợp", users["clerk"], coordinating=True)
    assert "sxd" in drive.notified(engine, "urged")


def test_the_lead_unit_learns_its_coordinating_unit_answered(loaded, org_tree):
    engine, users = loaded, org_tree
    drive.register(engine, users, [TASK])
    drive.complete(engine, "contribute", {"contribution_progress": "done", "contribution_note": "Đã gửi số liệu"},
                   users["sxd"], "SXD")
    told = drive.notified(engine, "coordination_answered")
    assert set(told) == {"stc"} and "Ý kiến, kết quả phối hợp của Sở Xây dựng: Đã gửi số liệu" in told["stc"]
    with loaded.db.session() as s:
        subject = s.scalar(select(Notification.subject).where(Notification.kind == "coordination_answered"))
    assert subject.startswith("Sở Xây dựng gửi ý kiến, kết quả phối hợp") and "SXD" not in subject


def test_a_task_added_later_an_extension_asked_and_a_report_asked_tell_who_acts(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**TASK, "coordinating_units": []}])
    with loaded.db.session() as s:
        directive_id = s.get(Assignment, aid).directive_id
    changes.add_assignments(engine, directive_id, [{"content": "Rà soát quy hoạch", "lead_unit": "SXD",
                                                    "deadline_days": 5}], users["clerk"])
    assert set(drive.notified(engine, "assigned")) == {"stc", "sxd"}
    extensions.request_extension(engine, aid, "31/03/2026", "Chờ số liệu", users["stc"])
    assert users["office_head"].username in drive.notified(engine, "extension_requested")  # who proposes
    adhoc.request_report(engine, {"topic": "Giải ngân vốn đầu tư công", "units": ["STC"], "due": "27/02/2026",
                                  "office_due": "02/03/2026"}, users["clerk"])
    assert "Đề nghị Sở Tài chính báo cáo UBND tỉnh đột xuất về: Giải ngân vốn đầu tư công" in drive.notified(
        engine, "adhoc_report")["stc"]
