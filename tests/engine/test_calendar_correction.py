"""An admin corrects the calendar: open working-day deadlines, the work items showing them and
the timeDate timers waiting on them move, in one transaction, with an audit trail."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.clock import VN_TZ
from engine.directives import attachments, extensions
from engine.directives.models import Assignment, ExplanationRequest
from engine.inspections import service as inspections
from engine.inspections.models import Inspection
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import User
from engine.reports.service import start_schedule
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.scheduler.service import tick
from engine.urging.policy import KINDS as URGING_KINDS
from engine.working_days import WorkingCalendar
from engine.working_days.service import refresh_pending, remove_override, set_override
from engine.working_days.year import DayKind, year_view
from tests.conftest import PASSWORD
from tests.engine.conftest import open_assignment, ready_item, start_mini
from tests.processes import drive
from tests.processes.test_inspection import DECISION as INSPECTION_DECISION


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def actions(engine) -> list[str]:
    with engine.db.session() as s:
        return s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def deadline_and_timer(engine, instance_id: int) -> tuple:
    with engine.db.session() as s:
        instance = s.get(WorkflowInstance, instance_id)
        _, workflow = engine.runtime._load(s, instance)
        item = s.scalars(select(WorkItem).where(WorkItem.instance_id == instance_id,
                                                WorkItem.status == "ready")).one()
    [timer] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "remind"]
    return timer.data["deadline"]["date"], instance.next_timer_due, item.due_at


def test_timer_and_work_item_follow_a_calendar_correction(mini, clock):
    engine = mini.engine
    instance_id = start_mini(engine)  # deadline Thu 26/02/2026, reminder 1 working day before
    assert deadline_and_timer(engine, instance_id) == (
        "2026-02-26", vn("2026-02-25T08:00+07:00"), vn("2026-02-26T17:00+07:00"))

    changed = set_override(engine, date(2026, 2, 24), False, "Nghỉ bù theo thông báo", actor=mini.admin)
    assert changed == 1
    assert deadline_and_timer(engine, instance_id) == (
        "2026-02-27", vn("2026-02-26T08:00+07:00"), vn("2026-02-27T17:00+07:00"))
    assert actions(engine)[-2:] == ["calendar.changed", "deadlines.recomputed"]
    with engine.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "calendar.changed")).one()
        assert (entry.object_id, entry.actor_name, entry.after["working"]) == ("2026-02-24", "admin", False)

    clock.set(datetime(2026, 2, 25, 9, 0))  # the old reminder time has passed: nothing fires
    assert engine.runtime.run_due_timers() == 0
    clock.set(datetime(2026, 2, 26, 8, 1))
    assert engine.runtime.run_due_timers() == 1
    assert ready_item(engine, instance_id, "enter")  # the reminder is non-interrupting


def test_a_correction_saved_from_the_web_reaches_the_workflows_at_the_next_tick(mini, clock):
    """The web saves the correction without waiting for every workflow; the scheduler follows."""
    engine = mini.engine
    instance_id = start_mini(engine)
    assert set_override(engine, date(2026, 2, 24), False, "Nghỉ bù", actor=mini.admin, refresh=False) is None
    assert deadline_and_timer(engine, instance_id)[0] == "2026-02-26"  # not yet
    assert refresh_pending(engine)
    assert tick(engine).refreshed == 1
    assert deadline_and_timer(engine, instance_id) == (
        "2026-02-27", vn("2026-02-26T08:00+07:00"), vn("2026-02-27T17:00+07:00"))
    assert not refresh_pending(engine) and tick(engine).refreshed is None
    assert actions(engine).count("deadlines.recomputed") == 1


def test_a_correction_refreshed_at_once_is_not_refreshed_again(mini):
    engine = mini.engine
    start_mini(engine)
    assert set_override(engine, date(2026, 2, 24), False, "Nghỉ bù", actor=mini.admin) == 1
    assert not refresh_pending(engine) and tick(engine).refreshed is None


def test_removing_a_correction_moves_deadlines_back(mini):
    engine = mini.engine
    instance_id = start_mini(engine)
    set_override(engine, date(2026, 2, 24), False, actor=mini.admin)
    assert remove_override(engine, date(2026, 2, 24), actor=mini.admin) == 1
    assert deadline_and_timer(engine, instance_id)[0] == "2026-02-26"
    assert actions(engine)[-2:] == ["calendar.changed", "deadlines.recomputed"]
    assert remove_override(engine, date(2026, 2, 24), actor=mini.admin) == 0  # nothing to remove


def test_assignment_deadline_with_a_rule_is_recomputed(loaded, org_tree):
    engine = loaded
    handle = open_assignment(engine, org_tree, deadline_days=5)
    with engine.db.session() as s:
        assert s.get(Assignment, handle.assignment_id).deadline == date(2026, 2, 26)
    set_override(engine, date(2026, 2, 23), False, "Nghỉ thêm", actor=org_tree["admin"])
    with engine.db.session() as s:
        assignment = s.get(Assignment, handle.assignment_id)
        assert (assignment.deadline, assignment.deadline_rule["date"]) == (date(2026, 2, 27), "2026-02-27")
        assert assignment.original_deadline == date(2026, 2, 26)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "assignment.deadline_recomputed")).one()
        assert (entry.before, entry.after) == ({"deadline": "2026-02-26"}, {"deadline": "2026-02-27"})


# ---------------------------------------------------------------- the real processes
def urging_notes(engine) -> list[tuple[str, str]]:
    """(kind, VN local day) of every urging notification to the lead unit's officer."""
    with engine.db.session() as s:
        rows = s.execute(select(Notification.kind, Notification.created_at).join(User, User.id == Notification.user_id)
                         .where(User.username == "stc", Notification.kind.in_(URGING_KINDS))
                         .order_by(Notification.id)).all()
    return [(kind, created.astimezone(VN_TZ).date().isoformat()) for kind, created in rows]


