"""Excel registers as offices keep them: columns by heading text, units by name, text dates,
merged cells; a sheet that is no register gets one clear message; the template's example row
is never imported (issue #17)."""
from __future__ import annotations

import io
import tempfile
import unicodedata
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from engine import translation
from engine.cli import cli
from engine.directives import changes
from engine.directives.models import Assignment, Directive
from engine.errors import AlreadyDone, EngineError
from engine.imports import ImportFailed, excel, pending, sheet
from engine.imports.units import UnitDirectory
from engine.org import service as org
from engine.org.models import Unit
from tests.conftest import add_communes, create_org_tree, make_engine
from tests.engine.test_twice_at_once import twice_at_once
from tests.processes import drive
from tests.registers import ROWS, as_xls, office_register, plain_sheet, without_column


@pytest.fixture
def with_snnmt(loaded):
    with loaded.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
    return loaded


def _count(engine) -> int:
    with engine.db.session() as s:
        return s.scalar(select(func.count(Directive.id)))


def test_an_office_register_imports(with_snnmt, org_tree):
    plan = excel.plan_workbook(with_snnmt, office_register(), org_tree["clerk"])
    assert plan.errors == []
    assert [(d.header["symbol"], d.header["issued_on"], d.header["urgency"], d.rows) for d in plan.directives] == [
        ("45/2026/QĐ-UBND", "2026-02-12", "urgent", [7, 8]), ("46/2026/CT-UBND", "2026-02-11", "normal", [9])]
    assert [(i["lead_unit"], i["coordinating_units"], i["deadline"]) for d in plan.directives for i in d.items] == [
        ("STC", ["SXD", "SNNMT"], "2026-03-31"), ("SXD", ["STC", "SNNMT"], "2026-04-15"), ("STC-NS", [], "2026-05-01")]
    assert _count(with_snnmt) == 0  # the preview stored nothing
    created = excel.import_workbook(with_snnmt, office_register(), org_tree["clerk"]).directives
    assert [d.symbol for d in created] == ["45/2026/QĐ-UBND", "46/2026/CT-UBND"]
    assert _count(with_snnmt) == 2


def test_decomposed_text_is_stored_composed(loaded, org_tree):
    nfd = unicodedata.normalize("NFD", "Về việc đẩy nhanh giải ngân")
    register = office_register([ROWS[2][:3] + [nfd] + ROWS[2][4:]])
    [created] = excel.import_workbook(loaded, register, org_tree["clerk"]).directives
    assert created.summary == unicodedata.normalize("NFC", nfd) != nfd


def test_initials_name_a_unit_only_when_they_name_one(loaded):
    with loaded.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
        org.create_unit(s, "STTT", "Sở Thông tin", parent_code="UBND", kind="department")
        org.create_unit(s, "STTH", "Sở Thể thao", parent_code="UBND", kind="department")
        units = UnitDirectory(s)
    assert units.lookup("snnmt").codes == ["SNNMT"] and units.find("SNNMVMT") is None
    assert units.find("stt") is None and units.find("sở thể thao") == "STTH"  # shared initials name neither
    assert units.lookup("SXD\nSTC-NS, so tai chinh").codes == ["SXD", "STC-NS", "STC"]


def test_the_committees_office_is_read_as_registers_abbreviate_it(loaded):
    """"VP UBND tỉnh" was unknown, with "Did you mean UBND tỉnh (UBND)?": the committee, not its office."""
    with loaded.db.session() as s:
        org.create_unit(s, "VPHD", "Văn phòng HĐND và UBND huyện Ea Kar", parent_code="UBND", kind="office")
        units = UnitDirectory(s)
    assert units.lookup("VP UBND tỉnh; VP HĐND và UBND huyện Ea Kar").codes == ["VP", "VPHD"]


def test_a_sheet_that_is_no_register_gets_one_clear_message(loaded, org_tree):
    sheet = plain_sheet([["DANH SÁCH CÁN BỘ"], ["Họ và tên", "Ngày sinh", "Địa chỉ"],
                         ["Nguyễn Văn A", "01/01/1980", "Buôn Ma Thuột"]] * 20)
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(loaded, sheet, org_tree["clerk"])
    [error] = failure.value.errors
    text = error.render()
    assert "not a register" in text and "Nội dung nhiệm vụ" in text and "Đơn vị chủ trì" in text
    assert "Họ và tên" in text and error.row is None


def test_the_template_example_row_is_never_imported(loaded, org_tree):
    template = excel.template_bytes()
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(loaded, template, org_tree["clerk"])
    assert [e.message for e in failure.value.errors] == ["The sheet has no rows to import."]
    book = load_workbook(io.BytesIO(template))
    book[excel.SHEET].append(["47/2026/QĐ-UBND", "10/02/2026", "UBND tỉnh", "Kế hoạch thật", None, None,
                              "Triển khai", "STC"])
    assert book[excel.SHEET]["A2"].comment is not None  # the example row is marked in the sheet
    out = io.BytesIO()
    book.save(out)
    assert [d.symbol for d in excel.import_workbook(loaded, out.getvalue(), org_tree["clerk"]).directives] == [
        "47/2026/QĐ-UBND"]


def test_the_templates_date_columns_hold_dates_shown_day_first():
    """The example's issue day was the text "12/02/2026", and a date the clerk typed showed as Excel's language
    writes it (3/4/2026 in an English Excel, which reads 03/04/2026 as 4 March): the date columns show dates
    dd/mm/yyyy, so that a day read the other way round shows as such (04/03/2026) while it can be corrected."""
    sheet = load_workbook(io.BytesIO(excel.template_bytes()))[excel.SHEET]
    headings = {cell.value.rstrip(" *"): cell.column_letter for cell in sheet[1]}
    assert sheet[f"{headings['Ngày ban hành']}2"].is_date and sheet[f"{headings['Ngày ban hành']}2"].value.day == 12
    for heading in ("Ngày ban hành", "Thời hạn", "Hạn phối hợp"):
        assert sheet.column_dimensions[headings[heading]].number_format == "dd/mm/yyyy", heading
        assert sheet[f"{headings[heading]}2"].number_format == "dd/mm/yyyy", heading


def _errors(engine, clerk, rows, written=office_register) -> list:
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(engine, written(rows), clerk)
    assert _count(engine) == 0  # nothing of a bad file
    return failure.value.errors


def test_units_by_name_with_a_hint_and_one_problem_per_cell(with_snnmt, org_tree):
    bad = [ROWS[0][:2] + ["31/02/2026"] + ROWS[0][3:7] + ["Sở Tài chánh", "SXD, Sở Khoa học", "hôm nay"],
           ROWS[1][:7] + ["STC; SXD", None, "15-04-2026"], ROWS[2]]
    errors = _errors(with_snnmt, org_tree["clerk"], bad)
    assert [(e.row, e.column) for e in errors] == [
        (7, "C (Ngày văn bản)"), (7, "H (Chủ trì)"), (7, "I (Phối hợp)"), (7, "J (Hạn xử lý)"), (8, "H (Chủ trì)")]
    texts = [e.render() for e in errors]
    assert texts[1] == "Unknown unit Sở Tài chánh. Did you mean Sở Tài chính (STC)?"
    assert texts[2].startswith("Unknown unit Sở Khoa học.")
    assert texts[0] == "Enter a date as dd/mm/yyyy."
    assert texts[3].startswith("Enter a date as dd/mm/yyyy, a period")
    assert texts[4].startswith("Give exactly one lead unit")


@pytest.mark.parametrize("text", ["12/02/2026", "2/12/2026", "12-02-2026", "12.02.2026", "2026-02-12"])
def test_dates_in_the_usual_forms(text):
    day = excel._date(lambda *a, **k: None, "issued_on", text)[0]
    assert day in ("2026-02-12", "2026-12-02")


def test_a_double_confirmation_imports_once(with_snnmt, org_tree):
    clerk = org_tree["clerk"]
    token = pending.keep(with_snnmt, clerk, "so.xlsx", office_register())
    assert len(pending.confirm(with_snnmt, clerk, token).directives) == 2
    with pytest.raises(AlreadyDone):
        pending.confirm(with_snnmt, clerk, token)
    assert _count(with_snnmt) == 2


