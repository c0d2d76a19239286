"""In a real headless Chromium: the unread badge in the top bar, the list, mark all read."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine.clock import VN_TZ
from engine.scheduler.service import tick
from tests.conftest import PASSWORD, screenshot
from tests.scheduler.conftest import start_urging
from webui.app import create_app

pytestmark = pytest.mark.browser


def test_badge_list_and_mark_all_read(urging, clock, chromium, serve):
    clock.set(datetime(2026, 3, 2, 9, tzinfo=VN_TZ))
    start_urging(urging, "2026-03-05", symbol="7/CT-UBND")
    start_urging(urging, "2026-03-05", symbol="8/CT-UBND")
    clock.set(datetime(2026, 3, 4, 8, 1, tzinfo=VN_TZ))
    tick(urging)
    base_url = serve(create_app(urging, SECRET_KEY="browser-secret"))
    context = chromium.new_context(locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", "stc")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(lambda url: "/login" not in url)  # the unit's landing (webui/nav.py)
    assert page.locator("a.notifications-link .badge").inner_text() == "2"
    page.click("a.notifications-link")
    page.wait_for_url(f"{base_url}/notifications")
    assert page.locator(".notes li.unread").count() == 2
    listed = page.inner_text(".notes")
    assert "7/CT-UBND" in listed and "05/03/2026" in listed
    screenshot(page, "notifications")
    page.click("button:has-text('Đánh dấu tất cả đã đọc')")
    assert "Đã đánh dấu 2 thông báo là đã đọc." in page.inner_text("[role=alert]")
    assert page.locator("a.notifications-link .badge").count() == 0
    assert page.locator(".notes li.unread").count() == 0
    context.close()
