"""Classifying a long notice in headless Chromium: while the request runs, the clerk's "Phân loại" button
is disabled and says it is working, a second click sends nothing, and the same form sent again (a
retry) is refused without classifying the notice twice."""
from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.directives import service as directives
from engine.directives.models import Assignment
from tests.conftest import signed_in_page
from tests.engine.test_bulk_classify import notice
from tests.webui.conftest import Browser, ready_item_path
from webui.app import create_app

pytestmark = pytest.mark.browser
TASKS = 30


def classified(engine) -> tuple[int, int]:
    """(tasks created, classify steps completed)."""
    with engine.db.reading() as s:
        return (s.scalar(select(func.count()).select_from(Assignment)),
                s.scalar(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "work_item.completed")))


def test_the_button_says_it_is_working_and_a_notice_is_classified_once(loaded, org_tree, chromium, serve,
                                                                      monkeypatch):
    header, items = notice(12, TASKS)
    directives.register(loaded, header, items, org_tree["clerk"])
    classify = ready_item_path(loaded, "classify")
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    base_url = serve(app)
    # The request waits until the page has been looked at: a classification's seconds, made certain.
    looked, complete = threading.Event(), loaded.runtime.complete

    def after_a_look(*args, **kwargs):
        looked.wait(10)
        return complete(*args, **kwargs)

    monkeypatch.setattr(loaded.runtime, "complete", after_a_look)
    context, page, page_errors = signed_in_page(chromium, base_url, "clerk")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.goto(base_url + classify)
    button = page.locator("main form button.primary")
    assert button.inner_text() == "Phân loại"
    # While the request runs the page is navigating (the browser lets no script ask it then): the page
    # itself notes what its buttons show a moment after the click, and clicks again, for the next page to read.
    page.evaluate("""() => {
      const form = document.querySelector('main form'), button = form.querySelector('button.primary');
      form.addEventListener('submit', () => {
        sessionStorage.submits = Number(sessionStorage.submits || 0) + 1;
        setTimeout(() => {
          sessionStorage.seen = JSON.stringify({disabled: button.disabled, text: button.textContent,
            busy: button.getAttribute('aria-busy'), draft: form.querySelector('[name=save_draft]').disabled});
          button.click();
        }, 50);
      });
    }""")
    threading.Timer(1.5, looked.set).start()
    with page.expect_navigation(timeout=20_000):
        button.click()
    assert json.loads(page.evaluate("sessionStorage.seen")) == {
        "disabled": True, "text": "Đang xử lý… xin chờ", "busy": "true", "draft": True}
    assert page.evaluate("sessionStorage.submits") == "1"  # the second click sent nothing
    assert posted == [base_url + classify] and "/inbox" in page.url
    assert classified(loaded) == (TASKS, 1)
    assert page_errors == []
    context.close()

    clerk = Browser(app)  # the same submission sent again
    clerk.login("clerk")
    again = clerk.post(classify, {"tracked": "on"}, page="/inbox")
    assert again.status_code == 409
    assert "Công việc này đã được xử lý rồi." in again.get_data(as_text=True)
    assert classified(loaded) == (TASKS, 1)
