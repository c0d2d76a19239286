"""The common assignment process (assignment + assignment_cycle + coordination + urging)
driven through the engine with the dak-lak ruleset and the injected clock."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.directives import extensions
from engine.directives import service as directives
from engine.directives.models import Assignment, AssignmentUnit, ExplanationRequest, ExtensionRequest, ProgressUpdate
from engine.directives.service import DirectiveError
from engine.errors import Conflict, Forbidden, NotFound
from engine.forms import FormValidationError
from engine.notifications.models import Notification
from engine.runtime.models import WorkItem
from tests.conftest import make_engine
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

DATED = {"content": "Báo cáo tình hình giải ngân", "lead_unit": "STC", "deadline_days": 5}  # due Thu 26/02/2026


def notifications(engine, kind, username=None):
    from engine.org.models import User

    with engine.db.session() as s:
        query = select(Notification).where(Notification.kind == kind)
        if username:
            query = query.where(Notification.user_id == s.scalar(select(User.id).where(User.username == username)))
        return list(s.scalars(query))


def test_return_and_correct_reassigns_to_another_unit(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Không thuộc chức năng của Sở"},
                   users["stc"])
    assert drive.assignment(engine, aid).status == "returned"
    assert notifications(engine, "returned", "clerk"), "the office is told about the return"
    correct = drive.ready(engine, "correct")
    assert "Không thuộc chức năng của Sở" in correct.instructions
    drive.complete(engine, "correct", {"correction_note": "Giao Sở Xây dựng", "new_lead_unit": "SXD",
                                       "new_deadline": "06/03/2026"}, users["clerk"])
    handle = drive.ready(engine, "handle")
    assignment = drive.assignment(engine, aid)
    assert (assignment.status, assignment.deadline, assignment.original_deadline) == (
        "open", date(2026, 3, 6), date(2026, 2, 26))
    # The new lead unit owes its first update 3 working days after the reassignment (Đ.7 k.2a).
    assert handle.unit_id == assignment.lead_unit_id and handle.due_at.date() == date(2026, 2, 24)
    with pytest.raises(Forbidden):  # the old lead unit no longer handles it
        engine.runtime.complete(handle.id, {"action": "update", "progress": "done"}, users["stc"])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["sxd"])
    assert drive.ready(engine, "handle").due_at.date() == date(2026, 3, 6)  # then the deadline
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Đã xong"}, users["sxd"])
    drive.complete(engine, "review", {"decision": "send_back", "review_note": "Thiếu số liệu"}, users["clerk"])
    assert drive.assignment(engine, aid).progress == "in_progress"
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Bổ sung"}, users["sxd"])
    drive.complete(engine, "review", {"decision": "close"}, users["clerk"])
    assignment = drive.assignment(engine, aid)
    assert (assignment.status, assignment.progress, assignment.closed_on) == ("closed", "done", date(2026, 2, 12))
    assert drive.instance(engine, assignment.instance_id).status == "completed"
    assert drive.ready_elements(engine) == []  # closing ended urging too (terminate end event)


def test_coordinating_units_each_get_their_own_work_item(loaded, org_tree):
    engine, users = loaded, org_tree
    item = {**DATED, "coordinating_units": ["SXD", {"unit": "STC-NS", "deadline": "20/02/2026"}, "STC"]}
    aid = drive.register(engine, users, [item])
    with engine.db.session() as s:
        links = {(u.role, u.deadline) for u in s.scalars(select(AssignmentUnit))}
    assert links == {("lead", date(2026, 2, 26)), ("coordinating", date(2026, 2, 26)),
                     ("coordinating", date(2026, 2, 20))}  # the lead is never also coordinating
    sxd, section = drive.ready(engine, "contribute", "SXD"), drive.ready(engine, "contribute", "STC-NS")
    assert (sxd.due_at.date(), section.due_at.date()) == (date(2026, 2, 26), date(2026, 2, 20))
    assert sxd.role == "unit_officer" and "Phối hợp với Sở Tài chính:" in sxd.instructions
    with pytest.raises(Forbidden):
        engine.runtime.complete(sxd.id, {"contribution_progress": "done", "contribution_note": "Ý kiến"}, users["stc"])
    engine.runtime.complete(sxd.id, {"contribution_progress": "done", "contribution_note": "Đã gửi số liệu"},
                            users["sxd"])
    with engine.db.session() as s:
        update = s.scalars(select(ProgressUpdate)).one()
        assert (update.note, update.progress) == ("Đã gửi số liệu", "done")
    assert drive.assignment(engine, aid).progress == "not_started"  # a contribution is not the lead's progress
    assert notifications(engine, "coordination_answered", "stc")
    # The lead finishes before the section contributed: closing withdraws the section's work item.
    drive.complete(engine, "handle", {"action": "update", "progress": "done"}, users["stc"])
    drive.complete(engine, "review", {"decision": "close"}, users["clerk"])
    with engine.db.session() as s:
        assert s.get(WorkItem, section.id).status == "cancelled"
    assert drive.instance(engine, drive.assignment(engine, aid).instance_id).status == "completed"


def test_late_unit_must_give_its_reason(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    clock.set(datetime(2026, 3, 2, 9, 0))  # the deadline (26/02) has passed
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress", "note": "Đang làm"},
                   users["stc"])
    reason = drive.ready(engine, "give_overdue_reason")  # dak-lak: progress.overdue_reason_required
    assert drive.ready_elements(engine) == ["give_overdue_reason"]
    engine.runtime.complete(reason.id, {"overdue_reason": "Chờ ý kiến Bộ Tài chính"}, users["stc"])
    with engine.db.session() as s:
        update = s.scalars(select(ProgressUpdate)).one()
        assert (update.progress, update.note, update.overdue_reason) == (
            "in_progress", "Đang làm", "Chờ ý kiến Bộ Tài chính")
    assert drive.assignment(engine, aid).progress == "in_progress"
    drive.ready(engine, "handle")  # the next round
    # dak-lak has no "in progress with difficulties" status (progress.blocked_status = false).
    drive.complete(engine, "handle", {"action": "update", "progress": "blocked", "blocked_reason": "Vướng mặt bằng",
                                      "overdue_reason": "Vướng mặt bằng"}, users["stc"])
    assert drive.assignment(engine, aid).progress == "in_progress"
    # A reason given with the update is enough: no extra question.
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress",
                                      "overdue_reason": "Vẫn chờ ý kiến"}, users["stc"])
    assert drive.ready_elements(engine) == ["handle"]


def test_extension_proposed_by_the_office_head_decided_by_the_leader_while_the_unit_reports(loaded, org_tree):
    """Đắk Lắk Đ.20 k.2: the unit reports through the office, which proposes to the Chairman; the
    unit keeps reporting while the request waits, and the approval moves its deadline."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])
    instance_id = drive.assignment(engine, aid).instance_id
    urging_before = drive.instance(engine, instance_id).next_timer_due
    assert urging_before is not None and urging_before.date() < date(2026, 2, 26)
    old_handle = drive.ready(engine, "handle")
    request = extensions.request_extension(engine, aid, "16/03/2026", "Chờ số liệu quyết toán", users["stc"])
    with engine.db.session() as s:
        assert s.get(WorkItem, old_handle.id).status == "ready", "a pending extension never takes the update away"
    propose = drive.ready(engine, "propose_extension")
    assert propose.role == "office_head"  # which unit asks, by name: the inbox row shows the office
    assert propose.instructions.startswith("Sở Tài chính đề nghị gia hạn đến 16/03/2026. Lý do: Chờ số liệu")
    assert notifications(engine, "extension_requested", "chanhvp"), "the office head is told of the request"
    assert not notifications(engine, "extension_requested", "chutich")
    with pytest.raises(Forbidden):
        engine.runtime.complete(propose.id, {"extension_proposal": "support"}, users["clerk"])
    engine.runtime.complete(propose.id, {"extension_proposal": "support", "extension_proposal_note": "Có cơ sở"},
                            users["office_head"])
    decide = drive.ready(engine, "decide_extension")
    assert decide.role == "leader" and decide.instructions.startswith("Sở Tài chính đề nghị gia hạn đến 16/03/2026")
    assert "đề xuất đồng ý: Có cơ sở" in decide.instructions
    assert notifications(engine, "extension_requested", "chutich"), "then the leader who decides"
    # The unit reports twice while the leader has not decided: it keeps its update item.
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress", "note": "Đang làm"}, users["stc"])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress", "note": "Vẫn làm"}, users["stc"])
    assert drive.ready_elements(engine) == ["decide_extension", "handle"]
    assert drive.ready(engine, "handle").due_at.date() == date(2026, 2, 26)
    with pytest.raises(Forbidden):  # the office head proposes, it does not decide here
        engine.runtime.complete(decide.id, {"extension_decision": "approve"}, users["office_head"])
    engine.runtime.complete(decide.id, {"extension_decision": "approve", "extension_note": "Đồng ý"},
                            users["leader"])
    assignment = drive.assignment(engine, aid)
    assert (assignment.deadline, assignment.original_deadline) == (date(2026, 3, 16), date(2026, 2, 26))
    assert drive.ready_elements(engine) == ["handle"]
    assert drive.ready(engine, "handle").due_at.date() == date(2026, 3, 16), "the round is planned again"
    with engine.db.session() as s:
        stored = s.get(ExtensionRequest, request.id)
        assert (stored.status, stored.current_deadline, stored.decision_note, stored.decided_by) == (
            "approved", date(2026, 2, 26), "Đồng ý", users["leader"].id)
        lead = s.scalars(select(AssignmentUnit).where(AssignmentUnit.role == "lead")).one()
        assert lead.deadline == date(2026, 3, 16)
        assert s.scalars(select(ProgressUpdate.note).order_by(ProgressUpdate.id)).all()[-2:] == ["Đang làm", "Vẫn làm"]
        assert s.scalar(select(AuditEntry.after).where(AuditEntry.action == "extension.supported")) == {
            "new_deadline": "2026-03-16", "note": "Có cơ sở"}
    urging_after = drive.instance(engine, instance_id).next_timer_due
    assert urging_after.date() > date(2026, 2, 26), "urging restarted with the new deadline"


