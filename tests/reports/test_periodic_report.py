"""The report calendar and periodic_report.bpmn run on the engine with the manual clock."""
from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.directives.models import Assignment, Directive, ProgressUpdate
from engine.errors import NotFound
from engine.notifications.models import Notification
from engine.org import service as org
from engine.org.models import Unit, User
from engine.reports import calendar as report_calendar
from engine.reports import service as report_service
from engine.reports.counts import Scope
from engine.reports.export_docx import write_docx
from engine.reports.export_xlsx import write_xlsx
from engine.reports.models import SCHEDULES, PeriodicReport, UnitReport
from engine.reports.operators import reporting_bodies
from engine.reports.query import ReportQuery
from engine.reports.service import (
    PURPOSE,
    ScheduleError,
    build_report,
    ensure_schedule,
    move_schedule,
    report_args,
    running_schedule,
    start_schedule,
)
from engine.rulesets.migration import migrate_instances
from engine.rulesets.models import ProcessBundle
from engine.rulesets.settings import check_settings
from engine.runtime.models import LIVE_STATUSES, WorkflowInstance, WorkItem
from engine.scheduler.service import tick
from engine.working_days import WorkingCalendar
from tests.conftest import create_org_tree, make_engine
from tests.fixtures import PROCESSES as FIXTURE_PROCESSES
from tests.reports.dataset import seed
from tests.webui.conftest import Browser
from webui.app import create_app

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
pytestmark = pytest.mark.usefixtures("worker_mode")  # warm, and restarted before every step

CAN_THO = {"report_calendar": [  # Cần Thơ Đ.12
    {"period": "monthly", "sender": "unit", "day": 20, "month": "last", "article": "Đ.12 k.1"},
    {"period": "monthly", "sender": "office", "day": 25, "month": "last", "article": "Đ.12 k.2"},
    {"period": "quarterly", "sender": "unit", "day": 15, "month": "last"},
    {"period": "quarterly", "sender": "office", "day": 20, "month": "last"},
    {"period": "yearly", "sender": "unit", "day": 10, "month": 11},
    {"period": "yearly", "sender": "office", "day": 15, "month": 11},
]}


def test_calendar_follows_the_ruleset_in_working_days():
    working = WorkingCalendar()
    reports = report_calendar.reports_of_year(CAN_THO, 2026, working)
    march = next(r for r in reports if r.period == "quarterly" and r.end == date(2026, 3, 31))
    assert march.label == "Quý I năm 2026"
    assert march.unit_due == date(2026, 3, 13)     # the 15th is a Sunday: the working day before
    assert march.office_due == date(2026, 3, 20)
    yearly = next(r for r in reports if r.period == "yearly")
    assert (yearly.unit_due, yearly.office_due, yearly.label) == (date(2026, 11, 10), date(2026, 11, 13), "Năm 2026")
    assert report_calendar.next_report(CAN_THO, date(2026, 4, 20), working).unit_due == date(2026, 5, 20)


def test_each_periods_counted_days_meet_the_next_ones():
    """Chốt số liệu: a month's report counts up to its units' day as written (19, "trước ngày 20"),
    from the day after the month before's: no day falls between two reports, none in both;
    `[reports] cut_off_day` sets another day, of the month before when it comes after the units'."""
    working = WorkingCalendar()
    can_tho = {"report_calendar": [{**entry, "day": entry["day"] - 1} for entry in CAN_THO["report_calendar"]]}
    months = [r for year in (2025, 2026) for r in report_calendar.reports_of_year(can_tho, year, working)
              if r.period == "monthly"]
    assert all(later.counted_from == earlier.counted_to + timedelta(days=1)
               for earlier, later in zip(months, months[1:], strict=False))
    march = next(r for r in months if r.start == date(2026, 3, 1))
    assert (march.counted_from, march.counted_to) == (date(2026, 2, 20), date(2026, 3, 19))
    january = next(r for r in months if r.start == date(2026, 1, 1))
    assert january.counted_from == date(2025, 12, 20)
    fixed = {**can_tho, "reports": {"cut_off_day": 14}}
    year = next(r for r in report_calendar.reports_of_year(fixed, 2026, working) if r.period == "yearly")
    # the units report the year by 09/11: its figures close on 14/10, not after the report is sent
    assert (year.counted_from, year.counted_to) == (date(2025, 10, 15), date(2026, 10, 14))
    march = next(r for r in report_calendar.reports_of_year(fixed, 2026, working) if r.start == date(2026, 3, 1)
                 and r.period == "monthly")
    assert (march.counted_from, march.counted_to) == (date(2026, 2, 15), date(2026, 3, 14))
    assert any(p.element == "reports" for p in check_settings({"reports": {"cut_off_day": 32}}))


QUARTERS_AND_HALF_YEAR = {"report_calendar": [
    {"period": period, "sender": sender, "day": day, "month": "last"}
    for period in ("quarterly", "half_yearly") for sender, day in (("unit", 15), ("office", 20))]}


