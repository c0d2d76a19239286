"""Every figure of the dashboard links to the registry rows behind it: the number on a card,
a ranking cell, a chart segment equals the number of tasks its link lists (issue #18)."""
from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

from tests.reports.test_web import Q1, signed_in
from webui.app import create_app

FIGURE_LINK = re.compile(r'<a[^>]*href="(/assignments\?[^"]+)"[^>]*>([^<]+)</a>')
LISTED = re.compile(r"·\s*(\d+) nhiệm vụ</span>")
UNLISTED = re.compile(r"Báo cáo còn tính (\d+) nhiệm vụ mật")


@pytest.fixture(scope="module")
def app(seeded):
    return create_app(seeded.engine, SECRET_KEY="test-secret", TESTING=True)


def listed(browser, link: str) -> int:
    """How many tasks the registry lists behind `link` (0 when it says none matches), with the
    secret ones it says the report counts but does not list for this user."""
    page = browser.get(link).get_data(as_text=True)
    found, secret = LISTED.search(page), UNLISTED.search(page)
    assert found or "Không có nhiệm vụ phù hợp." in page, link
    return (int(found.group(1)) if found else 0) + (int(secret.group(1)) if secret else 0)


@pytest.mark.parametrize("username", ["chanhvp", "stc_gd"])
def test_every_figure_on_the_dashboard_counts_the_rows_behind_its_link(app, username):
    browser = signed_in(app, username)
    page = browser.get(f"/reports?{Q1}").get_data(as_text=True)
    figures = [(html.unescape(href), text.strip()) for href, text in FIGURE_LINK.findall(page)
               if text.strip().isdigit()]
    assert len(figures) > 10
    for link, figure in figures:
        assert listed(browser, link) == int(figure), link


def test_chart_segments_open_the_tasks_they_count(app):
    browser = signed_in(app, "chanhvp")
    data = browser.get(f"/reports/data.json?{Q1}").get_json()
    checked = 0
    for unit in data["units"]:
        for bucket in data["buckets"]:
            args = {"unit": unit["code"], "own": "1" if unit["own"] else "", "outcome": bucket["key"]}
            link = f"/assignments?{Q1}&" + urlencode({k: v for k, v in args.items() if v})
            assert listed(browser, link) == unit[bucket["key"]], link
            checked += 1
    for point in data["trend"]:
        for bucket in data["buckets"]:
            link = f"/assignments?period=2026-Q1&as_of={point['as_of']}&outcome={bucket['key']}"
            assert listed(browser, link) == point[bucket["key"]], link
            checked += 1
    assert checked >= 20


def test_the_registry_behind_a_figure_says_which_report_and_refuses_bad_arguments(app):
    browser = signed_in(app, "chanhvp")
    page = browser.get(f"/assignments?{Q1}&outcome=fallen_due").get_data(as_text=True)
    assert "Các nhiệm vụ được tính trong báo cáo: Quý I năm 2026, tính đến ngày 31/03/2026." in page
    assert "Đã đến hạn (đã hoàn thành hoặc đã quá hạn)" in page
    refused = browser.get("/assignments?period=2026-Q9")
    assert refused.status_code == 302 and refused.location == "/assignments"
    assert "2026-Q9" in browser.get(refused.location).get_data(as_text=True)


def test_the_dashboard_writes_rates_as_the_report_files_do(app):
    page = signed_in(app, "chanhvp").get(f"/reports?{Q1}").get_data(as_text=True)
    assert "66,67\u00a0%" in page and "66.67" not in page  # docx/pdf: "Tỷ lệ hoàn thành: 66,67 %" (test_exports)


def test_the_export_behind_a_figure_lists_its_tasks_and_says_which_report(app):
    from io import BytesIO

    from openpyxl import load_workbook

    from webui.assignments.export import TITLE_ROWS

    browser = signed_in(app, "chanhvp")
    link = f"/assignments?{Q1}&outcome=overdue&unit=STC"
    response = browser.get(link.replace("/assignments?", "/assignments/export.xlsx?"))
    sheet = load_workbook(BytesIO(response.data)).active
    title = [sheet.cell(row=n, column=1).value for n in range(1, TITLE_ROWS)]
    assert "Danh sách nhiệm vụ được giao từ ngày 01/01/2026 đến ngày 31/03/2026" in title
    assert any("Tính đến ngày: 31/03/2026" in (line or "") for line in title), title
    assert sheet.max_row - TITLE_ROWS - 1 == listed(browser, link) == 3


def test_the_export_behind_a_figure_taken_before_its_period_ends_says_the_tasks_were_assigned_up_to_that_day(app):
    from io import BytesIO

    from openpyxl import load_workbook

    browser = signed_in(app, "chanhvp")
    response = browser.get("/assignments/export.xlsx?period=2026-Q1&as_of=2026-03-16&outcome=overdue&unit=STC")
    title = load_workbook(BytesIO(response.data)).active["A2"].value
    assert title == "Danh sách nhiệm vụ được giao từ ngày 01/01/2026 đến ngày 16/03/2026"


def test_the_export_behind_a_figure_says_how_many_secret_tasks_it_does_not_list(app):
    """The office head of Đắk Lắk may not see a11 and a12 (secret, SXD, done on time): the file,
    like the page, says the report counts them, so that it adds up to the figure."""
    from io import BytesIO

    from openpyxl import load_workbook

    from webui.assignments.export import TITLE_ROWS

    browser = signed_in(app, "chanhvp")
    link = f"/assignments?{Q1}&outcome=done_on_time&unit=SXD"
    sheet = load_workbook(BytesIO(browser.get(link.replace("/assignments?", "/assignments/export.xlsx?")).data)).active
    under = [sheet.cell(row=n, column=1).value for n in range(TITLE_ROWS + 2, sheet.max_row + 1)]
    assert under == ["Báo cáo còn tính 2 nhiệm vụ mật không hiển thị với Anh/Chị."] and listed(browser, link) == 2