def test_extension_refused_keeps_the_deadline(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])
    with pytest.raises(NotFound):  # another unit cannot even see it
        extensions.request_extension(engine, aid, "16/03/2026", "x", users["sxd"])
    with pytest.raises(Forbidden):  # the office does not ask on the unit's behalf
        extensions.request_extension(engine, aid, "16/03/2026", "x", users["clerk"])
    with pytest.raises(DirectiveError):
        extensions.request_extension(engine, aid, "20/02/2026", "Sớm hơn", users["stc"])
    with pytest.raises(DirectiveError):
        extensions.request_extension(engine, aid, "16/03/2026", "  ", users["stc"])
    extensions.request_extension(engine, aid, "16/03/2026", "Chờ số liệu", users["stc"])
    with pytest.raises(Conflict):  # one request at a time
        extensions.request_extension(engine, aid, "20/03/2026", "Lần hai", users["stc"])
    drive.complete(engine, "propose_extension", {"extension_proposal": "oppose"}, users["office_head"])
    assert "đề xuất không đồng ý" in drive.ready(engine, "decide_extension").instructions
    drive.complete(engine, "decide_extension", {"extension_decision": "refuse", "extension_note": "Không"},
                   users["leader"])
    assignment = drive.assignment(engine, aid)
    assert (assignment.deadline, assignment.original_deadline) == (date(2026, 2, 26), date(2026, 2, 26))
    assert drive.ready_elements(engine) == ["handle"]
    assert drive.ready(engine, "handle").due_at.date() == date(2026, 2, 26)
    with engine.db.session() as s:
        assert [r.status for r in s.scalars(select(ExtensionRequest))] == ["refused"]  # the Conflict left nothing
    extensions.request_extension(engine, aid, "20/03/2026", "Lần hai", users["stc"])  # decided: may ask again
    assert drive.ready_elements(engine) == ["handle", "propose_extension"]


