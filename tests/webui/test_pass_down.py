"""Passing an assignment down to a section (giao lại) from the assignment page: a department, or a
ward (tinh-2025), gives its section a share and follows it there, as the API lets it."""
import io
import re
from datetime import datetime

from sqlalchemy import select

from engine.org import service as org
from engine.runtime.models import WorkItem, WorkItemStatus
from tests.conftest import PASSWORD
from tests.webui.conftest import classify, register


def _words(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_lead_unit_passes_its_assignment_to_a_section_from_its_page(loaded, browser):
    clerk, stc = browser("clerk"), browser("stc")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}))
    page = "/assignments/1"
    offered = stc.get(page).get_data(as_text=True)
    assert '<option value="STC-NS">Phòng Ngân sách</option>' in offered
    assert 'action="/assignments/1/sub-assignments"' not in clerk.get(page).get_data(as_text=True)
    assert 'action="/assignments/1/sub-assignments"' not in browser("sxd").get(page).get_data(as_text=True)

    late = stc.post(f"{page}/sub-assignments", {"unit": "STC-NS", "deadline": "15/04/2026"}, page=page,
                    follow_redirects=True)
    assert "không được muộn hơn thời hạn của đơn vị (31/03/2026)" in _words(late.get_data(as_text=True))
    done = stc.post(f"{page}/sub-assignments", {"unit": "STC-NS", "content": "Tổng hợp số liệu",
                                                "deadline": "20/03/2026"}, page=page, follow_redirects=True)
    words = _words(done.get_data(as_text=True))
    assert "Đã giao lại cho phòng, bộ phận." in words, words
    assert "Phòng Ngân sách Tổng hợp số liệu 20/03/2026 Chưa thực hiện" in words, words
    assert 'href="/assignments/2"' in done.get_data(as_text=True)
    # the office follows the shares too, and may not pass the task down itself
    assert "Phòng Ngân sách Tổng hợp số liệu 20/03/2026" in _words(clerk.get(page).get_data(as_text=True))
    assert clerk.post(f"{page}/sub-assignments", {"unit": "STC-NS"}, page=page,
                      follow_redirects=True).status_code == 200
    assert _words(clerk.get(page).get_data(as_text=True)).count("Phòng Ngân sách Tổng hợp số liệu") == 1


def test_the_unit_takes_back_a_share_it_passed_down(loaded, browser):
    """A share given to the wrong section is the unit's to withdraw, as it gave it (only the
    province's leader could); the office follows it, and the section may not drop it itself."""
    clerk, stc = browser("clerk"), browser("stc")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}))
    page = "/assignments/1"
    stc.post(f"{page}/sub-assignments", {"unit": "STC-NS", "content": "Tổng hợp số liệu"}, page=page)
    withdraw = f"{page}/sub-assignments/2/withdraw"
    assert f'action="{withdraw}"' in stc.get(page).get_data(as_text=True)
    assert f'action="{withdraw}"' not in clerk.get(page).get_data(as_text=True)
    assert stc.post("/assignments/2/sub-assignments/2/withdraw", {"reason": "x"}, page=page).status_code == 404

    taken = stc.post(withdraw, {"reason": "Giao nhầm phòng"}, page=page, follow_redirects=True)
    words = _words(taken.get_data(as_text=True))
    assert "Đã thu hồi phần việc; phòng, bộ phận được giao đã được báo." in words, words
    assert "Tổng hợp số liệu" not in words and f'action="{withdraw}"' not in taken.get_data(as_text=True)
    assert "Thu hồi ngày 12/02/2026, người thực hiện: Phạm Chuyên Viên: Giao nhầm phòng" in \
        _words(browser("chanhvp").get("/assignments/2").get_data(as_text=True))


def test_a_share_is_not_adjusted_as_a_task(loaded, browser):
    """The office's directive page offered 'Điều chỉnh' on a section's share, and the form refused it as
    if the unit were waiting on the office: a share is the unit's to withdraw and give again."""
    clerk, stc = browser("clerk"), browser("stc")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}))
    stc.post("/assignments/1/sub-assignments", {"unit": "STC-NS", "content": "Tổng hợp số liệu"}, page="/assignments/1")
    page = clerk.get("/directives/1").get_data(as_text=True)
    assert 'href="/directives/1/assignments/1/adjust"' in page
    assert 'href="/directives/1/assignments/2/adjust"' not in page
    leader = browser("chutich")
    refused = leader.post("/directives/1/assignments/2/adjust", {"new_deadline": "20/03/2026", "correction_note": "x"},
                          page="/directives/1/assignments/2/adjust")
    assert refused.status_code == 422
    assert "phần việc đã giao lại cho phòng, bộ phận" in _words(refused.get_data(as_text=True))


