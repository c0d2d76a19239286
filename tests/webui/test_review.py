"""The office's review of a reported result (issue #18): the unit's report, its files and the
coordinating units' input on the form; no decision chosen in advance; sending back needs the
reason, refused in Vietnamese naming the field with nothing written; the reopened form shows
the reason and the report sent back, and the task stays in progress."""
import io
import re

from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.directives.models import Assignment
from engine.runtime.models import WorkItem
from tests.webui.conftest import classify, ready_item_path, register


def _reported(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-coordinating_units": "SXD"}))
    sxd, stc = browser("sxd"), browser("stc")
    assert sxd.post(ready_item_path(loaded, "contribute"), {
        "contribution_progress": "done", "contribution_note": "Số liệu xây dựng đã gửi"}).status_code == 302
    assert stc.post(ready_item_path(loaded, "handle"), {
        "action": "update", "progress": "done", "note": "Đã rà soát 152 thủ tục",
        "attachments": (io.BytesIO(b"%PDF-1.4 ket qua"), "bao-cao.pdf")},
        content_type="multipart/form-data").status_code == 302
    return clerk, stc


def test_the_review_shows_the_report_and_needs_a_reason_to_send_back(loaded, browser):
    clerk, stc = _reported(loaded, browser)
    review = ready_item_path(loaded, "review")
    page = clerk.get(review).get_data(as_text=True)
    reports = page.split('class="card reports"', 1)[1].split("</section>", 1)[0]
    assert "Đơn vị chủ trì: Sở Tài chính" in reports and "Đã rà soát 152 thủ tục" in reports
    assert re.search(r'href="/attachments/[0-9a-f]{64}" class="file">bao-cao.pdf', reports)
    assert "Đơn vị phối hợp: Sở Xây dựng" in reports and "Số liệu xây dựng đã gửi" in reports
    decision = re.search(r'<select id="f-decision".*?</select>', page, re.S).group(0)
    assert '<option value="" disabled selected>' in decision and 'value="close" selected' not in decision

    refused = clerk.post(review, {"decision": "send_back", "review_note": "  "})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Vui lòng sửa các trường được đánh dấu dưới đây: Lý do trả lại, yêu cầu đối với đơn vị." in text
    with loaded.db.session() as s:
        assert s.scalar(select(WorkItem.status).where(WorkItem.element_id == "review")) == "ready"
        assert s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "assignment.sent_back")) == 0
        assert s.scalar(select(Assignment.progress)) == "done"

    assert clerk.post(review, {"decision": "send_back", "review_note": "Thiếu số liệu quý IV"}).status_code == 302
    reopened = stc.get(ready_item_path(loaded, "handle")).get_data(as_text=True)
    assert "Văn phòng trả lại báo cáo, yêu cầu: Thiếu số liệu quý IV" in reopened
    assert "Đã rà soát 152 thủ tục" in reopened and ">bao-cao.pdf</a>" in reopened  # the report sent back, kept
    progress = re.search(r'<select id="f-progress".*?</select>', reopened, re.S).group(0)
    assert 'value="not_started" selected' not in progress
    with loaded.db.session() as s:
        assert s.scalar(select(Assignment.progress)) == "in_progress"