def test_an_extension_decided_after_the_day_asked_for_grants_a_day_after_the_decision(loaded, org_tree, clock):
    """The decision form starts with the day asked for; once that day has passed the decider must
    grant a later one (refused naming the field), which becomes the deadline."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    request = extensions.request_extension(engine, aid, "02/03/2026", "Chờ số liệu", users["stc"])
    drive.complete(engine, "propose_extension", {"extension_proposal": "support"}, users["office_head"])
    decide = drive.ready(engine, "decide_extension")
    with engine.db.reading() as s:
        form = engine.cache.by_id(s, drive.instance(engine, decide.instance_id).bundle_id).forms["decide_extension"]
        assert engine.runtime.starting_values(s, decide, form) == {"extension_deadline": "2026-03-02"}
    clock.set(datetime(2026, 3, 2, 9, 0))  # the day asked for: no longer a day to grant
    with pytest.raises(FormValidationError) as refused:
        engine.runtime.complete(decide.id, {"extension_decision": "approve"}, users["leader"])
    assert list(refused.value.errors) == ["extension_deadline"]
    assert refused.value.errors["extension_deadline"].params == {"day": "03/03/2026"}
    engine.runtime.complete(decide.id, {"extension_decision": "approve", "extension_deadline": "10/03/2026"},
                            users["leader"])
    assignment = drive.assignment(engine, aid)
    assert (assignment.deadline, assignment.original_deadline) == (date(2026, 3, 10), date(2026, 2, 26))
    with engine.db.session() as s:
        stored = s.get(ExtensionRequest, request.id)
        assert (stored.new_deadline, stored.granted_deadline) == (date(2026, 3, 2), date(2026, 3, 10))
    assert "Đồng ý gia hạn đến 10/03/2026" in notifications(engine, "extension_decided", "stc")[-1].body


def test_a_refused_extension_whose_day_has_passed_needs_no_day(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    extensions.request_extension(engine, aid, "02/03/2026", "Chờ số liệu", users["stc"])
    drive.complete(engine, "propose_extension", {"extension_proposal": "oppose"}, users["office_head"])
    clock.set(datetime(2026, 3, 3, 9, 0))
    drive.complete(engine, "decide_extension",  # the page sends the hidden day it started with
                   {"extension_decision": "refuse", "extension_deadline": "2026-03-02"}, users["leader"])
    assert drive.assignment(engine, aid).deadline == date(2026, 2, 26)


def test_an_approved_extension_moves_the_coordinating_parts_due_on_the_old_deadline(loaded, org_tree):
    """A part due on the assignment's deadline moves with the extension, as with a correction
    (given again, urged to the new day); a part with its own earlier deadline keeps it."""
    engine, users = loaded, org_tree
    item = {**DATED, "coordinating_units": ["SXD", {"unit": "STC-NS", "deadline": "20/02/2026"}]}
    aid = drive.register(engine, users, [item])
    extensions.request_extension(engine, aid, "16/03/2026", "Chờ số liệu", users["stc"])
    drive.complete(engine, "propose_extension", {"extension_proposal": "support"}, users["office_head"])
    drive.complete(engine, "decide_extension", {"extension_decision": "approve"}, users["leader"])
    with engine.db.session() as s:
        links = {(u.role, u.deadline) for u in s.scalars(select(AssignmentUnit))}
    assert links == {("lead", date(2026, 3, 16)), ("coordinating", date(2026, 3, 16)),
                     ("coordinating", date(2026, 2, 20))}
    assert drive.ready(engine, "contribute", "SXD").due_at.date() == date(2026, 3, 16)
    assert drive.ready(engine, "contribute", "STC-NS").due_at.date() == date(2026, 2, 20)
    # SXD is told its new day (the notice was collapsed into the unread first, due 26/02/2026).
    told = [n.body for n in notifications(engine, "coordination_asked", "sxd")]
    assert {body.splitlines()[-2] for body in told} == {"Hạn gửi phần phối hợp: 26/02/2026",
                                                        "Hạn gửi phần phối hợp: 16/03/2026"}


# A ruleset whose lane "Quyết định gia hạn" is the office head and where nobody proposes first.
OFFICE_HEAD_DECIDES = "[extensions]\noffice_proposes = false\n"


@pytest.mark.parametrize("engine", [OFFICE_HEAD_DECIDES], indirect=True)
def test_extension_decided_while_the_office_reviews_or_corrects_holds(loaded, org_tree):
    """A decision that lands while the unit's round waits on the office (review, correction)
    is what the next round plans with, and a correction keeps it."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    extensions.request_extension(engine, aid, "16/03/2026", "Chờ số liệu", users["stc"])
    assert drive.ready(engine, "decide_extension").role == "office_head"
    assert notifications(engine, "extension_requested", "chanhvp")
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Xong"}, users["stc"])
    drive.complete(engine, "decide_extension", {"extension_decision": "approve"}, users["office_head"])
    drive.complete(engine, "review", {"decision": "send_back", "review_note": "Thiếu"}, users["clerk"])
    assert drive.ready(engine, "handle").due_at.date() == date(2026, 3, 16)
    extensions.request_extension(engine, aid, "20/03/2026", "Thêm thời gian", users["stc"])
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Cần điều chỉnh nội dung"}, users["stc"])
    drive.complete(engine, "decide_extension", {"extension_decision": "approve"}, users["office_head"])
    drive.complete(engine, "correct", {"correction_note": "Sửa nội dung", "new_content": "Báo cáo giải ngân quý I"},
                   users["clerk"])
    assert drive.assignment(engine, aid).deadline == date(2026, 3, 20), "the correction keeps the extension"
    assert drive.ready(engine, "handle").due_at.date() == date(2026, 3, 20)


