"""Tasks proposed from a plan's task table (engine/proposals/tables.py): a DOCX's tables read a row a
line, a table pasted as tab-separated rows, the header over one or two rows, merged cells, section rows,
and tables that are not task tables."""
from __future__ import annotations

from pathlib import Path

from engine.proposals import deadlines
from engine.proposals.deadlines import find_cell_deadline
from engine.proposals.extract import propose
from engine.proposals.reading import read_document
from engine.proposals.tables import task_rows
from engine.proposals.units import UnitMatcher, UnitRef
from engine.text import fold
from tests.engine.test_proposals import TODAY, UNITS
from tests.proposals.texts import plan_docx


def summary(text: str) -> list[tuple]:
    return [(p.content, p.lead_units, p.coordinating_units, p.deadline.kind, p.deadline.due)
            for p in propose(text, UNITS, TODAY).proposals]


def date_(year: int, month: int, day: int):
    return TODAY.replace(year=year, month=month, day=day)


def test_a_docx_table_is_read_a_row_a_line_where_it_stands():
    lines = read_document(plan_docx(), "ke-hoach.docx").text.splitlines()
    assert lines[2] == "Các nhiệm vụ cụ thể tại Phụ lục kèm theo."
    assert lines[3] == "STT\tNhiệm vụ\tCơ quan thực hiện\t\tThời hạn hoàn thành"   # spanning two columns: once
    assert lines[5] == "I. HOÀN THIỆN THỂ CHẾ\t\t\t\t"
    assert lines[8] == "3\tKiểm tra các công trình chậm tiến độ\tSở Xây dựng\t\tThường xuyên"   # spanning rows
    assert lines[9:] == ["Dự toán kinh phí:", "STT", "Nội dung", "Số tiền (triệu đồng)", "1", "Chi thường xuyên",
                         "1.200"]   # not a task table: a cell a line, as any table is read


def test_a_docx_task_table_with_a_two_row_header_gives_a_task_a_row():
    text = read_document(plan_docx(), "ke-hoach.docx").text
    assert summary(text) == [
        ("Rà soát các quy định về quản lý tài sản công", ["STC"], ["SXD"], deadlines.WITHIN_QUARTER,
         date_(2026, 6, 30)),
        ("Xây dựng quy chế quản lý công trình", ["SXD"], ["STC"], deadlines.WITHIN_MONTH,
         date_(2026, 9, 30)),
        ("Kiểm tra các công trình chậm tiến độ", ["SXD"], [], deadlines.NONE, None)]
    assert propose(text, UNITS, TODAY).proposals[0].source == (
        "1 | Rà soát các quy định về quản lý tài sản công | Sở Tài chính | Sở Xây dựng | Quý II/2026")


ODT = Path(__file__).parents[1] / "fixtures" / "odt" / "ke-hoach-chuyen-doi-so.odt"


def test_an_odt_is_read_as_a_docx_is_a_task_table_a_row_a_line():
    """The plan of plan_docx() saved as an .odt (tests/fixtures/odt/MANIFEST.md: made with odfpy), under a letterhead
    table and after a list of tasks, was refused as unsupported. Its letterhead a cell a line, its list items a line
    each without their footnote, comment, text box or tracked deletion, its tables as the DOCX's."""
    document = read_document(ODT.read_bytes(), "Kế hoạch.odt")
    lines = document.text.splitlines()
    assert document.method == "odt"
    assert lines[:13] == [
        "ỦY BAN NHÂN DÂN", "TỈNH ĐẮK LẮK", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 45/TB-UBND", "Đắk Lắk, ngày 10 tháng 02 năm 2026", "KẾ HOẠCH", "Triển khai chuyển đổi số năm 2026",
        "Ủy ban nhân dân tỉnh giao nhiệm vụ như sau:",
        "Giao Sở Tài chính chủ trì,  phối hợp với Sở Xây dựng rà soát kế hoạch vốn; hoàn thành trước ngày 15/3/2026.",
        "Sở Xây dựng kiểm tra các công trình chậm tiến độ,", "báo cáo UBND tỉnh trong tháng 4/2026.",
        "Báo cáo kết quả kiểm tra."]
    assert lines[13:] == read_document(plan_docx(), "ke-hoach.docx").text.splitlines()[2:]
    assert [(content[:30], leads, coordinating, kind) for content, leads, coordinating, kind, _ in
            summary(document.text)] == [
        ("Giao Sở Tài chính chủ trì,  ph", ["STC"], ["SXD"], deadlines.BEFORE),
        ("Sở Xây dựng kiểm tra các công ", ["SXD"], [], deadlines.WITHIN_MONTH),
        ("Rà soát các quy định về quản l", ["STC"], ["SXD"], deadlines.WITHIN_QUARTER),
        ("Xây dựng quy chế quản lý công ", ["SXD"], ["STC"], deadlines.WITHIN_MONTH),
        ("Kiểm tra các công trình chậm t", ["SXD"], [], deadlines.NONE)]


