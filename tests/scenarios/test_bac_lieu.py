"""Bạc Liêu (QĐ 25/2015/QĐ-UBND): tasks the Government and the Prime Minister give the province,
from receipt to the closed electronic file. On the 2026 calendar (Tết: Mon 16 – Fri 20 Feb off)."""
from datetime import date

import pytest
from sqlalchemy import func, select

from engine.directives import extensions
from engine.directives.service import DirectiveError
from engine.errors import NotFound
from engine.reports.service import ensure_schedule, start_schedule
from engine.runtime.models import WorkflowInstance
from tests.scenarios.drive import Scenario, due_day
from tests.webui.conftest import Browser
from webui.app import create_app

GOVERNMENT = {"issuer": "Thủ tướng Chính phủ"}


@pytest.fixture
def sc(database_url, clock, tmp_path):
    scenario = Scenario.start(database_url, clock, "bac-lieu", tmp_path)
    scenario.at("2026-02-12 09:00")  # Thursday before Tết
    yield scenario
    scenario.close()


@pytest.mark.parametrize("symbol", ["15/2026/NĐ-CP", "25/2026/QĐ-TTg", "12/CTr-CP"])
def test_decrees_legal_decisions_and_work_programmes_are_out_of_scope(sc, symbol):
    """Đ.2 k.2, Đ.5 k.2: recorded by heading only, never tracked."""
    directive = sc.register(symbol, "12/02/2026", [{"content": "Quy định chung", "lead_unit": "STC"}], **GOVERNMENT)
    filed = sc.directive(directive.id)
    assert (filed.status, filed.tracked, sc.ready_elements()) == ("out_of_scope", False, [])


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
    sc.at("2026-03-09 09:00")
    assert sc.notices("overdue", assignment.id)
    extensions.request_extension(sc.engine, assignment.id, "20/03/2026", "Chờ hướng dẫn của Bộ", sc.users["snv"])
    sc.complete("decide_extension", "office_head", {"extension_decision": "approve"})
    sc.at("2026-03-16 09:00")
    sc.complete("handle", "snv", {"action": "update", "progress": "done", "note": "Đã triển khai"})
    # Đ.10 k.1: the electronic file closes once the status is complete; no review step.
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.closed_on, sc.ready_elements()) == ("closed", date(2026, 3, 16), [])


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
    sc.complete("decide_extension", "office_head", {"extension_decision": "approve"})
    assert sc.ready_elements() == ["handle"]  # the update of the old deadline is withdrawn
    sc.at("2026-03-20 18:00")
    assert due_day(sc.ready("update_status")) == date(2026, 3, 25)
    # Đ.10 k.1: the office completing the status closes the file.
    sc.complete("update_status", "clerk", {"office_progress": "done", "office_note": "Đã báo cáo Bộ"})
    closed = sc.assignment(assignment.id)
    assert (closed.status, closed.progress, closed.closed_on, sc.ready_elements()) == \
        ("closed", "done", date(2026, 3, 20), [])


def test_no_office_status_update_for_tasks_closed_in_time(sc):
    assignment = _tracked(sc, "62/TTg-KTTH", "06/03/2026")
    sc.complete("handle", "stc", {"action": "update", "progress": "done", "note": "Xong"})
    sc.at("2026-03-10 09:00")
    assert (sc.assignment(assignment.id).status, sc.ready_elements()) == ("closed", [])


def test_no_report_calendar_no_scheduled_reports(sc):
    """Đ.14 k.2 names periodic reports but sets no calendar: nothing is scheduled, and the
    schedule page says so instead of offering to start one."""
    assert ensure_schedule(sc.engine) is None
    with pytest.raises(NotFound, match="no reporting calendar"):
        start_schedule(sc.engine)
    browser = Browser(create_app(sc.engine, SECRET_KEY="test-secret", TESTING=True))
    browser.login("chanhvp")
    page = browser.get("/reports/periodic").get_data(as_text=True)
    assert "Quy chế không quy định lịch báo cáo định kỳ" in page
    assert "/reports/periodic/schedule" not in page
    with sc.engine.db.session() as s:
        assert s.scalar(select(func.count()).select_from(WorkflowInstance)
                        .where(WorkflowInstance.purpose == "periodic_report")) == 0