def test_the_half_year_replaces_the_second_quarter_and_no_calendar_means_no_report():
    working = WorkingCalendar()
    after_q1 = report_calendar.next_report(QUARTERS_AND_HALF_YEAR, date(2026, 3, 13), working)
    assert after_q1.period == "half_yearly" and after_q1.label == "6 tháng đầu năm 2026"
    assert after_q1.unit_due == date(2026, 6, 15)
    december = report_calendar.next_report(QUARTERS_AND_HALF_YEAR, date(2026, 10, 1), working)
    assert december.label == "Quý IV năm 2026" and december.unit_due == date(2026, 12, 15)
    with pytest.raises(ValueError, match="no report"):
        report_calendar.next_report({}, date(2026, 3, 13), working)


@pytest.mark.parametrize("entry, message", [
    ({"period": "weekly", "sender": "unit", "day": 5}, "period must be one of"),
    ({"period": "monthly", "sender": "leader", "day": 5}, "sender must be unit or office"),
    ({"period": "monthly", "sender": "unit", "day": 32}, "day must be a number from 1 to 31"),
    ({"period": "quarterly", "sender": "unit", "day": 5, "month": 4}, "has only 3 month"),
    ({"period": "yearly", "sender": "unit", "day": 5, "month": "first"}, "month must be"),
])
def test_bad_calendar_entries_are_ruleset_problems(entry, message):
    problems = check_settings({"report_calendar": [entry]})
    assert any(p.element == "report_calendar" and message in p.text for p in problems)


def _ready(session, element: str) -> list[WorkItem]:
    return list(session.scalars(select(WorkItem).where(WorkItem.element_id == element,
                                                       WorkItem.status == "ready").order_by(WorkItem.id)))


