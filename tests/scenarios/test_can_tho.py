"""Cần Thơ (QĐ 2618/QĐ-UBND, 2020) from receipt to closing, on the 2026 calendar (Tết: Mon 16 –
Fri 20 Feb off)."""
from datetime import date

import pytest

from engine.directives.service import DirectiveError
from tests.scenarios.drive import Scenario, due_day


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "can-tho", tmp_path)
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


def test_registration_within_one_working_day_urgent_at_once(sc):
    """Đ.5 k.1: ≤ 1 working day after the task arises; urgent matters at once."""
    one = [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "06/03/2026"}]
    thursday = sc.register("201/UBND-VP", "12/02/2026", one)
    urgent = sc.register("202/UBND-VP", "12/02/2026", one, urgency="very_urgent")
    sc.at("2026-02-13 09:00")  # registered the day it is issued (not before: no date after today)
    friday = sc.register("203/QĐ-UBND", "13/02/2026", one)
    due = {d.symbol: due_day(sc.ready("classify", directive_id=d.id)) for d in (thursday, urgent, friday)}
    assert due == {"201/UBND-VP": date(2026, 2, 13), "202/UBND-VP": date(2026, 2, 12),
                   "203/QĐ-UBND": date(2026, 2, 23)}  # Friday before Tết: due the Monday after


def test_receive_return_late_extend_close(sc):
    directive = sc.register("2618/KH-UBND", "12/02/2026",
                            [{"content": "Triển khai kế hoạch", "lead_unit": "STC", "deadline": "06/03/2026"}])
    sc.at("2026-02-13 08:30")
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    # Đ.5 k.2: no first-update deadline of its own — the unit keeps it current up to the deadline.
    assert due_day(sc.ready("handle")) == date(2026, 3, 6)

    sc.complete("handle", "stc", {"action": "return", "return_reason": "Giao nhầm đơn vị"})  # Đ.5 k.2
    sc.complete("correct", "clerk", {"correction_note": "Giao Sở Nội vụ", "new_lead_unit": "SNV"})
    assert sc.assignment(assignment.id).status == "open"

    sc.at("2026-03-09 09:00")  # Monday after the deadline
    assert sc.notices("overdue", assignment.id)
    sc.complete("handle", "snv", {"action": "update", "progress": "in_progress"})
    sc.complete("give_overdue_reason", "snv", {"overdue_reason": "Thiếu kinh phí"})  # Đ.11 k.2
    # Đ.11 k.2: the unit proposes to the Chairman, who decides; no office proposal first.
    sc.extend(assignment.id, "snv", "2026-03-13", "Chờ bố trí kinh phí", proposer=None, decider="leader",
              report={"action": "update", "progress": "in_progress", "overdue_reason": "Thiếu kinh phí"})
    assert sc.assignment(assignment.id).deadline == date(2026, 3, 13)

    sc.at("2026-03-12 10:00")
    sc.complete("handle", "snv", {"action": "update", "progress": "done", "note": "Hoàn thành"})
    sc.complete("review", "clerk", {"decision": "close"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.completed_on) == ("closed", date(2026, 3, 12))


def test_secret_directive_follows_the_secret_document_rules(sc):
    """Đ.4 k.1: secret documents are handled under the secret-document rules, not here."""
    with pytest.raises(DirectiveError):
        sc.register("9/CT-UBND", "12/02/2026", [{"content": "Mật", "lead_unit": "STC"}], secrecy="confidential")
