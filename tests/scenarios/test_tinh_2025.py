"""A province of the two-tier government (tinh-2025) from receipt to closing on the 2026 calendar
(Tết: Mon 16 – Fri 20 Feb off): a ward leads a task directly and passes it to its own section."""
from datetime import date

import pytest
from sqlalchemy import select

from engine.directives import changes, subassign
from engine.directives.models import Assignment
from engine.directives.service import DirectiveError
from engine.notifications.models import Notification
from engine.org import service as org
from engine.registry import service as registry
from engine.reports import counts
from engine.reports.counts import Scope
from tests.scenarios.drive import Scenario, _user, due_day

# A ward of the province, with its own office section (NĐ 150/2025: phòng thuộc UBND cấp xã).
WARD, WARD_SECTION = "xa-22015", "xa-22015-kt"


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "tinh-2025", tmp_path)
    with scenario.engine.db.session() as s:
        org.create_unit(s, WARD, "UBND phường Tuy Hòa", parent_code="UBND", kind="commune")
        org.create_unit(s, WARD_SECTION, "Phòng Kinh tế, Hạ tầng và Đô thị", parent_code=WARD, kind="section")
        scenario.users["ward"] = _user(s, "phuongtuyhoa", WARD, ["unit_officer"])
        scenario.users["ward_section"] = _user(s, "phongkt", WARD_SECTION, ["unit_officer"])
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


def test_registration_two_working_days_urgent_at_once(sc):
    one = [{"content": "Báo cáo", "lead_unit": WARD, "deadline": "06/03/2026"}]
    normal = sc.register("21/UBND-VP", "12/02/2026", one)
    urgent = sc.register("22/UBND-VP", "12/02/2026", one, urgency="very_urgent")
    due = {d.symbol: due_day(sc.ready("classify", directive_id=d.id)) for d in (normal, urgent)}
    assert due == {"21/UBND-VP": date(2026, 2, 23), "22/UBND-VP": date(2026, 2, 12)}


