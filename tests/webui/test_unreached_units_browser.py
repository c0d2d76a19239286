"""In headless Chromium: the register form names, before the clerk confirms, the chosen units no account receives
tasks in yet, and registers the directive all the same (webui/static/register.js, engine.directives.reach)."""
from __future__ import annotations

import pytest

from engine.org import service as org
from tests.conftest import screenshot, signed_in_page
from tests.webui.test_unreached_units import WARNING
from webui.app import create_app

pytestmark = pytest.mark.browser
FILLED = {"input[name=symbol]": "45/2026/QĐ-UBND", "input[name=issued_on]": "12/02/2026",
          "input[name=issuer]": "UBND tỉnh", "textarea[name=summary]": "Về việc rà soát",
          "textarea[name=a-0-content]": "Báo cáo kết quả rà soát", "input[name=a-0-deadline_days]": "5"}


def test_the_register_form_names_the_chosen_unit_nobody_receives_and_registers_all_the_same(loaded, chromium,
                                                                                            serve):
    with loaded.db.session() as s:
        org.create_unit(s, "xa-a", "UBND xã A", parent_code="UBND", kind="commune")
    base_url = serve(create_app(loaded, SECRET_KEY="test-secret", TESTING=True))
    context, page, page_errors = signed_in_page(chromium, base_url, "clerk")
    try:
        page.goto(base_url + "/directives/new")
        warning = page.locator("#unreached-units")
        assert warning.is_hidden()
        for field, value in FILLED.items():
            page.fill(field, value)
        lead = page.locator("select[name=a-0-lead_unit]")
        lead.select_option("STC")
        assert warning.is_hidden()
        lead.select_option("xa-a")
        warning.wait_for(state="visible")
        assert warning.inner_text().strip() == WARNING
        screenshot(page, "register-unreached-unit")
        page.click("form#register button[type=submit].primary")
        page.wait_for_url(lambda url: "/directives/new" not in url)
        assert "/directives/" in page.url
        assert page_errors == []
    finally:
        context.close()
