"""A conclusion notice written for the tests (not a real document) over the test org tree of
tests/conftest.py (UBND, VP, STC, STC-NS, SXD), and the same as a DOCX."""
from __future__ import annotations

import io

import docx

NOTICE = """THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tiến độ giải ngân vốn đầu tư công
Căn cứ Quy chế làm việc của UBND tỉnh; Sở Tài chính đã báo cáo tại cuộc họp.
Chủ tịch UBND tỉnh kết luận như sau:
1. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kế hoạch vốn; hoàn thành trước ngày 15/3/2026.
2. Sở Xây dựng khẩn trương kiểm tra các công trình chậm tiến độ, báo cáo UBND tỉnh trong tháng 4/2026.
3. Yêu cầu Phòng Ngân sách tổng hợp số liệu giải ngân, báo cáo hằng tháng trước ngày 20.
4. Giao STC phối hợp với SXD đề xuất phương án điều chuyển vốn trong quý II/2026.
Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.
Nơi nhận:
- Sở Tài chính;
- Sở Xây dựng;
"""


# A notice typed in the pre-Unicode fonts still found in old offices' files, pasted as they show: TCVN3 (ABC,
# .VnTime) and VNI (VNI-Times); each is "Cộng hòa xã hội chủ nghĩa Việt Nam / Độc lập - Tự do - Hạnh phúc /
# Ủy ban nhân dân tỉnh / Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng kiểm tra, báo cáo trước ngày 15/3/2026."
TCVN3_NOTICE = ("Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\nUû ban nh©n d©n tØnh\n"
                "Giao Së Tµi chÝnh chñ tr×, phèi hîp víi Së X©y dùng kiÓm tra, b¸o c¸o tr\u00adíc ngµy 15/3/2026.\n")
VNI_NOTICE = ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\nUÛy ban nhaân daân tænh\n"
              "Giao Sôû Taøi chính chuû trì, phoái hôïp vôùi Sôû Xaây döïng kieåm tra, "
              "baùo caùo tröôùc ngaøy 15/3/2026.\n")


# A province's conclusion notice as its office writes it (units without the province's place), one of its
# sentences long enough that OCR parts it across two blocks (tests/engine/test_proposals.py).
PROVINCE_NOTICE = (
    'UỶ BAN NHÂN DÂN\n'
    'TỈNH GIA LAI\n'
    'Số: 215/TB-UBND\n'
    'Gia Lai, ngày 20 tháng 11 năm 2026\n'
    '\n'
    'THÔNG BÁO\n'
    'Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tình hình giải ngân vốn đầu tư công năm 2026\n'
    '\n'
    'Ngày 18/11/2026, Chủ tịch UBND tỉnh chủ trì cuộc họp về tình hình giải ngân vốn đầu tư công năm '
    '2026. Sau khi nghe báo cáo của Sở Tài chính và ý kiến của các đại biểu, Chủ tịch UBND tỉnh kết luận '
    'như sau:\n'
    '\n'
    '1. Giao Sở Tài chính chủ trì, phối hợp với Kho bạc Nhà nước khu vực XV và các chủ đầu tư rà soát, đề'
    ' xuất điều chuyển kế hoạch vốn của các dự án giải ngân chậm, báo cáo UBND tỉnh trước ngày '
    '30/11/2026.\n'
    '\n'
    '2. Sở Xây dựng khẩn trương hoàn thành thẩm định hồ sơ các dự án giao thông trọng điểm; hoàn thành '
    'trong tháng 12/2026.\n'
    '\n'
    '3. Sở Nông nghiệp và Môi trường chủ trì, phối hợp với UBND các xã, phường có liên quan đẩy nhanh '
    'công tác bồi thường, giải phóng mặt bằng các dự án; định kỳ hằng tháng báo cáo kết quả trước ngày '
    '25.\n'
    '\n'
    '4. UBND các xã, phường, đặc khu tập trung chỉ đạo giải ngân vốn được giao, bảo đảm giải ngân 100% kế'
    ' hoạch vốn trước ngày 31/01/2027.\n'
    '\n'
    '5. Giao Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện các nội dung trên.\n'
    '\n'
    'Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.\n'
)