def test_uploads_kept_are_bounded_and_expire(loaded, org_tree, clock):
    clerk = org_tree["clerk"]
    tokens = []
    for n in range(4):
        tokens.append(pending.keep(loaded, clerk, f"{n}.xlsx", office_register()))
        clock.advance(timedelta(minutes=1))
    with pytest.raises(AlreadyDone):
        pending.load(loaded, clerk, tokens[0])  # the oldest made room: at most 3 per person
    assert pending.load(loaded, clerk, tokens[3]).filename == "3.xlsx"
    with pytest.raises(AlreadyDone):
        pending.load(loaded, org_tree["stc"], tokens[3])
    with pytest.raises(EngineError):
        pending.keep(loaded, clerk, "big.xlsx", b"x" * (pending.MAX_BYTES + 1))
    clock.advance(pending.KEEP_FOR + timedelta(minutes=1))
    with pytest.raises(AlreadyDone):
        pending.confirm(loaded, clerk, tokens[3])


def test_a_grown_register_imports_its_new_rows_and_passes_over_the_registered_by_name(with_snnmt, org_tree):
    """An office imported its register, added this month's rows and uploads it again: the directive registered
    already (the registry's rule: number/symbol, date and issuer) is passed over and named with its rows, not an
    error refusing the whole file."""
    clerk = org_tree["clerk"]
    excel.import_workbook(with_snnmt, office_register(ROWS[:2]), clerk)
    plan = excel.plan_workbook(with_snnmt, office_register(), clerk)
    assert plan.errors == [] and [(w.row, w.field) for w in plan.warnings] == [(9, "deadline")]  # 1/5: a holiday
    assert [d.header["symbol"] for d in plan.directives] == ["46/2026/CT-UBND"]
    assert excel.passed_over(plan.known) == "Already in the system, passed over: 45/2026/QĐ-UBND (rows 7–8)"
    imported = excel.import_workbook(with_snnmt, office_register(), clerk)
    assert [d.symbol for d in imported.directives] == ["46/2026/CT-UBND"]
    assert [(k.symbol, k.rows) for k in imported.known] == [("45/2026/QĐ-UBND", (7, 8))]
    assert _count(with_snnmt) == 2


def _grown_with_bad_cells() -> list[list]:
    """The register grown by 46/2026/CT-UBND (row 9), the rows of 45/2026/QĐ-UBND (registered) since spoilt: row 7's
    deadline unreadable, row 8's lead unit misspelt."""
    rows = [list(row) for row in ROWS]
    rows[0][9], rows[1][7] = "hôm nay", "Sở Tài chánh"
    return rows


def test_a_grown_register_is_not_refused_for_the_bad_cells_of_a_registered_directives_rows(with_snnmt, org_tree,
                                                                                            as_user):
    """The rows of a directive registered already are not imported: their bad cells refuse nothing — each is said on
    its cell, naming the directive — and the new directives import, through the engine and the API."""
    clerk = org_tree["clerk"]
    excel.import_workbook(with_snnmt, office_register(ROWS[:2]), clerk)
    plan = excel.plan_workbook(with_snnmt, office_register(_grown_with_bad_cells()), clerk)
    assert plan.errors == [] and [d.header["symbol"] for d in plan.directives] == ["46/2026/CT-UBND"]
    assert [(w.row, w.column) for w in plan.warnings[:2]] == [(7, "J (Hạn xử lý)"), (8, "H (Chủ trì)")]
    assert plan.warnings[1].render() == ("45/2026/QĐ-UBND is in the system already, and this row is not imported: "
                                         "Unknown unit Sở Tài chánh. Did you mean Sở Tài chính (STC)?")
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(office_register(_grown_with_bad_cells())), "so.xlsx")})
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert [d["symbol"] for d in answer["items"]] == ["46/2026/CT-UBND"]
    assert [k["rows"] for k in answer["already_registered"]] == [[7, 8]]
    assert {"row": 8, "column": "H (Chủ trì)", "field": "lead_unit", "message": (
        "Văn bản 45/2026/QĐ-UBND đã có trong hệ thống, dòng này không được nhập: Không có đơn vị Sở Tài chánh. "
        "Có phải là Sở Tài chính (STC)?")} in answer["warnings"]
    assert _count(with_snnmt) == 2


def test_a_bad_cell_of_a_new_directives_row_still_refuses_a_grown_register_by_row_and_field(with_snnmt, org_tree):
    clerk = org_tree["clerk"]
    excel.import_workbook(with_snnmt, office_register(ROWS[:2]), clerk)
    rows = _grown_with_bad_cells()
    rows[2][7] = "Phòng Ngân sác"  # row 9: the new directive's lead unit
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(with_snnmt, office_register(rows), clerk)
    assert [(e.row, e.field, e.render()[:31]) for e in failure.value.errors] == [
        (9, "lead_unit", "Unknown unit Phòng Ngân sác. Di")]
    assert _count(with_snnmt) == 1


def test_a_registered_directive_the_register_holds_otherwise_is_said_with_what_differs_and_left_as_it_is(
        with_snnmt, org_tree):
    """A task renamed or added, a deadline changed in the register: warnings naming the directive and what differs
    from its tasks as created; the import changes none of it (a directive changes through its own adjust paths)."""
    clerk = org_tree["clerk"]
    excel.import_workbook(with_snnmt, office_register(ROWS[:2]), clerk)
    drive.complete(with_snnmt, "classify", {"tracked": "on"}, clerk)  # its tasks created
    rows = [list(row) for row in ROWS[:2]]
    rows[0][6:10:3] = ["BÁO CÁO TIẾN ĐỘ GIẢI NGÂN", "30/04/2026"]  # row 7: its deadline changed, in capitals
    rows[1][6] = "Rà soát các dự án chậm tiến độ"  # row 8: the task renamed
    rows.insert(2, [None] * 6 + ["Tổng hợp báo cáo quý", "Sở Tài chính", None, None])  # row 9: a task added
    plan = excel.plan_workbook(with_snnmt, office_register(rows), clerk)
    assert (plan.errors, plan.directives, [k.rows for k in plan.known]) == ([], [], [(7, 8, 9)])
    assert [(w.row, w.field, w.render()) for w in plan.warnings] == [
        (7, "deadline", "45/2026/QĐ-UBND is in the system already: there this task is due 31/03/2026, and an import "
                        "changes no deadline (adjust it on the directive's page)."),
        (8, "content", "45/2026/QĐ-UBND is in the system already: this task is not among its tasks there, and an "
                       "import adds none (add it on the directive's page)."),
        (9, "content", "45/2026/QĐ-UBND is in the system already: this task is not among its tasks there, and an "
                       "import adds none (add it on the directive's page)."),
        (7, None, "45/2026/QĐ-UBND is in the system already with the task «Rà soát dự án chậm», which the register "
                  "does not list.")]
    assert excel.import_workbook(with_snnmt, office_register(rows), clerk).directives == []
    with with_snnmt.db.reading() as s:
        held = s.execute(select(Assignment.content, Assignment.deadline).join(Directive).where(
            Directive.symbol == "45/2026/QĐ-UBND").order_by(Assignment.seq)).all()
    assert held == [("Báo cáo tiến độ giải ngân", date(2026, 3, 31)), ("Rà soát dự án chậm", date(2026, 4, 15))]


def test_a_task_withdrawn_in_the_system_is_no_task_the_register_misses(with_snnmt, org_tree):
    clerk = org_tree["clerk"]
    excel.import_workbook(with_snnmt, office_register(ROWS[:2]), clerk)
    drive.complete(with_snnmt, "classify", {"tracked": "on"}, clerk)
    with with_snnmt.db.reading() as s:
        second = s.scalar(select(Assignment.id).where(Assignment.content == "Rà soát dự án chậm"))
    changes.withdraw(with_snnmt, second, "Không còn phù hợp", org_tree["leader"])
    register = plain_sheet([["Số, ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu", "Nội dung nhiệm vụ",
                             "Đơn vị chủ trì", "Thời hạn"], [*ROWS[0][1:3], "UBND tỉnh", ROWS[0][3], *ROWS[0][6:8],
                                                            ROWS[0][9]]])
    plan = excel.plan_workbook(with_snnmt, register, clerk)
    assert (plan.errors, plan.warnings, [k.rows for k in plan.known]) == ([], [], [(2,)])