def _ready_item(engine, assignment_id: int) -> str:
    with engine.db.session() as s:
        item_id = s.scalar(select(WorkItem.id).where(WorkItem.assignment_id == assignment_id,
                                                     WorkItem.status == WorkItemStatus.READY))
    return f"/work/{item_id}"


def test_the_unit_reads_its_sections_reports_where_it_writes_its_own(loaded, browser):
    """The unit consolidates (tổng hợp) its sections' reports into its own, but the form it writes
    it on showed only its own and the coordinating units': a section's report (and its file) was
    one page away. A coordinating unit, who may not see the share, still reads only the task's."""
    with loaded.db.session() as s:
        org.create_user(s, "stc_ns", PASSWORD, "Lý Thị Ngân", "STC-NS", ["unit_officer"])
    clerk, stc = browser("clerk"), browser("stc")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026",
                                       "a-0-coordinating_units": "SXD"}))
    stc.post("/assignments/1/sub-assignments", {"unit": "STC-NS", "content": "Tổng hợp số liệu"}, page="/assignments/1")
    section_item = _ready_item(loaded, 2)
    sent = browser("stc_ns").post(section_item, {"action": "update", "progress": "done",
                                                 "note": "Đã tổng hợp số liệu quý IV",
                                                 "attachments": (io.BytesIO(b"%PDF-1.4 so lieu"), "so-lieu.pdf")},
                                  content_type="multipart/form-data")
    assert sent.status_code == 302, sent.get_data(as_text=True)

    words = _words(stc.get(_ready_item(loaded, 1)).get_data(as_text=True))
    assert "Phòng, bộ phận: Phòng Ngân sách" in words, words
    assert "Lý Thị Ngân · Đã hoàn thành Đã tổng hợp số liệu quý IV so-lieu.pdf" in words, words
    sxd = browser("sxd")
    contribution = re.search(r'href="(/work/\d+)"', sxd.get("/inbox").get_data(as_text=True)).group(1)
    page = sxd.get(contribution).get_data(as_text=True)
    assert "Phòng Ngân sách" not in page and "Đã tổng hợp số liệu quý IV" not in page, _words(page)


def test_a_unit_passes_down_its_overdue_task_and_the_share_stays_late(loaded, browser, clock):
    """STC's task was due 31/03/2026; on 10/04 it passes a part to its section. The share keeps the
    task's deadline and is late with it (no later day without an extension of the task first): given
    that deadline in the form it was refused as "before today", and the page said nothing of why
    any other day was refused."""
    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}))
    clock.set(datetime(2026, 4, 10, 9, 0))
    stc = browser("stc")  # signed in on the day
    page = "/assignments/1"
    told = "Nhiệm vụ đã quá hạn (thời hạn 31/03/2026): phần việc giao lại giữ thời hạn này và vẫn tính là quá hạn"
    assert told in _words(stc.get(page).get_data(as_text=True))
    for day in ("20/04/2026", "05/04/2026"):  # after the task's own, or between it and today
        refused = stc.post(f"{page}/sub-assignments", {"unit": "STC-NS", "deadline": day}, page=page,
                           follow_redirects=True)
        assert "Phần việc 1: nhiệm vụ của đơn vị đã quá hạn (thời hạn 31/03/2026): phần việc giữ thời hạn này; " \
               "muốn thời hạn muộn hơn, đơn vị xin gia hạn nhiệm vụ trước." in _words(refused.get_data(as_text=True))
    given = stc.post(f"{page}/sub-assignments", {"unit": "STC-NS", "content": "Tổng hợp số liệu",
                                                 "deadline": "31/03/2026"}, page=page, follow_redirects=True)
    words = _words(given.get_data(as_text=True))
    assert "Đã giao lại cho phòng, bộ phận." in words, words
    assert "Phòng Ngân sách Tổng hợp số liệu 31/03/2026 Quá hạn" in words, words
    stc.post(f"{page}/sub-assignments", {"unit": "STC-NS", "content": "Rà soát"}, page=page)  # no date: the task's
    assert "Phòng Ngân sách Rà soát 31/03/2026 Quá hạn" in _words(stc.get(page).get_data(as_text=True))
    assert "Quá hạn" in _words(browser("chanhvp").get(page).get_data(as_text=True))  # the task stays late
