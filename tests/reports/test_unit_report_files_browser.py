"""In headless Chromium: a unit sends its report with the signed document chosen on the form, and the
office, consolidating, downloads that very file from its step's page; a secret one's page shows the clerk
that the unit sent a secret report and nothing of it, the office head its text and file."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import create_org_tree, make_engine, screenshot, signed_in_page
from tests.reports.test_unit_report_files import ASK, NAME, SEALED, SIGNED, TEXT, _asked, _item, _send, _signed_in
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


def test_a_secret_unit_report_shows_its_text_only_to_the_readers_of_secret_records(database_url, clock, tmp_path,
                                                                                  chromium, serve):
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    try:
        org_tree = create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)
        report_id = _asked(app)
        stc = _signed_in(app, "stc")
        assert _send(stc, _item(engine, "adhoc_unit_report", org_tree["stc"].unit_id), report_secret="on",
                     difficulties="Vướng mặt bằng dự án mật").status_code == 302
        base_url = serve(app)
        context, page, page_errors = signed_in_page(chromium, base_url, "clerk")
        page.goto(f"{base_url}/reports/periodic/{report_id}")
        sent = page.locator("#unit-reports article", has_text="Sở Tài chính")
        screenshot(page, "secret-unit-report-clerk")
        assert SEALED in sent.inner_text() and "12/02/2026" in sent.inner_text()
        assert TEXT not in page.content() and "Vướng mặt bằng" not in page.content() and NAME not in page.content()
        context.close()
        context, page, more_errors = signed_in_page(chromium, base_url, "chanhvp")
        page.goto(f"{base_url}/reports/periodic/{report_id}")
        sent = page.locator("#unit-reports article", has_text="Sở Tài chính")
        assert TEXT in sent.inner_text() and "Vướng mặt bằng dự án mật" in sent.inner_text()
        assert SEALED not in page.content()
        with page.expect_download() as download:
            sent.locator("a.file", has_text=NAME).click()
        assert download.value.suggested_filename == NAME
        assert page_errors == more_errors == []
        context.close()
    finally:
        engine.close()
