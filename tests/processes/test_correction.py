"""The office corrects a returned assignment (assignment_cycle `correct`): lead unit, coordinating
units, content and deadline, any combination, through the engine (dak-lak ruleset)."""
from datetime import date

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.directives import changes
from engine.directives.models import AssignmentUnit, ProgressUpdate
from engine.directives.service import DirectiveError
from engine.errors import Forbidden
from engine.forms import FormValidationError
from engine.org.models import Unit
from engine.runtime.models import Incident, WorkItem
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

TASK = {"content": "Báo cáo tình hình giải ngân", "lead_unit": "STC", "deadline_days": 5,  # due Thu 26/02/2026
        "coordinating_units": ["SXD", {"unit": "STC-NS", "deadline": "20/02/2026"}]}


def units_of(engine, assignment_id: int) -> dict[str, tuple[str, date | None]]:
    with engine.db.session() as s:
        rows = s.execute(select(Unit.code, AssignmentUnit.role, AssignmentUnit.deadline)
                         .join(Unit, Unit.id == AssignmentUnit.unit_id)
                         .where(AssignmentUnit.assignment_id == assignment_id))
        return {code: (role, deadline) for code, role, deadline in rows}


def status_of(engine, item: WorkItem) -> str:
    with engine.db.session() as s:
        return s.get(WorkItem, item.id).status


def no_incidents(engine) -> bool:
    with engine.db.session() as s:
        return s.scalars(select(Incident)).first() is None


def return_it(engine, users) -> None:
    drive.complete(engine, "handle", {"action": "return", "return_reason": "Sở Xây dựng chủ trì mới đúng"},
                   users["stc"])


def test_a_coordinating_unit_made_the_lead_takes_over_and_reports(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    sxd_part, section_part = drive.ready(engine, "contribute", "SXD"), drive.ready(engine, "contribute", "STC-NS")
    return_it(engine, users)
    # the office reads which unit returned which task (it read "Đơn vị chuyển lại nhiệm vụ: …")
    assert drive.ready(engine, "correct").instructions == (
        f"Sở Tài chính chuyển lại nhiệm vụ: {TASK['content']} (theo văn bản {drive.SYMBOL}). "
        "Lý do: Sở Xây dựng chủ trì mới đúng")
    drive.complete(engine, "correct", {"correction_note": "Giao Sở Xây dựng chủ trì", "new_lead_unit": "SXD"},
                   users["clerk"])
    assert no_incidents(engine) and drive.ready_elements(engine) == ["contribute", "handle"]
    # The old lead leaves (the office did not list it); the new lead is no longer coordinating.
    assert units_of(engine, aid) == {"SXD": ("lead", date(2026, 2, 26)),
                                     "STC-NS": ("coordinating", date(2026, 2, 20))}
    assert status_of(engine, sxd_part) == "cancelled"
    section = drive.ready(engine, "contribute", "STC-NS")  # still owed, now to the new lead
    assert section.id != section_part.id and "Phối hợp với Sở Xây dựng:" in section.instructions
    assert section.due_at.date() == date(2026, 2, 20)
    handle = drive.ready(engine, "handle", "SXD")
    assert handle.unit_id == drive.assignment(engine, aid).lead_unit_id
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress", "note": "Đang tổng hợp"},
                   users["sxd"])
    with engine.db.session() as s:
        update = s.scalars(select(ProgressUpdate)).one()
        assert (s.get(Unit, update.unit_id).code, update.note) == ("SXD", "Đang tổng hợp")
    assert drive.assignment(engine, aid).progress == "in_progress"
    drive.complete(engine, "handle", {"action": "update", "progress": "done"}, users["sxd"])
    drive.complete(engine, "review", {"decision": "close"}, users["clerk"])
    assert drive.assignment(engine, aid).status == "closed" and drive.ready_elements(engine) == []