def test_explanation_request_is_answered_by_the_lead_unit(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    with pytest.raises(Forbidden):
        extensions.request_explanation(engine, aid, "Vì sao chậm?", users["stc"])
    request = extensions.request_explanation(engine, aid, "Vì sao chưa cập nhật?", users["clerk"])
    explain = drive.ready(engine, "explain")
    assert "Vì sao chưa cập nhật?" in explain.instructions
    assert explain.due_at.date() == date(2026, 2, 24)  # 3 working days, Tết 16–20/02 excluded
    assert sorted(drive.ready_elements(engine)) == ["explain", "handle"]  # handling goes on meanwhile
    with pytest.raises(Forbidden):
        engine.runtime.complete(explain.id, {"explanation_answer": "x"}, users["sxd"])
    engine.runtime.complete(explain.id, {"explanation_answer": "Chờ số liệu từ các huyện"}, users["stc"])
    with engine.db.session() as s:
        stored = s.get(ExplanationRequest, request.id)
        assert (stored.status, stored.answer) == ("answered", "Chờ số liệu từ các huyện")
    extensions.request_explanation(engine, aid, "Giải trình lần hai", users["office_head"])
    assert sorted(drive.ready_elements(engine)) == ["explain", "handle"]  # any number of requests


def test_open_task_asks_for_its_quarterly_update(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{"content": "Theo dõi thường xuyên", "lead_unit": "STC"}])
    assignment = drive.assignment(engine, aid)
    assert (assignment.deadline_kind, assignment.deadline) == ("open", None)
    # Its first update is owed within 3 working days (Đ.7 k.2a): given, the quarter's remains.
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])
    drive.run_timers_at(engine, clock, datetime(2026, 2, 24, 9, 0))
    first_due = drive.instance(engine, assignment.instance_id).next_timer_due
    assert date(2026, 3, 1) <= first_due.date() <= date(2026, 3, 31)  # before the end of the quarter
    drive.run_timers_at(engine, clock, datetime(2026, 3, 31, 18, 0))
    assert len(notifications(engine, "periodic_update", "stc")) == 1
    second_due = drive.instance(engine, assignment.instance_id).next_timer_due
    assert date(2026, 6, 1) <= second_due.date() <= date(2026, 6, 30)
    drive.run_timers_at(engine, clock, datetime(2026, 6, 30, 18, 0))
    assert len(notifications(engine, "periodic_update", "stc")) == 2


