"""The registry as of a past day says what was known that day in every column of a row, on the
page and in the Excel export alike: the outcome, the progress, the completion day and the lead
unit's latest report, none of them today's (31/03/2026) beside that day's."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.directives.models import Assignment, Directive, ProgressUpdate
from engine.org import service as org
from engine.org.models import User
from engine.outcomes import Outcome
from engine.registry import service as registry
from engine.reports.query import BadReportQuery, ReportQuery
from tests.reports.test_web import signed_in
from webui.app import create_app
from webui.assignments.export import TITLE_ROWS

CONTENT = "Rà soát hồ sơ chốt số liệu"
# reported in progress on 10/02, a coordinating unit's part on 20/02, done on 12/03
REPORTS = ((datetime(2026, 2, 10, 3, 0, tzinfo=UTC), "STC", "in_progress", "Đã triển khai bước một"),
           (datetime(2026, 2, 20, 3, 0, tzinfo=UTC), "SXD", "done", "Sở Xây dựng đã gửi ý kiến phối hợp"),
           (datetime(2026, 3, 12, 3, 0, tzinfo=UTC), "STC", "done", "Đã hoàn thành toàn bộ"))


@pytest.fixture(scope="module")
def app(seeded):
    with seeded.engine.db.session() as session:
        directive = session.scalar(select(Directive).where(Directive.symbol == "12/UBND-VP"))
        stc = org.unit_by_code(session, "STC")
        task = Assignment(directive_id=directive.id, content=CONTENT, lead_unit_id=stc.id, deadline=date(2026, 3, 20),
                          assigned_on=date(2026, 1, 5), completed_on=date(2026, 3, 12), progress="done",
                          created_at=datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
        session.add(task)
        session.flush()
        session.add_all(ProgressUpdate(assignment_id=task.id, unit_id=org.unit_by_code(session, unit).id,
                                       progress=progress, note=note, created_at=at)
                        for at, unit, progress, note in REPORTS)
    return create_app(seeded.engine, SECRET_KEY="test-secret", TESTING=True)


def _query(session, as_of: str, **args) -> registry.AssignmentQuery:
    user = session.scalar(select(User).where(User.username == "chanhvp"))
    report = ReportQuery.from_args({"period": "2026-Q1", "as_of": as_of}, date(2026, 3, 31))
    return registry.AssignmentQuery(report=report.scope(session, user), text=CONTENT, **args), user


@pytest.mark.parametrize(("as_of", "outcome", "progress", "completed", "latest"), [
    ("2026-02-05", Outcome.NOT_STARTED, "not_started", None, ""),
    ("2026-02-28", Outcome.IN_PROGRESS, "in_progress", None, "Đã triển khai bước một"),
    ("2026-03-12", Outcome.DONE_ON_TIME, "done", date(2026, 3, 12), "Đã hoàn thành toàn bộ"),
])
def test_a_row_as_of_a_past_day_is_what_was_known_that_day(app, seeded, as_of, outcome, progress, completed, latest):
    with seeded.engine.db.reading() as session:
        q, user = _query(session, as_of)
        (row,) = registry.search(session, user, q).rows
        (exported,) = registry.export_rows(session, user, q)
    for found in (row, exported):
        assert (found.outcome, found.progress, found.completed_on) == (outcome, progress, completed)
    assert exported.latest_report == latest


def test_the_not_started_tab_as_of_a_past_day_counts_what_had_not_started_then(app, seeded):
    with seeded.engine.db.reading() as session:
        q, user = _query(session, "2026-02-05", outcome=Outcome.NOT_STARTED)
        page = registry.search(session, user, q)
        later = registry.search(session, user, _query(session, "2026-02-28", outcome=Outcome.NOT_STARTED)[0])
    assert [r.assignment.content for r in page.rows] == [CONTENT] and page.counts[Outcome.NOT_STARTED] == 1
    assert later.rows == [] and later.counts[Outcome.NOT_STARTED] == 0


def test_the_page_and_the_export_as_of_a_past_day_show_that_days_row(app):
    browser = signed_in(app, "chanhvp")
    args = f"period=2026-Q1&as_of=2026-02-28&text={CONTENT}"
    page = browser.get(f"/assignments?{args}").get_data(as_text=True)
    (row,) = re.findall(r"<tr>\s*<td><span class=\"badge.*?</tr>", page, re.S)
    assert "Đang thực hiện trong hạn" in row and re.search(r"<td>Đang thực hiện</td>", row), row
    assert "Đã hoàn thành" not in row
    sheet = load_workbook(BytesIO(browser.get(f"/assignments/export.xlsx?{args}").data)).active
    header = [cell.value for cell in sheet[TITLE_ROWS + 1]]
    values = dict(zip(header, (cell.value for cell in sheet[TITLE_ROWS + 2]), strict=True))
    assert values["Nhiệm vụ"] == CONTENT
    assert (values["Kết quả"], values["Tình hình thực hiện"]) == ("Đang thực hiện trong hạn", "Đang thực hiện")
    assert values["Ngày hoàn thành"] is None
    assert values["Báo cáo gần nhất"] == "Đã triển khai bước một"


def test_an_unknown_period_is_refused_with_examples_of_this_year():
    """The examples were 2026's whatever the year: a clerk of 2027 was shown last year's periods to copy."""
    with pytest.raises(BadReportQuery) as refused:
        ReportQuery.from_args({"period": "Quý 5"}, date(2027, 3, 1))
    assert str(refused.value) == \
        "Unknown period 'Quý 5': use 2027, 2027-H1, 2027-Q2 or 2027-03."