def test_the_old_lead_stays_when_the_office_lists_it_among_coordinating_units(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    return_it(engine, users)
    drive.complete(engine, "correct", {"correction_note": "Đổi chủ trì", "new_lead_unit": "SXD",
                                       "coordinating_change": "replace",
                                       "new_coordinating_units": ["STC", "STC-NS", "SXD"]}, users["clerk"])
    assert no_incidents(engine)
    assert units_of(engine, aid) == {"SXD": ("lead", date(2026, 2, 26)), "STC": ("coordinating", date(2026, 2, 26)),
                                     "STC-NS": ("coordinating", date(2026, 2, 20))}
    stc = drive.ready(engine, "contribute", "STC")
    assert stc.due_at.date() == date(2026, 2, 26) and "Phối hợp với Sở Xây dựng:" in stc.instructions
    drive.complete(engine, "contribute", {"contribution_progress": "done", "contribution_note": "Số liệu cũ"},
                   users["stc"], unit="STC")
    assert drive.assignment(engine, aid).progress == "not_started"  # a contribution, not the lead's progress


def test_content_coordinating_units_and_deadline_corrected_together(loaded, org_tree):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    drive.complete(engine, "contribute", {"contribution_progress": "done", "contribution_note": "Đã góp ý"},
                   users["sxd"], unit="SXD")
    section_part = drive.ready(engine, "contribute", "STC-NS")
    return_it(engine, users)
    drive.complete(engine, "correct", {
        "correction_note": "Làm rõ nội dung, bỏ Phòng Ngân sách, thêm Sở Xây dựng lần nữa",
        "new_content": "Báo cáo giải ngân vốn đầu tư công quý I", "new_deadline": "13/03/2026",
        "coordinating_change": "replace", "new_coordinating_units": ["SXD"]}, users["clerk"])
    assert no_incidents(engine)
    assignment = drive.assignment(engine, aid)
    assert (assignment.content, assignment.deadline, assignment.original_deadline) == (
        "Báo cáo giải ngân vốn đầu tư công quý I", date(2026, 3, 13), date(2026, 2, 26))
    # SXD keeps its place (its part is already in, it is not asked again); the section leaves.
    assert units_of(engine, aid) == {"STC": ("lead", date(2026, 3, 13)), "SXD": ("coordinating", date(2026, 3, 13))}
    assert status_of(engine, section_part) == "cancelled"
    assert drive.ready_elements(engine) == ["handle"]
    handle = drive.ready(engine, "handle")
    assert "Báo cáo giải ngân vốn đầu tư công quý I" in handle.instructions
    assert handle.due_at.date() == date(2026, 2, 24)  # the first update is still owed first (Đ.7 k.2a)
    with engine.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "assignment.reassigned")).one()
    # The history names units, before and after, and keeps only what changed.
    assert entry.before == {"content": "Báo cáo tình hình giải ngân", "deadline": "2026-02-26",
                            "coordinating_units": ["Phòng Ngân sách", "Sở Xây dựng"]}
    assert entry.after == {"content": "Báo cáo giải ngân vốn đầu tư công quý I", "deadline": "2026-03-13",
                           "coordinating_units": ["Sở Xây dựng"],
                           "note": "Làm rõ nội dung, bỏ Phòng Ngân sách, thêm Sở Xây dựng lần nữa"}

    # A unit added later gets its part with the content and deadline now in force.
    return_it(engine, users)
    drive.complete(engine, "correct", {"correction_note": "Thêm Phòng Ngân sách", "coordinating_change": "replace",
                                       "new_coordinating_units": ["SXD", "STC-NS"]}, users["clerk"])
    section = drive.ready(engine, "contribute", "STC-NS")
    assert section.due_at.date() == date(2026, 3, 13) and "quý I" in section.instructions
    assert drive.ready_elements(engine) == ["contribute", "handle"]  # SXD is not asked again
    # Keeping the coordinating units as they are, with no change at all, leaves them be.
    return_it(engine, users)
    drive.complete(engine, "correct", {"correction_note": "Giữ nguyên"}, users["clerk"])
    assert drive.ready(engine, "contribute", "STC-NS").id == section.id


# ---------------------------------------------------------------- adjusting outside a return
INSTRUCTION = "Ý kiến chỉ đạo của Chủ tịch UBND tỉnh tại Thông báo số 15/TB-UBND"