def test_registration_names_the_follow_up_officer_and_checks_units(loaded, org_tree):
    engine, users = loaded, org_tree
    raw = {"symbol": drive.SYMBOL, "issued_on": "12/02/2026", "issuer": "UBND tỉnh", "summary": "Về việc X"}
    with pytest.raises(DirectiveError):
        directives.register(engine, raw, [{**DATED, "coordinating_units": ["KHONG-CO"]}], users["clerk"])
    with pytest.raises(DirectiveError):
        directives.register(engine, raw, [{**DATED, "follow_up_officer": "nobody"}], users["clerk"])
    # a department's officer would take the office clerk's part of the assignment (and its notices)
    with pytest.raises(DirectiveError, match="Phạm Chuyên Viên is not an active tracking clerk"):
        directives.register(engine, raw, [{**DATED, "follow_up_officer": "stc"}], users["clerk"])
    directives.register(engine, raw, [DATED], users["clerk"])
    drive.complete(engine, "classify", {"tracked": "on", "follow_up_officer": "clerk"}, users["clerk"])
    with engine.db.session() as s:
        assert s.scalars(select(Assignment.follow_up_officer_id)).one() == users["clerk"].id


@pytest.fixture
def engine(database_url, clock, tmp_path, request):
    """dak-lak, or a test ruleset with the settings a test passes (indirect parametrize)."""
    settings = getattr(request, "param", None)
    eng = (drive.ruleset_engine(database_url, clock, tmp_path, settings) if settings
           else make_engine(database_url, clock, tmp_path=tmp_path))
    yield eng
    eng.close()


