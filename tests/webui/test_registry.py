"""Registry, assignment page, inbox views and saved filters: unit scope, escaping, export."""
import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select, update

from engine import clock
from engine.directives.models import Assignment, AssignmentUnit
from engine.inbox.service import PER_PAGE
from engine.inbox.service import counts as inbox_counts
from engine.org import permissions
from engine.org.models import Unit, User
from engine.rulesets.models import ProcessBundle
from engine.runtime.models import WorkflowInstance, WorkItem
from tests.webui.conftest import classify, ready_item_path, register
from webui.assignments.export import TITLE_ROWS


def _assignment_id(engine) -> int:
    with engine.db.session() as s:
        return s.scalar(select(Assignment.id))


def test_other_units_get_404_by_guessing_the_id(loaded, assigned, browser):
    assignment_id = _assignment_id(loaded)
    assert browser("stc").get(f"/assignments/{assignment_id}").status_code == 200
    assert browser("stc_gd").get(f"/assignments/{assignment_id}").status_code == 200
    other = browser("sxd")
    assert other.get(f"/assignments/{assignment_id}").status_code == 404
    assert other.get(f"/assignments/{assignment_id}/diagram").status_code == 404
    assert other.get(f"/assignments/{assignment_id + 1000}").status_code == 404
    assert "Báo cáo kết quả rà soát" not in other.get("/assignments").get_data(as_text=True)
    assert browser("chutich").get(f"/assignments/{assignment_id}").status_code == 200  # the leader sees all


def test_the_registry_offers_a_unit_user_only_the_units_of_their_scope(loaded, browser):
    """A ward's (a department's) registry filter lists its own units, not every unit of the province."""
    offered = {user: re.findall(r'<option value="([^"]+)"', browser(user).get("/assignments").get_data(as_text=True))
               for user in ("stc", "clerk")}
    assert {"STC", "STC-NS"} <= set(offered["stc"]) and not {"SXD", "VP", "UBND"} & set(offered["stc"])
    assert {"STC", "STC-NS", "SXD", "VP", "UBND"} <= set(offered["clerk"])


def test_user_text_is_escaped_everywhere(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk, summary='<img src=x onerror="alert(1)"> Về việc X'))
    assignment_id = _assignment_id(loaded)
    for page in (f"/assignments/{assignment_id}", "/assignments", "/inbox?view=done"):
        html = clerk.get(page).get_data(as_text=True)
        assert "<img src=x" not in html, page
    unit_inbox = browser("stc").get("/inbox").get_data(as_text=True)
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in unit_inbox
    assert "<img src=x" not in unit_inbox


def test_registry_filters_counts_and_export(loaded, browser):
    clerk = browser("clerk")
    classify(clerk, register(clerk, symbol="45/2026/QĐ-UBND", lead="STC"))
    classify(clerk, register(clerk, symbol="46/2026/QĐ-UBND", lead="SXD",
                             **{"a-0-content": "=HYPERLINK(\"http://x\")", "a-0-urgency": "urgent"}))
    page = clerk.get("/assignments").get_data(as_text=True)
    assert "45/2026/QĐ-UBND" in page and "46/2026/QĐ-UBND" in page
    only_stc = clerk.get("/assignments?unit=STC").get_data(as_text=True)
    assert "45/2026/QĐ-UBND" in only_stc and "46/2026/QĐ-UBND" not in only_stc
    urgent = clerk.get("/assignments?urgency=urgent").get_data(as_text=True)
    assert "46/2026/QĐ-UBND" in urgent and "45/2026/QĐ-UBND" not in urgent
    assert "45/2026" in clerk.get("/assignments?text=45%2F2026").get_data(as_text=True)
    assert "Không có nhiệm vụ phù hợp." in clerk.get("/assignments?outcome=overdue").get_data(as_text=True)
    assert "45/2026" in clerk.get("/assignments?outcome=not_started&sort=-issued").get_data(as_text=True)

    response = clerk.get("/assignments/export.xlsx?sort=symbol")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=TITLE_ROWS + 1, values_only=True))  # the header, then one row a task
    assert rows[0][1] == "Số, ký hiệu" and [r[1] for r in rows[1:]] == ["45/2026/QĐ-UBND", "46/2026/QĐ-UBND"]
    assert sheet["F7"].data_type == "s"  # typed text never becomes a formula
    assert browser("stc").get("/assignments/export.xlsx").data != response.data  # scoped to the unit


