"""Gia Lai Department of Information and Communications (QĐ 07/QĐ-STTTT, 2017): the Director
assigns, the office forwards at once to the sections, the lead section forwards parts to the
coordinating sections. On the 2026 calendar (Tết: Mon 16 – Fri 20 Feb off)."""
from datetime import date

import pytest

from engine.directives.service import DirectiveError
from engine.reports.service import start_schedule
from tests.scenarios.drive import Scenario, due_day, run_inspection


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "gia-lai-stttt", tmp_path)
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


def test_office_forwards_at_once_after_the_director(sc):
    """Đ.5 k.1b: counted from the Director's assignment, not from the issue date."""
    directive = sc.register("401/UBND-KGVX", "10/02/2026",
                            [{"content": "Triển khai dịch vụ công", "lead_unit": "STC", "deadline": "06/03/2026"}],
                            issuer="UBND tỉnh Gia Lai")
    assert sc.ready_elements() == ["director_assign"]
    sc.at("2026-02-17 10:00")  # the Director acts during Tết: the office forwards on the next working day
    sc.complete("director_assign", "leader", {"director_note": "Giao Phòng Xây dựng chủ trì",
                                              "director_lead_unit": "SXD"})
    assert due_day(sc.ready("classify", directive_id=directive.id)) == date(2026, 2, 23)
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    assert sc.assignment(assignment.id).lead_unit_id == sc.unit_id("SXD")  # the Director's choice
    # Đ.5 k.2c: no first-update deadline of its own: the section works to the deadline.
    assert due_day(sc.ready("handle")) == date(2026, 3, 6)


def test_the_director_reads_what_the_office_proposes_before_assigning(sc):
    """Đ.5 k.1a: the Director assigns "as the office proposed" or names another section: the step says
    what the office proposed, each task with its sections by name and its deadline (it said only the
    directive's number and summary, found walking the ruleset in Chromium)."""
    directive = sc.register("403/UBND-KGVX", "10/02/2026",
                            [{"content": "Triển khai dịch vụ công", "lead_unit": "STC", "deadline": "06/03/2026"},
                             {"content": "Rà soát hạ tầng", "lead_unit": "SXD", "coordinating_units": ["SNV", "STC"]},
                             {"content": "Báo cáo kết quả", "lead_unit": "SNV", "deadline_days": 5}],
                            issuer="UBND tỉnh Gia Lai", summary="Về dịch vụ công")
    instructions = sc.ready("director_assign", directive_id=directive.id).instructions
    assert instructions.splitlines() == [
        "Phân công xử lý văn bản 403/UBND-KGVX: Về dịch vụ công. Văn phòng đề xuất:",
        "1. Triển khai dịch vụ công — chủ trì: Sở Tài chính; hạn 06/03/2026",
        "2. Rà soát hạ tầng — chủ trì: Sở Xây dựng; phối hợp: Sở Nội vụ, Sở Tài chính",
        "3. Báo cáo kết quả — chủ trì: Sở Nội vụ; hạn 26/02/2026"]  # 5 working days from 12/02, Tết off