@pytest.mark.parametrize("engine", ['[reminders]\nopen_task_update = "none"\n'], indirect=True)
def test_open_task_given_a_deadline_is_urged_again(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{"content": "Không thời hạn", "lead_unit": "STC"}])
    instance_id = drive.assignment(engine, aid).instance_id
    assert drive.instance(engine, instance_id).next_timer_due is None  # no periodic updates: urging ran out
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Cần thời hạn"}, users["stc"])
    drive.complete(engine, "correct", {"correction_note": "Giao thời hạn", "new_deadline": "06/03/2026"},
                   users["clerk"])
    assert drive.assignment(engine, aid).deadline_kind == "dated"
    due = drive.instance(engine, instance_id).next_timer_due
    assert due is not None and due.date() <= date(2026, 3, 6)  # urging restarted on the new deadline


def test_the_overdue_list_gives_the_latest_reason_the_unit_gave(loaded, org_tree, clock):
    """Đắk Lắk Đ.20 k.2: the unit's answer to the request for an explanation is its reason for
    the delay in the overdue list, unless a later progress update gave another."""
    from engine.reports.counts import Scope
    from engine.reports.overdue import overdue_assignments

    def reason() -> str | None:
        with engine.db.session() as s:
            [row] = overdue_assignments(s, Scope(as_of=date(2026, 3, 2), start=date(2026, 1, 1)))
            return row.reason

    def proposal() -> str | None:
        with engine.db.session() as s:
            return overdue_assignments(s, Scope(as_of=date(2026, 3, 2), start=date(2026, 1, 1)))[0].proposal

    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress", "note": "Đang làm"}, users["stc"])
    drive.run_timers_at(engine, clock, datetime(2026, 2, 27, 9, 0))  # past the deadline (26/02)
    extensions.request_explanation(engine, aid, "Vì sao chậm?", users["clerk"])
    assert reason() is None
    drive.complete(engine, "explain", {"explanation_answer": "Chờ số liệu của các huyện",
                                       "explanation_proposal": "Gia hạn đến 15/3"}, users["stc"])
    assert (reason(), proposal()) == ("Chờ số liệu của các huyện", "Gia hạn đến 15/3")
    drive.run_timers_at(engine, clock, datetime(2026, 2, 27, 15, 0))
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress", "note": "Đã có số liệu",
                                      "overdue_reason": "Số liệu về muộn"}, users["stc"])
    assert (reason(), proposal()) == ("Số liệu về muộn", "Đã có số liệu")


@pytest.mark.parametrize("engine", ['[closing]\nmode = "status_complete"\n[deadlines]\nregistration = 2\n'],
                         indirect=True)
def test_status_complete_closes_on_the_units_done_report_without_review(loaded, org_tree):
    """[closing] mode = "status_complete": the unit's "done" closes the file that day; no review."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [DATED])
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Đã xong"}, users["stc"])
    assignment = drive.assignment(engine, aid)
    assert (assignment.status, assignment.closed_on) == ("closed", date(2026, 2, 12))
    assert "review" not in drive.ready_elements(engine)


def test_the_lead_unit_is_told_of_a_new_assignment(loaded, org_tree):
    """People are told what concerns them: the lead unit's officers hear of the task at once,
    in the app (and by mail per their preferences); no one else does."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [{**DATED, "coordinating_units": ["SXD"]}])
    [told] = notifications(engine, "assigned", "stc")
    assert told.assignment_id == aid and "45/2026/QĐ-UBND" in told.subject
    assert not notifications(engine, "assigned", "sxd") and not notifications(engine, "assigned", "clerk")
