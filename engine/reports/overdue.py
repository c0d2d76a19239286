"""Assignments past their deadline and not done, with what their units last said: the
reason for the delay and their proposal (Đắk Lắk Đ.20 k.2, Cần Thơ Đ.11 k.2: a unit must
report in writing why a task due is not done and propose how to handle it). The reason is the
latest the lead unit gave (a coordinating unit's part is not the task's report): with a
progress update, or in answer to the office's request for an explanation (yêu cầu giải
trình), whichever came last by the end of the report's day; the proposal likewise (the note
of the update, or the proposal given with the explanation)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from engine.directives.models import Assignment, Directive, ExplanationRequest, ExplanationStatus, ProgressUpdate
from engine.org.models import Unit
from engine.outcomes import Outcome, lead_report_by, outcome_is, owes_first_report, said_by
from engine.reports.counts import Scope, scope_conditions
from engine.working_days import WorkingCalendar


@dataclass
class OverdueAssignment:
    assignment_id: int
    symbol: str
    directive_id: int
    summary: str
    content: str
    unit_code: str
    unit_name: str
    deadline: date
    original_deadline: date | None
    ends_on: date           # the deadline's end: the deadline, or when a day off the next working day
    days_late: int          # working days past the deadline's end
    progress: str
    reason: str | None      # lý do chậm
    proposal: str | None    # đề xuất, kiến nghị (the note of the latest update)

    @property
    def extended_from(self) -> date | None:
        """The deadline before an approved extension; None when it never moved (registration
        records the deadline as the original too)."""
        return self.original_deadline if self.original_deadline != self.deadline else None

    @property
    def ends_later(self) -> date | None:
        """The working day a deadline on a day off runs to (Bộ luật Dân sự 2015, Đ.148 k.5), shown
        beside the deadline as written ("tính đến …"); None for a deadline on a working day."""
        return self.ends_on if self.ends_on != self.deadline else None

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        for key in ("deadline", "original_deadline", "ends_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def overdue_assignments(session: Session, scope: Scope, limit: int | None = 50) -> list[OverdueAssignment]:
    """Most overdue first (earliest deadline); only those `scope.shown` lets the list name."""
    a = Assignment
    # the words given by the end of the as-of day: a report issued on it reads the same regenerated later
    latest = lead_report_by(scope.as_of)
    e = ExplanationRequest
    explained = (select(func.max(e.id)).where(e.assignment_id == a.id, e.status == ExplanationStatus.ANSWERED,
                                              e.answered_at < said_by(scope.as_of))
                 .correlate(a).scalar_subquery())
    query = (
        select(a.id, a.content, a.deadline, a.original_deadline, a.progress, a.directive_id, Directive.symbol,
               Directive.summary,
               Unit.code, Unit.name, ProgressUpdate.overdue_reason, ProgressUpdate.note, ProgressUpdate.created_at,
               e.answer, e.proposal.label("explained_proposal"), e.answered_at)
        .join(Directive, Directive.id == a.directive_id)
        .outerjoin(Unit, Unit.id == a.lead_unit_id)
        .outerjoin(ProgressUpdate, ProgressUpdate.id == latest)
        .outerjoin(e, e.id == explained)
        .where(*_listed(session, scope))
        .order_by(a.deadline, a.id)
        .limit(limit)
    )
    found = session.execute(query).all()  # plain columns: a yearly list has thousands of rows
    calendar = WorkingCalendar.from_db(session)
    late = _days_late_counter(calendar, scope.as_of, min((row.deadline for row in found), default=scope.as_of))
    return [OverdueAssignment(
        assignment_id=row.id, symbol=row.symbol, directive_id=row.directive_id, summary=row.summary,
        content=row.content,
        unit_code=row.code or "", unit_name=row.name or "", deadline=row.deadline,
        original_deadline=row.original_deadline, ends_on=(ends := calendar.effective_deadline(row.deadline)),
        days_late=late[ends],
        progress=row.progress,
        reason=row.answer if _explained_last(row) else row.overdue_reason,
        proposal=(row.explained_proposal or row.note) if _explained_last(row) else row.note)
        for row in found]


def count_overdue(session: Session, scope: Scope) -> int:
    """How many assignments `overdue_assignments` lists without a limit."""
    return session.scalar(select(func.count(Assignment.id)).where(*_listed(session, scope))) or 0


def _listed(session: Session, scope: Scope) -> list:
    """Overdue as of the scope's day, among those its list may name."""
    return [*scope_conditions(scope), outcome_is(Outcome.OVERDUE, scope.as_of, WorkingCalendar.lazily_from_db(session)),
            true() if scope.shown is None else scope.shown]


def _explained_last(row) -> bool:
    """The explanation's answer stands when it came after the latest update, or that update gave no reason."""
    return bool(row.answer) and (not row.overdue_reason or row.created_at is None
                                 or row.answered_at > row.created_at)


def _days_late_counter(calendar: WorkingCalendar, as_of: date, earliest: date) -> dict[date, int]:
    """{deadline: working days in (deadline, as_of]} for every day from `earliest`, walked
    once (thousands of overdue rows share a few hundred deadlines)."""
    counts, count, day = {}, 0, as_of
    while day >= earliest:
        counts[day] = count
        count += calendar.is_working_day(day)
        day -= timedelta(days=1)
    return counts


@dataclass
class LateFirstReport:
    """An assignment whose lead unit is late on its first progress report (chậm báo cáo lần đầu)."""

    assignment_id: int
    symbol: str
    directive_id: int
    content: str
    unit_name: str
    due: date        # the day the first report was due
    days_late: int   # working days past it


def late_first_reports(session: Session, scope: Scope, limit: int | None = 50) -> list[LateFirstReport]:
    """The assignments late on their first report as of the scope's day (engine.outcomes.first_report_late:
    today's only), the longest owed first; only those `scope.shown` lets the list name."""
    a = Assignment
    found = session.execute(
        select(a.id, a.content, a.first_update_due, a.directive_id, Directive.symbol, Unit.name)
        .join(Directive, Directive.id == a.directive_id).outerjoin(Unit, Unit.id == a.lead_unit_id)
        .where(*_late_first(scope)).order_by(a.first_update_due, a.id).limit(limit)).all()
    late = _days_late_counter(WorkingCalendar.from_db(session), scope.as_of,
                              min((row.first_update_due for row in found), default=scope.as_of))
    return [LateFirstReport(assignment_id=row.id, symbol=row.symbol, directive_id=row.directive_id,
                            content=row.content, unit_name=row.name or "", due=row.first_update_due,
                            days_late=late[row.first_update_due]) for row in found]


def _late_first(scope: Scope) -> list:
    return [*scope_conditions(scope), owes_first_report(scope.as_of), true() if scope.shown is None else scope.shown]