def test_inbox_views_and_saved_filters(loaded, assigned, browser):
    unit = browser("stc")
    handle = ready_item_path(loaded, "handle")
    assert handle in unit.get("/inbox").get_data(as_text=True)
    assert handle in unit.get("/inbox?view=unit").get_data(as_text=True)
    assert handle not in unit.get("/inbox?view=overdue").get_data(as_text=True)
    assert handle not in browser("sxd").get("/inbox").get_data(as_text=True)
    response = unit.post("/inbox/filters", {"name": "Khẩn của tôi", "view": "mine", "urgency": "urgent"},
                         page="/inbox")
    assert response.status_code == 302
    saved = unit.get(response.location).get_data(as_text=True)
    assert "Khẩn của tôi" in saved
    filter_id = int(response.location.rsplit("=", 1)[1])
    assert browser("sxd").get(f"/inbox?filter={filter_id}").status_code == 404  # someone else's filter
    assert browser("sxd").post(f"/inbox/filters/{filter_id}/delete", page="/inbox").status_code == 404
    assert unit.post(f"/inbox/filters/{filter_id}/delete", page="/inbox").status_code == 302
    assert "Khẩn của tôi" not in unit.get("/inbox").get_data(as_text=True)


def test_the_inbox_counts_only_the_views_asked_for(loaded, assigned):
    """The office's day and the landing ask for one or two views' counts, the same as the inbox's."""
    with loaded.db.session() as s:
        officer = s.scalar(select(User).where(User.username == "stc"))
        every = inbox_counts(s, officer)
        assert every["mine"] == every["unit"] == 1
        assert inbox_counts(s, officer, views=("mine",)) == {"mine": 1}
        assert inbox_counts(s, officer, views=("unit", "mine")) == {"mine": 1, "unit": 1}


def test_a_units_inbox_lists_only_items_of_tasks_it_leads_or_coordinates(loaded, assigned, browser):
    """The unit view lists what waits in the unit for a task the unit holds — asked of the task's
    id against the unit's links, without reading the task's row for each item (its cost at 1M:
    bench/README.md)."""
    unit = browser("stc")
    handle = ready_item_path(loaded, "handle")
    assert handle in unit.get("/inbox?view=unit").get_data(as_text=True)
    with loaded.db.session() as s:
        officer = s.scalar(select(User).where(User.username == "stc"))
        clause = permissions.unit_items_clause(s, officer, unit_id=WorkItem.unit_id, directive_id=WorkItem.directive_id,
                                               assignment_id=WorkItem.assignment_id, performers=WorkItem.performers)
        sql = str(select(WorkItem.id).where(clause).compile(s.get_bind()))
        assert re.search(r"work_items\.assignment_id IN \(SELECT assignment_units\.assignment_id", sql), sql
        # the task handed to another department, its item still waiting here: no longer this unit's to see
        sxd = s.scalar(select(Unit.id).where(Unit.code == "SXD"))
        s.execute(update(AssignmentUnit).values(unit_id=sxd))
    assert handle not in unit.get("/inbox?view=unit").get_data(as_text=True)


def test_assignment_page_offers_the_actions_the_workflow_can_take(loaded, assigned, browser):
    assignment_id = _assignment_id(loaded)
    unit_page = browser("stc").get(f"/assignments/{assignment_id}").get_data(as_text=True)
    handle = ready_item_path(loaded, "handle")
    assert f"{handle}?action=return" in unit_page            # return, as a preset of the unit's form
    office_page = assigned.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert handle not in office_page                          # not the office's work
    diagram = assigned.get(f"/assignments/{assignment_id}/diagram").get_json()
    assert "handle" in diagram["active"] and "<bpmn:definitions" in diagram["xml"]


