"""A process admin adds fields to the unit's progress form in the form builder (headless
Chromium), saves a version and publishes it with the confirmation; the next progress work item
shows the new fields, refuses a submission without the required one (naming it) and asks the
conditional one only once the field it depends on has a value."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine.forms import parse_form
from engine.runtime.models import WorkItem
from tests.conftest import screenshot
from tests.modeler.conftest import start_assignment
from tests.modeler.test_browser import page, sign_in  # noqa: F401 — `page`: the modeler's browser fixture
from tests.modeler.test_forms import FORM

pytestmark = pytest.mark.browser


def add_field(tab, label: str, name: str, kind: str, help_text: str = "", required: bool = False) -> None:
    tab.click("#add-field")
    card = tab.locator("#fields > .field-card").last
    card.locator("[data-key=label]").fill(label)
    card.locator("[data-key=name]").fill(name)
    card.locator("[data-key=name]").press("Tab")
    card.locator("[data-key=type]").select_option(kind)
    card.locator("[data-key=help]").fill(help_text)
    if required:
        card.locator("[data-key=required]").check()


def test_admin_adds_a_required_and_a_conditional_field_used_by_the_next_work_item(
        page, loaded, org_tree, chromium, processes_dir):  # noqa: F811 — the imported fixture
    sign_in(page, "admin")
    page.goto(page.base + "/modeler/")
    page.click("#form-builder")
    page.click("tr[data-form=update_progress] a")
    # "Thêm trường" is enabled once the builder's script listens, at the end of the page: every card is drawn
    expect(page.locator("#add-field")).to_be_enabled()
    cards = page.locator("#fields > .field-card")
    drawn = cards.count()
    page.click("#add-field")  # saved blank: refused, the card says what is missing
    expect(cards).to_have_count(drawn + 1)
    page.click("#save")
    refused = page.locator("#fields > .field-card").last.locator(".card-errors")
    refused.locator("li").first.wait_for()
    assert "Trường 7, Nhãn: Trường này bắt buộc." in refused.inner_text()
    page.locator("#fields > .field-card").last.locator(".remove-field").click()
    add_field(page, "Số văn bản báo cáo", "so_van_ban", "text", "Số, ký hiệu văn bản báo cáo của đơn vị",
              required=True)
    for index in range(6, 2, -1):  # up to the third place, after the progress
        page.locator("#fields > .field-card").nth(index).locator(".move-up").click()
    add_field(page, "Ngày văn bản báo cáo", "ngay_van_ban", "date", required=True)
    page.locator("#fields > .field-card").last.locator("[data-key=show_if_field]").select_option("so_van_ban")
    page.fill("#comment", "Đơn vị ghi số văn bản báo cáo")
    screenshot(page, "form-builder")
    page.click("#save")
    page.wait_for_url("**/modeler/versions/*")
    screenshot(page, "form-builder-version")
    changes = page.locator(".form-changes").inner_text()
    assert "Trường «Số văn bản báo cáo»: thêm, bắt buộc" in changes
    assert "Trường «Ngày văn bản báo cáo»: chỉ hiện khi «Số văn bản báo cáo» có giá trị" in changes
    page.click("#publish")
    page.click("#confirm-publish")
    page.wait_for_selector(".flash")
    published = parse_form("update_progress", (processes_dir / "dak-lak" / FORM).read_text(encoding="utf-8"))
    assert [f.name for f in published.fields][:4] == ["action", "progress", "so_van_ban", "note"]

    assignment = start_assignment(loaded, org_tree, "2/2026/QĐ-UBND")
    with loaded.db.session() as s:
        item_id = s.scalar(select(WorkItem.id).where(WorkItem.instance_id == assignment.id,
                                                     WorkItem.element_id == "handle"))
    unit = chromium.new_context(viewport={"width": 1200, "height": 900}).new_page()
    unit.base = page.base
    try:
        sign_in(unit, "stc")
        unit.goto(f"{unit.base}/work/{item_id}")
        row = unit.locator(".field", has=unit.locator("#f-so_van_ban"))
        assert "Số, ký hiệu văn bản báo cáo của đơn vị" in row.inner_text()
        assert unit.locator(".field", has=unit.locator("#f-ngay_van_ban")).is_hidden()
        unit.select_option("#f-progress", "in_progress")
        unit.click("form.form button.primary")
        refusal = unit.locator(".flash.error").inner_text()
        assert "Số văn bản báo cáo" in refusal and "Ngày văn bản báo cáo" not in refusal  # hidden: not asked
        screenshot(unit, "form-builder-refused")
        unit.fill("#f-so_van_ban", "12/BC-STC")
        assert unit.locator(".field", has=unit.locator("#f-ngay_van_ban")).is_visible()
        unit.click("form.form button.primary")
        assert "Ngày văn bản báo cáo" in unit.locator(".flash.error").inner_text()  # shown: required
        unit.fill("#f-ngay_van_ban", "13/02/2026")
        unit.click("form.form button.primary")
        unit.wait_for_url("**/inbox**")
    finally:
        unit.context.close()
    with loaded.db.session() as s:
        assert s.get(WorkItem, item_id).status == "completed"
