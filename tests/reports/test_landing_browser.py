"""In headless Chromium: each role lands where its work is after signing in, and a dashboard
figure (a bucket box, a bar of the per-unit chart) opens the registry rows behind it."""
from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, screenshot
from webui.app import create_app

pytestmark = pytest.mark.browser
Q1 = "period=2026-Q1&as_of=2026-03-31"


def _sign_in(context, base_url: str, username: str):
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _listed(page) -> int:
    """The number of tasks the registry page lists, with the secret ones it counts but hides."""
    text = page.inner_text("main")
    found = re.search(r"· (\d+) nhiệm vụ", text)
    secret = re.search(r"Báo cáo còn tính (\d+) nhiệm vụ mật", text)
    return (int(found.group(1)) if found else 0) + (int(secret.group(1)) if secret else 0)


def test_roles_land_on_their_work_and_figures_open_their_tasks(seeded, chromium, serve):
    base_url = serve(create_app(seeded.engine, SECRET_KEY="test-secret", TESTING=True))
    landings = {"chutich": "/reports", "chanhvp": "/today", "admin": "/modeler/", "stc_gd": "/assignments?unit=STC"}
    for username, path in landings.items():
        context = chromium.new_context(viewport={"width": 1300, "height": 1000})
        page = _sign_in(context, base_url, username)
        assert page.url == base_url + path, (username, page.url)
        if username == "chanhvp":
            screenshot(page, "landing-office-day")
        context.close()

    context = chromium.new_context(viewport={"width": 1300, "height": 1000})
    page = _sign_in(context, base_url, "chanhvp")
    page.goto(f"{base_url}/reports?{Q1}")
    page.wait_for_selector("body[data-charts-ready=yes]", timeout=15000)
    figure = int(page.inner_text(".rp-overdue .rp-n"))
    page.click(".rp-overdue .rp-n a")
    page.wait_for_url(re.compile(r"/assignments\?"))
    assert "outcome=overdue" in page.url and _listed(page) == figure > 0

    page.goto(f"{base_url}/reports?{Q1}")
    page.wait_for_selector("body[data-charts-ready=yes]", timeout=15000)
    # the bar of Sở Tài chính's overdue tasks, where Chart.js drew it
    bar = page.evaluate("""() => {
        const chart = Chart.getChart('rp-units');
        const row = chart.data.labels.indexOf('Sở Tài chính');
        const set = chart.data.datasets.findIndex(d => d.key === 'overdue');
        const element = chart.getDatasetMeta(set).data[row];
        const box = chart.canvas.getBoundingClientRect();
        return {x: box.left + element.x - 3, y: box.top + element.y, value: chart.data.datasets[set].data[row]};
    }""")
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url(re.compile(r"/assignments\?"))
    assert "unit=STC" in page.url and "outcome=overdue" in page.url
    assert _listed(page) == bar["value"] > 0
    screenshot(page, "dashboard-click-through")
    context.close()
