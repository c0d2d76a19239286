"""The full scenario as real users in headless Chromium: the clerk registers a directive,
the lead unit returns it, the clerk corrects it, the unit reports progress with a file, the
clerk closes it; another unit's user cannot open it by URL."""
import re

import pytest
from sqlalchemy import select

from engine.directives.models import Assignment, ProgressUpdate
from tests.conftest import screenshot
from tests.e2e.conftest import choose

pytestmark = pytest.mark.browser


def open_work(page, title: str) -> None:
    """From the inbox, one click on the work item."""
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/inbox")
    page.click(f"tr:has(.step:has-text('{title}')) a.title")  # the row of that step
    page.wait_for_selector("form.form")


def test_register_return_correct_update_close(loaded, live_server, sign_in, tmp_path):
    clerk = sign_in("clerk")
    screenshot(clerk, "01-inbox-empty")

    # The clerk registers a directive with two assignments.
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    clerk.fill("input[name=symbol]", "45/2026/QĐ-UBND")
    clerk.fill("input[name=issued_on]", "12/02/2026")
    clerk.fill("input[name=issuer]", "UBND tỉnh Đắk Lắk")
    clerk.fill("textarea[name=summary]", "Về việc tăng cường kỷ luật, kỷ cương hành chính")
    clerk.fill("textarea[name='a-0-content']", "Rà soát thủ tục hành chính, báo cáo kết quả")
    clerk.select_option("select[name='a-0-lead_unit']", "STC")
    clerk.fill("input[name='a-0-deadline_days']", "5")
    clerk.wait_for_selector("output.preview:has-text('/')")
    clerk.click("#add-row")
    clerk.fill("textarea[name='a-1-content']", "Tổ chức hội nghị quán triệt")
    clerk.select_option("select[name='a-1-lead_unit']", "SXD")
    clerk.fill("input[name='a-1-deadline']", "27/02/2026")
    screenshot(clerk, "02-register-directive")
    clerk.click("button.primary:has-text('Vào sổ')")

    # On to the directive's page, and from there to classification.
    clerk.click(".actions-panel a.primary:has-text('Phân loại văn bản')")
    clerk.wait_for_selector("h1:has-text('Phân loại văn bản')")
    assert clerk.is_checked("input[name=tracked]")
    screenshot(clerk, "03-classify")
    clerk.click("button.primary")
    clerk.wait_for_selector(".flash.success")

    # The lead unit returns it: wrongly assigned.
    unit = sign_in("stc")
    screenshot(unit, "04-unit-inbox")
    open_work(unit, "Thực hiện và cập nhật tiến độ")
    unit.select_option("select[name=action]", "return")
    assert unit.is_visible("textarea[name=return_reason]")
    assert not unit.is_visible("select[name=progress]")
    unit.fill("textarea[name=return_reason]", "Nội dung thuộc chức năng của Sở Nội vụ, đề nghị bổ sung")
    screenshot(unit, "05-return")
    unit.click("button.primary")
    unit.wait_for_selector(".flash.success")

    # The clerk corrects it.
    open_work(clerk, "Điều chỉnh nhiệm vụ bị chuyển lại")
    assert "Sở Nội vụ" in clerk.inner_text(".instructions")
    clerk.fill("textarea[name=correction_note]", "Giữ Sở Tài chính chủ trì, bổ sung phạm vi rà soát")
    clerk.fill("input[name=new_deadline]", "06/03/2026")
    clerk.click("button.primary")
    clerk.wait_for_selector(".flash.success")

    # The unit reports it done, with a file.
    report = tmp_path / "bao-cao-ket-qua.pdf"
    report.write_bytes(b"%PDF-1.4 ket qua ra soat")
    open_work(unit, "Thực hiện và cập nhật tiến độ")
    unit.select_option("select[name=progress]", "done")
    unit.fill("textarea[name=note]", "Đã rà soát 152 thủ tục, đề xuất bãi bỏ 12 thủ tục")
    unit.set_input_files("input[type=file][name=attachments]", str(report))
    screenshot(unit, "06-progress-update")
    unit.click("button.primary")
    unit.wait_for_selector(".flash.success")

    # The clerk reviews and closes it, from the assignment page's action button.
    with loaded.db.session() as s:
        assignment = s.scalar(select(Assignment).where(Assignment.lead_unit_id.is_not(None))
                              .order_by(Assignment.seq))
    detail = f"{live_server}/assignments/{assignment.id}"
    clerk.goto(detail)
    clerk.wait_for_selector("#diagram[data-state=ready]")
    assert clerk.locator("#diagram .djs-element.current").count() >= 1  # where it stands, highlighted
    screenshot(clerk, "07-assignment-to-review")
    clerk.click(".actions-panel a.button:has-text('Kết thúc nhiệm vụ')")  # the decision's own button presets it
    assert clerk.input_value("select[name=decision]") == "close"
    clerk.click("button.primary")
    clerk.wait_for_selector(".flash.success")

    clerk.goto(detail)
    clerk.wait_for_selector("#diagram[data-state=ready]")
    assert "Đã kết thúc" in clerk.inner_text("dl.facts")
    assert "bao-cao-ket-qua.pdf" in clerk.inner_text("section:has(h2:has-text('Tình hình thực hiện'))")
    screenshot(clerk, "08-assignment-closed")
    with clerk.expect_download() as download:
        clerk.click("a.file")
    assert download.value.suggested_filename == "bao-cao-ket-qua.pdf"

    clerk.goto(f"{live_server}/assignments")
    screenshot(clerk, "09-registry")
    with loaded.db.session() as s:
        assert s.get(Assignment, assignment.id).status == "closed"
        assert s.scalar(select(ProgressUpdate.attachments).where(ProgressUpdate.progress == "done"))

    # Another unit cannot open it by URL.
    other = sign_in("sxd")
    response = other.goto(detail)
    assert response.status == 404
    assert re.search("không tồn tại", other.inner_text("main"))
    screenshot(other, "10-other-unit-404")


