"""The system admin's calendar year and users search in headless Chromium: the day kinds are
painted apart, a click on a day fills the correction form, and the users search finds
"Nguyễn Văn" typed without diacritics."""
from __future__ import annotations

import pytest

from engine.org import service as org
from tests.conftest import PASSWORD, screenshot, signed_in_page
from webui.app import create_app

pytestmark = pytest.mark.browser


def test_the_calendar_year_and_the_users_search(engine, org_tree, chromium, serve):
    with engine.db.session() as s:
        for n in range(55):
            org.create_user(s, f"cv{n:02d}", PASSWORD, f"Trần Thị {n:02d}", "SXD", ["unit_officer"])
    base_url = serve(create_app(engine, SECRET_KEY="test-secret", TESTING=True))
    context, page, page_errors = signed_in_page(chromium, base_url, "admin")

    page.goto(base_url + "/admin/calendar?year=2026")
    colours = page.evaluate("""days => days.map(d =>
        getComputedStyle(document.querySelector(`td[data-day="${d}"]`)).backgroundColor)""",
                            ["13/02/2026", "14/02/2026", "17/02/2026", "10/01/2026"])
    assert len(set(colours)) == 4, colours  # working, weekend, holiday, swapped: four looks
    assert page.locator(".cal-month").count() == 12
    screenshot(page, "admin-calendar-year")
    page.click('td[data-day="17/02/2026"] a')
    assert page.input_value("input[name=day]") == "17/02/2026"
    assert page.input_value("select[name=working]") == "1"  # Tết: the form offers to make it worked

    page.goto(base_url + "/admin/users")
    assert page.inner_text("#users-total") == "62 người dùng"
    assert page.locator("table.list tbody tr").count() == 50
    page.fill("input[name=q]", "nguyen van")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url(lambda url: "q=nguyen" in url)
    assert page.inner_text("#users-total") == "1 người dùng"
    assert "Nguyễn Văn Theo Dõi" in page.inner_text("table.list tbody")
    screenshot(page, "admin-users-search")
    context.close()
    assert not page_errors, page_errors
