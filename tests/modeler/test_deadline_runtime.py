"""A due date the deadline editor writes, run by the engine: "3 ngày làm việc kể từ khi giao
việc" on the work item, and a calendar correction days later counts again from the moment the
work was given, not from the day of the correction."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.clock import VN_TZ
from engine.directives import service as directives
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.working_days import service as calendar

COUNTED = "working_deadline(task_started, 3)"


@pytest.fixture
def processes_dir(processes_dir):
    path = processes_dir / "common" / "assignment.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace('name="due" value="deadline"',
                                                             f'name="due" value="{COUNTED}"'), encoding="utf-8")
    return processes_dir


def handle_due(engine, instance_id: int) -> datetime:
    with engine.db.session() as s:
        return s.scalars(select(WorkItem.due_at).where(WorkItem.instance_id == instance_id,
                                                       WorkItem.element_id == "handle")).one().astimezone(VN_TZ)


def start_assignment(engine, users: dict) -> WorkflowInstance:
    """A classified directive whose one assignment has a date a person set (it never moves)."""
    directive = directives.register(engine, {"symbol": "1/2026/QĐ-UBND", "issued_on": "12/02/2026",
                                             "issuer": "UBND tỉnh", "summary": "Về việc X"},
                                    [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "20/03/2026"}],
                                    users["clerk"])
    with engine.db.session() as s:
        classify = s.scalars(select(WorkItem).where(WorkItem.element_id == "classify")).one()
    engine.runtime.complete(classify.id, {"tracked": "on"}, users["clerk"])
    with engine.db.session() as s:
        return s.scalars(select(WorkflowInstance).where(WorkflowInstance.directive_id == directive.id,
                                                        WorkflowInstance.purpose == "assignment")).one()


def test_counted_from_when_the_work_was_given_and_again_after_a_correction(loaded, org_tree, clock):
    """Nothing in the task's data counts working days: the due date itself is counted again."""
    running = start_assignment(loaded, org_tree)  # Thursday 12/02, before Tết
    assert handle_due(loaded, running.id) == datetime(2026, 2, 24, 17, 0, tzinfo=VN_TZ)  # 13/02, 23/02, 24/02
    clock.advance(timedelta(days=5))
    calendar.set_override(loaded, date(2026, 2, 23), False, "Nghỉ bù")
    assert handle_due(loaded, running.id) == datetime(2026, 2, 25, 17, 0, tzinfo=VN_TZ)
