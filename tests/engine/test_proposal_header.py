"""A directive's header read from its text (engine/proposals/header.py), on real documents of
bench/extraction/corpus as their pages give them: letterheads on lines of their own, run together on one line,
as a table's cells, a letter with its "V/v …" subject; and the texts with no header, which give no part."""
from __future__ import annotations

from pathlib import Path

import pytest

from bench.extraction.header import score
from engine.proposals.header import read_header
from tests.proposals.texts import PROVINCE_NOTICE

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "extraction" / "corpus"


def _parts(name: str) -> dict[str, str]:
    header = read_header((CORPUS / name).read_text(encoding="utf-8"))
    return {part: found["value"] for part, found in header.as_dict().items()}


def test_a_ministry_s_letter_gives_its_symbol_date_issuer_and_subject_after_a_paragraph_quoted_above_it():
    # the page quotes a paragraph first; the motto is broken after "XÃ" and the dateline after "ngày"
    assert _parts("heldout25/bnv-10988-cq-2025.txt") == {
        "symbol": "10988/BNV-CQĐP", "issued_on": "2025-11-21", "issuer": "Bộ Nội vụ",
        "summary": "V/v tuyên truyền chủ trương, chính sách của Đảng, Nhà nước."}
    header = read_header((CORPUS / "heldout25/bnv-10988-cq-2025.txt").read_text(encoding="utf-8"))
    assert header.symbol is not None and header.symbol.source == "Số:10988/BNV-CQĐP"
    assert header.issued_on is not None and header.issued_on.source == "Hà Nội, ngày 21 tháng 11 năm 2025"
    assert header.summary is not None and header.summary.source == (
        "V/v tuyên truyền chủ trương, chính sách của / Đảng, Nhà nước.")


def test_a_decree_whose_letterhead_runs_on_one_line_gives_its_kind_and_subject_written_as_a_sentence():
    assert _parts("heldout90/nd-248-2025-cp.txt") == {
        "symbol": "248/2025/NĐ-CP", "issued_on": "2025-09-15", "issuer": "Chính phủ", "kind": "Nghị định",
        "summary": "Quy định chế độ tiền lương, thù lao, tiền thưởng của người đại diện chủ sở hữu trực tiếp, người "
                   "đại diện phần vốn Nhà nước và kiểm soát viên trong doanh nghiệp Nhà nước"}


def test_a_decision_copied_as_a_table_gives_the_committee_from_its_cell():
    parts = _parts("heldout76/sl-254-2023-qd-ubnd.txt")
    assert parts["symbol"] == "254/QĐ-UBND" and parts["issued_on"] == "2023-02-17"
    assert parts["issuer"] == "Ủy ban nhân dân tỉnh Sơn La"
    assert parts["kind"] == "Quyết định"
    assert parts["summary"].startswith("Ban hành kế hoạch thực hiện công tác bảo vệ bí mật Nhà nước năm 2023")


def test_a_body_s_name_broken_across_lines_is_one_name_and_a_ministry_s_words_keep_their_capitals():
    assert _parts("heldout84/vpcp-8725-cn-2023.txt")["issuer"] == "Văn phòng Chính phủ"   # "VĂN PHÒNG CHÍNH" / "PHỦ"
    assert _parts("heldout76/ldtbxh-895-ncc-2013.txt")["issuer"] == "Bộ Lao động - Thương binh và Xã hội"


def test_a_subject_ends_where_the_deciding_authority_s_title_begins():
    # "NGHỊ QUYẾT / VỀ KẾ HOẠCH … NĂM 2026 / HỘI ĐỒNG NHÂN DÂN TỈNH QUẢNG NINH / KHÓA XIV …"
    assert _parts("heldout103/qn-318-nq-hdnd-2025.txt")["summary"] == "Về kế hoạch phát triển kinh tế - xã hội năm 2026"
    assert _parts("heldout37/gov-393-nq-cp-2025.txt")["summary"] == "Về dự án luật viên chức (sửa đổi)"   # "CHÍNH PHỦ"


def test_a_lower_body_on_its_parent_s_line_issues_and_a_standing_board_is_named_with_its_committee():
    assert _parts("heldout80/tct-1414-cs-2013.txt")["issuer"] == "Tổng cục Thuế"   # "BỘ TÀI CHÍNH TỔNG CỤC THUẾ"
    # "ỦY BAN MTTQ VIỆT NAM / XÃ LƯƠNG MINH / BAN THƯỜNG TRỰC"
    assert _parts("heldout94/lm-kh-tiepcongdan-2025.txt")["issuer"] == (
        "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh")