def test_a_ward_leads_passes_it_to_its_section_and_the_office_closes(sc):
    directive = sc.register("15/TB-UBND", "12/02/2026", [
        {"content": "Rà soát hạ tầng đô thị sau sáp nhập", "lead_unit": WARD, "coordinating_units": ["SXD"],
         "deadline": "20/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    assert due_day(sc.ready("handle", assignment.id)) == date(2026, 2, 24)  # first_update 3: Fri 13, Mon 23, Tue 24

    [share] = subassign.sub_assign(sc.engine, assignment.id, [
        {"unit": WARD_SECTION, "content": "Khảo sát hiện trạng", "deadline": "13/03/2026"}], sc.users["ward"])
    with pytest.raises(DirectiveError, match="section of the lead unit"):  # only units below the ward
        subassign.sub_assign(sc.engine, assignment.id, [{"unit": "STC"}], sc.users["ward"])
    sc.at("2026-03-10 09:00")
    sc.complete("handle", "ward_section", {"action": "update", "progress": "done", "note": "Đã khảo sát"}, share)
    assert sc.assignment(share).progress == "done"
    sc.complete("contribute", "sxd", {"contribution_progress": "done", "contribution_note": "Đã góp ý phương án"},
                assignment.id)
    sc.complete("handle", "ward", {"action": "update", "progress": "done", "note": "Hoàn thành"}, assignment.id)
    sc.complete("review", "clerk", {"decision": "close"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.completed_on) == ("closed", date(2026, 3, 10))


def test_overdue_needs_a_reason_and_the_office_proposes_the_extension(sc):
    directive = sc.register("16/UBND-VP", "12/02/2026",
                            [{"content": "Sắp xếp trụ sở", "lead_unit": WARD, "deadline": "06/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.at("2026-03-09 09:00")
    sc.complete("handle", "ward", {"action": "update", "progress": "in_progress"}, assignment.id)
    sc.complete("give_overdue_reason", "ward", {"overdue_reason": "Chờ bàn giao trụ sở"})
    sc.extend(assignment.id, "ward", "2026-03-20", "Chờ bàn giao", proposer="office_head", decider="leader",
              report={"action": "update", "progress": "in_progress", "overdue_reason": "Chờ bàn giao"})
    assert sc.assignment(assignment.id).deadline == date(2026, 3, 20)


def test_a_report_counts_the_task_given_not_the_share_passed_down(sc):
    """The province gave the ward one task; the ward's share to its section is the ward's to answer
    for (its roll-up carries it): reports counted two tasks, one of them the section's."""
    directive = sc.register("17/UBND-VP", "12/02/2026",
                            [{"content": "Rà soát hạ tầng", "lead_unit": WARD, "deadline": "20/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    subassign.sub_assign(sc.engine, assignment.id, [{"unit": WARD_SECTION, "content": "Khảo sát"}], sc.users["ward"])
    scope = Scope(as_of=date(2026, 2, 12))
    with sc.engine.db.session() as s:
        whole, units = counts.total(s, scope), counts.by_unit(s, scope)
        page = registry.directive_detail(s, sc.users["clerk"], directive.id)
        today = [(d.symbol, n) for d, n in registry.registered_on(s, sc.users["clerk"], date(2026, 2, 12))]
    assert (whole.total, [row.extra["code"] for row in units]) == (1, [WARD])
    assert page is not None and page.progress == (0, 1)
    assert today == [("17/UBND-VP", 1)]  # the office's day: its registration's tasks


def test_a_share_comes_forward_with_the_task_it_serves(sc):
    """The leader shortens the ward's task to 06/03: its section's open share, due 13/03, comes forward
    to it (a share is never due after the unit's task, as when it is given); a share due earlier stays.
    The section kept 13/03, urged a week after the ward's task was overdue, and was not told."""
    directive = sc.register("18/UBND-VP", "12/02/2026",
                            [{"content": "Sắp xếp trụ sở", "lead_unit": WARD, "deadline": "20/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    late, early = subassign.sub_assign(sc.engine, assignment.id, [
        {"unit": WARD_SECTION, "content": "Kiểm kê", "deadline": "13/03/2026"},
        {"unit": WARD_SECTION, "content": "Bàn giao", "deadline": "02/03/2026"}], sc.users["ward"])
    changes.adjust(sc.engine, assignment.id, {"new_deadline": "06/03/2026", "correction_note": "Rút ngắn"},
                   sc.users["leader"])
    assert sc.assignment(assignment.id).deadline == date(2026, 3, 6)
    assert (sc.assignment(late).deadline, sc.assignment(early).deadline) == (date(2026, 3, 6), date(2026, 3, 2))
    with sc.engine.db.session() as s:
        assert [link.deadline for link in s.get_one(Assignment, late).units] == [date(2026, 3, 6)]
    assert due_day(sc.ready("handle", late)) == date(2026, 3, 6)  # the section's inbox reads it
    assert due_day(sc.ready("handle", early)) == date(2026, 3, 2)
    with sc.engine.db.session() as s:  # and its officers are told, the share named with its new day
        told = s.execute(select(Notification.assignment_id, Notification.user_id, Notification.subject,
                                Notification.body).where(Notification.kind == "share_deadline_moved")).all()
    assert [(share, user, subject) for share, user, subject, _ in told] == [
        (late, sc.users["ward_section"].id, "Hạn nhiệm vụ theo văn bản 18/UBND-VP được đưa lên 06/03/2026")]
    assert "Nhiệm vụ 1: Kiểm kê" in told[0].body and "Thời hạn mới: 06/03/2026" in told[0].body


def test_a_share_brought_forward_keeps_the_draft_its_section_saved(sc):
    """The share's step is given again with the new date: the section's half-written report was lost."""
    directive = sc.register("18/UBND-VP", "12/02/2026",
                            [{"content": "Sắp xếp trụ sở", "lead_unit": WARD, "deadline": "20/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    [share] = subassign.sub_assign(sc.engine, assignment.id, [
        {"unit": WARD_SECTION, "content": "Kiểm kê", "deadline": "13/03/2026"}], sc.users["ward"])
    draft = {"action": "update", "progress": "in_progress", "note": "Đã kiểm kê 3/5 trụ sở"}
    sc.engine.runtime.save_draft(sc.ready("handle", share).id, draft, sc.users["ward_section"])
    changes.adjust(sc.engine, assignment.id, {"new_deadline": "06/03/2026", "correction_note": "Rút ngắn"},
                   sc.users["leader"])
    given_again = sc.ready("handle", share)
    assert due_day(given_again) == date(2026, 3, 6) and given_again.draft == draft


def test_the_section_is_told_of_the_share_it_is_given(sc):
    """A section learns of its share as a unit of its task (in the app and by mail): nobody was told."""
    directive = sc.register("19/UBND-VP", "12/02/2026",
                            [{"content": "Rà soát hồ sơ", "lead_unit": WARD, "deadline": "20/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    [share] = subassign.sub_assign(sc.engine, assignment.id, [{"unit": WARD_SECTION, "content": "Lập danh sách"}],
                                   sc.users["ward"])
    with sc.engine.db.session() as s:
        told = s.execute(select(Notification.user_id, Notification.subject, Notification.body)
                         .where(Notification.assignment_id == share)).all()
    assert [(user, subject) for user, subject, _ in told] == [
        (sc.users["ward_section"].id, "Nhiệm vụ mới theo văn bản 19/UBND-VP")]
    assert "Nhiệm vụ 1: Lập danh sách" in told[0].body and "Thời hạn: 20/03/2026" in told[0].body


def test_the_ward_not_the_province_hears_that_its_section_is_late(sc):
    """A section's share overdue and escalated: the ward that passed it down is told (its officer, its head for
    the escalation), not the province's office and Chairman, who told the ward nothing of it."""
    directive = sc.register("20/UBND-VP", "12/02/2026",
                            [{"content": "Rà soát", "lead_unit": WARD, "deadline": "20/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    [share] = subassign.sub_assign(sc.engine, assignment.id, [{"unit": WARD_SECTION, "content": "Lập danh sách",
                                                                "deadline": "27/02/2026"}], sc.users["ward"])
    for day in ("2026-02-27 09:00", "2026-03-02 09:00", "2026-03-05 09:00", "2026-03-10 09:00", "2026-03-16 09:00"):
        sc.at(day)
    with sc.engine.db.session() as s:
        told = set(s.execute(select(Notification.kind, Notification.user_id).where(
            Notification.assignment_id == share, Notification.kind.in_(("overdue", "escalation")))))
    users = {user.id: name for name, user in sc.users.items()}
    assert {(kind, users.get(user_id, user_id)) for kind, user_id in told} == {
        ("overdue", "ward_section"), ("overdue", "ward"), ("escalation", "ward_section"), ("escalation", "ward")}