def test_a_task_table_s_lead_names_a_township_or_a_committee_by_its_tier_and_place():
    """A district's plan leads its rows with "Huyện Tuy Phước" (no "UBND") or "UBND TT Diêu Trì" (TT: thị trấn):
    those rows gave no task (engine/org/names.py)."""
    units = UnitMatcher([UnitRef("H550", "UBND huyện Tuy Phước", "district"),
                         UnitRef("X21955", "UBND thị trấn Diêu Trì", "commune"),
                         UnitRef("X21985", "UBND xã Phước An", "commune")])
    text = ("STT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\n"
            "1\tRà soát quỹ đất công\tHuyện Tuy Phước\tXã Phước An\t15/10/2024\n"
            "2\tChỉnh trang đô thị\tUBND TT Diêu Trì\t\t15/11/2024\n"
            "3\tGiải phóng mặt bằng\tXã Phước An\tUBND TT. Diêu Trì\t15/12/2024")
    assert [(p.lead_units, p.coordinating_units) for p in propose(text, units, TODAY).proposals] == [
        (["H550"], ["X21985"]), (["X21955"], []), (["X21985"], ["X21955"])]


PASTED = """Phụ lục: Danh mục nhiệm vụ
STT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm
I. CÔNG TÁC QUY HOẠCH
1\tLập quy hoạch chung đô thị\tSở Xây dựng\tSở Tài chính; UBND huyện An Phú\tNăm 2026\tQuyết định
2\tKiểm tra công tác quy hoạch\tSở Xây dựng\tSở Tài chính\tQuý III/2026\tBáo cáo
Báo cáo kết quả kiểm tra\tSở Tài chính
II. CÔNG TÁC ĐẤT ĐAI
3\tRà soát quỹ đất công\tSở Nông nghiệp và Môi trường\tUBND các xã, phường\t15/10/2026\tBáo cáo
STT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm
Báo cáo kết quả rà soát\tSở Tài chính
Nơi nhận:"""


def test_a_pasted_task_table_gives_its_rows_past_sections_spans_and_a_repeated_header():
    # "Báo cáo kết quả …" lacks the cells the row above spans (a browser copies a rowspan so): its
    # number and the cells after its lead are that row's; a section row ends such a span.
    assert summary(PASTED) == [
        ("Lập quy hoạch chung đô thị", ["SXD"], ["STC", "H-A"], deadlines.WITHIN_YEAR, date_(2026, 12, 31)),
        ("Kiểm tra công tác quy hoạch", ["SXD"], ["STC"], deadlines.WITHIN_QUARTER, date_(2026, 9, 30)),
        ("Báo cáo kết quả kiểm tra", ["STC"], [], deadlines.WITHIN_QUARTER, date_(2026, 9, 30)),
        ("Rà soát quỹ đất công", ["SNNMT"], ["P-D", "X-C"], deadlines.NO_LATER_THAN, date_(2026, 10, 15)),
        ("Báo cáo kết quả rà soát", ["STC"], ["P-D", "X-C"], deadlines.NO_LATER_THAN, date_(2026, 10, 15))]


def test_a_header_is_one_row_when_the_next_starts_with_a_number():
    # read with the first row, "Ghi chú Phối hợp Sở Tài chính" would name a coordinating column
    text = ("STT\tNhiệm vụ\tĐơn vị chủ trì\tThời hạn\tGhi chú\n"
            "1\tLập quy hoạch\tSở Xây dựng\tNăm 2026\tPhối hợp Sở Tài chính")
    assert summary(text) == [("Lập quy hoạch", ["SXD"], [], deadlines.WITHIN_YEAR, date_(2026, 12, 31))]


def test_a_pasted_two_row_header_puts_its_lower_labels_under_the_upper_one_they_divide():
    # a web page's table copied: the upper row lacks the cell "Cơ quan thực hiện" spans across,
    # the lower the cells the other labels span down
    text = ("STT\tNhiệm vụ\tCơ quan thực hiện\tThời hạn\nChủ trì\tPhối hợp\n"
            "1\tLập quy hoạch\tSở Xây dựng\tSở Tài chính\tQuý II/2026")
    assert summary(text) == [("Lập quy hoạch", ["SXD"], ["STC"], deadlines.WITHIN_QUARTER, date_(2026, 6, 30))]


def test_a_lead_cell_naming_every_ministry_and_locality_gives_the_row_to_them():
    text = ("STT\tNhiệm vụ\tCơ quan chủ trì\tThời hạn\n"
            "1\tXây dựng chiến lược dữ liệu\tCác bộ, ngành, địa phương\tNăm 2030")
    assert summary(text) == [("Xây dựng chiến lược dữ liệu", ["UBND"], [], deadlines.WITHIN_YEAR,
                              date_(2030, 12, 31))]   # the test tree has a province and no ministry


FIGURES = """Kinh phí thực hiện:
STT\tNội dung\tSố tiền\tCơ quan chủ trì theo dõi
1\tChi thường xuyên\t1.200\tSở Tài chính.

Sở Xây dựng chủ trì kiểm tra các công trình, báo cáo trong tháng 5/2026."""


