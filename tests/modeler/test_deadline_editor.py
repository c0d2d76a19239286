"""The deadline editor of the properties panel (webui/modeler/js/src/deadline-editor.js): it
reads every expression as the server does (engine/rulesets/deadline_forms.py), and a process
admin sets "3 ngày làm việc kể từ khi giao việc" without writing Python (headless Chromium)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.rulesets import deadline_forms as forms
from engine.rulesets.loader import read_ruleset
from engine.rulesets.models import ProcessBundle
from tests.conftest import screenshot
from tests.engine.test_deadline_forms import shipped_expressions
from tests.modeler.test_browser import open_editor, page, select_element, sign_in  # noqa: F401  (fixture)

JS = REPO_ROOT / "webui" / "modeler" / "js"
ODD = [("due", text) for text in ("working_deadline(task_started, 0)", "working_deadline(task_started, 03)",
                                  'working_deadline(task_started, setting("deadlines.first_update"))',
                                  'before_period_day(task_started, "quarterly", 20)', "task_started",
                                  "plus_hours(issued_on, 4)", "None", "")]


def test_the_editor_reads_every_expression_as_the_server_does():
    if shutil.which("node") is None:
        pytest.fail("node is needed: run `make assets`")
    cases = sorted(shipped_expressions()) + ODD
    described = forms.describe(read_ruleset(REPO_ROOT / "processes", "dak-lak").settings)
    result = subprocess.run(["node", str(JS / "deadline-parity.mjs")], cwd=JS, capture_output=True, text=True,
                            timeout=60, check=True, input=json.dumps({"forms": described, "cases": cases}))
    for (target, text), read in zip(cases, json.loads(result.stdout), strict=True):
        shape = forms.parse(text, target)
        assert (read and read["shape"]) == (shape and shape.as_dict()), text
        assert read is None or read["rendered"] == text


NUMBER = "#bio-properties-panel-dondoc-due-n"
EXPRESSION = "#bio-properties-panel-dondoc-due-expression"
REFUSED = "Số ngày làm việc phải là số nguyên từ 1 đến 2000."


def type_number(browser_page, text: str) -> None:
    browser_page.fill(NUMBER, text)
    browser_page.locator(NUMBER).press("Tab")
    browser_page.wait_for_timeout(400)  # the panel's input debounce


@pytest.mark.browser
def test_admin_sets_a_due_date_in_working_days_without_python(page, loaded):  # noqa: F811
    sign_in(page, "admin")
    open_editor(page)
    select_element(page, "handle", "dondoc-due")
    assert page.locator(EXPRESSION).input_value() == "deadline"  # shipped: on the task's deadline
    assert page.locator("#bio-properties-panel-dondoc-due-kind").input_value() == "on_day"
    page.select_option("#bio-properties-panel-dondoc-due-kind", "working_days")
    base = page.locator("#bio-properties-panel-dondoc-due-base")
    assert base.locator("option:checked").inner_text() == "Thời hạn nhiệm vụ"  # kept from the shape before
    assert "Ngày giao nhiệm vụ" in base.inner_text() and "Hạn báo cáo kết quả kiểm tra" not in base.inner_text()
    page.select_option("#bio-properties-panel-dondoc-due-base", label="Khi giao việc (lúc bước này bắt đầu)")
    for wrong in ("0", "-2", "ba"):  # refused, naming the field; the expression stays as it was
        type_number(page, wrong)
        error = page.locator('[data-entry-id="dondoc-due-n"] .bio-properties-panel-error')
        assert error.inner_text() == REFUSED, wrong
        assert page.locator(EXPRESSION).input_value() == "working_deadline(task_started, 1)"
    type_number(page, "3")
    assert page.locator(EXPRESSION).input_value() == "working_deadline(task_started, 3)"
    kind = page.locator('[data-entry-id="dondoc-due-kind"]')
    assert "3 ngày làm việc kể từ khi giao việc" in kind.inner_text()
    screenshot(page, "modeler-deadline-shape")
    page.fill("#comment", "Hạn xử lý: 3 ngày làm việc kể từ khi giao việc")
    page.click("#save")
    page.wait_for_url("**/modeler/versions/*")
    with loaded.db.session() as s:
        saved = s.scalars(select(ProcessBundle).order_by(ProcessBundle.number.desc())).first()
        xml, saved_id = saved.files["assignment.bpmn"], saved.id
    assert '<spiffworkflow:property name="due" value="working_deadline(task_started, 3)"' in xml

    page.goto(f"{page.base}/modeler/edit/assignment.bpmn?from={saved_id}")  # reopened: the shape
    page.wait_for_selector("body[data-modeler-ready=true]")
    select_element(page, "handle", "dondoc-due")
    assert page.locator("#bio-properties-panel-dondoc-due-kind").input_value() == "working_days"
    assert page.locator(NUMBER).input_value() == "3"
    assert "3 ngày làm việc kể từ khi giao việc" in kind.inner_text()
    page.select_option("#bio-properties-panel-dondoc-due-kind", "")  # the raw expression
    assert page.locator(NUMBER).count() == 0
    assert page.locator("#bio-properties-panel-dondoc-due-kind option:checked").inner_text() == \
        "Biểu thức (dành cho người thành thạo)"
    assert page.locator(EXPRESSION).input_value() == "working_deadline(task_started, 3)"
    screenshot(page, "modeler-deadline-raw")
