"""A failing script or operator becomes an incident; the submission is kept; a retry after the
cause is fixed continues the flow (SpiffWorkflow's reset_from_task_id on the ERROR task)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.audit.models import AuditEntry
from engine.errors import NotFound
from engine.org import service as org
from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from tests.engine.conftest import instance_row, ready_item, start_mini


def incidents(engine, instance_id):
    with engine.db.session() as s:
        return s.scalars(select(Incident).where(Incident.instance_id == instance_id).order_by(Incident.id)).all()


def task_data(engine, instance_id, element_id):
    with engine.db.session() as s:
        _, workflow = engine.runtime._load(s, s.get(WorkflowInstance, instance_id))
    return [t.data for t in workflow.get_tasks() if t.task_spec.bpmn_id == element_id]


def test_failing_script_is_an_incident_and_the_submission_is_kept(mini):
    engine = mini.engine
    instance_id = start_mini(engine)
    enter = ready_item(engine, instance_id, "enter")
    engine.runtime.complete(enter.id, {"divisor": "0", "unit_code": "VP"}, mini.clerk)

    assert instance_row(engine, instance_id).status == "error"
    [incident] = incidents(engine, instance_id)
    assert (incident.element_id, incident.status) == ("compute", "open")
    assert "division by zero" in incident.error
    with engine.db.session() as s:
        assert s.get(WorkItem, enter.id).status == "completed"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "work_item.completed")).one()
        assert entry.after["data"] == {"divisor": 0, "unit_code": "VP"}
    assert task_data(engine, instance_id, "enter")[0]["divisor"] == 0


def test_retry_after_fixing_the_cause_continues_the_flow(mini):
    engine = mini.engine
    instance_id = start_mini(engine)
    engine.runtime.complete(ready_item(engine, instance_id, "enter").id, {"divisor": "5", "unit_code": "SXD"},
                            mini.clerk)
    [incident] = incidents(engine, instance_id)
    assert incident.element_id == "check_unit" and "Unknown unit SXD." in incident.error

    engine.runtime.retry_incident(incident.id, mini.admin)  # cause not fixed yet: fails again
    first, second = incidents(engine, instance_id)
    assert (first.status, second.status, second.element_id) == ("resolved", "open", "check_unit")
    assert instance_row(engine, instance_id).status == "error"

    with engine.db.session() as s:
        org.create_unit(s, "SXD", "Sở Xây dựng")
    engine.runtime.retry_incident(second.id, mini.admin)
    assert instance_row(engine, instance_id).status == "running"
    assert all(i.status == "resolved" for i in incidents(engine, instance_id))
    confirm = ready_item(engine, instance_id, "confirm")
    assert task_data(engine, instance_id, "confirm")[0]["ratio"] == 20
    engine.runtime.complete(confirm.id, {"note": "xong"}, mini.clerk)
    assert instance_row(engine, instance_id).status == "completed"
    with pytest.raises(NotFound):
        engine.runtime.retry_incident(second.id, mini.admin)