def test_periodic_report_process_collects_and_consolidates(loaded, org_tree, clock):
    engine = loaded
    seed(engine)
    instance = start_schedule(engine)
    assert start_schedule(engine).id == instance.id  # one per deployment
    with engine.db.session() as s:
        waiting = s.get(WorkflowInstance, instance.id)
        # dak-lak: Q1 units' report due by 15/03 (Sunday) -> Fri 13/03; reminder 5 working days before
        assert waiting.next_timer_due == datetime.fromisoformat("2026-03-06T08:00:00+07:00")
    clock.set(datetime(2026, 3, 6, 9, 0))
    assert engine.runtime.run_due_timers() == 1
    with engine.db.session() as s:
        period = s.scalar(select(PeriodicReport))
        assert (period.period, period.unit_due, period.office_due) == ("quarterly", date(2026, 3, 13),
                                                                        date(2026, 3, 20))
        items = _ready(s, "pr_unit_report")
        assert len(items) == 3 and {i.due_at.date() for i in items} == {date(2026, 3, 13)}
        assert "Quý I năm 2026" in items[0].instructions
        assert items[0].instructions.endswith("Hạn gửi: 13/03/2026 (Đ.20 k.1, Đ.22).")  # the units' articles alone
        assert period.article == "Đ.20 k.1, Đ.22, Đ.19 k.2"   # both days' (the page's), each clause once
        stc_item = next(i for i in items if i.unit_id == org_tree["stc"].unit_id)
        notes = s.scalars(select(Notification).where(Notification.kind == "periodic_report")).all()
        assert {n.user_id for n in notes} >= {org_tree["stc"].id, org_tree["sxd"].id}
        assert notes[0].subject == "Đề nghị gửi báo cáo Quý I năm 2026 chậm nhất ngày 13/03/2026"  # the day allowed
    engine.runtime.complete(stc_item.id, {"results": "Hoàn thành 4/6 nhiệm vụ đến hạn",
                                          "difficulties": "Chờ ý kiến Bộ", "proposals": "Gia hạn nhiệm vụ a6"},
                            org_tree["stc"])
    clock.set(datetime(2026, 3, 16, 9, 0))  # the working day after the units' due day: collection closes
    engine.runtime.run_due_timers()
    with engine.db.session() as s:
        assert _ready(s, "pr_unit_report") == []
        consolidate = _ready(s, "report_consolidate")[0]
        assert consolidate.due_at.date() == date(2026, 3, 20)
        kept = s.scalars(select(UnitReport)).all()
        assert [(r.results, r.proposals) for r in kept] == [("Hoàn thành 4/6 nhiệm vụ đến hạn", "Gia hạn nhiệm vụ a6")]
        # no timer ran from 06/03 to 16/03: the reminders missed are not sent once the due day is past
        assert s.scalars(select(Notification).where(Notification.kind.in_(
            ("periodic_report_reminder", "periodic_report_due_today")))).all() == []
    engine.runtime.complete(consolidate.id, {"summary": "Các đơn vị cơ bản hoàn thành"}, org_tree["clerk"])
    with engine.db.session() as s:
        period = s.scalar(select(PeriodicReport))
        assert period.status == "consolidated" and period.consolidated_by == org_tree["clerk"].id
        assert _ready(s, "report_review")[0].role == "leader"  # the leader reviews it
        schedule = s.get(WorkflowInstance, instance.id)
        assert schedule.status == "running"  # and already waiting for the half-year report (due 15/06)
        assert schedule.next_timer_due == datetime.fromisoformat("2026-06-08T08:00:00+07:00")
        report = build_report(s, Scope(as_of=date(2026, 3, 31), start=date(2026, 1, 1), end=date(2026, 3, 31)),
                              periodic_report_id=period.id)
    assert [x.unit_name for x in report.submissions] == ["Sở Tài chính"]
    assert report.missing_units == ["Phòng Ngân sách", "Sở Xây dựng"]
    text = "\n".join(p.text for p in Document(BytesIO(write_docx(report))).paragraphs)
    assert "Gia hạn nhiệm vụ a6" in text and "Đơn vị chưa gửi báo cáo: Phòng Ngân sách, Sở Xây dựng." in text
    sheet = load_workbook(BytesIO(write_xlsx(report)))["Báo cáo của các đơn vị"]  # the workbook says the same
    assert [row for row in sheet.iter_rows(min_row=6, values_only=True)] == [
        (1, "Sở Tài chính", datetime(2026, 3, 6), "Hoàn thành 4/6 nhiệm vụ đến hạn", "Chờ ý kiến Bộ",
         "Gia hạn nhiệm vụ a6", None),
        (2, "Phòng Ngân sách", None, "Chưa gửi báo cáo", None, None, None),
        (3, "Sở Xây dựng", None, "Chưa gửi báo cáo", None, None, None)]
    app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)
    for username, sees in (("clerk", True), ("sxd", False)):  # a unit sees only its own sub-tree's reports
        viewer = Browser(app)
        viewer.login(username)
        html = viewer.get(f"/reports/periodic/{period.id}").get_data(as_text=True)
        assert ("Gia hạn nhiệm vụ a6" in html) is sees and "Quý I năm 2026" in html
        # the due days are the last days allowed: "trước ngày 13/03" would tell the units the 12th
        assert "Đơn vị báo cáo chậm nhất ngày 13/03/2026; Văn phòng báo cáo chậm nhất ngày 20/03/2026" in html
        listing = viewer.get("/reports/periodic").get_data(as_text=True)
        assert "Quý I năm 2026" in listing and "Đã tổng hợp" in listing and "13/03/2026" in listing
        assert "Đơn vị báo cáo chậm nhất ngày</th>" in listing and "trước ngày" not in listing

    # The leader issues it on 16/03; in April its Word file is still the report of 15/03: taken as
    # of its cut-off, the units' day as written (a6, due 30/03, is not yet overdue in it), not of the
    # quarter's end.
    with engine.db.session() as s:
        review = _ready(s, "report_review")[0].id
    engine.runtime.complete(review, {"review_decision": "approve"}, org_tree["leader"])
    clock.set(datetime(2026, 4, 2, 9, 0))
    viewer = Browser(app)
    viewer.login("clerk")
    page = viewer.get(f"/reports/periodic/{period.id}").get_data(as_text=True)
    word = re.search(r'href="(/reports/export/docx\?[^"]+)"', page).group(1).replace("&amp;", "&")
    text = "\n".join(p.text for p in Document(BytesIO(viewer.get(word).data)).paragraphs)
    assert "Số liệu tính đến ngày 15/03/2026" in text and "Số: 1/BC-VP" in Document(
        BytesIO(viewer.get(word).data)).tables[0].rows[0].cells[0].text


def test_a_unit_given_its_first_task_after_the_period_opened_is_not_named_as_not_reporting(loaded, org_tree, clock):
    engine = loaded
    ids = seed(engine)
    start_schedule(engine)
    clock.set(datetime(2026, 3, 6, 9, 0))  # Q1 opens: STC, its section and SXD are asked
    engine.runtime.run_due_timers()
    with engine.db.session() as s:
        new_unit = org.create_unit(s, "SNN", "Sở Nông nghiệp", parent_code="UBND", kind="department")
        first_task = s.get(Assignment, ids["a7"])
        s.add(Assignment(directive_id=first_task.directive_id, content="Nhiệm vụ giao ngày 10/03",
                         lead_unit_id=new_unit.id, deadline=date(2026, 3, 30), assigned_on=date(2026, 3, 10),
                         progress="not_started", created_at=first_task.created_at))
    with engine.db.session() as s:
        period = s.scalar(select(PeriodicReport))
        report = build_report(s, Scope(as_of=date(2026, 3, 31), start=date(2026, 1, 1), end=date(2026, 3, 31)),
                              periodic_report_id=period.id)
    assert "Sở Nông nghiệp" in [row.extra["name"] for row in report.units]  # its task counts
    assert report.missing_units == ["Sở Tài chính", "Phòng Ngân sách", "Sở Xây dựng"]  # it was never asked