def run_until(engine, clock, until: datetime) -> None:
    """Tick like the scheduler, every 3 hours, up to `until` (VN time)."""
    while clock.now() < until:
        clock.advance(timedelta(hours=3))
        tick(engine)


def urging_due(engine, assignment_id: int) -> datetime:
    with engine.db.session() as s:
        instance_id = s.get(Assignment, assignment_id).instance_id
        return s.get(WorkflowInstance, instance_id).next_timer_due.astimezone(VN_TZ)


def test_urging_reminders_follow_an_extra_day_off_and_fire_once(loaded, org_tree, clock):
    engine = loaded
    handle = open_assignment(engine, org_tree, deadline_days=5)  # Thu 12/02 + 5 working days: Thu 26/02
    assert urging_due(engine, handle.assignment_id) == datetime(2026, 2, 23, 8, tzinfo=VN_TZ)  # 3 days before
    assert handle.due_at == vn("2026-02-24T17:00+07:00")  # first update: 3 working days (Đắk Lắk Đ.7)

    set_override(engine, date(2026, 2, 23), False, "Nghỉ bù", actor=org_tree["admin"])  # deadline: Fri 27/02
    assert urging_due(engine, handle.assignment_id) == datetime(2026, 2, 24, 8, tzinfo=VN_TZ)
    assert ready_item(engine, handle.instance_id, "handle").due_at == vn("2026-02-25T17:00+07:00")
    with engine.db.session() as s:
        instance_id = s.get(Assignment, handle.assignment_id).instance_id
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "deadlines.recomputed",
                                                   AuditEntry.object_id == str(instance_id))).one()
        assert entry.actor_name == "admin" and entry.assignment_id == handle.assignment_id

    run_until(engine, clock, datetime(2026, 3, 5, 12, tzinfo=VN_TZ))
    assert urging_notes(engine) == [
        ("reminder", "2026-02-24"),   # not on the day off, and only once
        ("due_today", "2026-02-25"),  # the first update, owed 3 working days after assignment, moved too
        ("reminder", "2026-02-26"),   # 1 working day before the moved deadline
        ("due_today", "2026-02-27"),
        ("overdue", "2026-03-02"),
        ("overdue", "2026-03-04"),
    ]
    # Waiting for the escalation (5 working days after 27/02: Fri 06/03) when Thu 05/03 is declared off.
    assert urging_due(engine, handle.assignment_id) == datetime(2026, 3, 6, 8, tzinfo=VN_TZ)
    set_override(engine, date(2026, 3, 5), False, "Nghỉ đột xuất", actor=org_tree["admin"])
    assert urging_due(engine, handle.assignment_id) == datetime(2026, 3, 9, 8, tzinfo=VN_TZ)
    run_until(engine, clock, datetime(2026, 3, 9, 12, tzinfo=VN_TZ))
    assert urging_notes(engine)[6:] == [("escalation", "2026-03-09")]


