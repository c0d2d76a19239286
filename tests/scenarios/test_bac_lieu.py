"""Bạc Liêu (QĐ 25/2015/QĐ-UBND): tasks the Government and the Prime Minister give the province,
from receipt to the closed electronic file. On the 2026 calendar (Tết: Mon 16 – Fri 20 Feb off)."""
import json
import re
import shutil
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from engine.audit.models import AuditEntry
from engine.config import REPO_ROOT
from engine.directives import extensions
from engine.directives.models import Directive
from engine.directives.service import AssignmentError, DirectiveError
from engine.forms import FormValidationError
from engine.org import service as org
from engine.org.models import User
from engine.outcomes import Outcome, outcome_of
from engine.registry import service as registry
from engine.reports import counts
from engine.reports.service import ensure_schedule
from engine.rulesets.migration import migrate_instances
from engine.runtime.models import Incident, WorkflowInstance
from tests.api.conftest import Caller, api_app, make_token
from tests.conftest import PASSWORD, make_engine
from tests.scenarios.drive import Scenario, due_day
from tests.webui.conftest import Browser
from webui.app import create_app
from webui.assignments.export import TITLE_ROWS

GOVERNMENT = {"issuer": "Thủ tướng Chính phủ"}


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "bac-lieu", tmp_path)
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


@pytest.mark.parametrize("symbol", ["15/2026/NĐ-CP", "25/2026/QĐ-TTg", "12/CTr-CP"])
def test_decrees_legal_decisions_and_work_programmes_are_out_of_scope(sc, symbol):
    """Đ.2 k.2, Đ.5 k.2: the symbol proposes it, the office confirms: recorded by heading only, never tracked."""
    directive = sc.register(symbol, "12/02/2026", [{"content": "Quy định chung", "lead_unit": "STC"}], **GOVERNMENT)
    assert "không thuộc phạm vi Quy chế" in sc.ready("check_received").instructions
    sc.complete("check_received", "clerk", {"scope": "by_symbol", "action": "accept"})
    filed = sc.directive(directive.id)
    assert (filed.status, filed.tracked, sc.ready_elements()) == ("out_of_scope", False, [])
    assert _scope_decisions(sc, directive.id) == [("clerk", {"in_scope": False}, False)]


def _scope_decisions(sc, directive_id):
    """(who, what the symbol proposed, overridden) of each scope decision in the history."""
    with sc.engine.db.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.directive_id == directive_id,
                                                     AuditEntry.action == "directive.scope_decided")).all()
        return [(s.get(User, e.actor_id).username, e.before, e.after["overridden"]) for e in entries]


def test_the_office_overrides_the_scope_the_symbol_proposes(sc):
    """Đ.2: the symbol only proposes. A decree giving the province a task is tracked when the
    office says so; a PM's letter the office finds outside Đ.2 k.1 is filed; both in the history."""
    decree = sc.register("20/2026/NĐ-CP", "12/02/2026", [{"content": "Sắp xếp đơn vị", "lead_unit": "SNV"}],
                         **GOVERNMENT)
    sc.complete("check_received", "clerk", {"scope": "in_scope", "scope_reason": "Nghị định giao tỉnh thực hiện",
                                            "action": "accept"}, directive_id=decree.id)
    sc.complete("classify", "clerk", {"tracked": "on"}, directive_id=decree.id)
    assert (sc.directive(decree.id).status, len(sc.assignments(decree.id))) == ("assigned", 1)
    letter = sc.register("70/TTg-KTTH", "12/02/2026", [{"content": "Nghiên cứu", "lead_unit": "STC"}], **GOVERNMENT)
    sc.complete("check_received", "clerk", {"scope": "out_of_scope", "action": "accept"},
                directive_id=letter.id)
    assert (sc.directive(letter.id).status, sc.assignments(letter.id)) == ("out_of_scope", [])
    assert _scope_decisions(sc, decree.id) == [("clerk", {"in_scope": False}, True)]
    assert _scope_decisions(sc, letter.id) == [("clerk", {"in_scope": True}, True)]
    browser = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    browser.login("clerk")
    history = browser.get(f"/directives/{decree.id}").get_data(as_text=True).split('class="list audit"', 1)[1]
    assert "Xác định phạm vi theo dõi" in history and "directive.scope_decided" not in history
    # what was decided, in words: the line read "Xác định phạm vi theo dõi" and nothing more where the office
    # followed the symbol (found walking Bạc Liêu's 125/TB-VPCP)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", history))
    assert "Thuộc phạm vi Quy chế: Không → Có" in words and "Lý do: Nghị định giao tỉnh thực hiện" in words
    notice = sc.register("125/TB-VPCP", "12/02/2026", [{"content": "Giải ngân", "lead_unit": "STC"}], **GOVERNMENT)
    sc.complete("check_received", "clerk", {"scope": "by_symbol", "action": "accept"}, directive_id=notice.id)
    history = browser.get(f"/directives/{notice.id}").get_data(as_text=True).split('class="list audit"', 1)[1]
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", history))
    assert "Xác định phạm vi theo dõi Thuộc phạm vi Quy chế: Có" in words


