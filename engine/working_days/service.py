"""Admin corrections to the calendar. The change, the assignment deadlines it moves and
their audit entries commit together; then every open working-day deadline of the running
workflows, and the timers waiting on them, are recomputed instance by instance (see
Runtime.refresh_deadlines for the consistency trade-off)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.directives.models import Assignment
from engine.working_days import WorkingCalendar
from engine.working_days.models import CalendarOverride


def set_override(engine, day: date, working: bool, note: str = "", *, actor=None) -> int:
    """Mark `day` as worked or not; returns how many workflows had deadlines recomputed."""
    with engine.db.session() as session:
        row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
        before = {"working": row.working, "note": row.note} if row else None
        if row is None:
            row = CalendarOverride(day=day, created_at=clock.now(), created_by=getattr(actor, "id", None))
            session.add(row)
        row.working, row.note = working, note
        session.flush()
        audit.record(session, "calendar.changed", "calendar_day", day.isoformat(), actor=actor, before=before,
                     after={"working": working, "note": note})
        _recompute_assignment_deadlines(session, day, actor)
    return engine.runtime.refresh_deadlines(actor)


def remove_override(engine, day: date, *, actor=None) -> int:
    with engine.db.session() as session:
        row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
        if row is None:
            return 0
        audit.record(session, "calendar.changed", "calendar_day", day.isoformat(), actor=actor,
                     before={"working": row.working, "note": row.note}, after=None)
        session.delete(row)
        session.flush()
        _recompute_assignment_deadlines(session, day, actor)
    return engine.runtime.refresh_deadlines(actor)


def _recompute_assignment_deadlines(session: Session, day: date, actor) -> None:
    """Open assignments whose deadline rule spans `day`. A deadline before `day` cannot move:
    counting working days from its start never reached `day`, whatever `day` now is."""
    calendar = WorkingCalendar.from_db(session)
    open_with_rule = select(Assignment).where(Assignment.deadline_rule.is_not(None), Assignment.deadline >= day,
                                              Assignment.status.in_(("open", "returned")))
    for assignment in session.scalars(open_with_rule):
        rule = assignment.deadline_rule
        fresh = calendar.add_working_days(date.fromisoformat(rule["start"]), int(rule["working_days"]))
        if fresh != assignment.deadline:
            audit.record(session, "assignment.deadline_recomputed", "assignment", assignment.id, actor=actor,
                         before={"deadline": assignment.deadline.isoformat()},
                         after={"deadline": fresh.isoformat()}, directive_id=assignment.directive_id,
                         assignment_id=assignment.id)
            assignment.deadline = fresh
            assignment.deadline_rule = {**rule, "date": fresh.isoformat()}
