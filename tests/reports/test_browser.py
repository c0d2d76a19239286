"""The dashboard in headless Chromium: Chart.js draws the per-unit bars and the trend from
the server's JSON, with no script error."""
from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from webui.app import create_app

pytestmark = pytest.mark.browser
CHART_JS = Path(__file__).parents[2] / "webui/static/vendor/chart.js/chart.umd.min.js"
SCREENSHOTS = Path(os.environ.get("DONDOC_SCREENSHOTS", tempfile.gettempdir()))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def base_url(seeded):
    app = create_app(seeded.engine, SECRET_KEY="test-secret", TESTING=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


def test_dashboard_draws_the_charts(base_url):
    from playwright.sync_api import sync_playwright

    if not CHART_JS.is_file():
        pytest.fail("Chart.js missing: run `make assets`")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base_url + "/login")
        page.fill("input[name=username]", "chanhvp")
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit] >> nth=-1")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(base_url + "/reports?period=2026-Q1&as_of=2026-03-31")
        page.wait_for_selector("body[data-charts-ready]", timeout=15000)
        assert page.get_attribute("body", "data-charts-ready") == "yes"
        drawn = page.evaluate("""() => ['rp-units', 'rp-trend'].map(id => {
            const chart = Chart.getChart(id); return chart ? chart.data.datasets.length : 0; })""")
        units = page.evaluate("() => Chart.getChart('rp-units').data.labels")
        page.screenshot(path=str(SCREENSHOTS / "reports-dashboard.png"), full_page=True)
        browser.close()
    assert drawn == [4, 5]  # four buckets; the trend adds the rate line
    assert "Sở Tài chính" in units
    assert not errors, errors
