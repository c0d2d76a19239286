"""A lead unit late on its first progress report (chậm báo cáo lần đầu: Đắk Lắk Đ.7 k.2a, 3 working
days from being given the task), through the real assignment process, each step in a fresh worker
too: the due day reaches the assignment's row, where lists and reports read it (engine.outcomes)."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from engine.clock import VN_TZ
from engine.directives.models import Assignment
from engine.outcomes import Outcome, first_report_late, outcome_is, outcome_of, owes_first_report
from engine.working_days import WorkingCalendar
from engine.working_days.service import refresh_workflows, remove_override, set_override
from tests.processes import drive

pytestmark = pytest.mark.usefixtures("worker_mode")

# Registered Thu 12/02/2026 09:00 (Tết Mon 16 – Fri 20 off): the first report is due Tue 24/02.
LONG = {"content": "Rà soát quy hoạch", "lead_unit": "STC", "deadline": "31/03/2026"}


def _seen(engine, assignment_id: int, as_of: date) -> tuple:
    """(the row's due day, Python rule, SQL rule's count, the task's bucket, overdue count) as of `as_of`."""
    with engine.db.session() as s:
        a = s.get_one(Assignment, assignment_id)
        late_sql = s.scalar(select(func.count(Assignment.id)).where(owes_first_report(as_of)))
        overdue_ones = outcome_is(Outcome.OVERDUE, as_of, WorkingCalendar.from_db(s))
        overdue = s.scalar(select(func.count(Assignment.id)).where(overdue_ones))
        return a.first_update_due, first_report_late(a, as_of), late_sql, outcome_of(a, as_of), overdue


def test_a_unit_that_never_sent_its_first_report_is_late_on_it_not_on_its_task(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [LONG])
    assert _seen(engine, aid, date(2026, 2, 12)) == (date(2026, 2, 24), False, 0, Outcome.NOT_STARTED, 0)
    drive.run_timers_at(engine, clock, datetime(2026, 2, 24, 9, tzinfo=VN_TZ))  # the due day: still in time
    assert _seen(engine, aid, date(2026, 2, 24))[1:3] == (False, 0)
    # 13 working days late (Wed 25/02 … Fri 13/03), the urging mails sent: late on its first report,
    # its task (due 31/03) still within its deadline
    drive.run_timers_at(engine, clock, datetime(2026, 3, 13, 9, tzinfo=VN_TZ))
    assert _seen(engine, aid, date(2026, 3, 13)) == (date(2026, 2, 24), True, 1, Outcome.NOT_STARTED, 0)
    assert _seen(engine, aid, date(2026, 3, 12))[1:3] == (False, 0)  # as of a past day: not said
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])
    assert _seen(engine, aid, date(2026, 3, 13)) == (None, False, 0, Outcome.IN_PROGRESS, 0)
    drive.run_timers_at(engine, clock, datetime(2026, 3, 16, 9, tzinfo=VN_TZ))  # urging wakes: stays cleared
    assert _seen(engine, aid, date(2026, 3, 16))[:3] == (None, False, 0)


def test_a_report_sent_on_time_leaves_nothing_owed(loaded, org_tree, clock):
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [LONG])
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, users["stc"])
    drive.run_timers_at(engine, clock, datetime(2026, 3, 13, 9, tzinfo=VN_TZ))
    assert _seen(engine, aid, date(2026, 3, 13))[:3] == (None, False, 0)


def test_a_corrected_calendar_moves_the_first_report_s_due_day_at_once(loaded, org_tree, clock):
    """Mon 23/02 declared a day off (nghỉ bù) on the admin's page, which leaves the running workflows to
    the scheduler's next tick: the row's due day is Wed 25/02 at once, so on 25/02 no list calls STC late;
    urging waking before the workflows are refreshed keeps it, and its mail says "due today, 25/02"; late
    from Thu 26/02. The day off removed:
    due Tue 24/02 again."""
    engine, users = loaded, org_tree
    aid = drive.register(engine, users, [LONG])
    set_override(engine, date(2026, 2, 23), False, "Nghỉ bù", actor=users["admin"], refresh=False)
    assert _seen(engine, aid, date(2026, 2, 12))[0] == date(2026, 2, 25)
    clock.set(datetime(2026, 2, 25, 9, tzinfo=VN_TZ))
    assert _seen(engine, aid, date(2026, 2, 25))[:3] == (date(2026, 2, 25), False, 0)
    assert engine.runtime.run_due_timers()  # urging wakes on the process's old days, not yet refreshed
    assert "Hạn cập nhật tình hình lần đầu: 25/02/2026" in drive.notified(engine, "due_today")["stc"]
    assert drive.notified(engine, "overdue") == {}  # its mail says the corrected day, as the lists do
    assert _seen(engine, aid, date(2026, 2, 25))[:3] == (date(2026, 2, 25), False, 0)
    refresh_workflows(engine)
    drive.run_timers_at(engine, clock, datetime(2026, 2, 26, 9, tzinfo=VN_TZ))
    assert _seen(engine, aid, date(2026, 2, 26))[:3] == (date(2026, 2, 25), True, 1)
    remove_override(engine, date(2026, 2, 23), actor=users["admin"], refresh=False)
    assert _seen(engine, aid, date(2026, 2, 26))[:3] == (date(2026, 2, 24), True, 1)


def test_a_section_s_report_on_its_share_is_the_unit_s_first_report(loaded, org_tree, clock):
    """STC passes a share to its budget section, whose officer reports on it Fri 20/02 (before the first
    report's due day, 24/02): the task reads "in progress" from it, so STC is not late on its first
    report on 13/03 either, and urging never escalates that report to the office or the Chairman."""
    from engine.directives import subassign
    from engine.org import service as org
    from tests.conftest import PASSWORD

    engine, users = loaded, org_tree
    with engine.db.session() as s:
        section = org.create_user(s, "stc_ns", PASSWORD, "Hồ Chuyên Viên", "STC-NS", ["unit_officer"])
    aid = drive.register(engine, users, [LONG])
    subassign.sub_assign(engine, aid, [{"unit": "STC-NS", "content": "Tổng hợp số liệu"}], users["stc"])
    clock.set(datetime(2026, 2, 20, 9, tzinfo=VN_TZ))
    drive.complete(engine, "handle", {"action": "update", "progress": "in_progress"}, section, unit="STC-NS")
    assert _seen(engine, aid, date(2026, 2, 20))[:2] == (None, False)  # off the lists at once
    drive.run_timers_at(engine, clock, datetime(2026, 3, 13, 9, tzinfo=VN_TZ))
    assert _seen(engine, aid, date(2026, 3, 13)) == (None, False, 0, Outcome.IN_PROGRESS, 0)
    assert drive.notified(engine, "escalation") == {}
