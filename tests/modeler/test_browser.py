"""A process admin edits a reminder timer in the real modeler page (headless Chromium),
saves, publishes; new directives use the new timer, running ones keep theirs."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import select

from engine.clock import VN_TZ
from engine.rulesets.models import ProcessBundle
from engine.runtime.models import WorkflowInstance
from tests.conftest import PASSWORD, screenshot
from tests.modeler.conftest import ASSIGNMENT, FIXTURES, instance, start_assignment
from tests.modeler.test_foreign_files import SKETCH, foreign, with_process
from webui.modeler.routes import blueprint

pytestmark = pytest.mark.browser
BUNDLE = blueprint.root_path + "/../static/vendor/modeler/modeler.js"


@pytest.fixture
def page(app, chromium, serve):
    if not Path(BUNDLE).is_file():
        pytest.fail("modeler bundle missing: run `make assets` (webui/modeler/js)")
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.base = serve(app)
    yield page
    context.close()
    assert not errors, errors


def sign_in(page, username: str) -> None:
    page.goto(page.base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url(lambda url: "/login" not in url)


def open_editor(page, path: str = ASSIGNMENT) -> None:
    page.goto(f"{page.base}/modeler/edit/{path}")
    page.wait_for_selector("body[data-modeler-ready=true]")


def select_element(page, element_id: str, group_id: str) -> None:
    """Click the element on the canvas (thin flows: through bpmn-js selection if the click
    misses) and wait for its group in the properties panel."""
    page.locator(f'.djs-element[data-element-id="{element_id}"] .djs-hit').first.click(force=True)
    group = page.locator(f'[data-group-id="group-{group_id}"]')
    try:
        group.wait_for(timeout=3000)
    except PlaywrightTimeout:
        page.evaluate("id => { const m = window.dondocModeler;"
                      " m.get('selection').select(m.get('elementRegistry').get(id)); }", element_id)
        group.wait_for()
    header = group.locator(".bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def test_admin_changes_reminder_timer_saves_and_publishes(page, loaded, org_tree):
    old = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    sign_in(page, "admin")
    open_editor(page)
    select_element(page, "reminder", "dondoc-timer")
    screenshot(page, "modeler-timer")
    page.select_option("#bio-properties-panel-dondoc-timer-kind", "working_days_before")  # the deadline editor
    page.select_option("#bio-properties-panel-dondoc-timer-base", "deadline")
    page.fill("#bio-properties-panel-dondoc-timer-n", "5")
    page.locator("#bio-properties-panel-dondoc-timer-n").press("Tab")
    page.wait_for_timeout(400)  # the panel's input debounce
    page.fill("#comment", "Nhắc trước hạn 5 ngày làm việc")
    page.click("#save")
    page.wait_for_url("**/modeler/versions/*")
    assert "working_days_before(deadline, 5)" in page.content()
    page.click("#publish")
    page.click("#confirm-publish")  # the confirmation page
    page.wait_for_selector(".flash")
    screenshot(page, "modeler-version")
    new = start_assignment(loaded, org_tree, "2/2026/QĐ-UBND")
    with loaded.db.session() as s:
        published = s.scalars(select(ProcessBundle).where(ProcessBundle.status == "published")).one()
        assert published.number == 2 and published.source == "modeler"
        assert s.scalar(select(WorkflowInstance.bundle_id).where(WorkflowInstance.id == old.id)) != published.id
    assert new.bundle_id == published.id and instance(loaded, old.id).bundle_id == old.bundle_id
    assert instance(loaded, old.id).next_timer_due.isoformat() == "2026-03-03T01:00:00+00:00"
    assert new.next_timer_due.isoformat() == "2026-02-26T01:00:00+00:00"


def test_invalid_diagram_is_refused_in_the_page_at_the_element(page, loaded):
    sign_in(page, "admin")
    open_editor(page)
    select_element(page, "handle", "dondoc-user-task")
    lane = page.locator("#bio-properties-panel-dondoc-lane")
    assert lane.locator("option:checked").inner_text() == "Đơn vị chủ trì → Chuyên viên đơn vị"  # the role by its name
    assert page.locator("#bio-properties-panel-dondoc-formKey").input_value() == "update_progress"
    select_element(page, "flow_not_done", "dondoc-condition")
    # The panel's checkbox briefly re-checks itself after a click (its local state takes the input's
    # "on" value until the model's change arrives), so Playwright's own after-click check can catch
    # the flicker: click, then wait for the state the model gives it.
    default_flow = page.locator("#bio-properties-panel-dondoc-default-flow")
    default_flow.click()
    expect(default_flow).not_to_be_checked()
    page.click("#save")
    item = page.locator('#problems li[data-element="is_done"]')
    item.wait_for()
    screenshot(page, "modeler-refused")
    # the gateway by its kind and name, not its id
    assert "[cổng chọn một nhánh “Đã hoàn thành?”]" in item.inner_text() and "nhánh mặc định" in item.inner_text()
    assert page.locator('.djs-element.server-problem[data-element-id="is_done"]').count() == 1
    page.reload()  # the refused draft is kept: reopening shows the problem again
    page.wait_for_selector('body[data-modeler-ready=true]')
    page.locator('#problems li[data-element="is_done"]').wait_for()


def test_a_foreign_file_is_uploaded_shown_with_its_problems_and_warnings_and_downloaded(page, loaded, tmp_path):
    sign_in(page, "admin")
    open_editor(page)
    xml = with_process(foreign((FIXTURES / "common" / ASSIGNMENT).read_text(encoding="utf-8")), SKETCH).replace(
        'name="Thực hiện và cập nhật tiến độ"', 'name="Thực hiện (tệp từ công cụ khác)"')
    sent = tmp_path / "tu-cong-cu-khac.bpmn"
    sent.write_bytes(xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    page.set_input_files("#upload-file", str(sent))
    item = page.locator('#problems li[data-element="handle"]', has_text="camunda:formKey")
    item.wait_for()
    screenshot(page, "modeler-upload-refused")
    assert "dondoc không đọc thuộc tính này" in item.inner_text()
    assert page.locator("#warnings li").inner_text() == (
        f'{ASSIGNMENT}: Quy trình sketch được đánh dấu isExecutable="false": dondoc sẽ không chạy quy trình này')
    assert "công cụ khác" in page.locator('.djs-element[data-element-id="handle"]').text_content()  # in the canvas
    with page.expect_download() as info:
        page.click("#download")
    assert info.value.suggested_filename == ASSIGNMENT
    downloaded = Path(info.value.path()).read_text(encoding="utf-8")
    assert 'name="Tổ công tác"' in downloaded and 'camunda:formKey="embedded:x"' in downloaded


def test_admin_changes_a_deadline_in_the_settings_form_tested_by_a_scenario_before_publishing(
        page, loaded, org_tree, processes_dir):
    """Issue #19: Đắk Lắk's registration 2 → 3 working days. The admin writes a scenario expecting
    the new due date, runs it (fails), changes the number in the settings form (no expression,
    no code), runs it again (passes) and publishes with the confirmation; a new directive gets
    the new date, one registered before keeps its own, and ruleset.toml keeps its comments."""
    from engine.directives import service as directives
    from engine.runtime.models import WorkItem

    def register(symbol: str) -> int:
        return directives.register(loaded, {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                                            "summary": "Về việc Y"}, [{"content": "Báo cáo", "lead_unit": "STC",
                                                                       "deadline": "06/03/2026"}], org_tree["clerk"]).id

    def classify_due(directive_id: int) -> str:
        with loaded.db.session() as s:
            item = s.scalars(select(WorkItem).where(WorkItem.directive_id == directive_id,
                                                    WorkItem.element_id == "classify")).one()
        return item.due_at.astimezone(VN_TZ).date().isoformat()

    old = register("8/UBND-VP")
    sign_in(page, "admin")
    page.goto(f"{page.base}/modeler/")
    page.click("#process-tests")
    page.click("#new-scenario")
    page.fill("#scenario-name", "han-phan-loai")
    page.fill("#scenario-text", SCENARIO_3_DAYS)
    page.click("#save-scenario")
    page.wait_for_url("**/modeler/scenarios/")
    page.click("#run-scenarios")
    row = page.locator('#scenario-results tr[data-file="scenarios/han-phan-loai.toml"]')
    assert "failed" in row.get_attribute("class")
    assert "Mong đợi: việc «classify» hạn 24/02/2026" in row.inner_text() and "hạn 23/02/2026" in row.inner_text()
    screenshot(page, "modeler-scenario-failed")

    page.goto(f"{page.base}/modeler/")
    page.click("#ruleset-settings")
    days = page.locator('[data-key="deadlines.registration"]')
    assert "Hạn phân loại (ngày làm việc)" in days.inner_text() and "Đ.7 k.1" in days.inner_text()
    page.fill('[name="deadlines.first_update"]', "-1")
    page.locator("#settings-form").evaluate("form => form.noValidate = true")  # what the server says
    page.click("#save-settings")
    assert "«Hạn đơn vị cập nhật lần đầu» phải từ 0 trở lên" in page.locator("#settings-problems").inner_text()
    page.fill('[name="deadlines.first_update"]', "3")
    page.fill('[name="deadlines.registration"]', "3")
    page.fill("#settings-comment", "Phân loại trong 3 ngày làm việc")
    screenshot(page, "modeler-settings")
    page.click("#save-settings")
    page.wait_for_url("**/modeler/versions/*")
    assert page.locator("#settings-changes + ul li").all_inner_texts() == ["Hạn phân loại: 2 → 3 ngày làm việc"]
    version_url = page.url

    page.goto(f"{page.base}/modeler/scenarios/")
    page.click("#run-scenarios")
    assert "ok" in row.get_attribute("class"), row.inner_text()

    page.goto(version_url)
    page.click("#publish")
    files = page.locator("#publish-files").inner_text()
    assert "Hạn phân loại: 2 → 3 ngày làm việc" in files and "scenarios/han-phan-loai.toml" in files
    assert "Đạt" in page.locator("#publish-scenarios").inner_text()
    screenshot(page, "modeler-publish-confirmation")
    page.click("#confirm-publish")
    page.wait_for_selector(".flash")
    assert "dak-lak/ruleset.toml" in page.locator(".flash").first.inner_text()
    new = register("9/UBND-VP")
    assert (classify_due(old), classify_due(new)) == ("2026-02-23", "2026-02-24")
    written = (processes_dir / "dak-lak" / "ruleset.toml").read_text(encoding="utf-8")
    assert "registration = 3           # Đ.7 k.1: ≤ 2 ngày làm việc sau khi ban hành" in written


SCENARIO_3_DAYS = '''title = "Phân loại trong 3 ngày làm việc"
[given]
on = "12/02/2026 09:00"
[given.directive]
symbol = "101/UBND-VP"
issued_on = "12/02/2026"
[[given.directive.tasks]]
content = "Báo cáo"
lead_unit = "STC"
deadline = "06/03/2026"
[given.expect]
work_items = [{ task = "classify", due = "24/02/2026", role = "clerk" }]
'''


def test_admin_sees_and_sets_a_steps_urging_and_an_unknown_value_is_refused(page, loaded):
    """The user task property `urging` in the panel: absent, the late-step rule urges the step
    (engine.urging.steps); «Theo sơ đồ» writes `urging = diagram`, kept in the saved version. A value
    the select cannot give (written by hand) is flagged by the editor's lint at the step and refused by the
    server's check, naming the property; both take the values the server accepts from one place."""
    sign_in(page, "admin")
    open_editor(page)
    select_element(page, "handle", "dondoc-user-task")
    urging = page.locator("#bio-properties-panel-dondoc-urging")
    assert urging.locator("option:checked").inner_text() == "Theo quy tắc đôn đốc việc quá hạn"
    group = page.locator('[data-group-id="group-dondoc-user-task"]')
    assert "Đôn đốc khi quá hạn" in group.inner_text()
    assert "các bộ hẹn giờ của chính sơ đồ đôn đốc bước này" in group.inner_text()
    screenshot(page, "modeler-urging")
    # a value no option gives, as a hand-written file may carry: refused with a 4xx naming the property
    page.evaluate("""() => { const m = window.dondocModeler, handle = m.get('elementRegistry').get('handle');
        const props = handle.businessObject.extensionElements.values
            .find((v) => v.$type === 'spiffworkflow:Properties');
        const moddle = m.get('moddle');
        m.get('modeling').updateModdleProperties(handle, props, {values: [...props.values,
            moddle.create('spiffworkflow:Property', {name: 'urging', value: 'timers'})]}); }""")
    # the editor's own lint flags it at once, on the step, from the values the server passed to the page
    expect(page.locator('.djs-overlays[data-container-id="handle"] .bjsl-overlay')).to_contain_text(
        "Đôn đốc khi quá hạn không nhận giá trị này, hãy chọn trong danh sách: «timers»")
    with page.expect_response(lambda r: r.url.endswith("/save")) as answer:
        page.click("#save")
    assert answer.value.status == 422
    item = page.locator('#problems li[data-element="handle"]')
    item.wait_for()
    assert "thuộc tính 'Đôn đốc khi quá hạn' chỉ được là 'diagram', không được là 'timers'" in item.inner_text()
    select_element(page, "handle", "dondoc-user-task")
    page.select_option("#bio-properties-panel-dondoc-urging", "diagram")
    assert urging.locator("option:checked").inner_text() == "Theo sơ đồ"
    page.fill("#comment", "Bước thực hiện do sơ đồ tự đôn đốc")
    page.click("#save")
    page.wait_for_url("**/modeler/versions/*")
    with loaded.db.session() as s:
        saved = s.scalars(select(ProcessBundle).order_by(ProcessBundle.id.desc())).first()
        xml = saved.files[ASSIGNMENT]
    assert xml.count('name="urging"') == 1 and 'name="urging" value="diagram"' in xml