def test_a_register_wholly_in_the_system_imports_nothing_and_says_so_through_the_api_and_the_command(
        with_snnmt, org_tree, as_user):
    excel.import_workbook(with_snnmt, office_register(), org_tree["clerk"])
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(office_register()), "so-theo-doi.xlsx")})
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["items"] == []
    assert [(k["symbol"], k["rows"]) for k in answer["already_registered"]] == [
        ("45/2026/QĐ-UBND", [7, 8]), ("46/2026/CT-UBND", [9])]
    assert answer["message"] == "Đã có trong hệ thống, bỏ qua: 45/2026/QĐ-UBND (dòng 7–8), 46/2026/CT-UBND (dòng 9)"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "so.xlsx"
        path.write_bytes(office_register())
        result = CliRunner().invoke(cli, ["import", "excel", str(path), "--as", "clerk"], obj=with_snnmt)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "  Already in the system, passed over: 45/2026/QĐ-UBND (rows 7–8), 46/2026/CT-UBND (row 9)",
        "no directive registered"]
    assert _count(with_snnmt) == 2


def test_two_clerks_confirming_one_grown_register_at_once_register_each_new_directive_once(with_snnmt, org_tree):
    """The second confirmation waits on the registry's lock of each directive's name while the first is not
    committed, then finds the new directive registered and passes it over: no double, no refusal."""
    excel.import_workbook(with_snnmt, office_register(ROWS[:2]), org_tree["clerk"])
    with with_snnmt.db.session() as s:
        clerks = {"stc": org_tree["clerk"],
                  "sxd": org.create_user(s, "vanthu2", "mat-khau-du-dai-1", "Trần Thị Thư", "VP", ["clerk"])}
    tokens = {name: pending.keep(with_snnmt, clerk, "so.xlsx", office_register()) for name, clerk in clerks.items()}
    imported = {}

    def confirm(name: str) -> None:
        imported[name] = pending.confirm(with_snnmt, clerks[name], tokens[name])

    assert twice_at_once(with_snnmt.db, confirm) == []
    assert [d.symbol for d in imported["stc"].directives] == ["46/2026/CT-UBND"]
    assert (imported["sxd"].directives, [k.symbol for k in imported["sxd"].known]) == (
        [], ["45/2026/QĐ-UBND", "46/2026/CT-UBND"])
    assert _count(with_snnmt) == 2


def _seeded_gia_lai_clerk(engine):
    """Gia Lai seeded by `dondoc org seed` (Bình Định's units of before 1/7/2025 with it), its ruleset loaded, and a
    clerk of its office."""
    assert CliRunner().invoke(cli, ["org", "seed", "--province", "52"], obj=engine).exit_code == 0
    with engine.db.session() as s:
        clerk = org.create_user(s, "vanthu", "mat-khau-du-dai-1", "Nguyễn Thị Thư", "tinh-52-vp", ["clerk"])
        engine.load_ruleset(s)
    return clerk


def test_a_seeded_province_s_register_names_its_units_as_its_office_does(engine, clock):
    """`dondoc org seed` names a unit with its place ("Sở Tài chính tỉnh Gia Lai", "Xã Ia Băng"); Gia Lai's own
    register names it without ("Sở Tài chính", "Sở Xây dựng tỉnh", "UBND xã Ia Băng")."""
    clerk = _seeded_gia_lai_clerk(engine)
    rows = [[1, "215/TB-UBND", "12/02/2026", "Kết luận về giải ngân vốn", "UBND tỉnh", None, "Rà soát kế hoạch vốn",
             "Sở Tài chính", "Sở Xây dựng tỉnh; UBND xã Ia Băng; Văn phòng UBND tỉnh", "30/12/2026"],
            [2, None, None, None, None, None, "Giải phóng mặt bằng", "UBND phường Pleiku",
             "Sở Nông nghiệp và Môi trường", "31/01/2027"]]
    plan = excel.plan_workbook(engine, office_register(rows), clerk)
    assert plan.errors == []
    assert [(i["lead_unit"], i["coordinating_units"]) for d in plan.directives for i in d.items] == [
        ("tinh-52-stc", ["tinh-52-sxd", "xa-23710", "tinh-52-vp"]), ("xa-23575", ["tinh-52-snnmt"])]


def test_a_register_kept_before_the_merger_names_the_units_of_its_day_and_issuer(engine, clock):
    """Gia Lai absorbed Bình Định on 1/7/2025. Its office's register of 2024 names "Sở Tài chính" under "UBND tỉnh
    Bình Định": Bình Định's, in force then (today's Sở Tài chính tỉnh Gia Lai was refused as not in force on the
    issue date); under "UBND tỉnh", the old Gia Lai's, whose name the new province bears. The tasks are imported
    under those old units."""
    clerk = _seeded_gia_lai_clerk(engine)
    rows = [[1, "215/TB-UBND", "12/05/2024", "Kết luận về giải ngân vốn", "UBND tỉnh Bình Định", None,
             "Rà soát kế hoạch vốn", "Sở Tài chính", "Sở TN&MT; UBND huyện Tuy Phước", "30/12/2024"],
            [2, None, None, None, None, None, "Giải phóng mặt bằng", "UBND huyen Tuy Phuoc", "Sở TT&TT", "31/01/2025"],
            [3, "12/CT-UBND", "01/03/2024", "Chỉ thị về kỷ luật", "UBND tỉnh", None, "Tăng cường kỷ luật",
             "Sở Tài chính", "Sở Nội vụ", "31/12/2024"]]
    plan = excel.plan_workbook(engine, office_register(rows), clerk)
    assert plan.errors == []
    assert [(i["lead_unit"], i["coordinating_units"]) for d in plan.directives for i in d.items] == [
        ("cu-tinh-52-stc", ["cu-tinh-52-stnmt", "cu-huyen-550"]), ("cu-huyen-550", ["cu-tinh-52-stttt"]),
        ("cu-tinh-64-stc", ["cu-tinh-64-snv"])]
    # registered with those units, each in force on its directive's day
    assert len(excel.import_workbook(engine, office_register(rows), clerk).directives) == 2


def test_a_register_names_a_township_and_committees_by_their_tier_and_place_as_offices_write_them(engine, clock):
    """Bình Định's register of 2024 writes "UBND TT Diêu Trì" (TT: thị trấn, a township before 2025), and a row's lead
    as "Huyện Tuy Phước" or "Xã Phước An", without "UBND": each row was refused, suggesting the unit it meant
    ("Không có đơn vị … Có phải: UBND thị trấn Diêu Trì"). They name the committees."""
    clerk = _seeded_gia_lai_clerk(engine)
    rows = [[1, "215/TB-UBND", "12/05/2024", "Kết luận về giải ngân vốn", "UBND tỉnh Bình Định", None,
             "Giải phóng mặt bằng tuyến tránh", "Huyện Tuy Phước", "UBND TT Diêu Trì; Xã Phước An", "30/12/2024"],
            [2, None, None, None, None, None, "Rà soát quỹ đất công", "Xã Phước An", "Sở TN&MT", "31/01/2025"],
            [3, None, None, None, None, None, "Chỉnh trang đô thị", "UBND TT. Diêu Trì", "Huyện Tuy Phước",
             "31/01/2025"]]
    plan = excel.plan_workbook(engine, office_register(rows), clerk)
    assert [error.render() for error in plan.errors] == []
    assert [(i["lead_unit"], i["coordinating_units"]) for d in plan.directives for i in d.items] == [
        ("cu-huyen-550", ["cu-xa-21955", "cu-xa-21985"]), ("cu-xa-21985", ["cu-tinh-52-stnmt"]),
        ("cu-xa-21955", ["cu-huyen-550"])]
    assert len(excel.import_workbook(engine, office_register(rows), clerk).directives) == 1


