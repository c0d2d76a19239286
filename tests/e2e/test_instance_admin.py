"""A process admin in Chromium administers a running assignment: sees where it stands on the
diagram, suspends and resumes it, moves its token back with a dry run first, reassigns its work
item and terminates it — each step recorded in the history in words."""
import pytest
from sqlalchemy import select

from engine.directives.models import Assignment
from engine.runtime.models import WorkItem
from tests.conftest import screenshot
from tests.engine.conftest import open_assignment

pytestmark = pytest.mark.browser


def act(page, form: str, reason: str, button: str) -> None:
    page.fill(f"{form} input[name=reason]", reason)
    page.click(f"{form} button:has-text('{button}')")


def test_admin_suspends_resumes_moves_reassigns_and_terminates(loaded, org_tree, live_server, sign_in):
    handle = open_assignment(loaded, org_tree)
    admin = sign_in("admin")
    admin.click("nav.menu a:has-text('Quy trình đang chạy')")
    admin.click("#instances tr:has-text('Báo cáo') a")  # the assignment's process, by its task
    admin.wait_for_selector("#diagram[data-state=ready]")
    assert admin.locator("#diagram .djs-element.current").count() > 0  # the tokens marked
    assert "Thực hiện và cập nhật tiến độ" in admin.locator("#tokens").inner_text()

    act(admin, "#suspend-form", "Chờ làm rõ quy chế", "Tạm dừng")
    admin.wait_for_selector(".flash.success")
    assert admin.locator("#instance-status").inner_text() == "Tạm dừng"
    act(admin, "#resume-form", "Đã làm rõ", "Tiếp tục")
    admin.wait_for_selector("#instance-status:has-text('Đang chạy')")

    loaded.runtime.complete(handle.id, {"action": "update", "progress": "done", "note": "Đã xong"}, org_tree["stc"])
    admin.reload()
    admin.select_option("#move-form select[name=element]", "handle")
    act(admin, "#move-form", "Đơn vị cần làm lại", "Chạy thử")
    admin.wait_for_selector("#preview")
    preview = admin.locator("#preview").inner_text()
    assert "Chạy thử: chưa có gì thay đổi" in preview and "Xem xét kết quả và kết thúc nhiệm vụ" in preview
    screenshot(admin, "instance-move-dry-run")
    with loaded.db.reading() as s:
        assert s.scalars(select(WorkItem.element_id).where(WorkItem.status == "ready",
                                                           WorkItem.assignment_id.is_not(None))).all() == ["review"]
    admin.click("#confirm-change")
    admin.wait_for_selector(".flash.success")

    row = admin.locator("#work-items tr:has(form.reassign-form)")
    row.locator("select[name=unit]").select_option("SXD")
    act(admin, "#work-items form.reassign-form", "Sở Xây dựng chủ trì", "Chuyển")
    admin.wait_for_selector(".flash.success")
    assert "Sở Xây dựng" in admin.locator("#work-items").inner_text()

    act(admin, "#terminate-form", "Nhập trùng văn bản", "Chấm dứt")
    admin.wait_for_selector("#instance-status:has-text('Đã kết thúc')")
    history = admin.locator("table.audit").inner_text()
    for words in ("Tạm dừng quy trình", "Tiếp tục quy trình", "Đưa quy trình về một bước trước",
                  "Chuyển công việc cho nơi khác", "Quản trị chấm dứt quy trình", "Nhập trùng văn bản"):
        assert words in history, words
    screenshot(admin, "instance-terminated")
    with loaded.db.reading() as s:
        assert s.scalar(select(Assignment.status).where(Assignment.instance_id == handle.instance_id)) == "cancelled"
