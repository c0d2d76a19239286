"""A file larger than an attachment may be, chosen on a work item's form in headless Chromium, is
refused on its input, named, before anything is sent: past the request's cap (50 MB) the server
could only answer 413 and the unit's typed report was lost."""
from __future__ import annotations

import pytest

from engine.directives.attachments import MAX_SIZE
from tests.conftest import signed_in_page
from tests.webui.conftest import Browser, classify, ready_item_path, register
from webui.app import create_app

pytestmark = pytest.mark.browser


def test_a_too_large_file_is_refused_on_its_field_and_the_report_stays(loaded, org_tree, chromium, serve):
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    clerk = Browser(app)
    clerk.login("clerk")
    classify(clerk, register(clerk))
    base_url = serve(app)
    context, page, page_errors = signed_in_page(chromium, base_url, "stc")
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    handle = ready_item_path(loaded, "handle")
    page.goto(base_url + handle)
    page.select_option("select[name=progress]", "in_progress")
    page.fill("textarea[name=note]", "Đã rà soát 40 thủ tục")
    page.set_input_files("input[name=attachments]", {"name": "bao-cao.pdf", "mimeType": "application/pdf",
                                                       "buffer": b"\0" * (MAX_SIZE + 1)})
    assert page.eval_on_selector("input[name=attachments]", "e => e.validationMessage") == \
        "Tệp bao-cao.pdf lớn hơn 20 MB."
    page.locator("main form button[type=submit]:not([name])").click()
    page.wait_for_timeout(300)
    assert posted == [] and page.url == base_url + handle
    assert page.input_value("textarea[name=note]") == "Đã rà soát 40 thủ tục"

    page.set_input_files("input[name=attachments]", {"name": "bao-cao.pdf", "mimeType": "application/pdf",
                                                       "buffer": b"%PDF-1.4 bao cao"})
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    assert posted == [base_url + handle] and "/inbox" in page.url
    assert page_errors == []
    context.close()