def test_units_that_have_not_reported_are_reminded_before_their_due_day_and_on_it(loaded, org_tree, clock):
    engine = loaded
    seed(engine)
    start_schedule(engine)
    clock.set(datetime(2026, 3, 6, 9, 0))  # Q1 opens; the units' report is due Fri 13/03
    engine.runtime.run_due_timers()
    with engine.db.session() as s:
        stc_item = next(i for i in _ready(s, "pr_unit_report") if i.unit_id == org_tree["stc"].unit_id)
    engine.runtime.complete(stc_item.id, {"results": "Hoàn thành"}, org_tree["stc"])

    def told(kind: str) -> set[int]:
        with engine.db.session() as s:
            return set(s.scalars(select(Notification.user_id).where(Notification.kind == kind)))

    # dak-lak [reminders] before_deadline = [3, 1]: Tue 10/03 and Thu 12/03, then the due day
    for day, kind in ((10, "periodic_report_reminder"), (13, "periodic_report_due_today")):
        clock.set(datetime(2026, 3, day - 1, 17, 0))
        engine.runtime.run_due_timers()
        assert told(kind) == set()  # not before its day
        clock.set(datetime(2026, 3, day, 9, 0))
        engine.runtime.run_due_timers()
        assert org_tree["sxd"].id in told(kind) and org_tree["stc"].id not in told(kind)  # STC has reported
    with engine.db.session() as s:
        reminders = s.scalars(select(Notification).where(Notification.kind == "periodic_report_reminder",
                                                          Notification.user_id == org_tree["sxd"].id)).all()
        assert len(reminders) == 2  # 10/03 and 12/03, the first still unread: each its own notice
        assert reminders[0].subject == "Nhắc gửi báo cáo Quý I năm 2026, hạn 13/03/2026"
    viewer = Browser(create_app(engine, SECRET_KEY="test-secret", TESTING=True))
    viewer.login("sxd")
    page = viewer.get("/notifications").get_data(as_text=True)
    assert "Nhắc hạn" in page and "Đến hạn hôm nay" in page  # badged as a task's reminder and due-day notice


def test_a_report_regenerated_later_keeps_the_reasons_given_by_its_day(loaded, org_tree, clock):
    engine = loaded
    ids = seed(engine)
    scope = Scope(as_of=date(2026, 3, 31), start=date(2026, 1, 1), end=date(2026, 3, 31))
    with engine.db.session() as s:  # STC writes on 01/04, after the report of 31/03 was issued
        s.add(ProgressUpdate(assignment_id=ids["a6"], unit_id=org.unit_by_code(s, "STC").id, progress="blocked",
                             overdue_reason="Đã có ý kiến của Bộ", note="Xin gia hạn đến 30/5",
                             created_at=datetime(2026, 4, 1, 9, 0, tzinfo=VN_TZ)))
    with engine.db.session() as s:
        a6 = next(row for row in build_report(s, scope).overdue if row.content == "Nhiệm vụ a6")
    assert (a6.reason, a6.proposal) == ("Chờ ý kiến của Bộ Tài chính", "Đề nghị UBND tỉnh cho gia hạn đến 30/4")


def test_a_report_regenerated_later_counts_the_difficulties_of_its_day(loaded, org_tree, clock):
    """a6 is blocked on 31/03; on 01/04, after the report of 31/03 was issued, STC reports it back
    in progress and a7 and a9 blocked, and the section STC passed a share of a4 to reports that
    share blocked: the report of 31/03 still counts one task meeting difficulties (it counted
    today's), the report of 01/04 three (a4 for its share, which is not counted itself)."""
    engine = loaded
    ids = seed(engine)
    scope = Scope(as_of=date(2026, 3, 31), start=date(2026, 1, 1), end=date(2026, 3, 31))
    clock.set(datetime(2026, 3, 31, 17, 0))
    with engine.db.session() as s:
        assert build_report(s, scope).total.blocked == 1
    clock.set(datetime(2026, 4, 2, 9, 0))
    with engine.db.session() as s:
        later = datetime(2026, 4, 1, 9, 0, tzinfo=VN_TZ)
        a4 = s.get_one(Assignment, ids["a4"])
        share = Assignment(directive_id=a4.directive_id, parent_id=a4.id, content="Phần a4", assigned_on=a4.assigned_on,
                           lead_unit_id=org.unit_by_code(s, "STC-NS").id, deadline_kind="open", created_at=later)
        s.add(share)
        s.flush()
        for assignment, progress in ((s.get_one(Assignment, ids["a6"]), "in_progress"), (share, "blocked"),
                                     (s.get_one(Assignment, ids["a7"]), "blocked"),
                                     (s.get_one(Assignment, ids["a9"]), "blocked")):
            assignment.progress = progress
            s.add(ProgressUpdate(assignment_id=assignment.id, unit_id=assignment.lead_unit_id, progress=progress,
                                 created_at=later))
    with engine.db.session() as s:
        assert build_report(s, scope).total.blocked == 1
        assert build_report(s, scope.at(date(2026, 4, 1))).total.blocked == 3