def test_lead_section_with_coordinating_section_late_extended_closed(sc):
    directive = sc.register("402/UBND-KGVX", "12/02/2026",
                            [{"content": "Báo cáo chuyển đổi số", "lead_unit": "STC",
                              "coordinating_units": ["SNV"], "deadline": "27/02/2026"}])
    sc.complete("director_assign", "leader", {"director_note": "Đồng ý"})
    assert due_day(sc.ready("classify")) == date(2026, 2, 12)  # the same day
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    # Đ.5 k.2a: the coordinating section gets its part at once.
    sc.complete("contribute", "snv", {"contribution_progress": "done", "contribution_note": "Số liệu phần B"})

    sc.at("2026-03-02 09:00")  # past the deadline
    sc.complete("handle", "stc", {"action": "update", "progress": "in_progress"})
    sc.complete("give_overdue_reason", "stc", {"overdue_reason": "Chờ số liệu các huyện"})  # Đ.6 k.1f
    # Đ.9 k.2: with the Văn phòng Sở, which proposes to the Director; the Director decides.
    sc.extend(assignment.id, "stc", "06/03/2026", "Chờ số liệu", proposer="office_head", decider="leader",
              report={"action": "update", "progress": "in_progress", "overdue_reason": "Chờ số liệu các huyện"})
    sc.complete("handle", "stc", {"action": "update", "progress": "done", "note": "Đã gửi báo cáo"})
    sc.complete("review", "clerk", {"decision": "close"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.original_deadline, closed.deadline) == \
        ("closed", date(2026, 2, 27), date(2026, 3, 6))


def test_secret_directive_is_never_copied_into_the_system(sc):
    """Đ.6 k.2a: không sao chép, cập nhật, đăng tải."""
    with pytest.raises(DirectiveError):
        sc.register("8/QĐ-UBND", "12/02/2026", [{"content": "Mật", "lead_unit": "STC"}], secrecy="top_secret")


def test_section_returns_a_wrong_task_to_the_director(sc):
    """Đ.5 k.2b: the section states the reason and returns the task to the Director, who
    assigns it to another section."""
    directive = sc.register("403/UBND-KGVX", "12/02/2026",
                            [{"content": "Quản lý tần số", "lead_unit": "STC", "deadline": "27/02/2026"}])
    sc.complete("director_assign", "leader", {"director_note": "Đồng ý"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.complete("handle", "stc", {"action": "return", "return_reason": "Không thuộc chức năng của phòng"})
    item = sc.ready("director_correct")
    assert (item.role, sc.ready_elements()) == ("leader", ["director_correct"])
    sc.complete("director_correct", "leader", {"new_lead_unit": "SXD", "correction_note": "Giao Phòng Xây dựng"})
    reassigned = sc.assignment(assignment.id)
    assert (reassigned.status, reassigned.lead_unit_id) == ("open", sc.unit_id("SXD"))
    assert sc.ready("handle").unit_id == sc.unit_id("SXD")
    sc.at("2026-03-04 09:00")  # overdue: this regulation sets no office status update (Bạc Liêu Đ.9 k.1)
    assert sc.ready_elements() == ["handle"]


def test_director_names_a_coordinating_section_as_lead(sc):
    """Đ.5 k.1a: the Director may give the lead to a section the office listed as coordinating;
    the office's proposed lead then drops out."""
    directive = sc.register("404/UBND-KGVX", "12/02/2026",
                            [{"content": "Chuyển đổi số", "lead_unit": "STC", "coordinating_units": ["SXD", "SNV"],
                              "deadline": "27/02/2026"}])
    sc.complete("director_assign", "leader", {"director_note": "Phòng Xây dựng chủ trì",
                                              "director_lead_unit": "SXD"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    assert sc.assignment(assignment.id).lead_unit_id == sc.unit_id("SXD")
    assert sc.ready_elements() == ["contribute", "handle"]  # SNV's part, SXD's task
    assert sc.ready("contribute").unit_id == sc.unit_id("SNV")
    sc.complete("handle", "sxd", {"action": "update", "progress": "in_progress"})


def test_director_corrects_a_returned_task_by_swapping_the_lead(sc):
    """Đ.5 k.2b: returned to the Director, who gives the lead to the coordinating section."""
    directive = sc.register("405/UBND-KGVX", "12/02/2026",
                            [{"content": "Hạ tầng số", "lead_unit": "STC", "coordinating_units": ["SXD"],
                              "deadline": "27/02/2026"}])
    sc.complete("director_assign", "leader", {"director_note": "Đồng ý"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.complete("handle", "stc", {"action": "return", "return_reason": "Phòng Xây dựng chủ trì thì đúng hơn"})
    sc.complete("director_correct", "leader", {"new_lead_unit": "SXD", "correction_note": "Phòng Xây dựng chủ trì",
                                               "coordinating_change": "replace",
                                               "new_coordinating_units": ["STC"]})
    assert sc.ready_elements() == ["contribute", "handle"]
    assert (sc.ready("handle").unit_id, sc.ready("contribute").unit_id) == (sc.unit_id("SXD"), sc.unit_id("STC"))
    sc.complete("handle", "sxd", {"action": "update", "progress": "done", "note": "Đã xong"})
    sc.complete("review", "clerk", {"decision": "close"})
    assert sc.assignment(assignment.id).status == "closed" and sc.ready_elements() == []


def test_a_simple_inspection_is_offered_though_the_regulation_has_none(sc):
    """Đ.7 names no inspection; the common one is there with its 7-working-day report."""
    report = run_inspection(sc, ["STC"], "13/02/2026")
    assert due_day(report) == date(2026, 3, 3)  # Fri 13 + 7 working days across Tết


def test_office_consolidates_the_quarter_on_its_own_day_and_never_opens_overdue(sc):
    """Đ.10: the sections report by the 10th of the quarter's last month (k.1), the office to
    the Director by the 12th (k.2); its consolidation opens when the sections' day is over."""
    sc.register("404/UBND-KGVX", "12/02/2026",
                [{"content": "Chuyển đổi số", "lead_unit": "STC", "deadline": "30/06/2026"}])
    sc.complete("director_assign", "leader", {"director_note": "Đồng ý"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    start_schedule(sc.engine)
    sc.at("2026-03-03 09:00")  # 5 working days before Tue 10/3
    unit_report = sc.ready("pr_unit_report")
    assert "Quý I năm 2026" in unit_report.instructions and due_day(unit_report) == date(2026, 3, 10)
    sc.at("2026-03-11 09:00")  # the sections' time is over
    consolidate = sc.ready("report_consolidate")
    assert due_day(consolidate) == date(2026, 3, 12)
    assert consolidate.due_at > sc.clock.now()