def test_a_seeded_province_s_units_by_the_acronyms_its_office_writes(engine):
    """"STC", "Sở XD", "Sở LĐTBXH": a seeded unit's name carries its place ("Sở Tài chính tỉnh Gia Lai",
    initials STCTGL), and the acronyms its office writes were unknown units."""
    assert CliRunner().invoke(cli, ["org", "seed", "--province", "52"], obj=engine).exit_code == 0
    with engine.db.session() as s:
        units = UnitDirectory(s)
    assert units.lookup("STC; Sở XD, SYT").codes == ["tinh-52-stc", "tinh-52-sxd", "tinh-52-syt"]
    assert units.lookup("Sở TC và Sở NN&MT").codes == ["tinh-52-stc", "tinh-52-snnmt"]
    # none in force: the old one of the province whose name the new one bears (old Gia Lai 64, not Bình Định 52)
    assert units.lookup("Sở LĐTBXH").codes == ["cu-tinh-64-sldtbxh"]


def test_units_written_with_the_usual_abbreviations_or_a_comma_in_their_name(loaded):
    with loaded.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
        org.create_unit(s, "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", parent_code="UBND", kind="department")
        org.create_unit(s, "TP-PK", "UBND thành phố Pleiku", parent_code="UBND", kind="district")
        units = UnitDirectory(s)
    assert units.lookup("Sở NN&MT; SỞ NN VÀ MT").codes == ["SNNMT"]
    assert units.lookup("UBND TP Pleiku").codes == ["TP-PK"]
    assert units.lookup("Sở VH, TT và DL").codes == ["SVHTTDL"]
    # a comma inside a unit's name is part of it, between two names a separator
    assert units.lookup("Sở Tài chính, Sở Văn hóa, Thể thao và Du lịch").codes == ["STC", "SVHTTDL"]
    assert units.lookup("Văn phòng UBND tỉnh").codes == ["VP"] and units.find("Sở TN&MT") is None


SECRET_SHEET = [["Số, ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu", "Độ mật", "Nội dung nhiệm vụ",
                 "Đơn vị chủ trì"],
                ["201/UBND-NC", "05/2/2026", "UBND tỉnh", "V/v công tác bảo đảm an ninh", "Không mật",
                 "Rà soát phương án", "STC"],
                ["202/UBND-NC", "05/2/2026", "UBND tỉnh", "V/v phương án bảo vệ mục tiêu", "Mật",
                 "Triển khai phương án bảo vệ", "STC"],
                ["203/UBND-NC", "06/2/2026", "UBND tỉnh", "V/v khác", "Mật lắm", "Việc khác", "STC"]]


def test_a_registers_secret_row_is_refused_as_the_ruleset_says(loaded, org_tree):
    """Đắk Lắk keeps secret documents on paper: the row marked Mật imported in full, content
    and tasks, before the Độ mật column was read."""
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(loaded, plain_sheet(SECRET_SHEET), org_tree["clerk"])
    assert [(e.row, e.column, e.render()) for e in failure.value.errors] == [
        (3, None, "This regulation keeps secret documents on paper, outside the system: follow this one by the "
                  "paper procedure and do not register it here."),
        (4, "E (Độ mật)", "Use Mật, Tối mật or Tuyệt mật, or leave it empty.")]
    assert _count(loaded) == 0
    [created] = excel.import_workbook(loaded, plain_sheet(SECRET_SHEET[:2]), org_tree["clerk"]).directives
    assert (created.symbol, created.secrecy) == ("201/UBND-NC", None)


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_register_is_found_on_any_sheet_and_two_are_refused_not_imported_in_part(loaded, org_tree):
    """A sheet per year: the second one was left out without a word (2 directives 'imported')."""
    cover = [["UBND TỈNH ĐẮK LẮK"], ["Sổ theo dõi nhiệm vụ năm 2025 và 2026"]]
    year_2026, year_2025 = SECRET_SHEET[:2], [SECRET_SHEET[0], ["55/UBND-TH", "12/11/2025", "UBND tỉnh",
                                                                 "V/v năm trước", "", "Việc năm trước", "STC"]]
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(loaded, _workbook({"Bìa": cover, "Năm 2026": year_2026, "Năm 2025": year_2025}),
                              org_tree["clerk"])
    [error] = failure.value.errors
    assert error.row is None and "2 sheets of directives (Năm 2026, Năm 2025)" in error.render()
    assert _count(loaded) == 0
    one_year = _workbook({"Bìa": cover, "Năm 2025": year_2025})
    [created] = excel.import_workbook(loaded, one_year, org_tree["clerk"]).directives
    assert created.symbol == "55/UBND-TH"


COORDINATION_SHEET = [["Số, ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Trích yếu", "Nội dung nhiệm vụ",
                       "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Hạn phối hợp"],
                      ["210/UBND-KT", "12/02/2026", "UBND tỉnh", "V/v giải ngân", "Báo cáo giải ngân", "STC", "SXD",
                       "31/03/2026", "20/03/2026"],
                      ["211/UBND-KT", "12/02/2026", "UBND tỉnh", "V/v quyết toán", "Báo cáo quyết toán", "STC", "SXD",
                       "31/03/2026", "15/04/2026"]]


def test_a_registers_coordinating_deadline_column_gives_the_parts_their_own_day(loaded, org_tree):
    """Hạn phối hợp, optional: the coordinating units' own day, not after the task's (the rule of the
    API and the register page), refused on its cell."""
    from engine.directives.models import AssignmentUnit

    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(loaded, plain_sheet(COORDINATION_SHEET), org_tree["clerk"])
    assert [(e.row, e.column, e.render()) for e in failure.value.errors] == [
        (3, "I (Hạn phối hợp)", "Assignment 1: a coordinating unit's deadline may not be later than the "
                                "assignment's (31/03/2026).")]
    excel.import_workbook(loaded, plain_sheet(COORDINATION_SHEET[:2]), org_tree["clerk"])
    drive.complete(loaded, "classify", {"tracked": "on"}, org_tree["clerk"])
    with loaded.db.session() as s:
        assert sorted((u.role, u.deadline.isoformat()) for u in s.scalars(select(AssignmentUnit))) == [
            ("coordinating", "2026-03-20"), ("lead", "2026-03-31")]


def test_a_registers_deadline_before_the_issue_date_is_refused_on_its_cell(loaded, org_tree):
    """A year typed wrong in January (2025 for 2026) made the task overdue from its first day; the
    API's rule, named on the cell."""
    sheet = [COORDINATION_SHEET[0][:8], COORDINATION_SHEET[1][:7] + ["15/01/2025"]]
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(loaded, plain_sheet(sheet), org_tree["clerk"])
    assert [(e.row, e.column, e.render()) for e in failure.value.errors] == [
        (2, "H (Thời hạn)", "Assignment 1: the deadline (15/01/2025) is before the directive's issue date "
                            "(12/02/2026).")]
    assert _count(loaded) == 0


@pytest.mark.parametrize(("cell", "deadline", "days"), [
    ("Thường xuyên", "", None), ("Không thời hạn", "", None), ("Quý II/2026", "2026-06-30", None),
    ("Tháng 5/2026", "2026-05-31", None), ("Năm 2026", "2026-12-31", None),
    ("Trước ngày 30/4/2026", "2026-04-30", None), ("Trong 10 ngày làm việc", "", 10)])
def test_a_registers_deadline_cell_is_read_as_registers_write_it(loaded, org_tree, cell, deadline, days):
    """A register's Thời hạn holds "Thường xuyên" (no deadline) or a period as a directive's task table does
    (engine.proposals.deadlines reads it the same): each was refused as 'Enter a date as dd/mm/yyyy'."""
    sheet = [COORDINATION_SHEET[0][:8], COORDINATION_SHEET[1][:7] + [cell]]
    [planned] = excel.plan_workbook(loaded, plain_sheet(sheet), org_tree["clerk"]).directives
    [item] = planned.items
    assert (item["deadline"], item.get("deadline_days")) == (deadline, days)
    [created] = excel.import_workbook(loaded, plain_sheet(sheet), org_tree["clerk"]).directives
    assert created.symbol == "210/UBND-KT"