def test_a_unit_cannot_file_another_units_report(loaded, org_tree, clock):
    from engine.errors import Forbidden

    engine = loaded
    seed(engine)
    start_schedule(engine)
    clock.set(datetime(2026, 3, 6, 9, 0))
    engine.runtime.run_due_timers()
    with engine.db.session() as s:
        stc_item = next(i for i in _ready(s, "pr_unit_report") if i.unit_id == org_tree["stc"].unit_id)
        sxd = s.scalar(select(User).where(User.username == "sxd"))
    with pytest.raises(Forbidden):
        engine.runtime.complete(stc_item.id, {"results": "x"}, sxd)


def test_two_reports_due_the_same_day_are_both_asked_for(database_url, clock, tmp_path):
    """Đắk Lắk's year (units by 15/11) beside a monthly report due the 15th of the next month:
    October's and the year's both fall on Friday 13/11 (the 15th is a Sunday)."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    settings = processes / "dak-lak" / "ruleset.toml"
    monthly = "".join(f'\n[[report_calendar]]\nperiod = "monthly"\nsender = "{sender}"\nday = {day}\nmonth = "next"\n'
                      for sender, day in (("unit", 15), ("office", 20)))
    settings.write_text(settings.read_text(encoding="utf-8") + monthly, encoding="utf-8")
    engine = make_engine(database_url, clock, processes_dir=str(processes))
    try:
        create_org_tree(engine)
        seed(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        clock.set(datetime(2026, 10, 20, 9, 0))  # September's report (due 15/10) is past
        start_schedule(engine)
        clock.set(datetime(2026, 11, 9, 9, 0))  # five working days before Friday 13/11
        while engine.runtime.run_due_timers():
            pass
        with engine.db.session() as s:
            opened = s.scalars(select(PeriodicReport).order_by(PeriodicReport.id)).all()
            assert [(r.period, r.period_start, r.unit_due) for r in opened] == [
                ("yearly", date(2026, 1, 1), date(2026, 11, 13)), ("monthly", date(2026, 10, 1), date(2026, 11, 13))]
    finally:
        engine.close()


def test_a_ruleset_without_the_process_is_told_so(database_url, clock, tmp_path):
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    settings = processes / "dak-lak" / "ruleset.toml"
    settings.write_text("\n".join(line for line in settings.read_text(encoding="utf-8").splitlines()
                                  if not line.startswith("periodic_report =")), encoding="utf-8")
    engine = make_engine(database_url, clock, processes_dir=str(processes))
    try:
        create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
        with pytest.raises(NotFound, match="periodic_report"):
            start_schedule(engine)
    finally:
        engine.close()


def test_a_task_assigned_after_a_months_report_is_counted_in_the_next_one(database_url, clock, tmp_path):
    """Cần Thơ's monthly reports (units before the 20th, Đ.12): March's report, issued on 25/03,
    counts the tasks assigned up to 19/03; one assigned on 27/03 is April's (it fell into none
    while each report counted its calendar month), and those assigned from 20/04 are May's."""
    engine = make_engine(database_url, clock, ruleset="can-tho", tmp_path=tmp_path)
    try:
        create_org_tree(engine)
        with engine.db.session() as s:
            engine.load_ruleset(s)
            directive = Directive(ruleset="can-tho", doc_type="CV", number="7", symbol="7/UBND-VP", summary="Về việc",
                                  issuer="UBND", issued_on=date(2026, 3, 2), urgency="normal", tracked=True,
                                  status="assigned", created_at=clock.now(), extra={})
            s.add(directive)
            s.flush()
            s.add_all(Assignment(directive_id=directive.id, content=f"Nhiệm vụ {day}", assigned_on=day,
                                 lead_unit_id=org.unit_by_code(s, "STC").id, deadline=date(2026, 6, 30),
                                 created_at=clock.now())
                      for day in (date(2026, 3, 10), date(2026, 3, 27), date(2026, 4, 17), date(2026, 4, 20),
                                  date(2026, 4, 21)))
        clock.set(datetime(2026, 3, 2, 9, 0))
        start_schedule(engine)
        day = date(2026, 3, 2)
        while day <= date(2026, 4, 22):
            clock.set(datetime(day.year, day.month, day.day, 9, 0))
            while engine.runtime.run_due_timers():
                pass
            if day == date(2026, 3, 25):
                with engine.db.session() as s:
                    s.execute(update(PeriodicReport).where(PeriodicReport.period == "monthly").values(
                        status="issued", issued_on=day))
            day += timedelta(days=1)
        app = create_app(engine, SECRET_KEY="test-secret", TESTING=True)
        viewer = Browser(app)
        viewer.login("clerk")
        with engine.db.session() as s:
            months = s.scalars(select(PeriodicReport).where(PeriodicReport.period == "monthly")
                               .order_by(PeriodicReport.period_start)).all()
            assert [m.period_start.month for m in months] == [3, 4]
            for month, counted in zip(months, (1, 2), strict=True):  # 10/03; 27/03 and 17/04
                report = build_report(s, ReportQuery.from_args(report_args(month), clock.today()).scope(s, None))
                assert report.total.total == counted
        html = viewer.get(f"/reports/periodic/{months[1].id}").get_data(as_text=True)
        assert "Số liệu tính từ ngày 20/03/2026 đến ngày 19/04/2026." in html
    finally:
        engine.close()


