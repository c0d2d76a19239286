"""An admin corrects the calendar: open working-day deadlines, the work items showing them and
the timeDate timers waiting on them move, in one transaction, with an audit trail."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.directives.models import Assignment
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.working_days.service import remove_override, set_override
from tests.engine.conftest import open_assignment, ready_item, start_mini


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