def test_inspection_report_due_and_its_overdue_timer_move(loaded, org_tree, clock):
    engine = loaded
    with engine.db.session() as s:
        inspector = org.create_user(s, "thanhtra", PASSWORD, "Hoàng Thanh Tra", "VP", ["inspector"])
    proposed = inspections.propose(engine, {"title": "Kiểm tra nhiệm vụ năm 2025", "kind": "planned",
                                            "units": ["STC"]}, org_tree["office_head"])
    engine.runtime.complete(drive.ready(engine, "decide").id, INSPECTION_DECISION, org_tree["leader"])
    # handed over: its own timers are off, and the report's is the one left
    drive.complete(engine, "hand_over", {"hand_over_note": "Đủ hồ sơ"}, org_tree["stc"], unit="STC")
    with engine.db.session() as s:  # the minutes, uploaded by the inspector who attaches them
        minutes = attachments.store(s, engine.blobs, io.BytesIO(b"bien ban"), "bien-ban.pdf",
                                    inspector).sha256
    engine.runtime.complete(drive.ready(engine, "record_findings").id,
                            {"ended_on": "12/02/2026", "findings": "STC chậm", "minutes": [minutes]}, inspector)
    assert drive.ready(engine, "write_report").due_at == vn("2026-03-02T17:00+07:00")  # 7 working days

    set_override(engine, date(2026, 2, 27), False, "Nghỉ bù", actor=org_tree["admin"])
    report = drive.ready(engine, "write_report")
    assert report.due_at == vn("2026-03-03T17:00+07:00")
    with engine.db.session() as s:  # the inspection's own copy of the due date moved with it
        stored = s.get(Inspection, proposed.id)
        assert (stored.report_due, stored.report_due_rule["date"]) == (date(2026, 3, 3), "2026-03-03")
    assert drive.instance(engine, proposed.instance_id).next_timer_due == vn("2026-03-03T17:00+07:00")
    assert "deadlines.recomputed" in actions(engine)

    clock.set(datetime(2026, 3, 3, 12, 0))  # late under the old calendar only: the leader hears nothing
    assert engine.runtime.run_due_timers() == 0
    clock.set(datetime(2026, 3, 4, 9, 0))
    assert engine.runtime.run_due_timers() == 1
    clock.set(datetime(2026, 3, 9, 9, 0))
    assert engine.runtime.run_due_timers() == 0  # fired once
    with engine.db.session() as s:
        warned = s.scalars(select(Notification.kind).where(Notification.user_id == org_tree["leader"].id)).all()
    assert warned == ["inspection_report_overdue"]


def test_explanation_due_date_moves_with_the_calendar(loaded, org_tree):
    engine = loaded
    handle = open_assignment(engine, org_tree)
    request = extensions.request_explanation(engine, handle.assignment_id, "Vì sao chậm?", org_tree["clerk"])
    assert request.due_on == date(2026, 2, 24)  # 3 working days after Thu 12/02, Tết excluded
    set_override(engine, date(2026, 2, 23), False, "Nghỉ bù", actor=org_tree["admin"])
    with engine.db.session() as s:
        assert s.get(ExplanationRequest, request.id).due_on == date(2026, 2, 25)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "explanation.due_recomputed")).one()
        assert (entry.before, entry.after, entry.assignment_id) == (
            {"due_on": "2026-02-24"}, {"due_on": "2026-02-25"}, handle.assignment_id)
    assert ready_item(engine, handle.instance_id, "explain").due_at == vn("2026-02-25T17:00+07:00")


def test_only_instances_that_may_depend_on_working_days_are_refreshed(mini, clock):
    """Candidates are listed in batches; an instance with no timer and no working-day rule is
    never locked nor loaded."""
    engine = mini.engine
    with_rule = [start_mini(engine) for _ in range(3)]
    loaded_ids = []
    original = engine.runtime._load

    def spy(session, instance):
        loaded_ids.append(instance.id)
        return original(session, instance)

    engine.runtime._load = spy
    with engine.db.session() as s:  # a finished instance and one holding plain dates only
        plain = s.get(WorkflowInstance, with_rule[0])
        plain.state = plain.state.replace('"working_days"', '"calendar_days"')
        plain.next_timer_due = None
        s.get(WorkflowInstance, with_rule[1]).status = "completed"
    assert engine.runtime.refresh_deadlines(batch_size=1) == 0  # nothing moved: the calendar is unchanged
    assert loaded_ids == [with_rule[2]]


def test_periodic_report_reminder_moves(loaded, org_tree):
    engine = loaded
    schedule = start_schedule(engine)  # Q1: units report by Fri 13/03, reminded 5 working days before
    assert drive.instance(engine, schedule.id).next_timer_due == vn("2026-03-06T08:00+07:00")
    set_override(engine, date(2026, 3, 11), False, "Nghỉ bù", actor=org_tree["admin"])
    assert drive.instance(engine, schedule.id).next_timer_due == vn("2026-03-05T08:00+07:00")


def test_the_year_view_shows_each_correction_as_deadlines_count_it(engine):
    set_override(engine, date(2027, 1, 3), True, "Làm bù", refresh=False)   # a Sunday worked
    set_override(engine, date(2027, 2, 5), False, refresh=False)            # a Friday off, no note
    with engine.db.reading() as s:
        days = {d.day: d for m in year_view(s, 2027) for week in m.weeks for d in week if d}
        calendar = WorkingCalendar.from_db(s)
        with pytest.raises(ValueError):
            year_view(s, 2041)  # beyond the years the holidays package was filled for
    assert len(days) == 365
    assert (days[date(2027, 1, 3)].kind, days[date(2027, 1, 3)].name, days[date(2027, 1, 3)].corrected) == (
        DayKind.SWAPPED, "Làm bù", True)
    assert (days[date(2027, 2, 5)].kind, days[date(2027, 2, 5)].corrected) == (DayKind.HOLIDAY, True)
    assert (days[date(2027, 1, 1)].kind, days[date(2027, 1, 1)].name) == (DayKind.HOLIDAY, "Tết Dương lịch")
    worked = (DayKind.WORKING, DayKind.SWAPPED)
    assert all((d.kind in worked) == calendar.is_working_day(day) for day, d in days.items())
