"""Decision tables in the browser (modeler/decision_file.html, webui/static/decision-table.js):
the shipped tables survive dmn-js untouched and still decide the same; a process admin changes
Đắk Lắk's registration days in a cell, tests, publishes, and only new directives get the new
date; a bad cell is refused naming its rule and column."""
from __future__ import annotations

import json
import re
import shutil
from itertools import product
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.directives import service as directives
from engine.rulesets.diff import diff_files
from engine.rulesets.loader import BundleSource, compile_bundle, read_ruleset
from engine.rulesets.models import ProcessBundle
from engine.runtime.models import WorkItem
from engine.sandbox import make_script_engine
from engine.sandbox.helpers import current_settings
from tests.conftest import screenshot
from tests.modeler import test_browser
from tests.modeler.conftest import signed_in
from tests.modeler.test_browser import open_editor, sign_in

STATIC = REPO_ROOT / "webui" / "static"
DMN_JS = STATIC / "vendor" / "dmn-js" / "dmn-modeler.production.min.js"
PATH = "registration_deadline.dmn"
SCENARIO = "dang-ky-van-ban.toml"  # Đ.7 k.1: classified within 2 working days
RULESETS = sorted(p.parent.name for p in (REPO_ROOT / "processes").glob("*/ruleset.toml"))


@pytest.fixture
def processes_dir(tmp_path):
    """The shipped Đắk Lắk ruleset, whose directive process reads the registration table, with
    only its registration scenario (tests/scenarios runs them all; here three runs must stay quick)."""
    target = tmp_path / "processes"
    for folder in ("common", "dak-lak"):
        shutil.copytree(REPO_ROOT / "processes" / folder, target / folder)
    for scenario in (target / "dak-lak" / "scenarios").glob("*.toml"):
        if scenario.name != SCENARIO:
            scenario.unlink()
    return target


@pytest.fixture
def editor_page(chromium):
    """A blank page with dmn-js and the editor's script, as the edit page loads them."""
    if not DMN_JS.is_file():
        pytest.fail("dmn-js missing: run `make assets` (webui/modeler/dmn)")
    context = chromium.new_context()
    page = context.new_page()
    page.set_content('<div id="table"></div>')
    page.add_script_tag(path=str(DMN_JS))
    page.add_script_tag(path=str(STATIC / "decision-table.js"))
    yield page
    context.close()


def through_editor(page, xml: str) -> str:
    """What the editor writes back for a table opened and saved untouched."""
    return page.evaluate("""async (xml) => {
        const editor = DondocDecisionTable.create(document.getElementById('table'), {});
        await DondocDecisionTable.open(editor, xml);
        return (await editor.saveXML({format: true})).xml; }""", xml)


def decide(compiled, data: dict) -> dict:
    """The registration table's answer for `data`, as the business rule task computes it."""
    engine = next(task.dmnEngine for spec in compiled.specs.values() for task in spec.task_specs.values()
                  if hasattr(task, "dmnEngine"))
    task = SimpleNamespace(data=dict(data), workflow=SimpleNamespace(script_engine=make_script_engine()))
    token = current_settings.set(compiled.settings)
    try:
        return engine.result(task)
    finally:
        current_settings.reset(token)


def cases():
    """Directives of every urgency, with 1 to 4 assignments to 1 to 4 units, typed or imported from a register."""
    for urgency, count, units, imported in product(("normal", "urgent", "very_urgent", "flash"), (1, 4), (1, 4),
                                                   (False, True)):
        assignments = [{"lead_unit": f"U{i % units}", "coordinating_units": []} for i in range(count)]
        yield {"urgency": urgency, "assignments": assignments, "issued_on": "2026-02-12", "imported": imported,
               "received_on": "2026-02-13", "director_assigned_on": "2026-02-13", "registered_on": "2026-02-16"}