def test_register_form_errors_keep_every_row(loaded, browser):
    clerk = browser("clerk")
    response = register(clerk, symbol="45-sai", **{"a-1-content": "Nhiệm vụ hai", "a-1-lead_unit": "SXD"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Số, ký hiệu phải theo dạng" in page
    assert "Nhiệm vụ hai" in page and 'value="45-sai"' in page
    preview = clerk.get("/directives/deadline-preview?days=2&start=12/02/2026").get_json()
    assert preview["display"] == "23/02/2026"  # two working days across Tết 2026
    assert clerk.get("/directives/deadline-preview?days=x").status_code == 400


def test_extension_and_explanation_requests_from_the_assignment_page(loaded, assigned, browser):
    assignment_id = _assignment_id(loaded)
    page = f"/assignments/{assignment_id}"
    unit = browser("stc")
    assert f'action="{page}/extension"' in unit.get(page).get_data(as_text=True)   # "Xin gia hạn"
    assert "Yêu cầu giải trình" not in unit.get(page).get_data(as_text=True)   # office-only
    refused = unit.post(f"{page}/extension", {"new_deadline": "01/01/2020", "reason": "Chậm"}, page=page)
    assert "Hạn hoàn thành mới phải sau" in unit.get(refused.location).get_data(as_text=True)
    sent = unit.post(f"{page}/extension", {"new_deadline": "31/03/2026", "reason": "Cần thêm số liệu"}, page=page)
    assert "Đã gửi đề nghị gia hạn" in unit.get(sent.location).get_data(as_text=True)
    waiting = unit.get(page).get_data(as_text=True)
    assert f'action="{page}/extension"' not in waiting, "one request at a time: no second form"
    assert ready_item_path(loaded, "handle") in waiting, "the unit still reports while it waits"
    propose = ready_item_path(loaded, "propose_extension")   # the office head proposes (Đắk Lắk Đ.20 k.2)
    assert propose in browser("chanhvp").get(page).get_data(as_text=True)
    assert propose not in assigned.get(page).get_data(as_text=True)
    asked = assigned.post(f"{page}/explanation", {"question": "Vì sao chậm?"}, page=page)
    assert asked.status_code == 302
    explain = ready_item_path(loaded, "explain")
    assert explain in unit.get("/inbox").get_data(as_text=True)
    assert browser("sxd").post(f"{page}/explanation", {"question": "x"}, page="/inbox").status_code == 404
    answered = unit.post(explain, {"explanation_answer": "Chờ số liệu của Cục Thống kê",
                                   "explanation_attachments": (io.BytesIO(b"so lieu"), "so-lieu.xlsx")},
                         content_type="multipart/form-data")
    assert answered.status_code == 302, answered.get_data(as_text=True)
    office_view = assigned.get(page).get_data(as_text=True)
    assert "Chờ số liệu của Cục Thống kê" in office_view and "so-lieu.xlsx" in office_view
    asked_and_answered = office_view.split("Gia hạn và giải trình")[1].split("</table>")[0]
    # who asked and who answered, by name (the unit's officer asked the extension and explained; the clerk asked)
    assert asked_and_answered.count("Phạm Chuyên Viên") == 2 and "Nguyễn Văn Theo Dõi" in asked_and_answered
    link = re.search(r'href="(/attachments/[0-9a-f]{64})"', office_view).group(1)
    assert assigned.get(link).data == b"so lieu"         # the office may download the unit's file
    assert browser("sxd").get(link).status_code == 404   # another unit may not


def test_a_long_inbox_comes_in_pages(loaded, org_tree, browser):
    """A province office may have hundreds of items waiting: the inbox shows them page by page,
    most urgent first, and keeps the view and filters from page to page."""
    with loaded.db.session() as s:
        instance = WorkflowInstance(bundle_id=s.scalar(select(ProcessBundle.id)), process_id="p",
                                    purpose="directive", state="{}", created_at=clock.now(), updated_at=clock.now())
        s.add(instance)
        s.flush()
        office = org_tree["clerk"].unit_id
        s.add_all(WorkItem(instance_id=instance.id, task_id=f"t-{n}", element_id="e", title=f"Việc số {n:03d}",
                           role="clerk", unit_id=office, form_key="f", created_at=clock.now(),
                           due_at=clock.now() + timedelta(hours=n)) for n in range(PER_PAGE + 7))
    clerk = browser("clerk")
    first = clerk.get("/inbox?view=mine&text=Vi%E1%BB%87c").get_data(as_text=True)
    assert "Việc số 000" in first and f"Việc số {PER_PAGE - 1:03d}" in first and f"Việc số {PER_PAGE:03d}" not in first
    assert "Trang 1/2" in first and "page=2" in first and "text=Vi" in first
    second = clerk.get("/inbox?view=mine&text=Vi%E1%BB%87c&page=2").get_data(as_text=True)
    assert f"Việc số {PER_PAGE:03d}" in second and f"Việc số {PER_PAGE + 6:03d}" in second
    assert "Việc số 000" not in second and "Trang 2/2" in second
    assert "Trang 2/2" in clerk.get("/inbox?page=99").get_data(as_text=True)  # past the end: the last page
    assert clerk.get("/inbox?page=x").status_code == 200


def test_search_ignores_diacritics_case_and_the_unicode_form(loaded, browser):
    """Clerks type without diacritics ("giai ngan"); imports may carry decomposed (NFD) Vietnamese:
    the registry and the inbox find a directive and its task whichever way either was written."""
    import unicodedata

    clerk = browser("clerk")
    classify(clerk, register(clerk, symbol="47/2026/QĐ-UBND", summary="Về việc đẩy nhanh giải ngân vốn đầu tư công",
                             **{"a-0-content": "Kết nối liên thông hồ sơ"}))
    classify(clerk, register(clerk, symbol="48/2026/QĐ-UBND", summary="Về việc phòng chống thiên tai"))
    with loaded.db.session() as s:  # as an import from another program might store it
        stored = s.scalars(select(Assignment).where(Assignment.content == "Kết nối liên thông hồ sơ")).one()
        stored.content = unicodedata.normalize("NFD", "Kết nối liên thông hồ sơ điện tử")
    for words in ("giai ngan", "GIẢI NGÂN", "dau tu cong", "ket noi", "KẾT  NỐI", "ho so dien tu",
                  unicodedata.normalize("NFD", "kết nối"), "47/2026/qđ"):
        page = clerk.get("/assignments", query_string={"text": words}).get_data(as_text=True)
        assert "47/2026/QĐ-UBND" in page and "48/2026/QĐ-UBND" not in page, words
        inbox = browser("stc").get("/inbox", query_string={"text": words}).get_data(as_text=True)
        assert "47/2026/QĐ-UBND" in inbox and "48/2026/QĐ-UBND" not in inbox, words
    assert "Không có nhiệm vụ phù hợp." in clerk.get("/assignments?text=giai_ngan").get_data(as_text=True)


def test_units_raise_issues_from_the_assignment_page_and_read_the_answer(loaded, browser):
    """Đắk Lắk Đ.9 k.1c and Đ.21 k.3: the lead unit asks for the leader's direction, a
    coordinating unit flags the lead unit; each is settled through a work item and shows, in
    words, on the page and in its history."""
    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-coordinating_units": "SXD"}))
    page = f"/assignments/{_assignment_id(loaded)}"
    lead, coordinating = browser("stc"), browser("sxd")
    form = lead.get(page).get_data(as_text=True)
    assert f'action="{page}/issues"' in form and "Kiến nghị" in form
    assert f'action="{page}/issues"' not in clerk.get(page).get_data(as_text=True)  # the office receives them
    refused = lead.post(f"{page}/issues", {"kind": "direction", "text": " "}, page=page)
    assert "Nhập nội dung kiến nghị." in lead.get(refused.location).get_data(as_text=True)
    sent = lead.post(f"{page}/issues", {"kind": "direction", "text": "Chưa thống nhất phạm vi với Sở Xây dựng"},
                     page=page)
    assert "Đã gửi kiến nghị đến Văn phòng." in lead.get(sent.location).get_data(as_text=True)
    assert coordinating.post(f"{page}/issues", {"kind": "coordination", "text": "Chưa gửi số liệu",
                                                "about_unit": "STC"}, page=page).status_code == 302
    chanhvp = browser("chanhvp")
    submit = ready_item_path(loaded, "submit_issue")
    assert chanhvp.post(submit, {"issue_opinion": "Đề nghị giữ Sở Tài chính chủ trì"}).status_code == 302
    direct = ready_item_path(loaded, "direct_issue")
    assert browser("chutich").post(direct, {"issue_direction": "Sở Tài chính chủ trì"}).status_code == 302
    assert clerk.post(ready_item_path(loaded, "settle_flag"),
                      {"flag_action": "Đề nghị Sở Tài chính gửi số liệu ngay"}).status_code == 302
    seen = lead.get(page).get_data(as_text=True)
    for words in ("Kiến nghị của đơn vị", "Xin ý kiến chỉ đạo", "Ý kiến Văn phòng: Đề nghị giữ Sở Tài chính chủ trì",
                  "Sở Tài chính chủ trì", "Phản ánh đơn vị chưa thực hiện phần việc được giao: Sở Tài chính",
                  "Lãnh đạo cho ý kiến chỉ đạo", "Văn phòng đôn đốc đơn vị bị phản ánh", "Lê Chủ Tịch",
                  "Đơn vị bị phản ánh: Sở Tài chính"):
        assert words in seen, words
    for raw in ("issue.raised", "issue.answered", "about_unit:", "payload."):
        assert raw not in seen, seen[seen.index(raw) - 300:seen.index(raw) + 100]


def test_counting_stops_at_the_count_limit(loaded, browser, monkeypatch):
    """Counting a million assignments took seconds (bench/scale_reads): past COUNT_LIMIT rows
    the registry lists without counting the outcomes and gives its total as a lower bound."""
    from engine.org.models import User
    from engine.registry import service as registry
    from tests.api.conftest import make_token

    clerk = browser("clerk")
    classify(clerk, register(clerk, symbol="47/2026/QĐ-UBND", lead="STC"))
    classify(clerk, register(clerk, symbol="48/2026/QĐ-UBND", lead="SXD"))
    with loaded.db.reading() as s:
        user = s.scalar(select(User).where(User.username == "clerk"))
        exact = registry.search(s, user, registry.AssignmentQuery())
    monkeypatch.setattr(registry, "COUNT_LIMIT", 1)
    with loaded.db.reading() as s:
        user = s.scalar(select(User).where(User.username == "clerk"))
        capped = registry.search(s, user, registry.AssignmentQuery())
        not_started = registry.search(s, user, registry.AssignmentQuery(outcome="not_started"))
    assert exact.total == 2 and exact.counts["not_started"] == 2 and exact.total_exact
    assert (capped.total, capped.counts, capped.total_exact, len(capped.rows)) == (2, {}, False, 2)
    assert not_started.total == 2 and not not_started.total_exact  # counted up to the limit, once more
    page = clerk.get("/assignments").get_data(as_text=True)
    assert "hơn 1 nhiệm vụ" in page and "47/2026/QĐ-UBND" in page
    answer = clerk.get("/api/v1/assignments", headers={"Authorization": f"Bearer {make_token(loaded, 'clerk')}"})
    assert answer.get_json()["total_exact"] is False and answer.get_json()["counts"] == {}


def test_the_assignment_page_asks_the_messages_its_instance_waits_for_without_reading_its_state(
        loaded, assigned, browser, monkeypatch):
    """Each step writes them beside the state (a task coordinated by every commune has megabytes of it); a row
    written before they were kept is read from its state."""
    assignment_id = _assignment_id(loaded)
    page = f"/assignments/{assignment_id}"
    unit = browser("stc")
    with loaded.db.reading() as s:
        instance = s.scalar(select(WorkflowInstance).where(WorkflowInstance.assignment_id == assignment_id))
        assert "extension_requested" in instance.waiting_messages
    loads = []
    real_load = loaded.runtime._load
    monkeypatch.setattr(loaded.runtime, "_load", lambda *a: loads.append(a) or real_load(*a))
    assert f'action="{page}/extension"' in unit.get(page).get_data(as_text=True)
    assert loads == []
    with loaded.db.session() as s:
        s.execute(update(WorkflowInstance).where(WorkflowInstance.id == instance.id).values(waiting_messages=None))
    assert f'action="{page}/extension"' in unit.get(page).get_data(as_text=True)
    assert len(loads) == 1


def test_the_assignment_page_gives_each_coordinating_unit_its_own_deadline(loaded, browser):
    """Decree 39/2022: each coordinating unit has its own deadline for its part; the office and
    the lead read it beside the unit (it was only in the coordinating unit's own inbox)."""
    clerk = browser("clerk")
    classify(clerk, register(clerk, **{"a-0-coordinating_units": "SXD"}))
    with loaded.db.session() as s:
        sxd = s.scalar(select(Unit.id).where(Unit.code == "SXD"))
        s.execute(update(AssignmentUnit).where(AssignmentUnit.unit_id == sxd).values(deadline=clock.today()))
    page = browser("stc").get(f"/assignments/{_assignment_id(loaded)}").get_data(as_text=True)
    assert f"Sở Xây dựng <small>(hạn phối hợp {clock.today():%d/%m/%Y})</small>" in page


def test_the_register_page_gives_the_coordinating_units_their_own_deadline(loaded, browser):
    """Hạn phối hợp on the register page: not after the assignment's deadline (refused beside the
    field, in Vietnamese), then each coordinating unit's part is due on it."""
    clerk = browser("clerk")
    row = {"a-0-coordinating_units": ["SXD", "STC-NS"], "a-0-deadline_days": "", "a-0-deadline": "31/03/2026"}
    refused = register(clerk, **row, **{"a-0-coordinating_deadline": "15/04/2026"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'name="a-0-coordinating_deadline" value="15/04/2026"' in page
    [error] = re.findall(r'name="a-0-coordinating_deadline".*?<div class="error" role="alert">(.*?)</div>', page, re.S)
    assert error == "Nhiệm vụ 1: thời hạn của đơn vị phối hợp không được muộn hơn thời hạn của nhiệm vụ (31/03/2026)."
    alone = register(clerk, **{**row, "a-0-coordinating_units": []}, **{"a-0-coordinating_deadline": "20/03/2026"})
    [error] = re.findall(r'name="a-0-coordinating_deadline".*?<div class="error" role="alert">(.*?)</div>',
                         alone.get_data(as_text=True), re.S)
    assert alone.status_code == 422 and error == "Nhiệm vụ 1: có hạn phối hợp nhưng không có đơn vị phối hợp nào."
    classify(clerk, register(clerk, **row, **{"a-0-coordinating_deadline": "20/03/2026"}))
    with loaded.db.session() as s:
        assert sorted((u.role, u.deadline.isoformat()) for u in s.scalars(select(AssignmentUnit))) == [
            ("coordinating", "2026-03-20"), ("coordinating", "2026-03-20"), ("lead", "2026-03-31")]
