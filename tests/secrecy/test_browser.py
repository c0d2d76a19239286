"""The register's keeper in headless Chromium: the quarter's paper report is reminded, the bell
leads to the reminder, its button opens the register at the line, and the keeper ends the line's
tracking there; the page runs under the site's content security policy without a script error."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import screenshot, signed_in_page
from tests.processes import drive
from webui.app import create_app

pytestmark = pytest.mark.browser


def test_the_keeper_follows_the_reminder_to_the_register_and_closes_the_line(register, chromium, serve, clock):
    drive.run_timers_at(register.engine, clock, datetime(2026, 3, 31, 9, 0))  # the quarter's paper report
    base = serve(create_app(register.engine, SECRET_KEY="e2e-secret"))
    context, page, page_errors = signed_in_page(chromium, base, "chanhvp", locale="vi-VN")
    try:
        page.set_default_timeout(10000)
        page.click("a.notifications-link")
        reminder = page.locator("li", has_text="12/QĐ-UBND")
        assert "Báo cáo giấy" in reminder.inner_text()
        reminder.locator("button", has_text="Xem").click()
        page.wait_for_url(f"{base}/secrecy#line-{register.lines['first']}")  # at the line reminded of
        first = page.locator(f"#line-{register.lines['first']}")
        assert "Sở Tài chính — hạn 31/03/2026" in first.inner_text()
        assert page.locator("nav.menu a.active").inner_text() == "Sổ văn bản mật"
        screenshot(page, "secret-register")
        first.locator("button", has_text="Kết thúc theo dõi").click()
        page.wait_for_selector(".flash.success")
        assert "Đã kết thúc theo dõi văn bản mật 12/QĐ-UBND" in page.locator(".flash.success").inner_text()
        closed = page.locator(f"#line-{register.lines['first']}")
        assert "Đã kết thúc theo dõi" in closed.inner_text() and closed.locator("button").count() == 0
        assert page.locator(f"#line-{register.lines['second']} button", has_text="Kết thúc theo dõi").count() == 1
        assert page_errors == []
    finally:
        context.close()
