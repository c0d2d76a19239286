"""The clerk enters an old directive (issued before the 2025 reorganisation) in Chromium (issue #21): a row
offers the units closed since only for an issue date before their end, marked with their last day, and hides the
units formed after it; the directive is registered with the units of its day, and the page adding tasks to it
offers the units of its own issue date. A unit not in force on the issue date is refused beside its field, in
Vietnamese, and nothing is written."""
from datetime import date

import pytest
from sqlalchemy import func, select

from engine.directives.models import Assignment, AssignmentUnit, Directive
from engine.org import service as org
from engine.org.models import Unit
from tests.e2e.conftest import choose, register_and_classify

pytestmark = pytest.mark.browser
OLD_LABEL = "Sở Thông tin và Truyền thông (đến 28/02/2025)"


@pytest.fixture
def reorganised(loaded):
    """Sở TT&TT and Sở KH&ĐT merged into Finance on 1/3/2025; a ward formed on 1/7/2025."""
    with loaded.db.session() as s:
        for code, name in (("STTTT", "Sở Thông tin và Truyền thông"), ("SKHDT", "Sở Kế hoạch và Đầu tư")):
            org.create_unit(s, code, name, parent_code="UBND", kind="department")
            org.retire_unit(s, code, date(2025, 3, 1), "STC")
        org.create_unit(s, "xa-moi", "Phường Hòa Bình", parent_code="UBND", kind="commune",
                        valid_from=date(2025, 7, 1))
    return loaded


def _header(clerk, symbol: str, issued_on: str) -> None:
    clerk.fill("input[name=symbol]", symbol)
    clerk.fill("input[name=issued_on]", issued_on)
    clerk.fill("input[name=issuer]", "UBND tỉnh")
    clerk.fill("textarea[name=summary]", "Về việc chuyển đổi số")


def _offered(row) -> dict[str, str]:
    """{code: label} of the options the clerk can choose when opening the row's lead unit list."""
    lead = row.locator("select[name$='-lead_unit']")
    lead.focus()
    return {value: label.strip() for value, label in lead.locator("option:not([disabled])")
            .evaluate_all("options => options.map(o => [o.value, o.textContent])") if value}


def test_an_old_directive_names_the_units_of_its_day(reorganised, live_server, sign_in):
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    _header(clerk, "7/QĐ-UBND", "12/02/2026")
    row = clerk.locator("fieldset.assignment").first
    row.locator("textarea").fill("Triển khai nền tảng số")
    offered = _offered(row)
    assert "xa-moi" in offered and not {"STTTT", "SKHDT"} & set(offered)   # today's date: today's units

    clerk.fill("input[name=issued_on]", "10/01/2025")
    offered = _offered(row)
    assert offered["STTTT"] == OLD_LABEL and offered["SKHDT"] == "Sở Kế hoạch và Đầu tư (đến 28/02/2025)"
    assert "xa-moi" not in offered and offered["STC"] == "Sở Tài chính"   # formed after: hidden; in force: kept
    second = clerk.locator("fieldset.assignment").nth(0)
    clerk.click("#add-row")   # a row added later offers them too, once opened
    added = clerk.locator("fieldset.assignment").nth(1)
    assert added.locator("option[value=STTTT]").count() == 0
    assert _offered(added)["STTTT"] == OLD_LABEL
    added.locator(".remove-row").click()

    second.locator("select[name$='-lead_unit']").select_option("STTTT")
    choose(clerk, "select[name='a-0-coordinating_units']", ["Sở Kế hoạch và Đầu tư"])
    assert second.locator(".ms-chips li").first.inner_text().startswith("Sở Kế hoạch và Đầu tư (đến 28/02/2025)")
    second.locator("input[name$='-deadline']").fill("30/03/2025")
    register_and_classify(clerk)
    with reorganised.db.reading() as s:
        [assignment] = s.scalars(select(Assignment)).all()
        units = {s.get_one(Unit, link.unit_id).code: link.role for link in
                 s.scalars(select(AssignmentUnit).where(AssignmentUnit.assignment_id == assignment.id))}
        assert s.get_one(Unit, assignment.lead_unit_id).code == "STTTT" and "SKHDT" in units, units
    # a task added to it later: the units of its own issue date, without typing it
    clerk.goto(f"{live_server}/directives/{assignment.directive_id}/assignments/new")
    row = clerk.locator("fieldset.assignment").first
    row.locator("textarea").fill("Bổ sung")
    offered = _offered(row)
    assert offered["STTTT"] == OLD_LABEL and "xa-moi" not in offered


def test_a_unit_formed_after_the_issue_date_is_refused_beside_its_field(reorganised, live_server, sign_in):
    """The form was filled with today's date, then the date corrected to an old one without entering the row
    again: the server refuses the ward formed since, beside the row's lead unit, and registers nothing."""
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Vào sổ văn bản')")
    _header(clerk, "9/QĐ-UBND", "12/02/2026")
    row = clerk.locator("fieldset.assignment").first
    row.locator("textarea").fill("Rà soát hộ nghèo")
    row.locator("select[name$='-lead_unit']").select_option("xa-moi")
    row.locator("input[name$='-deadline']").fill("30/03/2025")
    clerk.fill("input[name=issued_on]", "10/01/2025")
    clerk.click("button.primary:has-text('Vào sổ')")
    error = clerk.locator("fieldset.assignment .error")
    assert error.inner_text() == ("Nhiệm vụ 1: Phường Hòa Bình không hoạt động vào ngày ban hành văn bản 10/01/2025 "
                                  "(đơn vị chưa thành lập hoặc đã giải thể).")
    with reorganised.db.reading() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0
