"""In headless Chromium, Quỳnh Nhai Đ.6 k.2: the head of Phòng Nội vụ reads in their notifications that a unit sent
its report, opens it from there and reads every unit's report on the report's page — its files too, a secret one
sealed —, with no empty table of its own unit's figures above them; another unit's head reads its own unit's
only."""
from __future__ import annotations

import pytest

from engine.org import service as org
from tests.conftest import PASSWORD, create_org_tree, make_engine, screenshot, signed_in_page
from tests.reports.test_unit_report_files import NAME, SEALED, TEXT, _asked, _item, _send, _signed_in
from webui.app import create_app

pytestmark = pytest.mark.browser


def test_home_affairs_opens_the_units_reports_from_its_notice(database_url, clock, tmp_path, chromium, serve):
    engine = make_engine(database_url, clock, ruleset="quynh-nhai", tmp_path=tmp_path)
    try:
        users = create_org_tree(engine)
        with engine.db.session() as s:
            org.create_unit(s, "SNV", "Phòng Nội vụ", parent_code="UBND", kind="department")
            org.create_user(s, "snv_gd", PASSWORD, "Lường Văn Nội", "SNV", ["unit_head"])
            org.create_user(s, "sxd_gd", PASSWORD, "Quàng Văn Xây", "SXD", ["unit_head"])
            engine.load_ruleset(s)
        app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)
        report_id = _asked(app)  # an ad-hoc report of STC and SXD
        stc_item = _item(engine, "adhoc_unit_report", users["stc"].unit_id)
        assert _send(_signed_in(app, "stc"), stc_item).status_code == 302
        assert _send(_signed_in(app, "sxd"), _item(engine, "adhoc_unit_report", users["sxd"].unit_id),
                     results="Mặt bằng dự án mật", report_secret="on").status_code == 302
        base_url = serve(app)

        context, page, page_errors = signed_in_page(chromium, base_url, "snv_gd")
        page.goto(f"{base_url}/notifications")
        notice = page.locator(".notes li", has_text="Sở Tài chính đã gửi báo cáo đột xuất về Tình hình giải ngân")
        assert "Đơn vị gửi báo cáo" in notice.inner_text()
        assert "(gửi Văn phòng UBND tỉnh và Phòng Nội vụ — Đ.6 k.2)" in notice.inner_text()
        with page.expect_navigation():
            notice.locator("button", has_text="Xem").click()
        assert page.url.endswith(f"/reports/periodic/{report_id}")
        stc = page.locator("#unit-reports article", has_text="Sở Tài chính")
        sxd = page.locator("#unit-reports article", has_text="Sở Xây dựng")
        screenshot(page, "home-affairs-reads-unit-reports")
        assert TEXT in stc.inner_text() and SEALED in sxd.inner_text()
        # the units' reports are what it comes for: no empty table of its own unit's figures above them
        assert "nhiệm vụ được giao" not in page.locator("main").inner_text()
        assert page.locator("main section.card h2").first.inner_text() == "Báo cáo của các đơn vị"
        assert "Mặt bằng dự án mật" not in page.content()
        with page.expect_download() as download:  # the file STC sent with its report
            stc.locator("a.file", has_text=NAME).click()
        assert download.value.suggested_filename == NAME
        assert page_errors == []
        context.close()

        context, page, page_errors = signed_in_page(chromium, base_url, "sxd_gd")
        page.goto(f"{base_url}/reports/periodic/{report_id}")
        assert "Mặt bằng dự án mật" in page.locator("#unit-reports").inner_text()
        assert "Sở Tài chính" not in page.locator("#unit-reports").inner_text() and TEXT not in page.content()
        assert page_errors == []
        context.close()
    finally:
        engine.close()
