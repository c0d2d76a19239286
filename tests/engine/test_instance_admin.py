"""Instance administration (engine/instances): list and filter, one instance's state, suspend and
resume (timers through the scheduler's own path), terminate, retry with corrected data, skip a
step, move a token with a dry run, reassign a work item; each audited, each refused to others."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.directives import changes
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive
from engine.errors import Conflict, EngineError, Forbidden
from engine.instances import actions, queries
from engine.instances.queries import InstanceFilter
from engine.org.models import User
from engine.outcomes import outcome_of
from engine.reports.service import start_schedule
from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from engine.scheduler.service import tick
from tests.engine.conftest import instance_row, open_assignment, ready_item, start_mini


def audit_actions(engine, instance_id: int) -> list[str]:
    with engine.db.session() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "workflow_instance",
                                                             AuditEntry.object_id == str(instance_id))
                              .order_by(AuditEntry.id)))


def open_items(engine, instance_id: int) -> list[str]:
    with engine.db.session() as s:
        return list(s.scalars(select(WorkItem.element_id).where(WorkItem.instance_id == instance_id,
                                                               WorkItem.status == "ready").order_by(WorkItem.id)))


def failed_at_compute(mini) -> int:
    instance_id = start_mini(mini.engine)
    mini.engine.runtime.complete(ready_item(mini.engine, instance_id, "enter").id,
                                 {"divisor": "0", "unit_code": "VP"}, mini.clerk)
    return instance_id


def test_the_list_filters_and_names_what_it_shows(mini, clock):
    engine = mini.engine
    waiting = start_mini(engine)
    clock.set(datetime(2026, 2, 20, 9, 0))
    failed = failed_at_compute(mini)
    rows, total = queries.list_instances(engine, mini.admin, InstanceFilter())
    assert total == 2 and [r.instance.id for r in rows] == [waiting, failed]  # oldest first
    assert (rows[0].process, rows[0].version, rows[0].steps, rows[0].units) == (
        "Mini", "Quy chế thử nghiệm · 1", ["Nhập số liệu"], ["Văn phòng"])
    assert rows[1].open_incidents == 1 and rows[1].steps == []
    pick = {"incident": ([r.instance.id for r in queries.list_instances(engine, mini.admin, InstanceFilter(
        incident=True))[0]]), "quiet": [r.instance.id for r in queries.list_instances(
            engine, mini.admin, InstanceFilter(incident=False))[0]],
        "enter": [r.instance.id for r in queries.list_instances(engine, mini.admin, InstanceFilter(
            element_ids=("enter",)))[0]],
        "old": [r.instance.id for r in queries.list_instances(engine, mini.admin, InstanceFilter(
            older_than_days=5))[0]],
        "error": [r.instance.id for r in queries.list_instances(engine, mini.admin, InstanceFilter(
            status="error"))[0]],
        "other_process": queries.list_instances(engine, mini.admin, InstanceFilter(process_id="nope"))[1]}
    assert pick == {"incident": [failed], "quiet": [waiting], "enter": [waiting], "old": [waiting],
                    "error": [failed], "other_process": 0}
    assert queries.list_instances(engine, mini.admin, InstanceFilter(page=2))[0] == []
    state = queries.instance_state(engine, mini.admin, failed)
    assert [(t.element_id, t.state) for t in state.tokens] == [("compute", "error")]
    assert state.data["divisor"] == 0 and [i.element_id for i in state.incidents] == ["compute"]
    assert state.move_targets == [("enter", "Nhập số liệu")]  # steps that work; not the start event
    with pytest.raises(Forbidden):
        queries.list_instances(engine, mini.clerk, InstanceFilter())
    with pytest.raises(Forbidden):
        queries.instance_state(engine, mini.clerk, failed)


def test_a_suspended_instance_fires_no_timer_and_completes_no_work_until_resumed(mini, clock):
    engine = mini.engine
    instance_id = start_mini(engine)  # the reminder is due Wed 25/02/2026 08:00
    actions.suspend(engine, mini.admin, instance_id, "Chờ làm rõ quy chế")
    assert instance_row(engine, instance_id).status == "suspended"
    clock.set(datetime(2026, 2, 26, 9, 0))
    assert tick(engine).advanced == 0  # the scheduler's own path
    assert instance_row(engine, instance_id).next_timer_due is not None
    enter = ready_item(engine, instance_id, "enter")
    with pytest.raises(Conflict, match="suspended"):
        engine.runtime.complete(enter.id, {"divisor": "5", "unit_code": "VP"}, mini.clerk)
    with pytest.raises(Conflict):
        actions.suspend(engine, mini.admin, instance_id, "lần nữa")
    with pytest.raises(Conflict, match="Resume"):  # nor does a token move
        actions.skip(engine, mini.admin, instance_id, str(enter.task_id), "bỏ qua", dry_run=True)

    actions.resume(engine, mini.admin, instance_id, "Đã rõ")
    row = instance_row(engine, instance_id)
    assert (row.status, row.next_timer_due) == ("running", None)  # the reminder fired on resume
    assert audit_actions(engine, instance_id)[-2:] == ["instance.suspended", "instance.resumed"]
    engine.runtime.complete(enter.id, {"divisor": "5", "unit_code": "VP"}, mini.clerk)
    assert open_items(engine, instance_id) == ["confirm"]
    with pytest.raises(Forbidden):
        actions.suspend(engine, mini.clerk, instance_id, "không được")


def test_terminating_an_assignment_withdraws_it(loaded, org_tree):
    handle = open_assignment(loaded, org_tree)
    with pytest.raises(EngineError, match="reason"):
        actions.terminate(loaded, org_tree["admin"], handle.instance_id, "  ")
    with pytest.raises(Forbidden):
        actions.terminate(loaded, org_tree["clerk"], handle.instance_id, "Sai quy trình")
    actions.terminate(loaded, org_tree["admin"], handle.instance_id, "Nhập trùng")
    with loaded.db.session() as s:
        assignment = s.scalars(select(Assignment).where(Assignment.instance_id == handle.instance_id)).one()
        assert assignment.status == "cancelled" and outcome_of(assignment, datetime(2026, 3, 1).date()) is None
        assert s.get(WorkItem, handle.id).status == "cancelled"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "instance.terminated")).one()
        assert (entry.actor_name, entry.after["reason"], entry.before["status"]) == ("admin", "Nhập trùng", "running")
    assert instance_row(loaded, handle.instance_id).status == "completed"
    with pytest.raises(Conflict):
        actions.terminate(loaded, org_tree["admin"], handle.instance_id, "lần nữa")


def test_retry_after_correcting_the_data(mini):
    engine = mini.engine
    instance_id = failed_at_compute(mini)
    with engine.db.session() as s:
        incident = s.scalars(select(Incident).where(Incident.instance_id == instance_id)).one()
    data = actions.incident_data(engine, mini.admin, incident.id)
    assert data["divisor"] == 0
    for raw, words in (("{", "not valid JSON"), ("[1]", "JSON object"), ('{"add_working_days": 1}', "helper")):
        with pytest.raises(actions.InstanceAdminError, match=words) as refused:
            actions.retry_with_data(engine, mini.admin, incident.id, raw, "Sửa số chia")
        assert refused.value.field == "data"
    assert instance_row(engine, instance_id).status == "error"  # nothing half-written

    actions.retry_with_data(engine, mini.admin, incident.id, json.dumps({**data, "divisor": 4}), "Sửa số chia")
    assert instance_row(engine, instance_id).status == "running" and open_items(engine, instance_id) == ["confirm"]
    with engine.db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "incident.data_edited")).one()
        assert (entry.before["data"]["divisor"], entry.after["data"]["divisor"]) == (0, 4)


def test_skipping_a_failed_step_goes_on_after_it(mini):
    engine = mini.engine
    instance_id = failed_at_compute(mini)
    [token] = queries.instance_state(engine, mini.admin, instance_id).tokens
    preview = actions.skip(engine, mini.admin, instance_id, token.task_id, "Bỏ qua bước tính", dry_run=False)
    assert (preview.cancelled, preview.created, preview.status) == (["Tính"], ["Xác nhận"], "running")
    assert open_items(engine, instance_id) == ["confirm"]
    with engine.db.session() as s:
        assert {i.status for i in s.scalars(select(Incident).where(Incident.instance_id == instance_id))} == \
            {"resolved"}
    with pytest.raises(actions.InstanceAdminError):
        actions.skip(engine, mini.admin, instance_id, "not-a-task", "x", dry_run=False)


def snapshot(engine, instance_id: int) -> tuple:
    with engine.db.session() as s:
        row = s.get(WorkflowInstance, instance_id)
        items = s.execute(select(WorkItem.id, WorkItem.status).where(WorkItem.instance_id == instance_id)
                          .order_by(WorkItem.id)).all()
        return row.state, row.version, row.status, items, s.scalar(select(func.count()).select_from(AuditEntry))


def test_a_move_dry_run_changes_nothing_and_the_move_does_what_it_said(mini):
    engine = mini.engine
    instance_id = start_mini(engine)
    engine.runtime.complete(ready_item(engine, instance_id, "enter").id, {"divisor": "5", "unit_code": "VP"},
                            mini.clerk)
    before = snapshot(engine, instance_id)
    dry = actions.move(engine, mini.admin, instance_id, "enter", "Nhập lại số liệu", dry_run=True)
    assert (dry.cancelled, set(dry.created), dry.dry_run) == (["Xác nhận"], {"Nhắc hạn", "Nhập số liệu"}, True)
    assert snapshot(engine, instance_id) == before

    done = actions.move(engine, mini.admin, instance_id, "enter", "Nhập lại số liệu", dry_run=False)
    assert (done.cancelled, done.created) == (dry.cancelled, dry.created)
    assert open_items(engine, instance_id) == ["enter"]
    assert audit_actions(engine, instance_id)[-1] == "instance.token_moved"
    with pytest.raises(actions.InstanceAdminError):
        actions.move(engine, mini.admin, instance_id, "confirm", "chưa qua", dry_run=True)
    with pytest.raises(Forbidden):
        actions.move(engine, mini.clerk, instance_id, "enter", "x", dry_run=True)


def test_reassigning_needs_someone_with_the_role_there(loaded, org_tree):
    handle = open_assignment(loaded, org_tree)
    admin = org_tree["admin"]
    with pytest.raises(actions.InstanceAdminError, match="Nobody"):
        actions.reassign(loaded, admin, handle.id, "Chuyển", unit_code="STC-NS")
    with pytest.raises(actions.InstanceAdminError, match="role"):
        actions.reassign(loaded, admin, handle.id, "Chuyển", username="chanhvp")
    with pytest.raises(Forbidden):
        actions.reassign(loaded, org_tree["clerk"], handle.id, "Chuyển", unit_code="SXD")
    actions.reassign(loaded, admin, handle.id, "Sở Xây dựng chủ trì", unit_code="SXD")
    with loaded.db.session() as s:
        assert s.get(WorkItem, handle.id).unit_id == org_tree["sxd"].unit_id
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "work_item.reassigned")).one()
        assert (entry.before, entry.after["unit"]) == ({"unit": "STC"}, "SXD")
    actions.reassign(loaded, admin, handle.id, "Trả lại", username="stc")  # a person: their unit
    with loaded.db.session() as s:
        assert s.get(WorkItem, handle.id).unit_id == org_tree["stc"].unit_id




def test_a_suspended_instance_still_counts_as_live(loaded, org_tree):
    """The report schedule is not started twice while it is suspended; a recalled directive's
    suspended process ends with it."""
    admin = org_tree["admin"]
    schedule = start_schedule(loaded)
    actions.suspend(loaded, admin, schedule.id, "Chờ lịch báo cáo mới")
    assert start_schedule(loaded).id == schedule.id

    directive = directives.register(loaded, {"symbol": "7/2026/QĐ-UBND", "issued_on": "12/02/2026",
                                             "issuer": "UBND tỉnh", "summary": "Về việc Y"},
                                    [{"content": "Báo cáo", "lead_unit": "STC", "deadline_days": 5}], org_tree["clerk"])
    with loaded.db.session() as s:  # waiting to be classified
        directive_instance = s.scalar(select(WorkflowInstance.id).where(WorkflowInstance.directive_id == directive.id))
    actions.suspend(loaded, admin, directive_instance, "Chờ")
    with loaded.db.session() as s:
        changes.end_directive(loaded, s, s.get(Directive, directive.id), s.get(User, admin.id), "Thu hồi")
    assert instance_row(loaded, directive_instance).status == "completed"