def test_a_deadline_cell_no_register_writes_names_what_it_may_hold(loaded, org_tree, clock):
    """Its examples are of this year, by the clock: they named 2025, a year before any task a clerk imports."""
    sheet = [COORDINATION_SHEET[0][:8], COORDINATION_SHEET[1][:7] + ["hôm nay"]]
    for year in (2026, 2027):
        with pytest.raises(ImportFailed) as failure:
            excel.import_workbook(loaded, plain_sheet(sheet), org_tree["clerk"])
        assert [(e.row, e.column, e.render()) for e in failure.value.errors] == [
            (2, "H (Thời hạn)", f"Enter a date as dd/mm/yyyy, a period (Tháng 6/{year}, Quý II/{year}, Năm {year}) "
                               "or Thường xuyên.")]
        clock.advance(timedelta(days=365))


def test_the_column_numbers_and_the_section_headings_of_a_register_are_no_rows(loaded, org_tree):
    """Registers number their columns under the header ("(1)", "(2)" …) and head each field's directives with a
    row merged across the table ("I. LĨNH VỰC KINH TẾ"): each was read as a directive, refused on every cell."""
    heading = ["STT"] + COORDINATION_SHEET[0][:8]
    rows = [heading, [f"({n})" for n in range(1, 10)], ["I", "LĨNH VỰC KINH TẾ"], [1] + COORDINATION_SHEET[1][:8],
            [], ["II", "LĨNH VỰC VĂN HÓA - XÃ HỘI"], [2] + COORDINATION_SHEET[2][:7] + ["Quý II/2026"],
            [None, *range(2, 10)]]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    for row in (3, 6):
        book.active.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(heading))
    out = io.BytesIO()
    book.save(out)
    created = excel.import_workbook(loaded, out.getvalue(), org_tree["clerk"]).directives
    assert [d.symbol for d in created] == ["210/UBND-KT", "211/UBND-KT"]


def test_a_row_of_numbers_among_its_words_is_data():
    grid = sheet.Grid({(1, 1): "(1)", (1, 2): "(2)", (1, 3): "(3)", (1, 4): "Rà soát", (2, 2): 1, (2, 3): 2, (2, 4): 3},
                      2)
    assert not sheet.is_layout_row(grid, 1, [1, 2, 3, 4]) and sheet.is_layout_row(grid, 2, [1, 2, 3, 4])


def test_a_register_kept_as_xls_imports_as_the_same_register_in_xlsx(with_snnmt, org_tree):
    """Offices still keep registers as Excel 97–2003 (.xls): it was refused 'Không phải tệp Excel (.xlsx)'."""
    xls = as_xls(office_register())
    assert xls.startswith(b"\xd0\xcf\x11\xe0")
    plan, from_xlsx = (excel.plan_workbook(with_snnmt, data, org_tree["clerk"]) for data in (xls, office_register()))
    assert plan.errors == []
    assert [(d.header, d.items, d.rows) for d in plan.directives] == [
        (d.header, d.items, d.rows) for d in from_xlsx.directives]
    assert [d.symbol for d in excel.import_workbook(with_snnmt, xls, org_tree["clerk"]).directives] == [
        "45/2026/QĐ-UBND", "46/2026/CT-UBND"]


@pytest.mark.parametrize(("exported", "damage"), [
    ("register_excel_2003_xml.xls", (b'ss:Index="7"', b'ss:Index="G"')),
    ("register_html_table.xls", (b'colspan="3"', b'colspan="ba"'))])
def test_a_register_exported_by_web_software_as_excel_imports_as_the_same_register(
        with_snnmt, org_tree, exported, damage):
    """Web software exports "Excel" as Excel 2003 XML (SpreadsheetML) or as the page's HTML table,
    under an .xls name, files Excel opens (tests/fixtures/excel/MANIFEST.md): they were refused as
    "Không phải tệp Excel"."""
    data = (Path(__file__).parent.parent / "fixtures" / "excel" / exported).read_bytes()
    plan, from_xlsx = (excel.plan_workbook(with_snnmt, sheet_bytes, org_tree["clerk"])
                       for sheet_bytes in (data, office_register()))
    assert plan.errors == []
    assert [(d.header, d.items, d.rows) for d in plan.directives] == [
        (d.header, d.items, d.rows) for d in from_xlsx.directives]
    assert [d.symbol for d in excel.import_workbook(with_snnmt, data, org_tree["clerk"]).directives] == [
        "45/2026/QĐ-UBND", "46/2026/CT-UBND"]
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(with_snnmt, data.replace(*damage), org_tree["clerk"])
    assert [e.render() for e in failure.value.errors] == ["Not an Excel file (.xlsx or .xls)."]


def test_an_xlsx_whose_stored_parts_hold_markup_is_read_as_a_workbook(with_snnmt, org_tree):
    """A workbook zipped without compression (some writers store its parts) shows its parts' text
    in its first bytes: an "<table" there must not make it read as an HTML export."""
    stored = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(office_register())) as source, zipfile.ZipFile(stored, "w") as target:
        target.writestr("customXml/item1.xml", "<root><table>Sổ theo dõi</table></root>")
        for member in source.infolist():
            target.writestr(member.filename, source.read(member))
    assert b"<table" in stored.getvalue()[:4096]
    plan = excel.plan_workbook(with_snnmt, stored.getvalue(), org_tree["clerk"])
    assert (plan.errors, [d.header["symbol"] for d in plan.directives]) == ([], ["45/2026/QĐ-UBND", "46/2026/CT-UBND"])


def test_a_damaged_xls_is_refused_as_no_excel_file(loaded, org_tree):
    with pytest.raises(ImportFailed) as failure:
        excel.import_workbook(loaded, as_xls(office_register())[:3000], org_tree["clerk"])
    assert [e.render() for e in failure.value.errors] == ["Not an Excel file (.xlsx or .xls)."]


def test_units_concerned_only_coordinate_nothing_said_on_their_cell_and_lead_nothing(loaded, org_tree, as_user,
                                                                                      tmp_path):
    """"SXD; Các sở, ngành liên quan" in a register's Phối hợp, as most task tables write it, was refused, so the
    clerk edited most rows of a real register: the units named coordinate, and the words naming only those
    concerned, no unit, are said on their cell (preview, API, command); in Chủ trì, where one unit answers for the
    task, they are refused."""
    header, row = COORDINATION_SHEET[0][:7], COORDINATION_SHEET[1][:6]
    sheet = [header, row + ["SXD; Các sở, ngành liên quan"], row[:4] + ["Rà soát", "STC", "Các đơn vị liên quan"]]
    plan = excel.plan_workbook(loaded, plain_sheet(sheet), org_tree["clerk"])
    assert plan.errors == []
    assert [i["coordinating_units"] for i in plan.directives[0].items] == [["SXD"], []]
    assert [(w.row, w.column, w.render()) for w in plan.warnings] == [
        (2, "G (Đơn vị phối hợp)", "Các sở, ngành liên quan names no unit in particular: none of them is assigned "
                                   "to coordinate."),
        (3, "G (Đơn vị phối hợp)", "Các đơn vị liên quan names no unit in particular: none of them is assigned to "
                                   "coordinate.")]
    leading = [header, row[:5] + ["Sở Tài chính và các đơn vị liên quan", "SXD"]]
    [error] = excel.plan_workbook(loaded, plain_sheet(leading), org_tree["clerk"]).errors
    assert (error.row, error.column, error.render()) == (
        2, "F (Đơn vị chủ trì)", "các đơn vị liên quan names no unit in particular: write each unit by its name or "
                                 "code.")
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(plain_sheet(sheet)), "so-theo-doi.xlsx")})
    assert response.status_code == 201, response.get_json()
    assert [(w["row"], w["message"]) for w in response.get_json()["warnings"]] == [
        (2, "Các sở, ngành liên quan: không chỉ rõ đơn vị nào, không được giao phối hợp."),
        (3, "Các đơn vị liên quan: không chỉ rõ đơn vị nào, không được giao phối hợp.")]
    (tmp_path / "so.xlsx").write_bytes(plain_sheet([header, ["212/UBND-KT", *row[1:], "SXD và các đơn vị liên quan"]]))
    result = CliRunner().invoke(cli, ["import", "excel", str(tmp_path / "so.xlsx"), "--as", "clerk"], obj=loaded)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("  row 2, G (Đơn vị phối hợp): các đơn vị liên quan names no unit in "
                                             "particular: none of them is assigned to coordinate.")