WORD_LIST = "Kết luận như sau:\n1.\tGiao Sở Tài chính rà soát kế hoạch vốn.\na)\tSở Xây dựng kiểm tra công trình."


def test_a_table_naming_no_task_columns_gives_no_row_and_its_lines_are_read_as_any():
    assert task_rows(FIGURES) == (FIGURES, [])
    assert task_rows(WORD_LIST) == (WORD_LIST, [])   # a numbered list copied from Word: a tab after each number
    assert summary(FIGURES) == [("Sở Xây dựng chủ trì kiểm tra các công trình, báo cáo trong tháng 5/2026",
                                 ["SXD"], [], deadlines.WITHIN_MONTH, date_(2026, 5, 31))]


def test_a_time_cell_is_read_as_the_period_or_day_it_names():
    def read(cell: str) -> tuple:
        found = find_cell_deadline(fold(cell), TODAY)
        return found.kind, found.due
    assert read("Quí IV-2026") == (deadlines.WITHIN_QUARTER, date_(2026, 12, 31))
    assert read("Năm 2026 - 2027") == (deadlines.WITHIN_YEAR, date_(2027, 12, 31))
    assert read("Tháng 9/2026") == (deadlines.WITHIN_MONTH, date_(2026, 9, 30))
    assert read("18/10/2026") == (deadlines.NO_LATER_THAN, date_(2026, 10, 18))
    assert read("Trước ngày 30/6/2026") == (deadlines.BEFORE, date_(2026, 6, 30))
    assert read("Thường xuyên") == (deadlines.NONE, None)
    assert read("2026") == (deadlines.WITHIN_YEAR, date_(2026, 12, 31))
    assert read("Quý IV/2026- Quý II/2027") == (deadlines.WITHIN_QUARTER, date_(2027, 6, 30))


ROWS = ("STT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn\n"
        "1\tRà soát quỹ đất công\tSở Tài chính\tSở Xây dựng\t30/6/2026\n"
        "2\tKiểm tra các công trình chậm tiến độ\tSở Xây dựng\tSở Tài chính\tQuý III/2026")
DUE = ("Giao Sở Tài chính tổng hợp, báo cáo trước ngày 15/6/2026", ["STC"], [], deadlines.BEFORE, date_(2026, 6, 15))
TABLED = [("Rà soát quỹ đất công", ["STC"], ["SXD"], deadlines.NO_LATER_THAN, date_(2026, 6, 30)),
          ("Kiểm tra các công trình chậm tiến độ", ["SXD"], ["STC"], deadlines.WITHIN_QUARTER, date_(2026, 9, 30))]
LEAD_INS = ("Các sở, ngành thực hiện nhiệm vụ cụ thể tại bảng dưới đây:",
            "Giao các sở, ngành triển khai các nhiệm vụ theo Phụ lục kèm theo.",
            "Các sở, ngành thực hiện các nhiệm vụ (chi tiết tại Phụ lục kèm theo).",
            "Các sở, ngành căn cứ chức năng, nhiệm vụ thực hiện các nhiệm vụ tại Biểu kèm theo.",
            "Các sở, ngành tổ chức thực hiện các nhiệm vụ được giao theo danh mục kèm theo.")


def test_a_sentence_leading_in_to_the_task_table_it_holds_gives_no_task_of_its_own():
    # a conclusion notice from Word: the departments' duty is the table's rows, not a task of each department
    for lead_in in LEAD_INS:
        text = f"1. Giao Sở Tài chính tổng hợp, báo cáo trước ngày 15/6/2026.\n2. {lead_in}\n{ROWS}"
        assert summary(text) == [DUE, *TABLED], lead_in
    # a duty of its own before the lead-in, in the same sentence, is still one
    text = ("Sở Xây dựng chủ trì kiểm tra các dự án trước ngày 30/6/2026; các sở, ngành thực hiện nhiệm vụ theo "
            f"Phụ lục kèm theo.\n{ROWS}")
    assert summary(text) == [("Sở Xây dựng chủ trì kiểm tra các dự án trước ngày 30/6/2026", ["SXD"], [],
                              deadlines.BEFORE, date_(2026, 6, 30)), *TABLED]
    # a duty of its own with its details in the appendix is one
    own = "Sở Xây dựng rà soát các dự án chậm tiến độ (chi tiết tại Phụ lục kèm theo)"
    assert summary(f"{own}.\n{ROWS}") == [(own, ["SXD"], [], deadlines.NONE, None), *TABLED]


def test_a_lead_in_whose_appendix_is_not_in_the_text_stays_a_task():
    # the appendix not attached or not pasted: the duty is all the clerk has (the corpus' convention, heldout52)
    lead_in = "Các sở, ngành thực hiện các nhiệm vụ (chi tiết tại Phụ lục kèm theo)"
    assert summary(f"{lead_in}.") == [(lead_in, ["SKHDT", "SNNMT", "STC", "STNMT", "SXD"], [], deadlines.NONE, None)]
