"""The running-processes pages (webui/instances) over engine/instances: names not ids, a process
admin's changes with their refusals in Vietnamese naming the field, a dry run that shows and
changes nothing, and nobody else let in."""
from __future__ import annotations

import json

from sqlalchemy import select

from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from tests.conftest import PASSWORD
from tests.engine.conftest import mini_engine, ready_item, start_mini
from tests.webui.conftest import Browser, classify, ready_item_path, register
from webui.app import create_app


def assignment_instance(engine) -> int:
    with engine.db.session() as s:
        return s.scalar(select(WorkflowInstance.id).where(WorkflowInstance.assignment_id.is_not(None)))


def test_the_list_and_an_instance_read_as_names(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    admin = browser("admin")
    page = admin.get("/admin/instances").get_data(as_text=True)
    for words in ("Quy trình đang chạy", "45/2026/QĐ-UBND", "Báo cáo kết quả rà soát", "Sở Tài chính", "12/02/2026",
                  "Đang chạy", "Ngày bắt đầu"):
        assert words in page, words
    assert ">assignment_cycle<" not in page  # the process by its name (ids only as option values)
    assert "45/2026" not in admin.get("/admin/instances?incident=open").get_data(as_text=True)
    assert "45/2026" in admin.get("/admin/instances?element=handle&older_than=x&bundle=y").get_data(as_text=True)
    assert "45/2026" in admin.get("/admin/instances?element=other,handle").get_data(as_text=True)  # any of a step's
    instance_id = assignment_instance(loaded)
    page = admin.get(f"/admin/instances/{instance_id}").get_data(as_text=True)
    for words in ("Quy trình đang ở đâu", "Dữ liệu quy trình", "Nhật ký", "Sở Tài chính", "Chờ xử lý"):
        assert words in page, words
    diagram = admin.get(f"/admin/instances/{instance_id}/diagram").get_json()
    assert "handle" in diagram["active"] and "<bpmn" in diagram["xml"]
    for other in ("clerk", "stc"):
        assert browser(other).get("/admin/instances").status_code == 403
        assert browser(other).get(f"/admin/instances/{instance_id}").status_code == 403
        assert browser(other).post(f"/admin/instances/{instance_id}/suspend", {"reason": "x"},
                                   page="/inbox").status_code == 403


def test_suspend_refuses_the_work_then_resume_move_and_terminate(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk))
    admin, unit = browser("admin"), browser("stc")
    instance_id = assignment_instance(loaded)
    page = f"/admin/instances/{instance_id}"
    refused = admin.post(f"{page}/suspend", {"reason": " "}, page=page)
    assert refused.status_code == 400 and "Lý do: Hãy nêu lý do." in refused.get_data(as_text=True)
    assert admin.post(f"{page}/suspend", {"reason": "Chờ làm rõ"}, page=page).status_code == 302
    assert "Tạm dừng" in admin.get(page).get_data(as_text=True)
    handle = ready_item_path(loaded, "handle")
    done = unit.post(handle, {"action": "update", "progress": "in_progress", "note": "Đang làm"})
    assert done.status_code == 409
    assert "đang bị quản trị quy trình tạm dừng" in done.get_data(as_text=True)
    assert admin.post(f"{page}/resume", {"reason": "Đã rõ"}, page=page).status_code == 302
    assert unit.post(handle, {"action": "update", "progress": "done", "note": "Đã xong"}).status_code == 302

    with loaded.db.session() as s:
        before = s.get(WorkflowInstance, instance_id).version
    dry = admin.post(f"{page}/move", {"element": "handle", "reason": "Làm lại", "dry_run": "1"}, page=page)
    text = dry.get_data(as_text=True)
    assert dry.status_code == 200 and "Chạy thử: chưa có gì thay đổi" in text
    assert "Các bước sẽ kết thúc: Xem xét kết quả và kết thúc nhiệm vụ" in text
    started = text.split("Các bước sẽ bắt đầu:")[1].split("</p>")[0]
    assert "Thực hiện và cập nhật tiến độ" in started, started
    with loaded.db.session() as s:
        assert s.get(WorkflowInstance, instance_id).version == before
    assert admin.post(f"{page}/move", {"element": "handle", "reason": "Làm lại"}, page=page).status_code == 302
    assert ready_item_path(loaded, "handle") != handle  # a new work item for the step run again
    assert admin.post(f"{page}/move", {"element": "nowhere", "reason": "x"}, page=page).status_code == 400

    with loaded.db.session() as s:
        item_id = s.scalar(select(WorkItem.id).where(WorkItem.instance_id == instance_id, WorkItem.status == "ready"))
    moved = admin.post(f"{page}/work-items/{item_id}/reassign", {"unit": "STC-NS", "reason": "Chuyển"}, page=page)
    assert moved.status_code == 400 and "Đơn vị: Không ai ở Phòng Ngân sách" in moved.get_data(as_text=True)
    assert admin.post(f"{page}/work-items/{item_id}/reassign", {"unit": "SXD", "reason": "Chuyển"},
                      page=page).status_code == 302
    assert admin.post(f"{page}/terminate", {"reason": "Nhập trùng"}, page=page).status_code == 302
    history = admin.get(page).get_data(as_text=True)
    for words in ("Quản trị chấm dứt quy trình", "Nhập trùng", "Chuyển công việc cho nơi khác", "Sở Xây dựng",
                  "Tạm dừng quy trình", "Tiếp tục quy trình", "Đưa quy trình về một bước trước", "Đã kết thúc"):
        assert words in history, words
    assert admin.post(f"{page}/suspend", {"reason": "x"}, page=page).status_code == 409


def test_an_incident_is_retried_after_its_data_is_corrected(database_url, clock, tmp_path):
    mini = mini_engine(database_url, clock, tmp_path)
    try:
        engine = mini.engine
        instance_id = start_mini(engine)
        engine.runtime.complete(ready_item(engine, instance_id, "enter").id, {"divisor": "0", "unit_code": "VP"},
                                mini.clerk)
        with engine.db.session() as s:
            incident_id = s.scalar(select(Incident.id))
        app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)
        admin = Browser(app)
        assert admin.login("admin", PASSWORD).status_code == 302
        shown = admin.get(f"/admin/instances/{instance_id}").get_data(as_text=True)
        row = shown[shown.index('id="incidents"'):shown.index("</table>", shown.index('id="incidents"'))]
        assert "<td>Tính</td>" in row and "Bước này dừng vì gặp lỗi khi chạy." in row  # the step by name, in words
        assert "<summary>" in row and "ZeroDivisionError" in row  # the raw error one click away
        page = f"/admin/instances/incidents/{incident_id}/data"
        form = admin.get(page).get_data(as_text=True)
        assert "&#34;divisor&#34;: 0" in form or '"divisor": 0' in form
        bad = admin.post(page, {"data": "[1]", "reason": "Sửa"})
        assert bad.status_code == 400 and "Dữ liệu của bước: Dữ liệu của bước phải là một đối tượng JSON" in \
            bad.get_data(as_text=True)
        fixed = admin.post(page, {"data": json.dumps({"divisor": 4, "unit_code": "VP"}), "reason": "Sửa số chia"})
        assert fixed.status_code == 302
        with engine.db.session() as s:
            assert s.get(Incident, incident_id).status == "resolved"
            assert s.get(WorkflowInstance, instance_id).status == "running"
        assert admin.get(page).status_code == 404  # no longer open
        clerk = Browser(app)
        clerk.login("clerk", PASSWORD)
        assert clerk.get(page).status_code == 403
    finally:
        mini.engine.close()
