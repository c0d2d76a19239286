"""The clerk's Excel import page: upload → preview (what will be registered, every problem by
row and column) → confirm, once; the template from the page; only the office may use it."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.directives.models import Directive
from engine.imports import excel
from engine.imports.models import PendingImport
from engine.org import service as org
from tests.api.test_excel_registers import COORDINATION_SHEET, SECRET_SHEET
from tests.conftest import add_communes
from tests.registers import ROWS, office_register, plain_sheet, without_column
from tests.webui.conftest import Browser, ruleset_app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "excel"


def _count(engine) -> int:
    with engine.db.session() as s:
        return s.scalar(select(func.count(Directive.id)))


def _upload(clerk, data: bytes):
    return clerk.post("/directives/import", {"file": (io.BytesIO(data), "so-theo-doi.xlsx")},
                      content_type="multipart/form-data")


def test_upload_preview_confirm_once(loaded, browser):
    clerk = browser("clerk")
    assert "Nhập từ Excel" in clerk.get("/inbox").get_data(as_text=True)  # in the menu
    rows = [ROWS[0][:8] + ["SXD", "31/3/2026"], ROWS[1][:8] + [None, "15-04-2026"], ROWS[2]]  # no SNNMT here
    uploaded = _upload(clerk, office_register(rows))
    assert uploaded.status_code == 302
    preview = clerk.get(uploaded.location)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Sẽ vào sổ 2 văn bản" in html
    assert "Sở Tài chính" in html and "Phòng Ngân sách" in html and "31/03/2026" in html and "12/02/2026" in html
    assert _count(loaded) == 0
    confirm = uploaded.location + "/confirm"
    done = clerk.post(confirm, page=uploaded.location, follow_redirects=True)
    assert "Đã nhập 2 văn bản" in done.get_data(as_text=True)
    again = clerk.post(confirm, page="/directives/import", follow_redirects=True)
    assert "đã được nhập hoặc đã hết hạn" in again.get_data(as_text=True)
    assert _count(loaded) == 2


def test_a_grown_register_previews_the_registered_apart_imports_the_new_and_then_says_nothing_is_new(loaded,
                                                                                                       browser):
    clerk = browser("clerk")
    rows = [ROWS[0][:8] + ["SXD", "31/3/2026"], ROWS[1][:8] + [None, "15-04-2026"], ROWS[2]]  # no SNNMT here
    clerk.post(_upload(clerk, office_register(rows[:2])).location + "/confirm")
    grown = _upload(clerk, office_register(rows))
    html = clerk.get(grown.location).get_data(as_text=True)
    assert "Đã có trong hệ thống, bỏ qua: 45/2026/QĐ-UBND (dòng 7–8)" in html and "Sẽ vào sổ 1 văn bản" in html
    done = clerk.post(grown.location + "/confirm", page=grown.location, follow_redirects=True)
    assert "Đã nhập 1 văn bản" in done.get_data(as_text=True) and _count(loaded) == 2
    assert "Đã có trong hệ thống, bỏ qua: 45/2026/QĐ-UBND (dòng 7–8)" in done.get_data(as_text=True)
    whole = _upload(clerk, office_register(rows)).location
    again = clerk.get(whole)
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "import-confirm" not in html
    assert "Mọi văn bản trong sổ này đã có trong hệ thống: không có gì để nhập." in html
    assert "45/2026/QĐ-UBND (dòng 7–8), 46/2026/CT-UBND (dòng 9)" in html
    stale = clerk.post(whole + "/confirm", page=whole, follow_redirects=True)  # a tab of an earlier preview
    assert "Mọi văn bản trong sổ này đã có trong hệ thống: không nhập văn bản nào." in stale.get_data(as_text=True)
    assert _count(loaded) == 2


def test_a_grown_register_whose_registered_rows_went_bad_previews_them_as_warnings_and_imports_the_new(loaded,
                                                                                                         browser):
    """A bad cell of a row passed over (its directive registered already) is a warning naming the directive on its
    row, not a problem keeping the new directive out."""
    clerk = browser("clerk")
    rows = [ROWS[0][:8] + ["SXD", "31/3/2026"], ROWS[1][:8] + [None, "15-04-2026"], ROWS[2]]  # no SNNMT here
    clerk.post(_upload(clerk, office_register(rows[:2])).location + "/confirm")
    rows[1][7] = "Sở Tài chánh"  # row 8 of 45/2026/QĐ-UBND, registered
    grown = _upload(clerk, office_register(rows))
    preview = clerk.get(grown.location)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Sẽ vào sổ 1 văn bản" in html and 'id="problems"' not in html
    assert ("<td>8</td><td>H (Chủ trì)</td><td>Văn bản 45/2026/QĐ-UBND đã có trong hệ thống, dòng này không được "
            "nhập: Không có đơn vị Sở Tài chánh. Có phải là Sở Tài chính (STC)?</td>") in html
    done = clerk.post(grown.location + "/confirm", page=grown.location, follow_redirects=True)
    assert "Đã nhập 1 văn bản" in done.get_data(as_text=True) and _count(loaded) == 2


def test_problems_by_row_and_column_and_nothing_to_confirm(loaded, browser):
    clerk = browser("clerk")
    uploaded = _upload(clerk, office_register([ROWS[0][:7] + ["Sở Tài chánh", "SXD", "31/3/2026"]] + ROWS[1:]))
    preview = clerk.get(uploaded.location)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 422
    assert "H (Chủ trì)" in html and "Không có đơn vị Sở Tài chánh. Có phải là Sở Tài chính (STC)?" in html
    assert "import-confirm" not in html and _count(loaded) == 0
    not_excel = clerk.get(_upload(clerk, b"PK\x03\x04 not really").location)
    assert not_excel.status_code == 422
    assert "Không phải tệp Excel (.xlsx hoặc .xls)." in not_excel.get_data(as_text=True)


def test_a_sheet_with_secret_rows_is_not_kept_where_the_ruleset_keeps_them_on_paper(loaded, browser):
    """Đắk Lắk Đ.5 k.2: nothing of a secret document goes into the system. The preview refused the
    row marked Mật but kept the whole uploaded file, its summary and tasks, in the database for
    hours (and in any backup taken meanwhile)."""
    clerk = browser("clerk")
    refused = _upload(clerk, plain_sheet(SECRET_SHEET))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Dòng 3" in html and "tệp chưa được lưu" in html
    with loaded.db.session() as s:
        assert s.scalar(select(func.count()).select_from(PendingImport)) == 0
    assert _upload(clerk, plain_sheet(SECRET_SHEET[:2])).status_code == 302  # "Không mật" is no secret


def test_only_the_office_imports_and_the_template_downloads(loaded, browser):
    assert browser("stc").get("/directives/import").status_code == 403
    assert "Nhập từ Excel" not in browser("stc").get("/inbox").get_data(as_text=True)
    template = browser("clerk").get("/directives/import/template")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    refused = browser("clerk").post("/directives/import", {})
    assert refused.status_code == 422 and "Hãy chọn một tệp Excel" in refused.get_data(as_text=True)


def test_a_register_beyond_what_one_request_can_import_is_refused_naming_the_limit(loaded, browser):
    """The web import registers within one request (preview, then confirmation); a longer
    register is refused before any is read into the registry, and `dondoc import excel` reads it."""
    rows = [[n, f"{n}/UBND-TH", "12/02/2026", "Về việc", "UBND tỉnh", None, "Việc", "Sở Tài chính", None, None]
            for n in range(1, excel.WEB_MAX_ROWS + 2)]
    clerk = browser("clerk")
    preview = clerk.get(_upload(clerk, office_register(rows)).location)
    assert preview.status_code == 422
    assert f"Mỗi lần nhập tối đa {excel.WEB_MAX_ROWS} dòng" in preview.get_data(as_text=True)
    assert "import-confirm" not in preview.get_data(as_text=True) and _count(loaded) == 0
    assert len(excel.read_rows(office_register(rows))[0]) == excel.WEB_MAX_ROWS + 1


def test_the_preview_says_a_task_has_no_deadline_and_names_a_directive_s_one_row(loaded, browser):
    """A register's "Thường xuyên" is read as no deadline: the preview said nothing in its place (as if the cell
    were lost) and headed a one-row directive 'dòng 2–2'."""
    clerk = browser("clerk")
    sheet = [["Số, ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu", "Nội dung nhiệm vụ", "Đơn vị chủ trì",
              "Thời hạn"], ["210/UBND-KT", "12/02/2026", "UBND tỉnh", "V/v giải ngân", "Theo dõi giải ngân", "STC",
                            "Thường xuyên"]]
    html = clerk.get(_upload(clerk, plain_sheet(sheet)).location).get_data(as_text=True)
    assert "Không thời hạn" in html and "dòng 2<" in html and "dòng 2–2" not in html


def test_the_preview_and_the_import_name_the_rows_under_the_table_not_imported(loaded, browser):
    """A register's totals and signatures under its table (tests/fixtures/excel/register_footer.xlsx) are passed
    over, and the clerk reads which rows before confirming and after."""
    from pathlib import Path

    from engine.org import service as org

    with loaded.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
    clerk = browser("clerk")
    data = (Path(__file__).parents[1] / "fixtures" / "excel" / "register_footer.xlsx").read_bytes()
    uploaded = _upload(clerk, data)
    preview = clerk.get(uploaded.location)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Sẽ vào sổ 2 văn bản" in html
    assert "Các dòng không được nhập" in html
    assert "Dòng 14 không được nhập: dòng dưới bảng (tổng cộng, chữ ký), không phải nhiệm vụ: NGƯỜI LẬP BIỂU" in html
    done = clerk.post(uploaded.location + "/confirm", page=uploaded.location, follow_redirects=True)
    assert "Không nhập các dòng 11, 13, 14, 15, 19, 21: các dòng dưới bảng (tổng cộng, chữ ký)." in \
        done.get_data(as_text=True)
    assert _count(loaded) == 2


def test_the_preview_names_each_unit_a_registers_collective_name_stands_for(loaded, browser):
    """"UBND các xã, phường" in Phối hợp: the preview lists the communes and wards the tasks will go to, as the
    register page's proposals would, before anything is registered."""
    with loaded.db.session() as s:
        add_communes(s, {"XA-EK": ("UBND xã Ea Kar", "UBND", True), "PH-AP": ("UBND phường An Phú", "UBND", True)},
                     {})
    clerk = browser("clerk")
    rows = [COORDINATION_SHEET[0][:7], COORDINATION_SHEET[1][:6] + ["UBND các xã, phường"]]
    uploaded = _upload(clerk, plain_sheet(rows))
    html = clerk.get(uploaded.location).get_data(as_text=True)
    assert "<td>UBND phường An Phú; UBND xã Ea Kar</td>" in html and "không chỉ rõ" not in html
    assert _count(loaded) == 0