def _older_diagram(tmp_path, older) -> tuple[Path, Path, str]:
    """The repository's processes copied, their periodic_report.bpmn made `older` (a function of its text):
    the copy's folder, the diagram's path and its current text (to publish it later)."""
    processes = tmp_path / "processes"
    shutil.copytree(REPO_ROOT / "processes", processes)
    diagram = processes / "common" / "periodic_report.bpmn"
    current = diagram.read_text(encoding="utf-8")
    diagram.write_bytes(older(current))
    return processes, diagram, current


def _quarter_one_collected(engine, clock) -> WorkflowInstance:
    """The ruleset loaded and its calendar started; quarter I opened (06/03) and its units' time over (16/03)."""
    with engine.db.session() as s:
        engine.load_ruleset(s)
    schedule = start_schedule(engine)
    for day in (6, 16):
        clock.set(datetime(2026, 3, day, 9, 0))
        engine.runtime.run_due_timers()
    return schedule


def _without_reminders(diagram: str) -> bytes:
    """periodic_report.bpmn before the units' reminders (the parallel branch from pr_fork)."""
    tree = etree.fromstring(diagram.encode("utf-8"))
    for node in list(tree.iter()):
        if (node.get("id") or "").startswith(("pr_notice", "pr_notify", "pr_flow_notice", "pr_flow_notif")) or (
                node.tag == f"{BPMN}outgoing" and node.text == "pr_flow_notices"):
            node.getparent().remove(node)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def test_a_published_version_takes_over_the_running_calendar_between_two_periods(database_url, clock, tmp_path,
                                                                                monkeypatch):
    """The calendar runs a version without the units' reminders; a version with them is published
    (`dondoc ruleset load`) while quarter I is being reported on: the calendar finishes quarter I
    as it is (SpiffWorkflow's migration refuses it: its loop has passed the changed fork), and once
    that report is issued the scheduler's next tick moves it. The half-year's units are reminded;
    no report is asked for twice or skipped."""
    processes, diagram, current = _older_diagram(tmp_path, _without_reminders)
    engine = make_engine(database_url, clock, processes_dir=str(processes))
    try:
        users = create_org_tree(engine)
        seed(engine)
        old = _quarter_one_collected(engine, clock)
        diagram.write_text(current, encoding="utf-8")
        with engine.db.session() as s:
            new_version = engine.load_ruleset(s).id
        assert ensure_schedule(engine).id == old.id  # quarter I is not issued yet: it goes on as it is
        assert not migrate_instances(engine, [old.id], new_version, None, dry_run=True)[0].ok
        with engine.db.session() as s:
            consolidate = _ready(s, "report_consolidate")[0].id
        engine.runtime.complete(consolidate, {"summary": "Tốt"}, users["clerk"])
        with engine.db.session() as s:
            review = _ready(s, "report_review")[0].id
        engine.runtime.complete(review, {"review_decision": "approve"}, users["leader"])
        assert tick(engine).schedule_moved
        with engine.db.session() as s:
            moved = running_schedule(s, "dak-lak")
            assert s.get_one(WorkflowInstance, old.id).status not in LIVE_STATUSES
            assert (moved.bundle_id, moved.next_timer_due) == (new_version, datetime(2026, 6, 8, 8, 0, tzinfo=VN_TZ))
        assert not tick(engine).schedule_moved
        # A second scheduler that read the calendar before this one moved it ends nothing and starts none.
        with monkeypatch.context() as stale:
            stale.setattr(report_service, "running_schedule", lambda s, _ruleset: s.get(WorkflowInstance, old.id))
            assert move_schedule(engine) is None
        with engine.db.session() as s:
            assert s.scalar(select(func.count()).select_from(WorkflowInstance).where(
                WorkflowInstance.purpose == PURPOSE, WorkflowInstance.status.in_(LIVE_STATUSES))) == 1
        assert f"purpose = '{PURPOSE}'" == SCHEDULES  # the tick finds it through ix_instances_schedules
        day = date(2026, 6, 8)
        while day <= date(2026, 6, 15):
            clock.set(datetime(day.year, day.month, day.day, 9, 0))
            tick(engine)
            day += timedelta(days=1)
        with engine.db.session() as s:
            asked = s.scalars(select(PeriodicReport).order_by(PeriodicReport.unit_due)).all()
            assert [(r.period, r.instance_id) for r in asked] == [("quarterly", old.id), ("half_yearly", moved.id)]
            reminded = s.scalars(select(Notification.subject).where(
                Notification.kind == "periodic_report_reminder", Notification.user_id == users["sxd"].id)).all()
            assert reminded and all("6 tháng đầu năm 2026" in subject for subject in reminded)
    finally:
        engine.close()


