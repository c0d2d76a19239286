"""In headless Chromium: a unit sends its report with the signed document chosen on the form, and the
office, consolidating, downloads that very file from its step's page."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import screenshot, signed_in_page
from tests.reports.test_unit_report_files import ASK, NAME, SIGNED, _item, _signed_in
from webui.app import create_app

pytestmark = pytest.mark.browser


def test_a_unit_uploads_its_signed_report_and_the_office_downloads_it(loaded, org_tree, clock, chromium, serve,
                                                                      tmp_path):
    app = create_app(loaded, SECRET_KEY="test-secret", TESTING=True)
    assert _signed_in(app, "clerk").post("/reports/adhoc/new", ASK, page="/reports/adhoc/new").status_code == 302
    base_url = serve(app)
    context, page, page_errors = signed_in_page(chromium, base_url, "stc")
    page.goto(f"{base_url}/work/{_item(loaded, 'adhoc_unit_report', org_tree['stc'].unit_id)}")
    page.fill("textarea[name=results]", "Đã giải ngân 45% kế hoạch vốn")
    page.set_input_files("input[name=report_files]", {"name": NAME, "mimeType": "application/pdf", "buffer": SIGNED})
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").click()
    assert "/inbox" in page.url
    context.close()

    clock.set(datetime(2026, 3, 9, 9, 0))  # the units' time is over: the office consolidates
    loaded.runtime.run_due_timers()
    context, page, more_errors = signed_in_page(chromium, base_url, "clerk")
    page.goto(f"{base_url}/work/{_item(loaded, 'report_consolidate')}")
    link = page.locator("#unit-reports a.file", has_text=NAME)
    screenshot(page, "unit-report-files-consolidation")
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == NAME and saved.read_bytes() == SIGNED
    assert page_errors == more_errors == []
    context.close()
