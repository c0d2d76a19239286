"""Outcome buckets (kết quả thực hiện) and the colour each is shown in.

green  done on time   (hoàn thành đúng hạn)
orange done late      (hoàn thành quá hạn)
red    overdue        (quá hạn, chưa hoàn thành)
blue   in progress within the deadline (đang thực hiện trong hạn)
grey   not started    (chưa thực hiện)
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, or_
from sqlalchemy.sql.elements import ColumnElement

from engine.directives.models import Assignment

OUTCOMES = ("done_on_time", "in_progress", "done_late", "overdue", "not_started")
COLOURS = {"done_on_time": "green", "in_progress": "blue", "done_late": "orange", "overdue": "red",
           "not_started": "grey"}


def _is_done(assignment: Assignment) -> bool:
    return assignment.progress == "done" or assignment.status == "closed"


def assignment_outcome(assignment: Assignment, today: date) -> str:
    deadline = assignment.deadline
    if _is_done(assignment):
        finished = assignment.completed_on or assignment.closed_on or today
        return "done_late" if deadline and finished > deadline else "done_on_time"
    if deadline and deadline < today:
        return "overdue"
    return "not_started" if assignment.progress == "not_started" else "in_progress"


def due_outcome(due_at: datetime | None, completed_at: datetime | None, now: datetime) -> str:
    """The outcome of a work item from its due moment alone."""
    if completed_at is not None:
        return "done_late" if due_at and completed_at > due_at else "done_on_time"
    if due_at and due_at < now:
        return "overdue"
    return "in_progress" if due_at else "not_started"


def outcome_clause(outcome: str, today: date) -> ColumnElement[bool]:
    """The SQL condition selecting assignments in `outcome` (same rules as assignment_outcome)."""
    a = Assignment
    done = or_(a.progress == "done", a.status == "closed")
    late = and_(a.deadline.is_not(None), func.coalesce(a.completed_on, a.closed_on, today) > a.deadline)
    overdue = and_(a.deadline.is_not(None), a.deadline < today)
    clauses = {
        "done_on_time": and_(done, ~late),
        "done_late": and_(done, late),
        "overdue": and_(~done, overdue),
        "not_started": and_(~done, ~overdue, a.progress == "not_started"),
        "in_progress": and_(~done, ~overdue, a.progress != "not_started"),
    }
    return clauses[outcome]