@pytest.mark.browser
def test_every_shipped_table_round_trips_through_the_editor_and_decides_the_same(editor_page):
    for ruleset in RULESETS:
        source = read_ruleset(REPO_ROOT / "processes", ruleset)
        if PATH not in source.files:
            continue
        written = through_editor(editor_page, source.files[PATH])
        assert 'xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"' in written  # DMN 1.3, as SpiffWorkflow reads
        edited = BundleSource(ruleset, {**source.files, PATH: written}, source.settings)
        [change] = diff_files(source.files, edited.files)  # comments dropped, nothing else
        assert not (change.table or change.added or change.removed or change.changed), change
        before, after = compile_bundle(source), compile_bundle(edited)
        answers = [decide(after, data) for data in cases()]
        assert answers == [decide(before, data) for data in cases()], ruleset
        assert all("registration_days" in answer for answer in answers), ruleset


def test_the_table_page_is_for_process_admins_with_dmn_js_from_this_server_in_vietnamese(app, loaded):
    assert signed_in(app, "clerk").get(f"/modeler/edit/{PATH}").status_code == 403
    admin = signed_in(app, "admin")
    page = admin.get(f"/modeler/edit/{PATH}").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "/static/vendor/dmn-js/dmn-modeler.production.min.js" in scripts and all(s.startswith("/") for s in scripts)
    data = json.loads(re.search(r'id="modeler-data">(.*?)</script>', page, re.S).group(1))
    assert data["dmnTexts"]["Hit policy:"] == "Chính sách chọn quy tắc:" and data["dmnTexts"]["When"] == "Khi"
    assert 'id="file-exchange"' in page  # download and upload stay, as the second way
    normal_days = '<outputEntry id="rule_normal_days"><text>setting("deadlines.registration")</text>'
    bad = data["xml"].replace(normal_days, '<outputEntry id="rule_normal_days"><text>3 +</text>')
    assert admin.post(data["saveUrl"], json={"xml": bad}).status_code == 400  # no CSRF token
    refused = admin.post(data["saveUrl"], json={"xml": bad}, headers={"X-CSRFToken": data["csrf"]})
    assert refused.status_code == 422
    [problem] = refused.get_json()["problems"]
    assert problem["element"] == "rule_normal_days"
    assert problem["message"] == "Quy tắc «Thông thường», cột Số ngày làm việc: lỗi cú pháp ở dòng 1: sai cú pháp"
    with loaded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessBundle)) == 1


page = test_browser.page  # signed out, on a served app; fails the test on a script error


def register(engine, users, symbol: str) -> WorkItem:
    """A directive issued 12/02/2026 with one assignment; its classification work item."""
    directive = directives.register(engine, {"symbol": symbol, "issued_on": "12/02/2026", "issuer": "UBND tỉnh",
                                             "summary": "Về việc Y"},
                                    [{"content": "Báo cáo", "lead_unit": "STC", "deadline": "06/03/2026"}],
                                    users["clerk"])
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.directive_id == directive.id,
                                                WorkItem.element_id == "classify")).one()


def due_day(engine, item_id: int) -> str:
    with engine.db.session() as s:
        return s.get(WorkItem, item_id).due_at.astimezone(VN_TZ).strftime("%d/%m/%Y")


# dmn-js's texts the page translates that still show in English in the table or its menu.
ENGLISH_SHOWN = """() => {
    const texts = JSON.parse(document.getElementById('modeler-data').textContent).dmnTexts;
    const english = new Set(Object.keys(texts).filter(text => texts[text] !== text));
    return [...document.querySelectorAll('#decision-table *, .context-menu *')].flatMap(node => [
        ...[...node.childNodes].filter(child => child.nodeType === 3).map(child => child.textContent),
        node.getAttribute('title') || '', node.getAttribute('aria-label') || ''])
        .filter(text => english.has(text)); }"""


def type_in_cell(page, entry_id: str, text: str) -> None:
    """Click the rule's cell, replace its text by typing, and leave it."""
    cell = page.locator(f'td[data-element-id="{entry_id}"] [contenteditable]')
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.locator("#comment").click()