def test_a_units_cell_is_read_as_the_units_it_names_and_the_words_naming_those_concerned(loaded):
    """The words naming only the units concerned, as written, beside the units named ("và các đơn vị liên quan",
    "các sở, ngành liên quan" as a proposal reads it), or alone; words naming neither keep the cell unread."""
    with loaded.db.session() as s:
        units = UnitDirectory(s)
        cells = {cell: (found.codes, found.concerned, found.collective) for cell in (
            "Sở Tài chính, Sở Xây dựng và các đơn vị liên quan", "Các cơ quan, đơn vị, địa phương liên quan",
            "Sở Xây dựng, các sở, ngành liên quan", "Sở Tài chính và các tổ chức khai thác khoáng sản liên quan")
            if (found := units.lookup(cell))}
    assert cells == {
        "Sở Tài chính, Sở Xây dựng và các đơn vị liên quan": (["STC", "SXD"], ["các đơn vị liên quan"], []),
        "Các cơ quan, đơn vị, địa phương liên quan": ([], ["Các cơ quan, đơn vị, địa phương liên quan"], []),
        "Sở Xây dựng, các sở, ngành liên quan": (["SXD"], ["các sở, ngành liên quan"], []),
        "Sở Tài chính và các tổ chức khai thác khoáng sản liên quan": (
            ["STC"], [], ["Sở Tài chính và các tổ chức khai thác khoáng sản liên quan"])}


def test_a_registers_collective_names_are_the_units_a_directives_text_means_by_them(loaded, org_tree):
    """"UBND các xã, phường" in Phối hợp, as an office's register writes it, was refused as naming no unit in
    particular, though a proposal from the same words gives every commune and ward: read as the proposals read
    them; one the units in force do not tell ("UBND các huyện, thị xã" with no district) is refused on its cell."""
    with loaded.db.session() as s:
        add_communes(s, {"XA-EK": ("UBND xã Ea Kar", "UBND", True), "PH-AP": ("UBND phường An Phú", "UBND", True)},
                     {})
    header, row = COORDINATION_SHEET[0][:7], COORDINATION_SHEET[1][:6]
    sheet = [header, row + ["UBND các xã, phường"], row[:4] + ["Rà soát quỹ đất", "SXD", "Các sở, ban, ngành"]]
    plan = excel.plan_workbook(loaded, plain_sheet(sheet), org_tree["clerk"])
    assert plan.errors == []
    assert [(i["lead_unit"], i["coordinating_units"]) for i in plan.directives[0].items] == [
        ("STC", ["PH-AP", "XA-EK"]), ("SXD", ["STC"])]
    sheet[2][6] = "Sở Tài chính; UBND các huyện, thị xã"
    [error] = _errors(loaded, org_tree["clerk"], sheet, plain_sheet)
    assert (error.row, error.column, error.render()) == (
        3, "G (Đơn vị phối hợp)", "UBND các huyện, thị xã does not tell which of the units in force it names: "
                                  "write each unit by its name or code.")


FIXTURES = Path(__file__).parent.parent / "fixtures" / "excel"
FOOTER = [(11, "Tổng cộng: 02 văn bản, 03 nhiệm vụ · 3"), (13, "Gia Lai, ngày 15 tháng 11 năm 2026"),
          (14, "NGƯỜI LẬP BIỂU · KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC"), (15, "(Ký, ghi rõ họ tên) · (Ký tên, đóng dấu)"),
          (19, "Nguyễn Thị Hoa · Trần Văn Minh")]


def test_a_real_plans_task_appendix_kept_as_a_register_is_read_as_the_province_wrote_it(engine, clock):
    """Lào Cai's appendix of tasks (tests/fixtures/excel/MANIFEST.md: its 14 rows as written, under the directive's
    columns an office adds) was "not a register": its headings "Tên nhiệm vụ", "Sở, ngành chủ trì tham mưu" and
    "Thời gian thực hiện" named no column; then its row of column marks "A B C D (1) … (5)" was a task refused on
    every cell. Now its deadlines are read as written ("Xong trong Quý II/2026"), its collective names as the units
    they stand for, and what only the clerk can settle is refused on its cell: two leads, "… liên quan", "Hàng năm",
    units outside the tree."""
    clock.advance(timedelta(days=40))   # the plan is dated 16/03/2026
    assert CliRunner().invoke(cli, ["org", "seed", "--province", "15"], obj=engine).exit_code == 0
    with engine.db.session() as s:
        clerk = org.create_user(s, "vanthu", "mat-khau-du-dai-1", "Nguyễn Thị Thư", "tinh-15-vp", ["clerk"])
        engine.load_ruleset(s)
        departments = s.scalar(select(func.count(Unit.id)).where(Unit.kind == "department", Unit.valid_to.is_(None)))
        communes = s.scalar(select(func.count(Unit.id)).where(Unit.kind == "commune", Unit.valid_to.is_(None)))
    plan = excel.plan_workbook(engine, (FIXTURES / "register_lao_cai_ct11.xlsx").read_bytes(), clerk)
    items = dict(zip(plan.directives[0].rows, plan.directives[0].items, strict=True))
    assert list(items) == list(range(7, 21))   # the column marks (row 6) are no task
    assert [items[row]["deadline"] for row in (8, 9, 11, 13)] == ["2026-05-31", "2026-12-31", "2030-01-01", ""]
    assert items[17]["deadline"] == "2026-06-30"   # "Xong trong Quý II/2026"
    # "Các Sở, ban, ngành và địa phương": every department and commune; "Sở NN và MT, các Sở, ban, ngành": departments
    assert (len(items[15]["coordinating_units"]), len(items[18]["coordinating_units"])) == (
        departments + communes - 1, departments)
    refused = {(e.row, e.column.split(" ")[0]): e.render() for e in plan.errors}
    assert sorted({row for row, _ in refused}) == [7, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]
    assert refused[(7, "G")] == refused[(12, "G")] == "Give exactly one lead unit (the others go under coordinating " \
                                                      "units)."
    # "Các Sở, ban, ngành và các cơ quan, đơn vị, địa phương liên quan" (11 of the 14 Phối hợp were refused): the
    # departments, agencies and localities concerned, "liên quan" saying of the whole list as a proposal reads it (it
    # gave every department but the lead while "… và các địa phương liên quan", three words shorter, gave none):
    # none coordinates, said on the cell
    assert (items[8]["coordinating_units"], items[9]["coordinating_units"], items[10]["coordinating_units"]) == (
        [], [], [])   # row 10: "Các Sở, ban, ngành và các địa phương liên quan"
    assert [row for row, column in refused if column == "H"] == [11, 13, 20]
    warned = {w.row: (w.column, w.render()) for w in plan.warnings if w.field != "deadline"}
    assert list(warned) == [7, 8, 9, 10, 12, 14, 16, 19]
    # due Sun 31/05/2026 and on New Year's Day 2030: imported as written, the day each runs to said on its cell
    assert {w.row: w.render() for w in plan.warnings if w.field == "deadline"} == {
        8: "Assignment 2: the deadline 31/05/2026 is a day off; under Article 148 of the Civil Code it runs to the end "
           "of the next working day, 01/06/2026.",
        11: "Assignment 5: the deadline 01/01/2030 is a day off; under Article 148 of the Civil Code it runs to the "
            "end of the next working day, 02/01/2030."}
    assert warned[8] == ("H (Đơn vị phối hợp thực hiện)", "Các Sở, ban, ngành và các cơ quan, đơn vị, địa phương liên "
                                                          "quan names no unit in particular: none of them is assigned "
                                                          "to coordinate.")
    assert refused[(10, "I")].startswith("Enter a date as dd/mm/yyyy, a period")   # "Hàng năm": every year
    assert refused[(16, "G")].startswith("Unknown unit Thuế tỉnh.")
    assert refused[(20, "H")] == ("Các tổ chức, cá nhân hoạt động khoáng sản does not tell which of the units in "
                                  "force it names: write each unit by its name or code.")
    assert _count(engine) == 0