def test_the_office_adjusts_an_assignment_the_unit_is_handling(loaded, org_tree):
    """Điều chỉnh nhiệm vụ on the leader's instruction, without the unit returning it: the same
    step as a correction (history, coordinating parts, urging of the new lead)."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    old_part = drive.ready(engine, "contribute", "SXD")
    with pytest.raises(DirectiveError, match="instruction"):
        changes.adjust(engine, aid, {"new_lead_unit": "SXD", "correction_note": "Đổi chủ trì"}, users["clerk"])
    with pytest.raises(Forbidden):
        changes.adjust(engine, aid, {"new_lead_unit": "SXD", "correction_note": "x"}, users["stc"],
                       instruction=INSTRUCTION)
    with pytest.raises(FormValidationError) as refused:
        changes.adjust(engine, aid, {"new_lead_unit": "NOPE", "new_deadline": "31/02/2026"}, users["clerk"],
                       instruction=INSTRUCTION)
    assert set(refused.value.errors) == {"new_lead_unit", "new_deadline", "correction_note"}
    with pytest.raises(DirectiveError, match="what changes"):
        changes.adjust(engine, aid, {"correction_note": "Không đổi gì"}, users["clerk"], instruction=INSTRUCTION)

    changes.adjust(engine, aid, {"new_lead_unit": "SXD", "coordinating_change": "replace",
                                 "new_coordinating_units": ["STC"], "new_content": "Báo cáo giải ngân quý I",
                                 "new_deadline": "06/03/2026", "correction_note": "Giao Sở Xây dựng chủ trì"},
                   users["clerk"], instruction=INSTRUCTION)
    assert no_incidents(engine)
    assert units_of(engine, aid) == {"SXD": ("lead", date(2026, 3, 6)), "STC": ("coordinating", date(2026, 3, 6))}
    adjusted = drive.assignment(engine, aid)
    assert (adjusted.content, adjusted.deadline, adjusted.status) == ("Báo cáo giải ngân quý I", date(2026, 3, 6),
                                                                      "open")
    assert status_of(engine, old_part) == "cancelled"
    assert sorted(drive.ready_elements(engine)) == ["contribute", "handle"]
    handle = drive.ready(engine, "handle", "SXD")
    assert "Báo cáo giải ngân quý I" in handle.instructions and "06/03/2026" in handle.instructions
    assert handle.due_at.date() == date(2026, 2, 24)  # the new lead's first update (Đ.7 k.2a): 13, 23, 24 Feb
    assert drive.ready(engine, "contribute", "STC").due_at.date() == date(2026, 3, 6)
    with engine.db.session() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "assignment.reassigned")).all()
    assert entry.actor_name == "clerk" and entry.after["lead_unit"] == "Sở Xây dựng"
    assert entry.after["note"] == f"Giao Sở Xây dựng chủ trì ({INSTRUCTION})"

    # Once the unit reports done, the office reviews: adjusting waits for that step.
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Xong"}, users["sxd"])
    with pytest.raises(DirectiveError, match="while its lead unit handles it"):
        changes.adjust(engine, aid, {"new_deadline": "20/03/2026", "correction_note": "Gia hạn"}, users["leader"])


def test_a_new_lead_unit_starts_the_tasks_progress_and_the_old_leads_reports_stay_under_its_name(loaded, org_tree):
    """The task's progress is its lead unit's: after the change the new lead has reported nothing
    yet (the old lead's 'in progress' and its report's time no longer stand for the task: the
    "recently updated" sort), the old lead's report stays,
    named, among the reports and the history says what the progress was."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress", "note": "Đang rà soát"},
                   users["stc"])
    assert drive.assignment(engine, aid).progress == "in_progress"
    assert drive.assignment(engine, aid).last_update_at is not None  # the old lead's report, not the task's now
    changes.adjust(engine, aid, {"new_lead_unit": "SXD", "correction_note": "Giao Sở Xây dựng chủ trì"},
                   users["clerk"], instruction=INSTRUCTION)
    assert no_incidents(engine)
    adjusted = drive.assignment(engine, aid)
    assert (adjusted.progress, adjusted.completed_on, adjusted.last_update_at) == ("not_started", None, None)
    with engine.db.session() as s:
        assert [(u.unit_id, u.progress) for u in s.scalars(select(ProgressUpdate))] == [
            (s.scalar(select(Unit.id).where(Unit.code == "STC")), "in_progress")]
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "assignment.reassigned")).all()
    assert (entry.before["progress"], entry.after["progress"]) == ("in_progress", "not_started")
    drive.complete(engine, "handle", {"action": "update", "progress": "done", "note": "Xong"}, users["sxd"], unit="SXD")
    assert drive.assignment(engine, aid).progress == "done"


def test_a_deadline_moved_before_a_coordinating_units_own_takes_its_part_along(loaded, org_tree):
    """A coordinating unit's part is never due after the assignment it serves: the deadline
    corrected to 18/02 brings Phòng Ngân sách's 20/02 with it (its part is urged to 18/02)."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])
    return_it(engine, users)
    drive.complete(engine, "correct", {"correction_note": "Rút ngắn thời hạn", "new_deadline": "18/02/2026"},
                   users["clerk"])
    assert no_incidents(engine)
    assert units_of(engine, aid) == {"STC": ("lead", date(2026, 2, 18)), "SXD": ("coordinating", date(2026, 2, 18)),
                                     "STC-NS": ("coordinating", date(2026, 2, 18))}
    assert drive.ready(engine, "contribute", "STC-NS").due_at.date() == date(2026, 2, 18)


def test_a_corrected_or_adjusted_deadline_is_not_in_the_past(loaded, org_tree):
    """The office gave a returned task to another unit with a new deadline of 01/12 on 06/12, and the
    new lead got a task late on the day it received it: the new deadline, on the correction and on
    an adjustment alike, is today or later (Thời hạn mới named)."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [TASK])   # today 12/02/2026
    return_it(engine, users)
    with pytest.raises(FormValidationError) as refused:
        drive.complete(engine, "correct", {"new_lead_unit": "SXD", "new_deadline": "11/02/2026",
                                           "correction_note": "Giao Sở Xây dựng"}, users["clerk"])
    assert set(refused.value.errors) == {"new_deadline"}
    assert drive.assignment(engine, aid).deadline == date(2026, 2, 26)
    drive.complete(engine, "correct", {"new_lead_unit": "SXD", "new_deadline": "12/02/2026",
                                       "correction_note": "Giao Sở Xây dựng"}, users["clerk"])
    assert drive.assignment(engine, aid).deadline == date(2026, 2, 12)

    with pytest.raises(FormValidationError) as refused:
        changes.adjust(engine, aid, {"new_deadline": "11/02/2026", "correction_note": "Rút ngắn"}, users["clerk"],
                       instruction=INSTRUCTION)
    assert set(refused.value.errors) == {"new_deadline"}
    assert drive.assignment(engine, aid).deadline == date(2026, 2, 12)
