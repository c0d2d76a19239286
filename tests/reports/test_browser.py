"""The dashboard in headless Chromium: Chart.js draws the per-unit bars and the trend from
the server's JSON, with no script error."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.outcomes import BUCKETS, TERMS
from tests.conftest import screenshot, signed_in_page
from webui.app import create_app

pytestmark = pytest.mark.browser
CHART_JS = Path(__file__).parents[2] / "webui/static/vendor/chart.js/chart.umd.min.js"


def test_dashboard_draws_the_charts(seeded, chromium, serve):
    if not CHART_JS.is_file():
        pytest.fail("Chart.js missing: run `make assets`")
    base_url = serve(create_app(seeded.engine, SECRET_KEY="test-secret", TESTING=True))
    context, page, page_errors = signed_in_page(chromium, base_url, "chanhvp")
    page.goto(base_url + "/reports?period=2026-Q1&as_of=2026-03-31")
    page.wait_for_selector("body[data-charts-ready]", timeout=15000)
    assert page.get_attribute("body", "data-charts-ready") == "yes"
    drawn = page.evaluate("""() => ['rp-units', 'rp-trend'].map(id => {
        const chart = Chart.getChart(id); return chart ? chart.data.datasets.length : 0; })""")
    units = page.evaluate("() => Chart.getChart('rp-units').data.labels")
    # each bucket is drawn in the colour the stylesheet gives it (engine/outcomes.py TERMS)
    colours = page.evaluate("""() => Chart.getChart('rp-units').data.datasets.map(d => d.backgroundColor)""")
    css = page.evaluate("""names => names.map(n =>
        getComputedStyle(document.documentElement).getPropertyValue('--' + n).trim())""",
                        [TERMS[b].colour for b in BUCKETS])
    screenshot(page, "reports-dashboard")
    context.close()
    assert drawn == [4, 5]  # four buckets; the trend adds the rate line
    assert "Sở Tài chính" in units
    assert colours == css and all(css), (colours, css)
    assert not page_errors, page_errors
