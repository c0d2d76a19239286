"""A real server (werkzeug, in a thread) over a fresh SQLite or PostgreSQL database with the
dak-lak ruleset, and one headless Chromium shared by the whole session."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from webui.app import create_app


@pytest.fixture
def live_server(loaded, serve):
    return serve(create_app(loaded, SECRET_KEY="e2e-secret"))


@pytest.fixture
def sign_in(chromium, live_server):
    """A page signed in as `username`, in its own browser context (its own cookies)."""
    contexts = []

    def open_as(username: str):
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10000)
        page.goto(f"{live_server}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]:has-text('Đăng nhập')")
        page.wait_for_url(lambda url: "/login" not in url)  # where the role lands (webui/nav.py)
        return page

    yield open_as
    for context in contexts:
        context.close()



def choose(page, select: str, labels: list[str]) -> None:
    """Choose options of the <select multiple> `select` (a CSS selector) the way people do:
    in its searchable list (webui/static/multiselect.js), typing each label and pressing Enter."""
    search = page.locator(f".ms:has(+ {select}) input.ms-filter")
    for label in labels:
        search.fill(label)
        search.press("Enter")


def register_and_classify(clerk, timeout: float = 10000) -> None:
    """Submit the register form, then, from the directive's page, classify it as tracked. `timeout` bounds each
    submission: a click waits for the navigation it starts (a 135-task classification's answer took over 10 s on a
    loaded machine)."""
    clerk.click("button.primary:has-text('Vào sổ')", timeout=timeout)
    clerk.click(".actions-panel a.primary:has-text('Phân loại văn bản')", timeout=timeout)
    clerk.wait_for_selector("h1:has-text('Phân loại văn bản')", timeout=timeout)
    clerk.click("button.primary", timeout=timeout)
    clerk.wait_for_selector(".flash.success", timeout=timeout)