def test_a_deployment_switched_to_another_ruleset_runs_that_rulesets_calendar(database_url, clock, tmp_path):
    """DONDOC_RULESET dak-lak → can-tho on a live database: Cần Thơ's calendar (monthly reports,
    Đ.12) replaces Đắk Lắk's, which would have gone on asking for reports on its own days; not
    while a report Đắk Lắk's calendar asked for is still being collected, and none it asked for again."""
    dak_lak = make_engine(database_url, clock, tmp_path=tmp_path)
    can_tho = make_engine(database_url, clock, ruleset="can-tho", tmp_path=tmp_path)
    try:
        create_org_tree(dak_lak)
        with dak_lak.db.session() as s:
            dak_lak.load_ruleset(s)
            can_tho.load_ruleset(s)
        before = start_schedule(dak_lak)
        clock.set(datetime(2026, 3, 6, 9, 0))  # Đắk Lắk opens quarter I (units by 13/03)
        dak_lak.runtime.run_due_timers()
        with pytest.raises(ScheduleError, match="Quý I năm 2026"):
            start_schedule(can_tho)
        with can_tho.db.session() as s:
            s.execute(update(PeriodicReport).values(status="issued"))  # the office issued it
        after = start_schedule(can_tho)
        with can_tho.db.session() as s:
            assert s.get(WorkflowInstance, before.id).status not in LIVE_STATUSES
            assert running_schedule(s, "dak-lak") is None and running_schedule(s, "can-tho").id == after.id
            assert s.get(ProcessBundle, s.get(WorkflowInstance, after.id).bundle_id).ruleset == "can-tho"
        clock.set(datetime(2026, 3, 12, 9, 0))  # Cần Thơ's March report (units before the 20th), not quarter I again
        can_tho.runtime.run_due_timers()
        with can_tho.db.session() as s:
            opened = s.scalars(select(PeriodicReport).where(PeriodicReport.ruleset == "can-tho")).all()
            assert [(r.period, r.unit_due) for r in opened] == [("monthly", date(2026, 3, 19))]
    finally:
        can_tho.close()
        dak_lak.close()


def test_a_deployment_switched_to_a_ruleset_without_a_calendar_ends_the_one_before(database_url, clock, tmp_path):
    """DONDOC_RULESET dak-lak → a ruleset whose regulation sets no report days (the test ruleset
    `mini`): its load (ensure_schedule, as `dondoc ruleset load`) left Đắk Lắk's calendar asking the
    units for reports on its days for ever, and the servers then refused to start."""
    dak_lak = make_engine(database_url, clock, tmp_path=tmp_path)
    mini = make_engine(database_url, clock, ruleset="mini", tmp_path=tmp_path,
                       processes_dir=str(FIXTURE_PROCESSES))
    try:
        create_org_tree(dak_lak)
        with dak_lak.db.session() as s:
            dak_lak.load_ruleset(s)
            mini.load_ruleset(s)
        before = start_schedule(dak_lak)
        assert ensure_schedule(mini) is None
        with mini.db.session() as s:
            assert s.get(WorkflowInstance, before.id).status not in LIVE_STATUSES
            assert report_service.other_rulesets_calendar(s, "mini") is None
    finally:
        mini.close()
        dak_lak.close()


SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def _before_bodies(diagram: str) -> bytes:
    """periodic_report.bpmn before each body had its report: periodic_report.open, then the period's one
    collection and office's report (no multi-instance sub-process over the bodies)."""
    tree = etree.fromstring(diagram.encode("utf-8"))
    process = tree.find(f"{BPMN}process")
    bodies = process.find(f"{BPMN}subProcess[@id='pr_bodies']")
    for node_id in ("pr_collect", "pr_office_report", "pr_flow_collected"):
        process.append(bodies.find(f"*[@id='{node_id}']"))
    process.find(f"*[@id='pr_collect']/{BPMN}incoming").text = "pr_flow_collect"
    process.find(f"*[@id='pr_office_report']/{BPMN}outgoing").text = "pr_flow_done"
    process.find("*[@id='pr_flow_collect']").set("targetRef", "pr_collect")
    process.find("*[@id='pr_flow_done']").set("sourceRef", "pr_office_report")
    process.remove(bodies)
    operator = tree.find(f".//{SPIFF}serviceTaskOperator[@id='periodic_report.open_bodies']")
    operator.set("id", "periodic_report.open")
    operator.set("resultVariable", "reporting_units")
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _commune_with_a_directive(engine) -> None:
    """Commune xa-a, an issuing body, gave its section a task of its own directive (due 31/07/2026)."""
    with engine.db.session() as s:
        commune = org.create_unit(s, "xa-a", "UBND xã An Phú", parent_code="UBND", kind="commune")
        org.mark_issuing_body(s, "xa-a", True)
        section = org.create_unit(s, "xa-a-kt", "Phòng Kinh tế xã An Phú", parent_code="xa-a", kind="section")
        directive = Directive(ruleset="dak-lak", doc_type="CV", number="5", symbol="5/UBND-XA", summary="Việc của xã",
                              issuer="UBND xã An Phú", issued_on=date(2026, 2, 12), urgency="normal", tracked=True,
                              status="assigned", created_at=datetime(2026, 2, 12, 9, tzinfo=VN_TZ), extra={},
                              issuing_body_id=commune.id)
        s.add(directive)
        s.flush()
        s.add(Assignment(directive_id=directive.id, content="Làm đường", lead_unit_id=section.id,
                         deadline=date(2026, 7, 31), assigned_on=date(2026, 2, 12), progress="not_started",
                         created_at=directive.created_at))


def _opened(engine) -> dict[tuple[str, str | None], list[str] | None]:
    """(period, body code) of each report opened: the units it asked."""
    with engine.db.session() as s:
        return {(row.period, s.get_one(Unit, row.body_id).code if row.body_id else None): row.asked_units
                for row in s.scalars(select(PeriodicReport))}


def test_a_calendar_on_the_diagram_before_bodies_asks_the_province_s_report_until_it_moves(database_url, clock,
                                                                                           tmp_path):
    """A calendar started before each body had its report (periodic_report.open) goes on asking for the
    province's report alone; once that report is issued, the version `dondoc ruleset load` published takes
    over, and the next period opens the commune's report beside the province's."""
    processes, diagram, current = _older_diagram(tmp_path, _before_bodies)
    engine = make_engine(database_url, clock, processes_dir=str(processes))
    try:
        users = create_org_tree(engine)
        seed(engine)
        _commune_with_a_directive(engine)
        _quarter_one_collected(engine, clock)
        assert _opened(engine) == {("quarterly", None): ["STC", "STC-NS", "SXD"]}  # the commune's: none
        diagram.write_text(current, encoding="utf-8")
        with engine.db.session() as s:
            engine.load_ruleset(s)
        for element, who, data in (("report_consolidate", "clerk", {"summary": "Tốt"}),
                                   ("report_review", "leader", {"review_decision": "approve"})):
            with engine.db.session() as s:
                item = _ready(s, element)[0].id
            engine.runtime.complete(item, data, users[who])
        assert tick(engine).schedule_moved
        clock.set(datetime(2026, 6, 8, 9, 0))  # the half-year opens on the new version
        tick(engine)
        province = ["STC", "STC-NS", "SXD"]
        assert _opened(engine) == {("quarterly", None): province, ("half_yearly", None): province,
                                   ("half_yearly", "xa-a"): ["xa-a-kt"]}
    finally:
        engine.close()


def test_a_commune_merged_away_reports_only_on_the_periods_it_was_in_force_at_the_end_of(loaded, org_tree):
    """Commune xa-a, its task in hand all year, is merged into xa-m from 01/05/2026 (`valid_to`, a successor):
    it reports on the first quarter; not on the second, which it ended in (its committee no longer issues
    papers when the report is made), nor on any period after: xa-m's office reports on its task from then,
    asking the same section (permissions.carried_bodies)."""
    _commune_with_a_directive(loaded)
    with loaded.db.session() as s:
        org.create_unit(s, "xa-m", "UBND xã Hợp Nhất", parent_code="UBND", kind="commune")
        org.mark_issuing_body(s, "xa-m", True)
        org.retire_unit(s, "xa-a", date(2026, 5, 1), "xa-m")
    with loaded.db.session() as s:
        def bodies(start: date, end: date) -> list[str | None]:
            return [body.code if body else None for body, _units in reporting_bodies(s, start, end)]
        assert bodies(date(2026, 1, 1), date(2026, 3, 31)) == [None, "xa-a"]
        assert bodies(date(2026, 4, 1), date(2026, 6, 30)) == [None, "xa-m"]
        assert bodies(date(2026, 7, 1), date(2026, 9, 30)) == [None, "xa-m"]
        assert [unit.code for unit in reporting_bodies(s, date(2026, 4, 1), date(2026, 6, 30))[1][1]] == ["xa-a-kt"]
