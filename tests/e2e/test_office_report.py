"""An ad-hoc report in headless Chromium: the clerk asks two units, one answers from its inbox,
the clerk consolidates reading the units' reports on the step's page, the leader finds it awaiting
review and approves it reading the office's assessment and the units' reports there: it is issued."""
from datetime import datetime

import pytest

pytestmark = pytest.mark.browser


def open_work(page, base: str, title: str) -> None:
    page.goto(f"{base}/inbox")
    page.click(f"tr:has(.step:has-text('{title}')) a.title")  # the row of that step
    page.wait_for_selector("form.form")


def test_the_leader_approves_the_office_report(loaded, live_server, sign_in, clock):
    clerk = sign_in("clerk")
    clerk.goto(f"{live_server}/reports/adhoc/new")
    clerk.fill("textarea[name=topic]", "Tình hình giải ngân vốn đầu tư công")
    clerk.check("input[name=units][value=STC]")
    clerk.check("input[name=units][value=SXD]")
    clerk.fill("input[name=due]", "06/03/2026")
    clerk.fill("input[name=office_due]", "11/03/2026")
    clerk.click("#adhoc-form button[type=submit]")
    clerk.wait_for_selector("h1:has-text('Báo cáo đột xuất: Tình hình giải ngân vốn đầu tư công')")

    unit = sign_in("stc")
    open_work(unit, live_server, "Báo cáo đột xuất của đơn vị")
    unit.fill("textarea[name=results]", "Đã giải ngân 45% kế hoạch vốn")
    unit.click("button.primary")
    unit.wait_for_selector(".flash.success")

    clock.set(datetime(2026, 3, 9, 9, 0))  # the units' time is over (and the sessions too)
    loaded.runtime.run_due_timers()
    clerk = sign_in("clerk")
    open_work(clerk, live_server, "Tổng hợp báo cáo trình lãnh đạo")
    reports = clerk.inner_text("#unit-reports")
    assert "Sở Tài chính" in reports and "Phạm Chuyên Viên" in reports and "Đã giải ngân 45% kế hoạch vốn" in reports
    assert "Chưa báo cáo: Sở Xây dựng" in reports
    clerk.fill("textarea[name=summary]", "Các đơn vị cơ bản đạt kế hoạch")
    clerk.click("button.primary")
    clerk.wait_for_selector(".flash.success")

    leader = sign_in("chutich")
    leader.goto(f"{live_server}/reports/periodic")
    assert "Tình hình giải ngân" in leader.inner_text("#awaiting-review")
    open_work(leader, live_server, "Xem xét, duyệt báo cáo")
    assessment = leader.inner_text("#office-assessment")
    assert "Các đơn vị cơ bản đạt kế hoạch" in assessment and "Nguyễn Văn Theo Dõi" in assessment
    assert "Đã giải ngân 45% kế hoạch vốn" in leader.inner_text("#unit-reports")
    leader.select_option("select[name=review_decision]", "approve")
    leader.click("button.primary")
    leader.wait_for_selector(".flash.success")
    leader.goto(f"{live_server}/reports/periodic")
    row = leader.inner_text("#office-reports tbody tr")
    assert "Đã ban hành" in row and "1/BC-VP, 09/03/2026" in row
    assert "Không có báo cáo nào chờ duyệt." in leader.inner_text("#awaiting-review")
