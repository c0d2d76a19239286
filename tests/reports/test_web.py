"""The report pages through Flask: unit-scoped dashboard and JSON, exports, periodic
reports, and the public page that shows nothing of secret documents."""
from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from engine.directives.models import Directive
from tests.webui.conftest import Browser
from webui.app import create_app

Q1 = "period=2026-Q1&as_of=2026-03-31"


@pytest.fixture(scope="module")
def app(seeded):
    return create_app(seeded.engine, SECRET_KEY="test-secret", TESTING=True)


def signed_in(app, username: str) -> Browser:
    browser = Browser(app)
    assert browser.login(username).status_code == 302
    return browser


def test_dashboard_shows_buckets_ranking_and_overdue_reasons(app):
    page = signed_in(app, "chanhvp").get(f"/reports?{Q1}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Chờ ý kiến của Bộ Tài chính" in html and "Nhiệm vụ a6" in html
    assert 'id="rp-units"' in html and "chart.umd.min.js" in html
    assert "Hoàn thành đúng hạn" in html  # Vietnamese by default
    assert "ban đầu" not in html  # no overdue task of the quarter had its deadline extended (a6's never moved)


def test_the_overdue_list_shows_the_day_a_deadline_on_a_day_off_runs_to(app):
    """a9 is due Sun 01/03/2026: the list shows the deadline as written and the working day it ends on
    (Bộ luật Dân sự 2015, Đ.148 k.5); a6, due Mon 30/03, a working day, only its deadline."""
    html = signed_in(app, "chanhvp").get(f"/reports?{Q1}").get_data(as_text=True)
    listed = html.split('id="rp-overdue"', 1)[1].split("</table>", 1)[0]
    assert '01/03/2026 <span class="muted">(tính đến 02/03/2026)</span>' in listed
    assert "30/03/2026</td>" in listed and listed.count("tính đến") == 1


def test_chart_json_is_scoped_to_the_users_units(app):
    office = signed_in(app, "chanhvp").get(f"/reports/data.json?{Q1}").get_json()
    names = {u["name"]: u for u in office["units"]}
    assert names["Sở Tài chính"]["overdue"] == 3 and names["Sở Tài chính"]["total"] == 9  # with its section
    assert office["denominator"]["key"] == "fallen_due" and [t["label"] for t in office["trend"]] == \
        ["01/2026", "02/2026", "03/2026"]
    unit = signed_in(app, "sxd").get(f"/reports/data.json?{Q1}&denominator=assigned").get_json()
    assert [u["name"] for u in unit["units"]] == ["Sở Xây dựng"]
    assert unit["units"][0]["rate"] == 66.67 and unit["denominator"]["key"] == "assigned"
    other = signed_in(app, "sxd").get(f"/reports/data.json?{Q1}&unit=STC")
    assert other.status_code == 400 and "STC" in other.get_json()["error"]


def test_officer_and_directive_filters(app, seeded):
    office = signed_in(app, "chanhvp")
    with seeded.engine.db.session() as s:
        secret_directive = s.scalar(select(Directive.id).where(Directive.symbol == "3/UBND-VP"))
    by_directive = office.get(f"/reports/data.json?{Q1}&directive={secret_directive}").get_json()
    assert [(u["name"], u["done_on_time"], u["total"]) for u in by_directive["units"]] == [("Sở Xây dựng", 1, 1)]
    by_officer = office.get(f"/reports/data.json?{Q1}&officer=clerk").get_json()  # the follow-up officer
    assert sum(u["total"] for u in by_officer["units"]) == 12
    assert office.get(f"/reports/data.json?{Q1}&officer=chutich").get_json()["units"] == []
    assert office.get(f"/reports/data.json?{Q1}&officer=nobody").status_code == 400
    assert office.get(f"/reports/data.json?{Q1}&directive=x1").status_code == 400


def test_bad_parameters_are_refused_clearly(app):
    office = signed_in(app, "chanhvp")
    assert office.get("/reports/data.json?period=2026-Q9").status_code == 400
    future = office.get("/reports/data.json?period=2026-Q2&as_of=2026-04-15")  # today is 31/03/2026
    assert future.status_code == 400 and "sau ngày hôm nay" in future.get_json()["error"]
    page = office.get("/reports?as_of=31/03/2026", follow_redirects=True)
    assert page.status_code == 200 and "31/03/2026" in page.get_data(as_text=True)
    assert office.get("/reports/export/csv").status_code == 404


def test_export_downloads_the_figures(app):
    response = signed_in(app, "chanhvp").get(f"/reports/export/xlsx?{Q1}")
    assert response.status_code == 200 and "bao-cao-2026-Q1-2026-03-31.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(BytesIO(response.data))["Tổng hợp"].iter_rows(values_only=True))
    # Đắk Lắk records no "with difficulties" status: the file has no column of it (test_exports.py)
    assert ("Tổng cộng", 12, 5, 1, 3, 3, 9, 66.67, 55.56) in [r[1:] for r in rows]
    for fmt in ("docx", "pdf"):
        assert signed_in(app, "chanhvp").get(f"/reports/export/{fmt}?{Q1}").status_code == 200


def test_reports_need_sign_in_and_schedule_needs_a_role(app):
    anonymous = Browser(app)
    assert anonymous.get("/reports").status_code == 302
    assert anonymous.get("/reports/data.json").status_code == 302
    assert signed_in(app, "sxd").post("/reports/periodic/schedule", page="/reports/periodic").status_code == 403
    admin = signed_in(app, "admin")
    assert admin.post("/reports/periodic/schedule", page="/reports/periodic").status_code == 302
    # today is 31/03/2026: the next report is the half-year's, units due 15/06, reminded on 08/06
    assert "08/06/2026" in admin.get("/reports/periodic").get_data(as_text=True)


def test_public_page_is_off_unless_the_deployment_publishes(app, seeded):
    assert not seeded.engine.settings.public_results  # the default
    assert Browser(app).get("/public/results?period=2026-Q1").status_code == 404


def test_public_page_needs_no_sign_in_and_hides_secret_documents(app, seeded):
    seeded.engine.settings.public_results = True
    assert "public-results" not in Browser(app).get("/public/results").get_data(as_text=True)  # figures: off
    seeded.engine.settings.public_figures = True
    page = Browser(app).get("/public/results?period=2026-Q1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    row = html.split("Sở Xây dựng</td>")[1].split("</tr>")[0]
    # internally SXD has 3 assignments (2 from secret ones); the public sees only a10
    assert [cell.split("<")[0] for cell in row.split("<td>")[1:7]] == ["1", "0", "0", "1", "0", "–"]
    assert "Nhiệm vụ a" not in html and "12/UBND-VP" not in html  # aggregates only
    assert Browser(app).get("/public/results?period=x' or 1=1").status_code == 400
    month = Browser(app).get("/public/results?period=2026-03")  # not among the choices: refused, not answered
    assert month.status_code == 400
    assert "Số liệu công khai theo năm, nửa năm hoặc quý, không theo tháng." in month.get_data(as_text=True)


def test_a_report_not_issued_is_dated_the_day_it_is_made_and_says_its_as_of_day(app):
    """A file of figures as of 16/03 downloaded on 31/03 is dated "ngày 31 tháng 3": the day it is
    made, not its as-of day, which its figures say ("Số liệu tính đến ngày 16/03/2026")."""
    browser = signed_in(app, "chanhvp")
    word = Document(BytesIO(browser.get("/reports/export/docx?period=2026-Q1&as_of=2026-03-16").data))
    header = "\n".join(cell.text for row in word.tables[0].rows for cell in row.cells)
    assert "ngày 31 tháng 3 năm 2026" in header and "ngày 16 tháng 3" not in header, header
    assert "Số liệu tính đến ngày 16/03/2026" in "\n".join(p.text for p in word.paragraphs)
    pdf = browser.get("/reports/export/pdf?period=2026-Q1&as_of=2026-03-16").data
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "ngày 31 tháng 3 năm 2026" in text and "ngày 16 tháng 3" not in text
