"""Urging by hand with a công văn đôn đốc (issue #18): the Word letter in the administrative
format of Decree 30/2020/NĐ-CP, stored with the urging, downloadable from the urge panel and
the history by whoever sees the task; the unit is told."""
import io
import re

from docx import Document
from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.directives.models import Assignment, Attachment
from engine.notifications.models import Notification


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [p.text for table in doc.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join([*cells, *(p.text for p in doc.paragraphs)])


def test_the_office_urges_with_a_letter_in_the_decree_format(loaded, assigned, browser):
    clerk = assigned
    with loaded.db.session() as s:
        assignment_id = s.scalar(select(Assignment.id))
    page = f"/assignments/{assignment_id}"
    empty = clerk.post(f"{page}/urge", {"message": " ", "letter": "on"}, page=page, follow_redirects=True)
    assert "Nhập nội dung đôn đốc." in empty.get_data(as_text=True), empty.get_data(as_text=True)[-3000:]
    with loaded.db.session() as s:
        assert s.scalar(select(func.count(Attachment.sha256))) == 0
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "assignment.urged")) == 0

    done = clerk.post(f"{page}/urge", {"message": "Đề nghị Sở Tài chính báo cáo kết quả trước ngày 20/02/2026",
                                       "letter": "on"}, page=page, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "công văn đôn đốc đã được lập" in html
    link = re.search(r'href="(/attachments/[0-9a-f]{64})" class="file">(cong-van-don-doc-[^<]+\.docx)', html)
    assert link and link.group(2) == "cong-van-don-doc-45-2026-QĐ-UBND-nv1.docx"
    history = html.split('class="list audit"', 1)[1]
    assert "Đôn đốc" in history and link.group(2) in history

    text = _text(browser("stc").get(link.group(1)).get_data())  # the unit urged may read it
    for words in ("UBND TỈNH\nVĂN PHÒNG UBND TỈNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "Số:       /VP-TH", "V/v đôn đốc thực hiện nhiệm vụ", "ngày 12 tháng 02 năm 2026",
                  "Kính gửi: Sở Tài chính.", "văn bản số 45/2026/QĐ-UBND ngày 12/02/2026 của UBND tỉnh",
                  "“Báo cáo kết quả rà soát”, thời hạn: 26/02/2026",
                  "Đến ngày 12/02/2026, nhiệm vụ chưa thực hiện.",
                  "\nĐề nghị Sở Tài chính báo cáo kết quả trước ngày 20/02/2026./.",
                  "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "CHÁNH VĂN PHÒNG"):
        assert words in text, words
    assert browser("sxd").get(link.group(1)).status_code == 404
    with loaded.db.session() as s:
        told = s.scalars(select(Notification.body).where(Notification.kind == "urged")).all()
    assert told and all("báo cáo kết quả trước ngày 20/02/2026" in body for body in told)


def test_the_letter_puts_the_office_before_words_that_do_not_ask_themselves(loaded, assigned):
    from engine.urging import letter

    with loaded.db.session() as s:
        assignment = s.scalar(select(Assignment))
        last = letter.body_paragraphs(assignment, "Khẩn trương báo cáo.", "Sở Tài chính", "Văn phòng UBND tỉnh")[-1]
    assert last == "Văn phòng UBND tỉnh đề nghị Sở Tài chính: khẩn trương báo cáo./."


def _ward_task(loaded, browser):
    """The clerk's browser and the page of a task given to a seeded ward nobody has an account in yet."""
    from engine.org import service as org
    from tests.webui.conftest import classify, register

    with loaded.db.session() as s:
        org.create_unit(s, "XA-MOI", "Phường Mới", parent_code="UBND", kind="commune")
    clerk = browser("clerk")
    classify(clerk, register(clerk, lead="XA-MOI"))
    with loaded.db.session() as s:
        return clerk, f"/assignments/{s.scalar(select(Assignment.id))}"


def test_urging_a_unit_nobody_can_read_says_so(loaded, browser):
    """A seeded ward has no accounts until the administrator makes them: urging it tells nobody,
    and the page says that instead of "sent"."""
    clerk, page = _ward_task(loaded, browser)
    words = clerk.post(f"{page}/urge", {"message": "Đề nghị báo cáo"}, page=page,
                       follow_redirects=True).get_data(as_text=True)
    assert "Đã gửi đôn đốc đến đơn vị." not in words
    assert "Chưa có ai ở đơn vị nhận được đôn đốc: đơn vị chưa có tài khoản người dùng." in words


def test_the_letter_is_addressed_to_a_wards_peoples_committee(loaded, browser):
    """A seeded ward is named as the administrative unit ("Phường Mới"); a công văn goes to its People's
    Committee: "Kính gửi: Phường Mới." and "Phường Mới được giao chủ trì" were written on the office's paper."""
    clerk, page = _ward_task(loaded, browser)
    html = clerk.post(f"{page}/urge", {"message": "Khẩn trương báo cáo", "letter": "on"}, page=page,
                      follow_redirects=True).get_data(as_text=True)
    link = re.search(r'href="(/attachments/[0-9a-f]{64})" class="file">cong-van-don-doc-', html)
    assert link, html[-3000:]
    text = _text(clerk.get(link.group(1)).get_data())
    assert "Kính gửi: UBND phường Mới." in text and ", UBND phường Mới được giao chủ trì" in text, text
    assert "đề nghị UBND phường Mới: khẩn trương báo cáo./." in text, text
