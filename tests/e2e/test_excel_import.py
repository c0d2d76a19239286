"""In Chromium: the clerk imports an office's Excel register through the web page (upload →
preview → confirm) and finds the directive in the registry searching without diacritics."""
import re

import pytest
from sqlalchemy import func, select

from engine.directives.models import Directive
from tests.registers import ROWS, office_register

pytestmark = pytest.mark.browser


def test_upload_preview_confirm_then_search_without_diacritics(loaded, live_server, sign_in, tmp_path):
    register = tmp_path / "so-theo-doi.xlsx"
    rows = [ROWS[0][:8] + ["SXD", "31/3/2026"], ROWS[1][:8] + [None, "15-04-2026"], ROWS[2]]
    register.write_bytes(office_register(rows))
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Nhập từ Excel')")
    clerk.set_input_files("input[name=file]", str(register))
    clerk.click("button.primary:has-text('Xem trước')")
    clerk.wait_for_selector("h1:has-text('Xem trước khi nhập')")
    assert clerk.locator("section.planned-directive").count() == 2
    first = clerk.locator("section.planned-directive").first.inner_text()
    assert "Sở Tài chính" in first and "31/03/2026" in first and "12/02/2026" in first
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 0
    preview = clerk.url
    clerk.click("#import-confirm button")
    clerk.wait_for_selector(".flash.success:has-text('Đã nhập 2 văn bản')")
    clerk.goto(preview)  # the preview again: the upload is used
    clerk.wait_for_selector(".flash.error:has-text('đã được nhập hoặc đã hết hạn')")
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 2

    for _ in range(2):  # each imported directive is classified (tracked) as a typed one is
        clerk.goto(f"{live_server}/inbox")
        clerk.click("tr:has(.step:has-text('Phân loại văn bản')) a.title")  # the row of that step
        clerk.wait_for_selector("h1:has-text('Phân loại văn bản')")
        clerk.click("button.primary")
        clerk.wait_for_selector(".flash.success")
    clerk.goto(f"{live_server}/assignments")
    clerk.fill("input[name=text]", "giai ngan")
    clerk.press("input[name=text]", "Enter")
    clerk.wait_for_url(re.compile(r"text=giai"))
    clerk.wait_for_selector("table.list :text('45/2026/QĐ-UBND')")
    listed = clerk.locator("table.list").inner_text()
    assert "46/2026/CT-UBND" not in listed


def test_a_registers_footer_is_named_row_by_row_before_and_after_the_import(loaded, live_server, sign_in):
    """The real shape of a register's end (tests/fixtures/excel/register_footer.xlsx: totals, date line,
    signatures) was refused on 22 cells; the clerk now reads which rows are passed over, then imports."""
    from pathlib import Path

    from engine.org import service as org

    with loaded.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
    clerk = sign_in("clerk")
    clerk.click("nav.menu a:has-text('Nhập từ Excel')")
    clerk.set_input_files("input[name=file]",
                          str(Path(__file__).parents[1] / "fixtures" / "excel" / "register_footer.xlsx"))
    clerk.click("button.primary:has-text('Xem trước')")
    clerk.wait_for_selector("h2:has-text('Các dòng không được nhập')")
    skipped = clerk.locator("#skipped-rows li").all_inner_texts()
    assert [line.split(" không được nhập")[0] for line in skipped] == [
        f"Dòng {row}" for row in (11, 13, 14, 15, 19, 21)]
    assert "NGƯỜI LẬP BIỂU · KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in skipped[2]
    assert clerk.locator("section.planned-directive").count() == 2
    clerk.click("#import-confirm button")
    clerk.wait_for_selector(".flash.success:has-text('Đã nhập 2 văn bản')")
    assert clerk.locator(".flash:has-text('Không nhập các dòng 11, 13, 14, 15, 19, 21')").count() == 1
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Directive.id))) == 2