@pytest.mark.parametrize("name", ["register_footer.xlsx", "register_footer.xls"])
def test_a_registers_totals_and_signatures_are_no_rows_and_each_is_named(with_snnmt, org_tree, name):
    """Registers end with their totals, the date line and the signatures under the table (tests/fixtures/excel/
    MANIFEST.md): each was read as a directive and refused on every cell, so no register imported. They are
    passed over, each named by its row in the import's summary."""
    data = (FIXTURES / name).read_bytes()
    plan = excel.plan_workbook(with_snnmt, data, org_tree["clerk"])
    assert plan.errors == []
    assert [d.rows for d in plan.directives] == [[7, 8], [9]]
    assert [(s.row, s.text) for s in plan.skipped][:5] == FOOTER
    assert plan.skipped[5].row == 21 and plan.skipped[5].text.startswith("Ghi chú: Cột (10)")
    imported = excel.import_workbook(with_snnmt, data, org_tree["clerk"])
    assert [d.symbol for d in imported.directives] == ["45/2026/QĐ-UBND", "46/2026/CT-UBND"]
    assert imported.skipped == plan.skipped


def test_a_row_of_data_under_a_total_keeps_the_total_a_row_to_correct(with_snnmt, org_tree):
    """A subtotal with a directive below it is no footer: the rows are checked as data, none passed over."""
    book = load_workbook(FIXTURES / "register_footer.xlsx")
    book.worksheets[0].append(ROWS[2][:1] + ["47/2026/CT-UBND"] + ROWS[2][2:])
    out = io.BytesIO()
    book.save(out)
    plan = excel.plan_workbook(with_snnmt, out.getvalue(), org_tree["clerk"])
    assert plan.skipped == [] and {e.row for e in plan.errors} >= {11, 14}


def test_the_footers_words_begin_its_cells_not_a_tasks_sentence():
    grid = sheet.Grid({(2, 1): "Báo cáo trước ngày 15 tháng 6 năm 2026", (3, 1): "Cộng hòa xã hội chủ nghĩa",
                       (4, 1): "Tổng cộng", (4, 2): 12, (5, 1): "Hà Nội, ngày … tháng … năm 2026"}, 5)
    assert sheet.footer_start(grid, 2, (3, 4)) == 4
    numbered = sheet.Grid({**grid.cells, (6, 1): 4, (6, 3): "Giám đốc Sở Tài chính chỉ đạo rà soát"}, 6)
    assert sheet.footer_start(numbered, 2, (3, 4)) is None  # a task's row, its STT first: no footer below it


def test_rows_a_filter_hides_are_refused_by_row_not_imported_nor_dropped(with_snnmt, org_tree):
    """A register filtered to some units (tests/fixtures/excel/register_filtered.xlsx: row 8 filtered out) was
    imported whole, the rows the clerk did not see too: only the clerk knows whether they were left out on
    purpose, so the file is refused naming them."""
    data = (FIXTURES / "register_filtered.xlsx").read_bytes()
    plan = excel.plan_workbook(with_snnmt, data, org_tree["clerk"])
    assert [(e.row, e.column, e.render()) for e in plan.errors] == [
        (8, None, "Rows 8 are hidden or filtered out in the file: show every row (clear the filter), delete the rows "
                  "not to import, and upload the file again.")]
    with pytest.raises(ImportFailed):
        excel.import_workbook(with_snnmt, data, org_tree["clerk"])
    assert _count(with_snnmt) == 0


def test_hidden_rows_are_read_from_each_kind_of_workbook():
    book = load_workbook(FIXTURES / "register_filtered.xlsx")
    for row in (9, 10):
        book.worksheets[0].row_dimensions[row].hidden = True
    out = io.BytesIO()
    book.save(out)
    assert excel.read_rows(out.getvalue()).hidden == [8, 9]
    spreadsheet_ml = (FIXTURES / "register_excel_2003_xml.xls").read_bytes()
    # rows 1 to 8 hidden (ss:Index skips row 3's element), of which rows 7 and 8 are data
    assert excel.read_rows(spreadsheet_ml.replace(b"<Row ", b'<Row ss:Hidden="1" ', 8)).hidden == [7, 8]
    html = (FIXTURES / "register_html_table.xls").read_bytes().replace(b"<tr>", b'<tr style="display: none">')
    assert excel.read_rows(html).hidden == [7, 8, 9]
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    xls_sheet = book.add_sheet("Sổ theo dõi")
    for row, values in enumerate(COORDINATION_SHEET):
        for column, value in enumerate(values):
            xls_sheet.write(row, column, value)
    xls_sheet.row(1).hidden = True  # Excel 97–2003 keeps a row hidden in its ROW record
    xls = io.BytesIO()
    book.save(xls)
    assert excel.read_rows(xls.getvalue()).hidden == [2]


def test_the_api_names_each_row_of_the_footer_it_passed_over_in_vietnamese(with_snnmt, as_user):
    data = (FIXTURES / "register_footer.xlsx").read_bytes()
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(data), "so-theo-doi.xlsx")})
    assert response.status_code == 201, response.get_json()
    assert len(response.get_json()["items"]) == 2
    skipped = response.get_json()["skipped_rows"]
    assert [(s["row"], s["text"]) for s in skipped][:5] == FOOTER
    assert skipped[0]["message"] == ("Dòng 11 không được nhập: dòng dưới bảng (tổng cộng, chữ ký), không phải nhiệm "
                                     "vụ: Tổng cộng: 02 văn bản, 03 nhiệm vụ · 3")


def test_the_command_names_each_row_of_the_footer_it_passed_over(with_snnmt, org_tree):
    result = CliRunner().invoke(cli, ["import", "excel", str(FIXTURES / "register_footer.xls"), "--as", "clerk"],
                                obj=with_snnmt)
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0].strip() for line in result.output.splitlines()[:6]] == [
        f"Row {row} was not imported" for row in (11, 13, 14, 15, 19, 21)]
    assert result.output.splitlines()[-1] == "2 directives registered: 45/2026/QĐ-UBND, 46/2026/CT-UBND"


def test_a_register_row_due_on_a_day_off_is_imported_with_a_warning_on_its_cell(loaded, org_tree, as_user):
    """As registration does: a row due Fri 20/02/2026 (inside Tết) is imported as written, and the preview and
    the API say on its deadline cell the working day it runs to (Bộ luật Dân sự 2015, Đ.148 k.5)."""
    sheet = [COORDINATION_SHEET[0], COORDINATION_SHEET[1][:7] + ["20/02/2026", ""]]
    plan = excel.plan_workbook(loaded, plain_sheet(sheet), org_tree["clerk"])
    assert plan.errors == []
    assert [(w.row, w.column, w.field) for w in plan.warnings] == [(2, "H (Thời hạn)", "deadline")]
    response = as_user("clerk")("POST", "/imports/excel", content_type="multipart/form-data",
                                data={"file": (io.BytesIO(plain_sheet(sheet)), "so-theo-doi.xlsx")})
    assert response.status_code == 201, response.get_json()
    assert [(w["row"], w["message"]) for w in response.get_json()["warnings"]] == [
        (2, "Nhiệm vụ 1: hạn 20/02/2026 là ngày nghỉ; theo Điều 148 Bộ luật Dân sự, hạn được tính đến hết ngày "
            "làm việc tiếp theo 23/02/2026.")]