def test_a_document_without_tasks_is_recorded_by_its_header(sc):
    """Đ.5 k.2: no task for the province: recorded by its header, not tracked, nothing to urge."""
    directive = sc.register("80/TTg-KTTH", "12/02/2026", [], **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    recorded = sc.directive(directive.id)
    assert (recorded.status, recorded.tracked, sc.assignments(directive.id), sc.ready_elements()) == \
        ("header_only", False, [], [])


def test_wrong_task_is_returned_to_the_government_office(sc):
    """Đ.8 k.1: state the reason and send it back to the Government Office."""
    directive = sc.register("123/TTg-KTTH", "12/02/2026", [{"content": "Báo cáo ngành điện", "lead_unit": "STC"}],
                            **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "return", "return_reason": "Không thuộc thẩm quyền của tỉnh"})
    returned = sc.directive(directive.id)
    assert (returned.status, returned.tracked, sc.ready_elements()) == ("returned_upstream", False, [])


def test_file_closes_when_every_status_field_is_filled(sc):
    directive = sc.register("250/QĐ-TTg", "12/02/2026",
                            [{"content": "Triển khai đề án", "lead_unit": "STC", "deadline": "06/03/2026"}],
                            **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    assert due_day(sc.ready("classify")) == date(2026, 2, 23)
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    # The office, not the unit, keeps the Government's system current: no first-update deadline.
    assert due_day(sc.ready("handle")) == date(2026, 3, 6)

    sc.complete("handle", "stc", {"action": "return", "return_reason": "Thuộc lĩnh vực nội vụ"})  # Đ.15 k.2
    sc.complete("correct", "clerk", {"correction_note": "Giao Sở Nội vụ", "new_lead_unit": "SNV"})
    sc.complete("decide_correction", "leader", {"correction_decision": "approve"})
    sc.at("2026-03-09 09:00")
    assert sc.notices("overdue", assignment.id)
    # Đ.12 k.4, Đ.15 k.2: the office proposes the adjustment, the Chairman decides.
    sc.extend(assignment.id, "snv", "20/03/2026", "Chờ hướng dẫn của Bộ", proposer="office_head", decider="leader",
              report={"action": "update", "progress": "in_progress", "note": "Đang chờ hướng dẫn"})
    sc.at("2026-03-16 09:00")
    sc.complete("handle", "snv", {"action": "update", "progress": "done", "note": "Đã triển khai"})
    # Đ.10 k.1, k.3: the file closes once the office has the Đ.7 information complete: it reviews the report.
    assert (sc.assignment(assignment.id).status, "review" in sc.ready_elements()) == ("open", True)
    sc.at("2026-03-17 09:00")
    sc.complete("review", "clerk", {"decision": "close", "review_note": "Đủ thông tin"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.completed_on, closed.closed_on, sc.ready_elements()) == \
        ("closed", date(2026, 3, 16), date(2026, 3, 17), [])


def test_the_office_sends_back_an_incomplete_report(sc):
    """Đ.10 k.1: the unit's word alone does not close the file."""
    assignment = _tracked(sc, "63/TTg-KTTH", "06/03/2026")
    sc.complete("handle", "stc", {"action": "update", "progress": "done", "note": "Xong"})
    sc.complete("review", "clerk", {"decision": "send_back", "review_note": "Thiếu số liệu"})
    reopened = sc.assignment(assignment.id)
    assert (reopened.status, reopened.progress, reopened.completed_on, sc.ready_elements()) == \
        ("open", "in_progress", None, ["handle"])


def test_open_task_updated_each_quarter(sc):
    """Đ.9 k.2: the office updates tasks without a deadline quarterly, half-yearly, yearly."""
    directive = sc.register("300/TTg-KTN", "12/02/2026", [{"content": "Theo dõi thường xuyên", "lead_unit": "SXD"}],
                            **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.at("2026-04-01 09:00")
    # The office updates them (not the unit): the periodic notice goes to it.
    assert [note.user_id for note in sc.notices("periodic_update", assignment.id)] == [sc.users["clerk"].id]


def test_secret_directive_is_not_recorded(sc):
    """The regulation is silent on secret documents: nothing of them is stored (safe default)."""
    with pytest.raises(DirectiveError):
        sc.register("5/TTg-KTTH", "12/02/2026", [{"content": "Mật", "lead_unit": "STC"}], secrecy="confidential",
                    **GOVERNMENT)


def _tracked(sc, symbol, deadline):
    directive = sc.register(symbol, "12/02/2026", [{"content": "Báo cáo tình hình", "lead_unit": "STC",
                                                    "deadline": deadline}], **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    return assignment


def test_the_chairman_decides_the_adjustment_the_office_proposes_for_a_returned_task(sc):
    """Đ.15 k.2: a unit that finds its task unsuitable works with the office, which advises; the
    Chairman decides the adjustment. A refusal goes back to the office with the leader's reason."""
    assignment = _tracked(sc, "66/TTg-KTTH", "06/03/2026")
    sc.complete("handle", "stc", {"action": "return", "return_reason": "Thuộc lĩnh vực nội vụ"})
    sc.complete("correct", "clerk", {"correction_note": "Giao Sở Nội vụ", "new_lead_unit": "SNV",
                                     "new_deadline": "13/03/2026"})
    decision = sc.ready("decide_correction")
    assert (decision.role, sc.ready_elements()) == ("leader", ["decide_correction"])
    assert "Văn phòng đề xuất: giao Sở Nội vụ chủ trì; thời hạn mới 13/03/2026; Giao Sở Nội vụ" in decision.instructions
    assert sc.assignment(assignment.id).lead_unit_id == sc.unit_id("STC")  # nothing applied before the decision
    with pytest.raises(FormValidationError) as refused:
        sc.complete("decide_correction", "leader", {"correction_decision": "refuse"})
    assert "correction_decision_note" in refused.value.errors
    sc.complete("decide_correction", "leader", {"correction_decision": "refuse",
                                                "correction_decision_note": "Sở Tài chính chủ trì, Sở Nội vụ phối hợp"})
    again = sc.ready("correct")
    assert "Lãnh đạo không đồng ý đề xuất điều chỉnh trước: Sở Tài chính chủ trì, Sở Nội vụ phối hợp" \
        in again.instructions
    sc.complete("correct", "clerk", {"correction_note": "Thêm Sở Nội vụ phối hợp", "coordinating_change": "replace",
                                     "new_coordinating_units": ["SNV"]})
    assert "đơn vị phối hợp: Sở Nội vụ" in sc.ready("decide_correction").instructions
    sc.complete("decide_correction", "leader", {"correction_decision": "approve"})
    assert sc.ready_elements() == ["contribute", "handle"]
    corrected = sc.assignment(assignment.id)
    assert (corrected.status, corrected.lead_unit_id, corrected.deadline) == ("open", sc.unit_id("STC"),
                                                                               date(2026, 3, 6))
    assert sc.notices("corrected", assignment.id)


def test_office_updates_the_status_three_working_days_after_a_deadline_across_tet(sc):
    """Đ.9 k.1: the office updates the status at the latest 3 working days after the deadline."""
    assignment = _tracked(sc, "60/TTg-KTTH", "13/02/2026")  # Friday before Tết
    sc.at("2026-02-13 16:00")
    assert "update_status" not in sc.ready_elements()  # the deadline day is not over
    sc.at("2026-02-13 17:30")
    item = sc.ready("update_status")
    assert (item.role, item.lane, due_day(item)) == ("clerk", "Văn phòng", date(2026, 2, 25))  # 23, 24, 25 Feb
    sc.complete("update_status", "clerk", {"office_progress": "in_progress", "office_note": "Sở đang tổng hợp"})
    updated = sc.assignment(assignment.id)
    assert (updated.status, updated.progress, sc.ready_elements()) == ("open", "in_progress", ["handle"])


def test_office_status_update_follows_an_extended_deadline(sc):
    assignment = _tracked(sc, "61/TTg-KTTH", "06/03/2026")
    sc.at("2026-03-09 09:00")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 11)
    extensions.request_extension(sc.engine, assignment.id, "20/03/2026", "Chờ ý kiến Bộ", sc.users["stc"])
    sc.complete("propose_extension", "office_head", {"extension_proposal": "support"})
    sc.complete("decide_extension", "leader", {"extension_decision": "approve"})
    assert sc.ready_elements() == ["handle"]  # the update of the old deadline is withdrawn
    sc.at("2026-03-20 18:00")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 25)
    # Đ.10 k.1: the office completing the status closes the file.
    sc.complete("update_status", "clerk", {"office_progress": "done", "office_note": "Đã báo cáo Bộ",
                                           "completed_on": "20/03/2026"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.progress, closed.closed_on, sc.ready_elements()) == \
        ("closed", "done", date(2026, 3, 20), [])


def test_no_office_status_update_for_tasks_reported_done_in_time(sc):
    """A done report waiting for the office's review needs no status update as well: the review is it."""
    assignment = _tracked(sc, "62/TTg-KTTH", "06/03/2026")
    sc.complete("handle", "stc", {"action": "update", "progress": "done", "note": "Xong"})
    sc.at("2026-03-10 09:00")
    assert (sc.assignment(assignment.id).status, sc.ready_elements()) == ("open", ["review"])


def test_work_done_on_time_and_recorded_late_by_the_office_counts_on_time(sc):
    """Đ.9 k.1: the office records the status after the deadline, with the day the work was
    done; that day, not the day of the record, decides the outcome in the registry and reports."""
    assignment = _tracked(sc, "64/TTg-KTTH", "06/03/2026")
    sc.at("2026-03-10 10:00")
    item = sc.ready("update_status")
    for completed_on, field_error in [(None, "This field is required."), ("11/03/2026", "Must not be after"),
                                      ("11/02/2026", "Must not be before")]:
        with pytest.raises(FormValidationError) as refused:
            sc.engine.runtime.complete(item.id, {"office_progress": "done", "office_note": "Sở đã gửi báo cáo",
                                                 "completed_on": completed_on}, sc.users["clerk"])
        assert refused.value.errors["completed_on"].text.startswith(field_error)
    sc.complete("update_status", "clerk", {"office_progress": "done", "office_note": "Sở đã gửi báo cáo",
                                           "completed_on": "05/03/2026"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.completed_on, closed.closed_on) == ("closed", date(2026, 3, 5), date(2026, 3, 10))
    assert outcome_of(closed, date(2026, 3, 10)) is Outcome.DONE_ON_TIME
    with sc.engine.db.session() as s:
        counted = counts.total(s, counts.Scope(as_of=date(2026, 3, 31)))
        page = registry.search(s, sc.users["clerk"], registry.AssignmentQuery(outcome=Outcome.DONE_ON_TIME))
        assert (counted.done_on_time, counted.done_late, [r.assignment.id for r in page.rows]) == \
            (1, 0, [assignment.id])


def test_the_government_deadline_is_recorded_shown_and_counts_for_the_office_update(sc):
    """Đ.9 k.1: the office updates the Government's system at the latest 3 working days after
    the Government's own deadline; the province gives its department an earlier one."""
    directive = sc.register("65/TTg-KTTH", "12/02/2026", [{
        "content": "Báo cáo Thủ tướng", "lead_unit": "STC", "deadline": "06/03/2026",
        "upstream_deadline": "13/03/2026"}], **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    assert (assignment.deadline, assignment.upstream_deadline) == (date(2026, 3, 6), date(2026, 3, 13))
    sc.at("2026-03-09 09:00")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 18)  # 16, 17, 18 Mar after 13 Mar
    browser = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    browser.login("clerk")
    page = browser.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "Hạn Chính phủ, Thủ tướng Chính phủ giao</dt><dd>13/03/2026" in page
    sheet = load_workbook(BytesIO(browser.get("/assignments/export.xlsx").data)).active
    header = [cell.value for cell in sheet[TITLE_ROWS + 1]]
    column = header.index("Hạn Chính phủ, Thủ tướng Chính phủ giao")
    upstream = sheet.cell(row=TITLE_ROWS + 2, column=column + 1)
    assert (header[column - 1], upstream.value, upstream.number_format) == (
        "Hạn hoàn thành nhiệm vụ", datetime(2026, 3, 13), "dd/mm/yyyy")
    form = browser.get("/directives/new").get_data(as_text=True)
    assert 'name="a-0-upstream_deadline"' in form


def test_a_bad_government_deadline_is_refused_naming_its_row(sc):
    with pytest.raises(AssignmentError) as refused:
        sc.register("66/TTg-KTTH", "12/02/2026", [{"content": "Báo cáo", "lead_unit": "STC",
                                                    "upstream_deadline": "31/02/2026"}], **GOVERNMENT)
    assert (refused.value.seq, refused.value.field) == (1, "upstream_deadline")


def test_the_report_calendar_starts_with_its_deployment_days(sc):
    """Đ.14 k.2 names periodic reports and Đ.9 k.2 their periods (quarter, half-year, year) but
    sets no day: the ruleset's calendar gives deployment days, and the schedule runs on them."""
    assert ensure_schedule(sc.engine) is not None
    browser = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    browser.login("chanhvp")
    assert "Quy chế không quy định lịch báo cáo định kỳ" not in browser.get("/reports/periodic").get_data(as_text=True)


def test_a_task_withdrawn_while_the_office_owes_its_status_update(sc):
    """Đ.12 k.4: adjusting a task is the Chairman's to decide; the office withdraws it on his
    instruction. The office's overdue status update (Đ.9 k.1) and the urging go with it."""
    from engine.directives import changes

    directive = sc.register("251/QĐ-TTg", "12/02/2026",
                            [{"content": "Triển khai đề án", "lead_unit": "STC", "deadline": "06/03/2026"}],
                            **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    sc.at("2026-03-09 09:00")
    assert sorted(sc.ready_elements()) == ["handle", "update_status"]
    changes.withdraw(sc.engine, assignment.id, "Chính phủ đã điều chỉnh nhiệm vụ", sc.users["clerk"],
                     instruction="Ý kiến chỉ đạo của Chủ tịch UBND tỉnh")
    assert sc.ready_elements() == [] and sc.assignment(assignment.id).status == "cancelled"
    overdue = len(sc.notices("overdue", assignment.id))
    sc.at("2026-03-20 09:00")
    assert len(sc.notices("overdue", assignment.id)) == overdue and sc.ready_elements() == []


def test_an_extension_after_a_correction_withdraws_the_pending_status_update(sc):
    """The office's status watch restarts on every change of the task, not only the first: after
    a correction, an approved extension still withdraws the update owed for the old deadline."""
    assignment = _tracked(sc, "65/TTg-KTTH", "06/03/2026")
    sc.complete("handle", "stc", {"action": "return", "return_reason": "Thuộc lĩnh vực nội vụ"})
    sc.complete("correct", "clerk", {"correction_note": "Giao Sở Nội vụ", "new_lead_unit": "SNV"})
    sc.complete("decide_correction", "leader", {"correction_decision": "approve"})
    sc.at("2026-03-09 09:00")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 11)
    extensions.request_extension(sc.engine, assignment.id, "20/03/2026", "Chờ ý kiến Bộ", sc.users["snv"])
    sc.complete("propose_extension", "office_head", {"extension_proposal": "support"})
    sc.complete("decide_extension", "leader", {"extension_decision": "approve"})
    assert sc.ready_elements() == ["handle"]
    sc.at("2026-03-20 18:00")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 25)


def test_the_office_update_opens_at_the_government_deadline_when_it_comes_first(sc):
    """Đ.9 k.1: the unit's deadline extended past the Government's: the office's update opens
    when the Government's deadline ends, not after the unit's, and is not born overdue."""
    assignment = _tracked(sc, "66/TTg-KTTH", "06/03/2026")
    with sc.engine.db.session() as s:
        from engine.directives.models import Assignment
        s.get(Assignment, assignment.id).upstream_deadline = date(2026, 3, 13)
    extensions.request_extension(sc.engine, assignment.id, "27/03/2026", "Chờ ý kiến Bộ", sc.users["stc"])
    sc.complete("propose_extension", "office_head", {"extension_proposal": "support"})
    sc.complete("decide_extension", "leader", {"extension_decision": "approve"})
    sc.at("2026-03-13 16:00")
    assert "update_status" not in sc.ready_elements()
    sc.at("2026-03-13 17:30")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 18)  # 16, 17, 18 Mar


def test_the_office_updates_a_task_without_deadline_each_quarter(sc):
    """Đ.9 k.2: tasks without a deadline are updated by the office each quarter (not the unit),
    as a work item once the quarter ends, until the office records them done."""
    directive = sc.register("67/TTg-KTTH", "12/02/2026", [{"content": "Theo dõi thường xuyên", "lead_unit": "STC"}],
                            **GOVERNMENT)
    sc.complete("check_received", "clerk", {"action": "accept"})
    sc.complete("classify", "clerk", {"tracked": "on"})
    [assignment] = sc.assignments(directive.id)
    assert assignment.deadline is None
    sc.at("2026-03-31 16:00")
    assert "update_status" not in sc.ready_elements()
    sc.at("2026-03-31 17:30")
    item = sc.ready("update_status")
    assert (item.role, due_day(item)) == ("clerk", date(2026, 4, 3))  # 1, 2, 3 Apr
    assert "không có thời hạn" in item.instructions and "31/03/2026" in item.instructions
    sc.complete("update_status", "clerk", {"office_progress": "in_progress", "office_note": "Đang triển khai"})
    assert "update_status" not in sc.ready_elements()
    sc.at("2026-06-30 18:00")
    assert "30/06/2026" in sc.ready("update_status").instructions
    sc.complete("update_status", "clerk", {"office_progress": "done", "office_note": "Hoàn thành",
                                           "completed_on": "30/06/2026"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.completed_on, sc.ready_elements()) == ("closed", date(2026, 6, 30), [])


def test_classification_counts_from_the_day_the_government_document_reached_the_office(sc):
    """Đ.8 k.1, Đ.10 k.2: the office classifies what the Government Office sends it, so its two
    working days (QĐ 42/2014's number) count from the day the document reached it ("Ngày đến"),
    not from the day the Government issued it: a letter issued Mon 02/03 that arrives Thu 12/03
    is due Mon 16/03, not overdue since 04/03 the moment it is registered. Through the API, as
    the office's document-management software registers it."""
    sc.at("2026-03-12 09:00")
    clerk = Caller(api_app(sc.engine).test_client(), make_token(sc.engine, "clerk"))
    registered = clerk("POST", "/directives", json={
        "symbol": "150/TTg-KTTH", "issued_on": "2026-03-02", "received_on": "2026-03-12", "summary": "V/v giải ngân",
        **GOVERNMENT, "assignments": [{"content": "Đẩy nhanh giải ngân", "lead_unit": "STC"}]})
    assert registered.status_code == 201, registered.get_json()
    directive_id = registered.get_json()["id"]
    check = sc.ready("check_received", directive_id=directive_id)
    assert clerk("POST", f"/work-items/{check.id}/complete", json={"scope": "by_symbol", "action": "accept"}
                 ).status_code == 200
    [classify] = [item for item in clerk("GET", "/work-items").get_json()["items"]
                  if item["directive_id"] == directive_id and item["form_key"] == "classify_directive"]
    assert classify["due_at"].startswith("2026-03-16")  # Fri 13, Mon 16 Mar
    assert clerk("GET", f"/assignments?directive={directive_id}").get_json()["counts"]["overdue"] == 0


def _as_registered_before_arrival_days(engine, *instance_ids: int) -> None:
    """The stored state of a directive registered before the process's start data carried the arrival day:
    `received_on` as the header form gave it, empty when the clerk left "Ngày đến" blank."""
    def without(value):
        if isinstance(value, dict):
            return {key: None if key == "received_on" else without(item) for key, item in value.items()}
        return [without(item) for item in value] if isinstance(value, list) else value
    with engine.db.session() as s:
        for instance in s.scalars(select(WorkflowInstance).where(WorkflowInstance.id.in_(instance_ids))):
            instance.state = json.dumps(without(json.loads(instance.state)))


def _two_letters_on_the_version_counting_from_the_issue(database_url, clock, tmp_path):
    """Two Government letters issued 02/03, registered Thu 12/03, waiting at the arrival check on the version
    counting from the issue, with the state such a directive kept (no `received_on`); the second directive has
    no arrival day recorded. Then the table counting from the arrival day (Đ.8 k.1, Đ.10 k.2) is loaded as the
    newer version. (scenario, [their instance ids], [the directives], the process admin, the newer bundle id)."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    table = processes / "bac-lieu" / "registration_deadline.dmn"
    from_arrival = table.read_text(encoding="utf-8")
    table.unlink()  # the version before: the common table, counting from the issue
    sc = Scenario.populate(make_engine(database_url, clock, ruleset="bac-lieu", processes_dir=str(processes),
                                       tmp_path=tmp_path), clock)
    sc.at("2026-03-12 09:00")  # Thursday
    task = [{"content": "Triển khai", "lead_unit": "STC"}]
    recorded, unrecorded = (sc.register(symbol, "02/03/2026", task, **GOVERNMENT)
                            for symbol in ("71/TTg-KTTH", "72/TTg-KTTH"))
    with sc.engine.db.session() as s:
        waiting = s.scalars(select(WorkflowInstance.id).where(WorkflowInstance.directive_id.in_(
            [recorded.id, unrecorded.id])).order_by(WorkflowInstance.directive_id)).all()
        s.execute(update(Directive).where(Directive.id == unrecorded.id).values(received_on=None))
        admin = org.create_user(s, "quantri", PASSWORD, "Quản Trị Quy Trình", "VP", ["process_admin"])
    _as_registered_before_arrival_days(sc.engine, *waiting)
    table.write_text(from_arrival, encoding="utf-8")
    with sc.engine.db.session() as s:
        sc.engine.load_ruleset(s)
        newer = sc.engine.current_bundle(s).id
    return sc, waiting, [recorded, unrecorded], admin, newer


# The classification's due day of each letter: two working days from the day recorded on the directive
# (12/03: Fri 13, Mon 16), else from its issue day (02/03: Tue 03, Wed 04).
DUE_FROM_ARRIVAL = (date(2026, 3, 16), date(2026, 3, 4))


def test_a_directive_waiting_at_the_arrival_check_moves_to_the_table_counting_from_its_arrival(database_url, clock,
                                                                                              tmp_path):
    """The process admin moves the two letters to the version counting from the day a document arrived, which
    their data lacks: each is given the arrival day recorded on the directive (the day it was registered,
    12/03), else its issue day, and the office's two working days run from it, with no incident."""
    sc, waiting, letters, admin, newer = _two_letters_on_the_version_counting_from_the_issue(database_url, clock,
                                                                                             tmp_path)
    try:
        plans = migrate_instances(sc.engine, waiting, newer, admin)
        assert [plan.migrated for plan in plans] == [True, True], plans
        for directive, due in zip(letters, DUE_FROM_ARRIVAL, strict=True):
            sc.complete("check_received", "clerk", {"scope": "in_scope", "action": "accept"},
                        directive_id=directive.id)
            assert due_day(sc.ready("classify", directive_id=directive.id)) == due, directive.symbol
        with sc.engine.db.session() as s:
            assert s.scalars(select(Incident)).all() == []
    finally:
        sc.close()


def test_a_directive_stopped_at_the_arrival_day_incident_goes_on_when_the_process_admin_retries(database_url,
                                                                                               clock, tmp_path):
    """The two letters were moved before a move gave the arrival day, so leaving the arrival check stopped
    each at an incident ("Invalid isoformat string: 'None'": the newer table reads `received_on`). Retrying
    the incident gives the step the arrival day the move now gives (the day recorded on the directive, else
    its issue day), and the steps computing the classification's due day from it run again: from the process
    admin's incidents page, each goes on to the classification, due two working days from its arrival."""
    sc, waiting, letters, admin, newer = _two_letters_on_the_version_counting_from_the_issue(database_url, clock,
                                                                                             tmp_path)
    try:
        assert [plan.migrated for plan in migrate_instances(sc.engine, waiting, newer, admin)] == [True, True]
        _as_registered_before_arrival_days(sc.engine, *waiting)  # as a move before the arrival day left them
        for directive in letters:
            sc.complete("check_received", "clerk", {"scope": "in_scope", "action": "accept"},
                        directive_id=directive.id)
        with sc.engine.db.session() as s:
            stopped = s.scalars(select(Incident).where(Incident.status == "open").order_by(Incident.instance_id)).all()
            assert [(i.instance_id, "Invalid isoformat string" in i.error) for i in stopped] == [
                (instance_id, True) for instance_id in waiting]
            incident_ids = [i.id for i in stopped]
        browser = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
        browser.login("quantri")
        for incident_id in incident_ids:
            assert browser.post(f"/admin/incidents/{incident_id}/retry", page="/admin/incidents").status_code == 302
        for directive, due in zip(letters, DUE_FROM_ARRIVAL, strict=True):
            assert due_day(sc.ready("classify", directive_id=directive.id)) == due, directive.symbol
        with sc.engine.db.session() as s:
            assert s.scalars(select(Incident.status)).all() == ["resolved", "resolved"]
    finally:
        sc.close()