def test_the_preview_warns_that_units_concerned_only_are_not_assigned_to_coordinate(loaded, browser):
    """"Sở Xây dựng và các đơn vị liên quan" in Phối hợp, as most task tables write it, was refused, so the clerk
    edited most rows of a real register: the department named coordinates, and the preview says on its cell that
    the units concerned are no unit and coordinate nothing."""
    clerk = browser("clerk")
    rows = [COORDINATION_SHEET[0][:7], COORDINATION_SHEET[1][:6] + ["Sở Xây dựng và các đơn vị liên quan"]]
    uploaded = _upload(clerk, plain_sheet(rows))
    preview = clerk.get(uploaded.location)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Lưu ý" in html
    assert ("<td>2</td><td>G (Đơn vị phối hợp)</td><td>các đơn vị liên quan: không chỉ rõ đơn vị nào, không được giao "
            "phối hợp.</td>") in html
    assert "<td>Sở Xây dựng</td>" in html
    clerk.post(uploaded.location + "/confirm", page=uploaded.location)
    assert _count(loaded) == 1


def test_the_preview_warns_of_a_deadline_on_a_day_off_on_its_cell(loaded, browser):
    """A row due Fri 20/02/2026, inside Tết: imported as written, the preview says on its deadline cell the
    working day it runs to (Bộ luật Dân sự 2015, Đ.148 k.5), as registration does."""
    clerk = browser("clerk")
    uploaded = _upload(clerk, plain_sheet([COORDINATION_SHEET[0], COORDINATION_SHEET[1][:7] + ["20/02/2026", ""]]))
    preview = clerk.get(uploaded.location)
    assert preview.status_code == 200
    assert ("<td>2</td><td>H (Thời hạn)</td><td>Nhiệm vụ 1: hạn 20/02/2026 là ngày nghỉ; theo Điều 148 Bộ luật Dân "
            "sự, hạn được tính đến hết ngày làm việc tiếp theo 23/02/2026.</td>") in preview.get_data(as_text=True)
    clerk.post(uploaded.location + "/confirm", page=uploaded.location)
    assert _count(loaded) == 1