@pytest.mark.browser
def test_admin_changes_registration_days_in_the_table_tests_publishes(page, loaded, org_tree):
    before = register(loaded, org_tree, "1/UBND-VP")
    assert due_day(loaded, before.id) == "23/02/2026"  # 2 working days (Tết 16–20/02 not counted)
    sign_in(page, "admin")
    page.goto(f"{page.base}/modeler/")
    page.click(f'a[href$="/modeler/edit/{PATH}"]')
    page.wait_for_selector("body[data-modeler-ready=true]")
    assert "Chính sách chọn quy tắc:" in page.locator(".hit-policy").inner_text()  # dmn-js in Vietnamese
    assert page.locator(".hit-policy .dms-input").inner_text() == "Quy tắc khớp đầu tiên"
    page.click('td[data-element-id="rule_normal"]', button="right")  # the rule's menu
    assert "Thêm quy tắc phía dưới" in page.locator(".context-menu").inner_text()
    assert page.evaluate(ENGLISH_SHOWN) == []
    page.keyboard.press("Escape")
    type_in_cell(page, "rule_normal_days", "3")
    page.wait_for_selector("#modeler-status:has-text('Đã lưu nháp')")  # autosaved into the draft
    screenshot(page, "decision-table-changed")

    with page.expect_popup() as opened:  # the process tests, against the open draft
        page.click("#run-scenarios")
    results = opened.value
    row = results.locator(f'#scenario-results tr[data-file="scenarios/{SCENARIO}"]')
    assert "failed" in row.get_attribute("class")
    assert "hạn 23/02/2026" in row.inner_text() and "hạn 24/02/2026" in row.inner_text()
    results.close()

    page.fill("#comment", "Phân loại văn bản thường trong 3 ngày làm việc")
    page.click("#save")
    page.wait_for_url("**/modeler/versions/*")
    assert page.locator(".table-changes").inner_text() == (
        'Quy tắc «Thông thường», Số ngày làm việc: setting("deadlines.registration") → 3')
    screenshot(page, "decision-table-version")

    # The regulation's own test follows the change.
    page.goto(f"{page.base}/modeler/scenarios/write?name={SCENARIO.removesuffix('.toml')}")
    expected = 'task = "classify", due = "{}"'
    text = page.locator("#scenario-text").input_value()
    page.fill("#scenario-text", text.replace(expected.format("23/02/2026"), expected.format("24/02/2026")))
    page.click("#save-scenario")
    page.wait_for_url("**/modeler/scenarios/")
    page.click("#run-scenarios")
    page.locator(f'#scenario-results tr.ok[data-file="scenarios/{SCENARIO}"]').wait_for()
    assert page.locator("#scenario-results tr.failed").count() == 0

    page.click('a[href*="/modeler/versions/"]')  # the draft version: changes, publish
    page.click("#publish")
    files = page.locator("#publish-files").inner_text()
    assert PATH in files and f"scenarios/{SCENARIO}" in files
    page.click("#confirm-publish")
    page.wait_for_selector(".flash")
    after = register(loaded, org_tree, "2/UBND-VP")
    assert due_day(loaded, after.id) == "24/02/2026" and due_day(loaded, before.id) == "23/02/2026"
    written = (Path(loaded.settings.processes_dir) / "dak-lak" / PATH).read_text(encoding="utf-8")
    assert '<outputEntry id="rule_normal_days">\n          <text>3</text>' in written  # dak-lak's own file now


@pytest.mark.browser
def test_a_bad_cell_is_refused_naming_rule_and_column_and_nothing_is_saved(page, loaded):
    sign_in(page, "admin")
    open_editor(page, PATH)
    type_in_cell(page, "rule_normal_days", 'setting("deadlines.registration"')
    page.click("#save")
    problem = page.locator('#problems li[data-element="rule_normal_days"]')
    problem.wait_for()
    assert "Quy tắc «Thông thường», cột Số ngày làm việc:" in problem.inner_text()
    assert page.locator('td.server-problem[data-element-id="rule_normal_days"]').count() == 1
    assert "chưa được lưu thành phiên bản" in page.locator("#modeler-status.error").inner_text()
    screenshot(page, "decision-table-refused")
    with loaded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessBundle)) == 1
