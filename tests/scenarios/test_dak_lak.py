"""Đắk Lắk (QĐ 45/2016/QĐ-UBND) from receipt to closing, on the 2026 calendar: Tết is
Mon 16 – Fri 20 Feb, so a directive issued on Thu 12 Feb loses a week of working days."""
from datetime import date

import pytest
from sqlalchemy import func, select

from engine.directives.models import Directive
from engine.directives.service import DirectiveError
from tests.scenarios.drive import Scenario, due_day, run_inspection


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "dak-lak", tmp_path)
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


def test_registration_deadlines_by_urgency_and_size(sc):
    """Đ.7 k.1: 2 working days; 5 when many tasks or units; hỏa tốc at once."""
    one = [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "06/03/2026"}]
    many = [{"content": f"Việc {n}", "lead_unit": "STC", "deadline": "06/03/2026"} for n in range(3)]
    normal = sc.register("101/UBND-VP", "12/02/2026", one)
    flash = sc.register("102/UBND-VP", "12/02/2026", one, urgency="flash")
    large = sc.register("103/KH-UBND", "12/02/2026", many)
    due = {d.symbol: due_day(sc.ready("classify", directive_id=d.id)) for d in (normal, flash, large)}
    assert due == {"101/UBND-VP": date(2026, 2, 23), "102/UBND-VP": date(2026, 2, 12),
                   "103/KH-UBND": date(2026, 2, 26)}


def test_receive_return_late_extend_close(sc):
    directive = sc.register("45/QĐ-UBND", "12/02/2026",
                            [{"content": "Rà soát quy hoạch", "lead_unit": "STC", "deadline": "06/03/2026"}])
    sc.at("2026-02-23 10:00")
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    assert due_day(sc.ready("handle")) == date(2026, 2, 26)  # Đ.7 k.2a: 3 working days after assignment

    # Đ.6 k.2a: the unit returns a task outside its remit; the office reassigns it.
    sc.complete("handle", "stc", {"action": "return", "return_reason": "Không thuộc chức năng của Sở"})
    assert sc.assignment(assignment.id).status == "returned"
    sc.complete("correct", "clerk", {"correction_note": "Giao Sở Xây dựng", "new_lead_unit": "SXD"})
    sc.at("2026-02-25 09:00")
    sc.complete("handle", "sxd", {"action": "update", "progress": "in_progress", "note": "Đang rà soát"})

    # Late: past the deadline the unit must give the reason (Đ.20 k.2), then asks for more time.
    sc.at("2026-03-10 09:00")
    assert sc.notices("overdue", assignment.id), "the late unit is urged"
    sc.complete("handle", "sxd", {"action": "update", "progress": "in_progress", "note": "Chưa xong"})
    sc.complete("give_overdue_reason", "sxd", {"overdue_reason": "Chờ ý kiến các huyện"})
    # Đ.20 k.2: through the office, which proposes to the Chairman; the Chairman decides.
    sc.extend(assignment.id, "sxd", "20/03/2026", "Chờ ý kiến các huyện", proposer="office_head", decider="leader",
              report={"action": "update", "progress": "in_progress", "overdue_reason": "Chờ ý kiến các huyện"})
    extended = sc.assignment(assignment.id)
    assert (extended.deadline, extended.original_deadline) == (date(2026, 3, 20), date(2026, 3, 6))

    # Đ.8 k.2: the office reviews the result and decides to close.
    sc.at("2026-03-18 15:00")
    sc.complete("handle", "sxd", {"action": "update", "progress": "done", "note": "Đã trình UBND tỉnh"})
    sc.complete("review", "clerk", {"decision": "close"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.progress, closed.closed_on) == ("closed", "done", date(2026, 3, 18))


def test_open_task_gets_quarterly_update_requests(sc):
    """Đ.7 k.2b: a task without a deadline is updated each quarter."""
    directive = sc.register("46/CT-UBND", "12/02/2026", [{"content": "Thường xuyên kiểm tra", "lead_unit": "STC"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.at("2026-03-20 09:00")
    assert not sc.notices("periodic_update", assignment.id)
    sc.at("2026-04-01 09:00")
    assert sc.notices("periodic_update", assignment.id), "asked before the first quarter closes"


def test_secret_directive_is_kept_off_the_system(sc):
    """Đ.5 k.2: nothing of a secret directive goes into the system; it is followed on paper."""
    with pytest.raises(DirectiveError, match="on paper, outside the system"):  # no register to send it to
        sc.register("7/QĐ-UBND", "12/02/2026", [{"content": "Nội dung mật", "lead_unit": "STC"}], secrecy="secret")
    with sc.engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Directive)) == 0


def test_inspection_report_due_seven_working_days_after_it_ends(sc):
    """Đ.17 k.1–2: the results report within 7 working days after the inspection ends."""
    report = run_inspection(sc, ["STC", "SXD"], "13/02/2026")
    assert due_day(report) == date(2026, 3, 3)  # Fri 13 + 7 working days across Tết


def test_difficulties_are_not_a_status_of_their_own(sc):
    """Đ.5 k.1g knows done, in progress, not started: "with difficulties" counts as in progress;
    the difficulties are still named and the office told (Đ.20 k.2: the units inform the office)."""
    directive = sc.register("47/UBND-VP", "12/02/2026",
                            [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "06/03/2026"}])
    sc.complete("classify", "clerk", {"tracked": "on"})
    sc.complete("handle", "stc", {"action": "update", "progress": "blocked", "blocked_reason": "Thiếu số liệu"})
    [assignment] = sc.assignments(directive.id)
    assert sc.assignment(assignment.id).progress == "in_progress"
    [notice] = sc.notices("blocked", assignment.id)
    assert notice.user_id == sc.users["clerk"].id and "Thiếu số liệu" in notice.body