REGISTER_WITHOUT_ISSUER = without_column((FIXTURES / "register_footer.xlsx").read_bytes(), "Cơ quan ban hành")


def test_the_preview_of_a_register_kept_without_an_issuer_column_names_the_issuer_it_will_use(loaded, browser):
    """Đắk Lắk's office tracks its own committee's directives (Đ.1 k.1): its register without "Cơ quan ban hành" was
    refused whole as no register. The preview now says whose directives they will be and why, the import registers
    them once, and a second upload of the file passes them over as registered."""
    with loaded.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
    clerk = browser("clerk")
    uploaded = _upload(clerk, REGISTER_WITHOUT_ISSUER)
    html = clerk.get(uploaded.location).get_data(as_text=True)
    assert '<p id="own-issuer">Cơ quan ban hành: UBND tỉnh (không có cột trong sổ)</p>' in html
    assert "Sẽ vào sổ 2 văn bản" in html
    clerk.post(uploaded.location + "/confirm", page=uploaded.location)
    assert _count(loaded) == 2
    again = clerk.get(_upload(clerk, REGISTER_WITHOUT_ISSUER).location)
    assert "Đã có trong hệ thống, bỏ qua: 45/2026/QĐ-UBND" in again.get_data(as_text=True)
    assert _count(loaded) == 2