# The notice under a province's letterhead as it is written (engine/proposals/header.py reads it): the body, the
# motto, the number and the dateline; as a DOCX the letterhead is a table, a cell a body or the motto, as Word's
# templates lay it out.
LETTERHEAD = (("ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
              ("Số: 45/TB-UBND", "Đắk Lắk, ngày 10 tháng 02 năm 2026"))
HEADED_NOTICE = "\n".join(cell for row in LETTERHEAD for cell in row) + "\n\n" + NOTICE


def headed_notice_docx() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, LETTERHEAD, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    for line in NOTICE.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notice_docx(text: str = NOTICE) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# A plan giving its tasks as an appendix table (written for the tests): a two-row header ("Cơ quan thực
# hiện" over "Chủ trì" | "Phối hợp", the other labels spanning both rows), a section row across the table,
# a lead cell spanning two rows, and after it a table of figures that assigns nothing.
PLAN_INTRO = "KẾ HOẠCH\nTriển khai chuyển đổi số năm 2026\nCác nhiệm vụ cụ thể tại Phụ lục kèm theo."
PLAN_TASKS = [
    ("I. HOÀN THIỆN THỂ CHẾ",),
    ("1", "Rà soát các quy định về quản lý tài sản công", "Sở Tài chính", "Sở Xây dựng", "Quý II/2026"),
    ("2", "Xây dựng quy chế quản lý công trình", "Sở Xây dựng", "Sở Tài chính", "Tháng 9/2026"),
    ("3", "Kiểm tra các công trình chậm tiến độ", None, "", "Thường xuyên"),   # lead: the cell above
]
PLAN_FIGURES = [("STT", "Nội dung", "Số tiền (triệu đồng)"), ("1", "Chi thường xuyên", "1.200")]


def plan_docx() -> bytes:
    document = docx.Document()
    for line in PLAN_INTRO.splitlines():
        document.add_paragraph(line)
    tasks = document.add_table(rows=2 + len(PLAN_TASKS), cols=5)
    for column, label in ((0, "STT"), (1, "Nhiệm vụ"), (4, "Thời hạn hoàn thành")):
        tasks.cell(0, column).merge(tasks.cell(1, column)).text = label
    tasks.cell(0, 2).merge(tasks.cell(0, 3)).text = "Cơ quan thực hiện"
    tasks.cell(1, 2).text, tasks.cell(1, 3).text = "Chủ trì", "Phối hợp"
    for at, cells in enumerate(PLAN_TASKS, start=2):
        if len(cells) == 1:
            tasks.cell(at, 0).merge(tasks.cell(at, 4)).text = cells[0]
            continue
        for column, text in enumerate(cells):
            if text is None:
                tasks.cell(at - 1, column).merge(tasks.cell(at, column))
            else:
                tasks.cell(at, column).text = text
    document.add_paragraph("Dự toán kinh phí:")
    figures = document.add_table(rows=len(PLAN_FIGURES), cols=3)
    for at, cells in enumerate(PLAN_FIGURES):
        for column, text in enumerate(cells):
            figures.cell(at, column).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def edited_docx() -> bytes:
    """A directive as its drafting office sends it: a unit added as a tracked insertion beside a deleted one, a
    unit inside a smart tag (Word's older documents) after a page break, a task inside a content control (a form-made
    document)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH")
    runs = ('<w:r><w:t xml:space="preserve">{}</w:t></w:r>',
            '<w:ins w:id="1" w:author="VP" w:date="2026-02-10T08:00:00Z"><w:r><w:t>{}</w:t></w:r></w:ins>',
            '<w:del w:id="2" w:author="VP" w:date="2026-02-10T08:00:00Z"><w:r>'
            '<w:delText>{}</w:delText></w:r></w:del>', '<w:smartTag w:uri="urn:schemas" w:element="place"><w:r>'
            '<w:t>{}</w:t></w:r></w:smartTag>', '<w:r><w:br w:type="page"/>{}</w:r>')
    body = document.element.body
    for parts in ([(0, "1. Giao "), (1, "Sở Tài chính"), (2, "Sở Xây dựng"),
                   (0, " chủ trì rà soát kế hoạch vốn, hoàn thành trước ngày 15/3/2026.")],
                  [(0, "2. "), (4, ""), (3, "Sở Xây dựng"),
                   (0, " kiểm tra các công trình chậm tiến độ trong tháng 4/2026.")]):
        body.insert(len(body) - 1, parse_xml(f"<w:p {nsdecls('w')}>" + "".join(runs[k].format(t) for k, t in parts)
                                             + "</w:p>"))
    body.insert(len(body) - 1, parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>3. Sở Nông nghiệp và Môi trường báo cáo kết quả "
        "trước ngày 30/6/2026.</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