@pytest.mark.parametrize("name", ["real/qt-6202-ubnd-kt-2023.txt", "real/hg-1209-2013-qd-ubnd.txt"])
def test_a_text_without_its_header_gives_no_symbol_or_date_from_the_documents_it_cites(name):
    # "(Theo Công văn số 6202/UBND-KT, ngày …)", "Tờ trình số 66/TTr-SYT ngày 17 tháng 5 năm 2013": cited, not its own
    parts = _parts(name)
    assert "symbol" not in parts and "issued_on" not in parts


def test_a_notice_pasted_without_the_motto_gives_the_committee_above_its_number_and_a_ward_keeps_its_name():
    assert {k: v["value"] for k, v in read_header(PROVINCE_NOTICE).as_dict().items()} == {
        "symbol": "215/TB-UBND", "issued_on": "2026-11-20", "issuer": "Uỷ ban nhân dân tỉnh Gia Lai",
        "kind": "Thông báo",
        "summary": "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tình hình giải ngân vốn đầu tư công năm 2026"}
    ward = read_header("UBND PHƯỜNG TUY HÒA\n-------\nSố: 12/TB-UBND\nTuy Hòa, ngày    tháng 8 năm 2026\n")
    assert ward.issuer is not None and ward.issuer.value == "UBND phường Tuy Hòa"
    assert ward.issued_on is None   # a template's day left blank: no date


def test_an_office_under_its_committee_is_named_with_it():
    header = read_header("UBND TỈNH ĐẮK LẮK\nVĂN PHÒNG\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                         "Độc lập - Tự do - Hạnh phúc\nSố: 45/VP-TH\nĐắk Lắk, ngày 12 tháng 3 năm 2026\n"
                         "V/v triển khai kết luận của Chủ tịch UBND tỉnh\nKính gửi: Sở Tài chính\n")
    assert header.issuer is not None and header.issuer.value == "Văn phòng UBND tỉnh Đắk Lắk"
    assert header.issuer.source == "UBND TỈNH ĐẮK LẮK / VĂN PHÒNG"
    assert header.summary is not None and header.summary.value == "V/v triển khai kết luận của Chủ tịch UBND tỉnh"


def test_on_the_corpus_no_date_is_read_wrong_and_nearly_every_symbol_a_text_carries_is_right():
    """The figures of bench/README.md (python -m bench.extraction.header) held as floors."""
    symbols, dates = score()
    assert symbols.right >= 69 and dates.right >= 77 and dates.wrong == []
    assert [wrong.split(":")[0] for wrong in symbols.wrong] == [
        "heldout25/bnv-10988-cq-2025.txt", "heldout79/hcm-3210-2014-qd-ubnd.txt"]


def test_a_measure_s_hour_and_day_is_no_dateline_and_a_symbol_copied_without_its_hyphen_is_mended():
    # heldout108's Bà Rịa – Vũng Tàu letter as its newspaper gives it: no dateline, a measure "từ 0 giờ, ngày 23 …"
    text = ("Đêm 22/9, UBND tỉnh ban hành Công văn số 13417/UBND-VP. Theo đó, thực hiện biện pháp giãn cách xã hội "
            "từ 0 giờ, ngày 23 tháng 9 năm 2021 cho đến khi có thông báo mới.")
    assert read_header(text).issued_on is None
    # heldout108's Kiên Giang decision as a document site's text layer gives it, the hyphens of its symbols dropped
    header = read_header("ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG\nSố: 1961/QĐUBND\nKiên Giang, ngày 28 tháng 8 năm 2019")
    assert (header.symbol.value, header.issued_on.value) == ("1961/QĐ-UBND", "2019-08-28")
    # a letter's symbol with no kind keeps its parts as they are
    assert read_header("Số: 6202/UBND-KT\nĐông Hà, ngày 23 tháng 11 năm 2023").symbol.value == "6202/UBND-KT"


def test_a_number_on_the_line_below_so_is_the_symbol_not_the_issuer():
    """A letterhead's cell or a PDF's text layer breaks "Số:" from its number: both still read as written."""
    header = read_header("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nSố:\n12/2025/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                         "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 28 tháng 02 năm 2025\nQUYẾT ĐỊNH\n"
                         "Quy định chức năng, nhiệm vụ của Sở Tư pháp\n")
    assert header.symbol is not None and header.symbol.value == "12/2025/QĐ-UBND"
    assert header.issuer is not None and header.issuer.value == "Ủy ban nhân dân thành phố Hà Nội"
