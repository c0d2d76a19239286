"""The directive page: its assignments and history, and the office's corrections after
registration — withdraw an assignment, correct the header, add assignments."""
import re
from datetime import datetime

from sqlalchemy import select

from engine.directives.models import Assignment, Directive
from engine.runtime.models import WorkItem
from tests.webui.conftest import Browser, classify, register, ruleset_app


def _ids(engine) -> tuple[int, int]:
    with engine.db.session() as s:
        return s.scalar(select(Directive.id)), s.scalar(select(Assignment.id))


def test_the_office_withdraws_an_assignment_from_the_directive_page(loaded, assigned, browser):
    directive_id, assignment_id = _ids(loaded)
    page = f"/directives/{directive_id}"
    url = f"{page}/assignments/{assignment_id}/withdraw"
    clerk, unit = browser("clerk"), browser("stc")
    html = clerk.get(page).get_data(as_text=True)
    assert "Thu hồi nhiệm vụ" in html and "Sửa thông tin văn bản" in html and "Bổ sung nhiệm vụ" in html
    unit_html = unit.get(page).get_data(as_text=True)
    assert "Báo cáo kết quả rà soát" in unit_html and "Thu hồi nhiệm vụ" not in unit_html
    assert browser("sxd").get(page).status_code == 404  # not its directive

    refused = clerk.post(url, {"reason": " ", "instruction": "Thông báo 12/TB-UBND"}, page=page,
                         follow_redirects=True)
    assert "Nêu lý do thu hồi nhiệm vụ." in refused.get_data(as_text=True)
    assert unit.post(url, {"reason": "Không phù hợp"}, page=f"/assignments/{assignment_id}").status_code == 403
    assert clerk.post(url, {"reason": "Không phù hợp"}, page=page).status_code == 302
    with loaded.db.session() as s:
        assert s.get(Assignment, assignment_id).status == "open"  # no instruction: refused

    done = clerk.post(url, {"reason": "Nhiệm vụ không còn phù hợp", "instruction": "Thông báo 12/TB-UBND"},
                      page=page, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Đã thu hồi nhiệm vụ" in html
    assert "Thu hồi ngày 12/02/2026, người thực hiện: Nguyễn Văn Theo Dõi: Nhiệm vụ không còn phù hợp" in html
    assert "theo chỉ đạo: Thông báo 12/TB-UBND" in html and "Đã hủy" in html
    with loaded.db.session() as s:
        assert s.get(Assignment, assignment_id).status == "cancelled"
        assert not s.scalars(select(WorkItem).where(WorkItem.assignment_id == assignment_id,
                                                    WorkItem.status == "ready")).all()
    detail = unit.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "Thu hồi ngày 12/02/2026, người thực hiện: Nguyễn Văn Theo Dõi" in detail
    history = detail.split('class="list audit"', 1)[1]
    assert "<td>Nguyễn Văn Theo Dõi</td>" in history and "<td>clerk</td>" not in history  # names, not logins


def test_the_office_corrects_the_header_and_the_history_shows_it(loaded, assigned, browser):
    directive_id, _assignment = _ids(loaded)
    page = f"/directives/{directive_id}"
    clerk = browser("clerk")
    form = clerk.get(f"{page}/edit").get_data(as_text=True)
    assert 'value="12/02/2026"' in form and "Độ mật" not in form
    assert browser("stc").get(f"{page}/edit").status_code == 403
    bad = clerk.post(f"{page}/edit", {"symbol": "45/2026/QĐ-UBND", "issued_on": "31/02/2026", "issuer": "UBND tỉnh",
                                      "summary": "", "urgency": "normal"})
    assert bad.status_code == 422 and "Vui lòng sửa các trường được đánh dấu" in bad.get_data(as_text=True)
    done = clerk.post(f"{page}/edit", {"symbol": "45/2026/QĐ-UBND", "issued_on": "11/02/2026", "issuer": "UBND tỉnh",
                                       "summary": "Về việc tăng cường kỷ cương hành chính", "urgency": "urgent"},
                      follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Đã sửa thông tin văn bản." in html and "Sửa thông tin văn bản" in html
    assert "Ngày ban hành: 12/02/2026 → 11/02/2026" in html and "Nguyễn Văn Theo Dõi" in html


def test_an_issue_date_corrected_after_a_task_s_deadline_is_refused_beside_it(loaded, browser):
    """Registered as issued 05/02/2026 with its task due 09/02: the issue date corrected to 11/02 is refused
    on the edit page, in Vietnamese beside the field, naming the task; nothing changed."""
    from tests.webui.conftest import classify, register

    clerk = browser("clerk")
    classify(clerk, register(clerk, issued_on="05/02/2026", **{"a-0-deadline_days": "", "a-0-deadline": "09/02/2026"}))
    directive_id, _assignment = _ids(loaded)
    page = f"/directives/{directive_id}"
    bad = clerk.post(f"{page}/edit", {"symbol": "45/2026/QĐ-UBND", "issued_on": "11/02/2026", "issuer": "UBND tỉnh",
                                      "summary": "Về việc tăng cường kỷ cương", "urgency": "normal"})
    words = re.sub(r"\s+", " ", bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert "Có nhiệm vụ có thời hạn trước ngày ban hành 11/02/2026: 1. Báo cáo kết quả rà soát (09/02/2026)." in words
    with loaded.db.session() as s:
        assert s.get(Directive, directive_id).issued_on.isoformat() == "2026-02-05"


def test_the_office_adds_an_assignment_that_starts_at_once(loaded, assigned, browser):
    directive_id, _assignment = _ids(loaded)
    page = f"/directives/{directive_id}"
    clerk = browser("clerk")
    url = f"{page}/assignments/new"
    bad = clerk.post(url, {"a-0-content": "Rà soát quy hoạch", "a-0-deadline": "27/02/2026"})
    assert bad.status_code == 422 and 'name="a-0-content"' in bad.get_data(as_text=True)
    done = clerk.post(url, {"a-0-content": "Rà soát quy hoạch", "a-0-lead_unit": "SXD", "a-0-deadline": "27/02/2026"},
                      follow_redirects=True)
    assert "Đã bổ sung nhiệm vụ" in done.get_data(as_text=True) and "Rà soát quy hoạch" in done.get_data(as_text=True)
    # the history names the task added by its number, not as a count ("Số nhiệm vụ: 2" beside one task added)
    history = done.get_data(as_text=True).split('class="list audit"', 1)[1]
    assert '<span class="kv">Số thứ tự nhiệm vụ bổ sung: 2</span>' in history
    assert '<span class="kv">Số nhiệm vụ: 1</span>' in history  # the registration's count stays a count
    assert '<span class="kv">Số nhiệm vụ: 2</span>' not in history
    inbox = browser("sxd").get("/inbox").get_data(as_text=True)
    assert "Rà soát quy hoạch" in inbox
    # due on a day off (Fri 20/02/2026, inside Tết): added as written, with the day it runs to (Đ.148 k.5)
    tet = clerk.post(url, {"a-0-content": "Báo cáo sau Tết", "a-0-lead_unit": "SXD", "a-0-deadline": "20/02/2026"},
                     follow_redirects=True)
    assert ('<div class="flash warning" role="alert">Nhiệm vụ 1: hạn 20/02/2026 là ngày nghỉ; theo Điều 148 Bộ luật '
            'Dân sự, hạn được tính đến hết ngày làm việc tiếp theo 23/02/2026.</div>') in tet.get_data(as_text=True)


def test_the_office_adjusts_an_assignment_in_progress(loaded, assigned, browser):
    directive_id, assignment_id = _ids(loaded)
    page = f"/directives/{directive_id}"
    url = f"{page}/assignments/{assignment_id}/adjust"
    clerk = browser("clerk")
    assert url in clerk.get(page).get_data(as_text=True)
    form = clerk.get(url).get_data(as_text=True)
    assert "Điều chỉnh nhiệm vụ" in form and "Đơn vị chủ trì mới" in form
    assert browser("stc").get(url).status_code == 403
    refused = clerk.post(url, {"new_deadline": "13/03/2026", "correction_note": "Gia hạn"}, page=url)
    assert refused.status_code == 422
    assert "Nêu rõ điều chỉnh nhiệm vụ theo chỉ đạo của ai" in refused.get_data(as_text=True)
    refused = clerk.post(url, {"new_deadline": "31/02/2026", "correction_note": "Gia hạn", "instruction": "x"},
                         page=url)
    assert refused.status_code == 422
    assert "Vui lòng sửa các trường được đánh dấu" in refused.get_data(as_text=True)
    done = clerk.post(url, {"new_deadline": "13/03/2026", "correction_note": "Kéo dài thời hạn",
                            "instruction": "Ý kiến Chủ tịch ngày 12/02/2026"}, page=url, follow_redirects=True)
    assert "Đã điều chỉnh nhiệm vụ." in done.get_data(as_text=True)
    with loaded.db.session() as s:
        assert s.get(Assignment, assignment_id).deadline.isoformat() == "2026-03-13"
    detail = clerk.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert "Kéo dài thời hạn (Ý kiến Chủ tịch ngày 12/02/2026)" in detail
    # to a Sunday: adjusted as written, with the day it runs to (Bộ luật Dân sự 2015, Đ.148 k.5)
    sunday = clerk.post(url, {"new_deadline": "15/03/2026", "correction_note": "Kéo dài thêm",
                              "instruction": "Ý kiến Chủ tịch ngày 12/02/2026"}, page=url, follow_redirects=True)
    assert ('<div class="flash warning" role="alert">Nhiệm vụ 1: hạn 15/03/2026 là ngày nghỉ; theo Điều 148 Bộ luật '
            'Dân sự, hạn được tính đến hết ngày làm việc tiếp theo 16/03/2026.</div>') in sunday.get_data(as_text=True)


def test_every_page_naming_the_directive_links_to_it(loaded, assigned, browser, clock):
    """The registry, the inbox, the work item form, the notifications and the dashboard's overdue
    list link the symbol to the directive page; the inbox names the assignment by its number and
    content, not its database id."""
    directive_id, assignment_id = _ids(loaded)
    link = f'href="/directives/{directive_id}"'
    clerk, unit = browser("clerk"), browser("stc")
    assert link in clerk.get("/assignments").get_data(as_text=True)
    inbox = unit.get("/inbox").get_data(as_text=True)
    assert link in inbox and f'/assignments/{assignment_id}">Nhiệm vụ 1</a>' in inbox
    assert f"#{assignment_id}" not in inbox
    with loaded.db.session() as s:
        handle = s.scalars(select(WorkItem).where(WorkItem.element_id == "handle")).one()
    assert link in unit.get(f"/work/{handle.id}").get_data(as_text=True)
    assert link in unit.get("/notifications").get_data(as_text=True)  # the task given
    clock.set(datetime(2026, 3, 2, 9, 0))  # past its deadline (26/02/2026)
    assert link in browser("clerk").get("/reports").get_data(as_text=True)  # signed in again after the jump


def test_the_scanned_document_and_annexes_are_attached_at_registration_or_later(loaded, browser):
    """Registered with the directive in one transaction (a refused file registers nothing), listed on
    its page for whoever may see it, added later from the page; the page lands after registering."""
    import io

    from tests.webui.conftest import classify, register

    clerk = browser("clerk")
    refused = register(clerk, scan=(io.BytesIO(b"<script>"), "quyet-dinh.html"))
    assert refused.status_code == 422 and "Không nhận tệp loại .html" in refused.get_data(as_text=True)
    with loaded.db.session() as s:
        assert s.scalar(select(Directive.id)) is None
    registered = register(clerk, signer="Lê Chủ Tịch", scan=(io.BytesIO(b"%PDF-1.4 scan"), "45-QD-UBND.pdf"),
                          annexes=[(io.BytesIO(b"%PDF-1.4 pl1"), "phu-luc-1.pdf")])
    classify(clerk, registered)
    directive_id, _assignment = _ids(loaded)
    page = f"/directives/{directive_id}"
    html = clerk.get(page).get_data(as_text=True)
    assert "Bản chụp văn bản: <a" in html and "45-QD-UBND.pdf" in html and "Phụ lục: <a" in html
    assert "Đã hoàn thành 0/1 nhiệm vụ" in html and "Báo cáo gần nhất" in html
    assert "<dt>Người ký</dt><dd>Lê Chủ Tịch</dd>" in html and "<dt>Số, ký hiệu</dt><dd>45/2026/QĐ-UBND</dd>" in html
    link = re.search(r'href="(/attachments/[0-9a-f]{64})" class="file">45-QD-UBND.pdf', html).group(1)
    assert browser("stc").get(link).get_data() == b"%PDF-1.4 scan"  # its unit sees the directive
    assert "Thực hiện và cập nhật tiến độ (Nhiệm vụ 1)</a>" in browser("stc").get(page).get_data(as_text=True)
    assert browser("sxd").get(link).status_code == 404

    assert browser("stc").post(f"{page}/documents", {"annexes": (io.BytesIO(b"x"), "a.pdf")}, page=page,
                               content_type="multipart/form-data").status_code == 403
    later = clerk.post(f"{page}/documents", {"annexes": (io.BytesIO(b"%PDF-1.4 pl2"), "phu-luc-2.pdf")},
                       page=page, content_type="multipart/form-data", follow_redirects=True)
    html = later.get_data(as_text=True)
    assert "Đã đính kèm tệp vào văn bản." in html and "phu-luc-2.pdf" in html
    history = html.split('class="list audit"', 1)[1]
    assert "Đính kèm văn bản, phụ lục" in history and ">phu-luc-2.pdf</a>" in history


def test_a_file_attached_again_is_not_written_in_the_history_again(loaded, browser):
    """The same annex sent twice (a second click, a retried form) was listed once but written in
    the history twice, "Đính kèm văn bản, phụ lục" the same file each time."""
    import io

    from tests.webui.conftest import register

    clerk = browser("clerk")
    register(clerk, scan=(io.BytesIO(b"%PDF-1.4 scan"), "45-QD-UBND.pdf"))
    directive_id, _assignment = _ids(loaded)
    page = f"/directives/{directive_id}"
    for _ in range(2):
        clerk.post(f"{page}/documents", {"annexes": (io.BytesIO(b"%PDF-1.4 pl"), "phu-luc.pdf")}, page=page,
                   content_type="multipart/form-data")
    history = clerk.get(page).get_data(as_text=True).split('class="list audit"', 1)[1]
    assert history.count("Đính kèm văn bản, phụ lục") == 2  # the scan at registration, the annex once


def test_a_deadline_on_a_day_off_is_registered_with_a_warning(loaded, browser):
    """The form registers a task due Fri 20/02/2026, inside Tết, and says on the directive's page
    that its deadline runs to the end of Mon 23/02 (Bộ luật Dân sự 2015, Đ.148 k.5)."""
    clerk = browser("clerk")
    done = register(clerk, **{"a-0-deadline": "20/02/2026", "a-0-deadline_days": ""})
    assert done.status_code == 302, done.get_data(as_text=True)
    html = clerk.get(done.location).get_data(as_text=True)
    assert ('<div class="flash warning" role="alert">Nhiệm vụ 1: hạn 20/02/2026 là ngày nghỉ; theo Điều 148 Bộ luật '
            'Dân sự, hạn được tính đến hết ngày làm việc tiếp theo 23/02/2026.</div>') in html
    working_day = register(clerk, symbol="46/2026/QĐ-UBND")
    assert "là ngày nghỉ" not in clerk.get(working_day.location).get_data(as_text=True)


def test_before_classification_the_page_counts_the_tasks_registered_not_zero_done(loaded, browser):
    """The history reads "Số nhiệm vụ: 2" while no task is given out yet: the progress line says the two
    wait to be classified, not "Đã hoàn thành 0/0 nhiệm vụ"."""
    clerk = browser("clerk")
    registered = register(clerk, **{"a-1-content": "Báo cáo quý", "a-1-lead_unit": "SXD", "a-1-deadline_days": "10"})
    assert registered.status_code == 302
    html = clerk.get(registered.location).get_data(as_text=True)
    progress = re.search(r'<dd class="overall-progress">(.*?)</dd>', html, re.S).group(1)
    assert progress.strip() == "2 nhiệm vụ đã đăng ký, chờ bước Phân loại văn bản"
    classify(clerk, registered)
    assert "Đã hoàn thành 0/2 nhiệm vụ" in clerk.get(registered.location).get_data(as_text=True)


def test_before_the_director_assigns_the_page_names_his_step_not_classification(database_url, clock, tmp_path):
    """Gia Lai Đ.5 k.1a: a registered directive waits for the Director's assignment before the office classifies
    it. Its page said "chờ phân loại" to the Director and the office alike, and to the clerk, who has no step on
    it then, "Không có nhiệm vụ phù hợp." as if a filter had left its tasks out (found walking the ruleset in
    Chromium)."""
    with ruleset_app(database_url, clock, tmp_path, "gia-lai-stttt") as app:
        clerk, director = Browser(app), Browser(app)
        clerk.login("clerk")
        director.login("chutich")
        registered = register(clerk, issuer="UBND tỉnh Gia Lai")
        assert registered.status_code == 302, registered.get_data(as_text=True)
        for reader in (clerk, director):
            html = reader.get(registered.location).get_data(as_text=True)
            progress = re.search(r'<dd class="overall-progress">(.*?)</dd>', html, re.S).group(1)
            assert progress.strip() == "1 nhiệm vụ đã đăng ký, chờ bước Giám đốc Sở phân công"
        clerk_page = clerk.get(registered.location).get_data(as_text=True)
        assert "Chưa có nhiệm vụ: các nhiệm vụ được giao sau khi hoàn thành các bước nêu trên." in clerk_page
        assert "Không có nhiệm vụ phù hợp." not in clerk_page