def test_a_department_tracking_several_issuers_is_told_the_column_its_register_needs(database_url, clock, tmp_path):
    """Gia Lai's department tracks the province's, its office's and a merged province's directives (Đ.3): the
    same register is refused in Vietnamese, naming the column to add."""
    with ruleset_app(database_url, clock, tmp_path, "gia-lai-stttt") as app:
        clerk = Browser(app)
        clerk.login("clerk")
        refused = clerk.get(_upload(clerk, REGISTER_WITHOUT_ISSUER).location)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "own-issuer" not in html
        assert "Sổ không có cột Cơ quan ban hành: quy chế này theo dõi văn bản của nhiều cơ quan ban hành" in html


def _imported_page(database_url, clock, tmp_path, ruleset: str) -> tuple[str, dict]:
    with ruleset_app(database_url, clock, tmp_path, ruleset) as app:
        clerk = Browser(app)
        clerk.login("clerk")
        rows = [ROWS[0][:8] + ["SXD", "31/3/2026"], ROWS[1][:8] + [None, "15-04-2026"], ROWS[2]]
        uploaded = _upload(clerk, office_register(rows))
        done = clerk.post(uploaded.location + "/confirm", page=uploaded.location)
        assert done.status_code == 302 and done.location.endswith("/today")
        with app.extensions["dondoc"].db.session() as s:
            return clerk.get(done.location).get_data(as_text=True), dict(
                s.execute(select(Directive.symbol, Directive.id)).all())


@pytest.mark.parametrize("ruleset", ["dak-lak", "gia-lai-stttt"])
def test_after_the_import_the_clerk_is_shown_the_directives_imported(database_url, clock, tmp_path, ruleset):
    """After "Đã nhập 2 văn bản" the clerk landed on the list of tasks, which said "Không có nhiệm vụ phù hợp.": the
    imported directives give no task before the office classifies them (in Gia Lai's department, before the
    Director assigns them: the clerk's work inbox is empty then), so they seemed lost (found walking the import
    page in Chromium). The clerk now lands on the office's day, "Đăng ký hôm nay" listing them, and each
    directive's number in the message opens its page."""
    html, ids = _imported_page(database_url, clock, tmp_path, ruleset)
    assert (f'Đã nhập 2 văn bản: <a href="/directives/{ids["45/2026/QĐ-UBND"]}">45/2026/QĐ-UBND</a>, '
            f'<a href="/directives/{ids["46/2026/CT-UBND"]}">46/2026/CT-UBND</a>.') in html
    registered = html.split('id="registered-today"')[1].split("</section>")[0]
    assert '<span class="count">2</span>' in registered
    assert all(f'<a href="/directives/{i}"><strong>{symbol}</strong></a>' in registered for symbol, i in ids.items())