def test_login_and_admin_pages_render(loaded, live_server, sign_in, chromium):
    anonymous = chromium.new_page()
    anonymous.goto(f"{live_server}/assignments/1")
    assert anonymous.url.startswith(f"{live_server}/login")   # signed-out users go to the sign-in page
    screenshot(anonymous, "00-login")
    anonymous.close()
    admin = sign_in("admin")
    for path, name in (("/admin/incidents", "11-incidents"), ("/admin/calendar", "12-calendar"),
                       ("/admin/users", "13-users")):
        admin.goto(live_server + path)
        screenshot(admin, name)
    admin.click("form.language button")
    admin.wait_for_selector("nav.menu a:has-text('Inbox')")
    screenshot(admin, "14-english")


def test_the_register_form_says_when_a_directive_counts_as_large(loaded, live_server, sign_in):
    """Đắk Lắk Đ.7 k.1: "nhiều nhiệm vụ, nhiều cơ quan" has no number in the text; the form
    shows the ruleset's reading (3) and tells the clerk when the directive reaches it."""
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    hint = clerk.locator("#large-directive")
    assert "Nhiều nhiệm vụ: từ 3 nhiệm vụ trở lên." in hint.inner_text()
    assert "Quy chế không quy định con số" in hint.inner_text()
    # where the process admin sets it, in the words of the menu, not a file the clerk never sees
    assert "Thiết lập quy chế" in hint.inner_text() and "ruleset.toml" not in hint.inner_text()
    large = clerk.locator("#large-directive output.large-now")
    for n, unit in enumerate(("STC", "SXD")):
        if n:
            clerk.click("#add-row")
        clerk.fill(f"textarea[name='a-{n}-content']", f"Nhiệm vụ {n + 1}")
        clerk.select_option(f"select[name='a-{n}-lead_unit']", unit)
    assert not large.is_visible()
    choose(clerk, "select[name='a-1-coordinating_units']", ["Phòng Ngân sách"])  # a third unit
    clerk.wait_for_selector("#large-directive output.large-now:not([hidden])")
    assert "05 ngày" in large.inner_text() or "5 ngày" in large.inner_text()
    clerk.get_by_role("button", name="Bỏ Phòng Ngân sách").click()
    clerk.wait_for_selector("#large-directive output.large-now[hidden]", state="attached")
