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


def notice_docx(text: str = NOTICE) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