def test_a_department_s_sections_written_as_its_register_abbreviates_them(loaded):
    """Gia Lai's Sở TT&TT register (QĐ 07/QĐ-STTTT Đ.8–9): "Phòng KH-TC", "P. BCVT" were unknown ("Có phải là
    Phòng Kế hoạch – Tài chính?") though "Phòng CNTT" was read: initials written with a dash or after "P." are
    the same initials (found walking the ruleset in Chromium)."""
    with loaded.db.session() as s:
        org.create_unit(s, "P1", "Phòng Kế hoạch – Tài chính", parent_code="STC", kind="section")
        org.create_unit(s, "P2", "Phòng Bưu chính – Viễn thông", parent_code="STC", kind="section")
        org.create_unit(s, "P3", "Phòng Công nghệ thông tin", parent_code="STC", kind="section")
        units = UnitDirectory(s)
    assert units.lookup("Phòng CNTT; Phòng KH-TC; P. BCVT; P.KH-TC; Phòng BC-VT").codes == ["P3", "P1", "P2"]
    assert units.find("Phòng Kh-tc") is None  # initials are written in capitals, as registers write them


@pytest.fixture(params=["can-tho", "gia-lai-stttt"])
def other_ruleset(request, database_url, clock, tmp_path):
    """An engine of Cần Thơ's ruleset (a register of one issuer: the city's committee and its Chairman) or Gia Lai
    Sở TT&TT's (the province's, its office's, a merged province's directives: many issuers)."""
    engine = make_engine(database_url, clock, ruleset=request.param, tmp_path=tmp_path)
    yield engine
    engine.close()


def test_a_register_kept_without_an_issuer_column_is_the_importing_body_s_where_the_ruleset_says_so(other_ruleset,
                                                                                                   clock):
    """Lào Cai's real register as an office of one committee keeps it, without "Cơ quan ban hành", was refused
    whole as no register. Cần Thơ (Đ.1, Đ.3: the city committee's and its Chairman's directives) reads it as the
    committee's own, the dry run saying so, and finds the same problems in the same cells as with the column;
    Gia Lai's department, which tracks directives of several issuers, refuses it naming the column."""
    clock.advance(timedelta(days=40))   # the plan is dated 16/03/2026
    assert CliRunner().invoke(cli, ["org", "seed", "--province", "15"], obj=other_ruleset).exit_code == 0
    with other_ruleset.db.session() as s:
        clerk = org.create_user(s, "vanthu", "mat-khau-du-dai-1", "Nguyễn Thị Thư", "tinh-15-vp", ["clerk"])
        committee = org.home_body(s).name
        other_ruleset.load_ruleset(s)
    kept = (FIXTURES / "register_lao_cai_ct11.xlsx").read_bytes()
    plan = excel.plan_workbook(other_ruleset, without_column(kept, "Cơ quan ban hành"), clerk)
    if other_ruleset.settings.ruleset == "gia-lai-stttt":
        [refused] = plan.errors
        assert refused.render().startswith("This register has no column Cơ quan ban hành: the directives this "
                                           "regulation tracks come from several issuers, each naming its own. ")
        assert plan.issuer == ""
        return
    assert committee == "UBND tỉnh Lào Cai" and plan.issuer == committee
    assert [d.header["issuer"] for d in plan.directives] == [committee]
    with_column = excel.plan_workbook(other_ruleset, kept, clerk)
    assert [(e.row, e.field, e.render()) for e in plan.errors] == [
        (e.row, e.field, e.render()) for e in with_column.errors]
    assert with_column.issuer == ""   # a register naming its issuer is read as it names it
    assert _count(other_ruleset) == 0


def test_a_register_without_an_issuer_column_imports_once_as_the_committee_s(other_ruleset, vietnamese):
    """The footer register of tests/fixtures without its "Cơ quan ban hành": imported as the committee's directives
    where the ruleset says a register is of one issuer, once (a second import passes them over as registered);
    refused whole, in Vietnamese, where it is not."""
    clerk = create_org_tree(other_ruleset)["clerk"]
    with other_ruleset.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
        other_ruleset.load_ruleset(s)
    register = without_column((FIXTURES / "register_footer.xlsx").read_bytes(), "Cơ quan ban hành")
    if other_ruleset.settings.ruleset == "gia-lai-stttt":
        with pytest.raises(ImportFailed) as refused:
            excel.import_workbook(other_ruleset, register, clerk)
        [error] = refused.value.errors
        assert error.render(translation.translate).startswith(
            "Sổ không có cột Cơ quan ban hành: quy chế này theo dõi văn bản của nhiều cơ quan ban hành, mỗi văn bản "
            "phải ghi cơ quan ban hành của mình. Thêm cột Cơ quan ban hành vào sổ (các tiêu đề tìm thấy: STT, Số hiệu "
            "văn bản")
        assert _count(other_ruleset) == 0
        return
    with other_ruleset.db.session() as s:
        ward = add_communes(s, {"P-AP": ("Phường An Phú", "UBND", True)}, {"vanthu-ap": ("P-AP", ["clerk"])})
    assert excel.plan_workbook(other_ruleset, register, ward["vanthu-ap"]).issuer == "UBND phường An Phú"
    created = excel.import_workbook(other_ruleset, register, clerk).directives
    assert [(d.symbol, d.issuer) for d in created] == [("45/2026/QĐ-UBND", "UBND tỉnh"),
                                                       ("46/2026/CT-UBND", "UBND tỉnh")]
    again = excel.import_workbook(other_ruleset, register, clerk)
    assert (again.directives, [k.symbol for k in again.known]) == ([], ["45/2026/QĐ-UBND", "46/2026/CT-UBND"])
    assert _count(other_ruleset) == 2


def test_an_unknown_unit_is_offered_only_a_unit_whose_name_shares_a_word_of_its_own(loaded):
    """Lào Cai's register in a tree without its departments (found walking the import page in Chromium): "Sở Công
    Thương" was answered "Did you mean Sở Nông nghiệp và Môi trường?" and "Sở Nội vụ" "Sở Xây dựng?" — a clerk
    taking the hint gives the task to another department. A hint now shares a word beyond the kind of unit."""
    with loaded.db.session() as s:
        org.create_unit(s, "SNNMT", "Sở Nông nghiệp và Môi trường", parent_code="UBND", kind="department")
        org.create_unit(s, "NK", "UBND quận Ninh Kiều", parent_code="UBND", kind="district")
        units = UnitDirectory(s)
    assert [units.hint(name) for name in ("Sở Công Thương", "Sở Nội vụ", "Sở Khoa học", "UBND quận Cái Răng")] == [
        None, None, None, None]
    assert [units.hint(name) for name in ("Sở Tài chánh", "Sở Tài nguyên và Môi trường", "Phòng Ngân sạch")] == [
        "Sở Tài chính (STC)", "Sở Nông nghiệp và Môi trường (SNNMT)", "Phòng Ngân sách (STC-NS)"]


def test_an_imported_register_is_classified_from_the_import_day_a_typed_directive_from_its_issue(
        with_snnmt, org_tree, clock):
    """A register kept on paper before dondoc: its directives were classified then, so importing it
    gives the clerk the ruleset's days from the import, not an overdue step escalating at once
    (registration_deadline.dmn's first rule). Typed on the form, the same old date still counts."""
    from engine.directives import service as directives
    from engine.runtime.models import WorkItem
    from engine.working_days import WorkingCalendar

    old = [ROWS[0][:2] + ["02.10.2025"] + ROWS[0][3:], *ROWS[1:2]]
    [imported] = excel.import_workbook(with_snnmt, office_register(old), org_tree["clerk"]).directives
    typed = directives.register(with_snnmt, {"symbol": "47/2025/QĐ-UBND", "issued_on": "02/10/2025",
                                             "issuer": "UBND tỉnh", "summary": "Về việc đánh máy"},
                                [{"content": "Rà soát", "lead_unit": "STC"}], org_tree["clerk"])
    with with_snnmt.db.session() as s:
        classify = select(WorkItem.directive_id, WorkItem.due_at).where(WorkItem.element_id == "classify")
        due = dict(s.execute(classify).all())
        calendar = WorkingCalendar.from_db(s)
        from_import, from_issue = (calendar.add_working_days(day, 2) for day in (clock.today(), date(2025, 10, 2)))
    assert due[imported.id].date() == from_import > clock.today()
    assert due[typed.id].date() == from_issue < clock.today()
