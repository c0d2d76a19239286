"""Work item forms: validation in Vietnamese, typed values kept, double submit, drafts,
uploads and who may download them."""
import io
import re

from sqlalchemy import select

from engine import metrics
from engine.directives.models import Assignment, Attachment, ProgressUpdate
from engine.runtime.models import WorkItem
from tests.webui.conftest import classify, ready_item_path, register


def test_bad_submission_keeps_what_was_typed(loaded, assigned, browser):
    unit = browser("stc")
    path = ready_item_path(loaded, "handle")
    response = unit.post(path, {"action": "return", "note": "Ghi chú <b>đậm</b> giữ lại"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "bắt buộc." in page                            # return_reason missing, in Vietnamese
    assert "Ghi chú &lt;b&gt;đậm&lt;/b&gt; giữ lại" in page  # kept, and escaped
    with loaded.db.session() as s:
        assert s.scalar(select(WorkItem.status).where(WorkItem.element_id == "handle")) == "ready"


def test_difficulties_without_saying_what_they_are_are_refused(loaded, assigned, browser):
    """The reason is asked only with progress "blocked", and only when updating (not returning)."""
    unit = browser("stc")
    path = ready_item_path(loaded, "handle")
    response = unit.post(path, {"action": "update", "progress": "blocked", "note": "Vướng"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    [field] = re.findall(r'<div class="field has-error".*?</div>', page, re.S)
    assert "Khó khăn, vướng mắc" in field and "bắt buộc." in page
    returned = unit.post(path, {"action": "return", "progress": "blocked", "return_reason": "Không thuộc chức năng"})
    assert returned.status_code == 302
    with loaded.db.session() as s:
        assert s.scalars(select(ProgressUpdate)).all() == []


def test_double_submit_is_refused_politely(loaded, assigned, browser):
    unit = browser("stc")
    path = ready_item_path(loaded, "handle")
    form = unit.token(path)
    data = {"action": "update", "progress": "in_progress", "note": "Đang rà soát", "csrf_token": form}
    assert unit.client.post(path, data=data).status_code == 302
    again = unit.client.post(path, data=data)
    page = again.get_data(as_text=True)
    assert again.status_code in (404, 409)
    if again.status_code == 409:
        assert "Công việc này đã được xử lý rồi." in page
    with loaded.db.session() as s:
        assert len(s.scalars(select(ProgressUpdate)).all()) == 1


def test_stale_form_for_a_completed_item_keeps_values(loaded, assigned, browser):
    """Two officers of the unit open the same form; the second one is told, and keeps the text."""
    response, _second = _sent_second(loaded, browser, {"action": "update", "progress": "done", "note": "Bản của tôi"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Công việc này đã được xử lý rồi." in page and "Bản của tôi" in page


def test_what_a_stale_form_held_reads_in_words(loaded, assigned, browser):
    """The second officer's values, shown back when the first had sent the form, read as the form
    offers them ("Đã hoàn thành", the file's name), not as stored ("done", its digest)."""
    response, second = _sent_second(loaded, browser, {
        "action": "update", "progress": "done", "note": "Bản của tôi",
        "attachments": (io.BytesIO(b"%PDF-1.4 bao cao"), "bao-cao-quy-1.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    typed = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[page.index("Nội dung Anh/Chị đã nhập"):]))
    for words in ("Thao tác Cập nhật tiến độ", "Tình hình thực hiện Đã hoàn thành", "Nội dung cập nhật Bản của tôi",
                  "bao-cao-quy-1.pdf"):
        assert words in typed, typed
    assert not re.search(r"\b(update|done)\b|[0-9a-f]{64}", typed), typed
    [link] = re.findall(r'href="(/attachments/[0-9a-f]{64})" class="file">bao-cao-quy-1.pdf', page)
    assert second.get(link).status_code == 200  # the file they sent, theirs to open again


def _sent_second(loaded, browser, data: dict, **options):
    """Two officers of STC open the handle form; the first sends it, then the second sends `data`
    from the form it had open. The second's answer, and the second."""
    from engine.org import service as org
    from tests.conftest import PASSWORD

    with loaded.db.session() as s:
        org.create_user(s, "stc2", PASSWORD, "Chuyên viên Hai", "STC", ["unit_officer"])
    first, second = browser("stc"), browser("stc2")
    path = ready_item_path(loaded, "handle")
    token = second.token(path)
    first.post(path, {"action": "update", "progress": "in_progress"})
    return second.client.post(path, data={**data, "csrf_token": token}, **options), second


def test_draft_is_saved_and_offered_again(loaded, assigned, browser):
    unit = browser("stc")
    path = ready_item_path(loaded, "handle")
    response = unit.post(path, {"action": "update", "note": "Nửa chừng", "save_draft": "1"})
    assert response.status_code == 302
    assert "Nửa chừng" in unit.get(path).get_data(as_text=True)
    assert "Có bản nháp" in unit.get("/inbox").get_data(as_text=True)


def test_upload_is_stored_once_and_only_visible_units_download_it(loaded, assigned, browser, tmp_path):
    unit = browser("stc")
    path = ready_item_path(loaded, "handle")
    content = b"%PDF-1.4 bao cao"
    response = unit.post(path, {"action": "update", "progress": "in_progress",
                                "attachments": (io.BytesIO(content), "bao-cao.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with loaded.db.session() as s:
        attachment = s.scalars(select(Attachment)).one()
        update = s.scalars(select(ProgressUpdate)).one()
        assignment_id = s.scalar(select(Assignment.id))
    assert update.attachments == [attachment.sha256]
    link = f"/attachments/{attachment.sha256}"
    assert link in unit.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    download = browser("clerk").get(link)
    assert download.status_code == 200 and download.data == content
    assert "attachment" in download.headers["Content-Disposition"]
    assert browser("sxd").get(link).status_code == 404  # another unit
    stored = list((tmp_path / "attachments").rglob(attachment.sha256))
    assert len(stored) == 1


def test_refused_file_type_keeps_the_form(loaded, assigned, browser):
    unit = browser("stc")
    path = ready_item_path(loaded, "handle")
    response = unit.post(path, {"action": "update", "progress": "in_progress", "note": "Kèm tệp",
                                "attachments": (io.BytesIO(b"<script>x</script>"), "trang.html")},
                         content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Không nhận tệp loại .html." in page and "Kèm tệp" in page
    with loaded.db.session() as s:
        assert s.scalar(select(Attachment.sha256)) is None


def test_another_unit_cannot_open_the_work_item(loaded, assigned, browser):
    path = ready_item_path(loaded, "handle")
    assert browser("sxd").get(path).status_code == 404
    assert browser("sxd").post(path, {"action": "update", "progress": "done"}).status_code == 404


def test_the_review_preselects_nothing_and_a_send_back_needs_its_reason(loaded, assigned, browser):
    """The office's review: no decision chosen in advance, and sending back says why."""
    with loaded.db.session() as s:
        handle = s.scalars(select(WorkItem).where(WorkItem.element_id == "handle")).one()
    unit = browser("stc")
    assert unit.post(f"/work/{handle.id}", {"action": "update", "progress": "done", "note": "Xong"},
                     page=f"/work/{handle.id}").status_code == 302
    review = ready_item_path(loaded, "review")
    clerk = browser("clerk")
    form = clerk.get(review).get_data(as_text=True)
    assert '<option value="" disabled selected>— Chọn —</option>' in form
    assert 'value="close" selected' not in form and 'value="send_back" selected' not in form
    refused = clerk.post(review, {"decision": "send_back"}, page=review)
    assert refused.status_code == 422 and "Lý do trả lại" in refused.get_data(as_text=True)
    assert clerk.post(review, {}, page=review).status_code == 422  # no decision
    sent_back = clerk.post(review, {"decision": "send_back", "review_note": "Thiếu số liệu quý I"}, page=review)
    assert sent_back.status_code == 302


def test_a_steps_cpu_is_counted_once_under_the_call_that_ran_it(loaded, browser):
    """Classifying a directive completes a work item whose step starts the tasks' instances: their
    CPU is the completion's (metrics.STEP_CPU), not counted again under `start`."""
    def cpu(call: str) -> float:
        return metrics.STEP_CPU.labels(call)._value.get()

    clerk = browser("clerk")
    registered = register(clerk)
    before = {call: cpu(call) for call in ("complete", "start")}
    classify(clerk, registered)
    with loaded.db.session() as s:
        assert s.scalar(select(Assignment.instance_id)) is not None  # the classification started one
    assert cpu("complete") > before["complete"]
    assert cpu("start") == before["start"]


def test_the_extension_decision_starts_with_the_day_asked_for_and_refuses_a_past_one(loaded, assigned, browser,
                                                                                    clock):
    from datetime import datetime

    from engine.directives import extensions
    from engine.org.models import User

    with loaded.db.session() as s:
        unit_user, aid = s.scalar(select(User).where(User.username == "stc")), s.scalar(select(Assignment.id))
    extensions.request_extension(loaded, aid, "02/03/2026", "Chờ số liệu", unit_user)
    assert browser("chanhvp").post(ready_item_path(loaded, "propose_extension"),
                                   {"extension_proposal": "support"}).status_code == 302
    leader, path = browser("chutich"), ready_item_path(loaded, "decide_extension")
    assert 'name="extension_deadline" value="02/03/2026"' in leader.get(path).get_data(as_text=True)
    clock.set(datetime(2026, 3, 2, 9, 0))
    leader = browser("chutich")  # signed in again, weeks later
    refused = leader.post(path, {"extension_decision": "approve", "extension_deadline": "02/03/2026"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Gia hạn đến ngày" in page and "03/03/2026" in page
    assert leader.post(path, {"extension_decision": "approve", "extension_deadline": "09/03/2026"}).status_code == 302
    with loaded.db.session() as s:
        assert s.get(Assignment, aid).deadline.isoformat() == "2026-03-09"


def test_work_done_on_a_task_given_to_another_unit_since_links_to_no_page_it_may_not_open(loaded, assigned, browser):
    """Sở Tài chính returned its task and the office gave it to Sở Xây dựng: the officer's "done" list still
    shows the step they did, without a link to the task, which they no longer see (it led to a 404), nor the
    state of another unit's task (found crawling Quỳnh Nhai as the officer of the unit that returned it)."""
    stc = browser("stc")
    handle = ready_item_path(loaded, "handle")
    assert stc.post(handle, {"action": "return", "return_reason": "Không thuộc chức năng"}).status_code == 302
    clerk = browser("clerk")
    correct = ready_item_path(loaded, "correct")
    assert clerk.post(correct, {"new_lead_unit": "SXD", "coordinating_change": "keep",
                                "correction_note": "Giao Sở Xây dựng"}).status_code == 302
    with loaded.db.session() as s:
        assignment_id = s.scalar(select(Assignment.id))
    assert stc.get(f"/assignments/{assignment_id}").status_code == 404
    done = stc.get("/inbox?view=done").get_data(as_text=True)
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", done.split("<tbody>", 1)[1].split("</tbody>", 1)[0]))
    assert "Báo cáo kết quả rà soát" in row and "Chưa thực hiện" not in row, row  # their step stays listed
    assert f"/assignments/{assignment_id}" not in done
    links = set(re.findall(r'href="(/(?:assignments|directives)/\d+)"', done))
    assert all(stc.get(link).status_code == 200 for link in links), links


def test_a_returned_task_corrected_to_a_day_off_is_taken_with_a_warning(loaded, assigned, browser):
    """As an adjustment warns: the office corrects the returned task to Sun 15/03/2026; it is taken as
    written and the page says the working day its deadline runs to (Bộ luật Dân sự 2015, Đ.148 k.5)."""
    stc = browser("stc")
    assert stc.post(ready_item_path(loaded, "handle"), {"action": "return", "return_reason": "Không thuộc chức năng"}
                    ).status_code == 302
    clerk = browser("clerk")
    done = clerk.post(ready_item_path(loaded, "correct"), {"coordinating_change": "keep", "new_deadline": "15/03/2026",
                                                          "correction_note": "Kéo dài thời hạn"}, follow_redirects=True)
    assert ('<div class="flash warning" role="alert">Nhiệm vụ 1: hạn 15/03/2026 là ngày nghỉ; theo Điều 148 Bộ luật '
            'Dân sự, hạn được tính đến hết ngày làm việc tiếp theo 16/03/2026.</div>') in done.get_data(as_text=True)
    with loaded.db.session() as s:
        assert s.scalar(select(Assignment.deadline)).isoformat() == "2026-03-15"
