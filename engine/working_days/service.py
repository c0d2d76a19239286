"""Admin corrections to the calendar. The change, the deadlines it moves in the domain tables
(assignments, inspection reports, explanation requests: each row keeps the working-day rule
that produced its date) and their audit entries commit together; then every open working-day
deadline of the running workflows, and the timers waiting on them, are recomputed instance by
instance (see Runtime.refresh_deadlines for the consistency trade-off)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.directives.models import Assignment, ExplanationRequest
from engine.inspections.models import Inspection
from engine.working_days import WorkingCalendar
from engine.working_days.models import CalendarOverride, CalendarRevision


def set_override(engine, day: date, working: bool, note: str = "", *, actor=None, refresh: bool = True) -> int | None:
    """Mark `day` as worked or not. With `refresh`, recompute the running workflows' deadlines
    now and return how many changed; without, leave that to the scheduler's next tick (a web
    request must not wait for thousands of workflows) and return None."""
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
        _recompute_stored_deadlines(session, day, actor)
    return refresh_workflows(engine, actor) if refresh else None


def remove_override(engine, day: date, *, actor=None, refresh: bool = True) -> int | None:
    with engine.db.session() as session:
        row = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
        if row is None:
            return 0 if refresh else None
        audit.record(session, "calendar.changed", "calendar_day", day.isoformat(), actor=actor,
                     before={"working": row.working, "note": row.note}, after=None)
        session.delete(row)
        session.flush()
        _recompute_stored_deadlines(session, day, actor)
    return refresh_workflows(engine, actor) if refresh else None


def refresh_pending(engine) -> bool:
    """Whether a calendar change has not yet reached every running workflow."""
    revision, refreshed = _revisions(engine)
    return refreshed < revision


def refresh_workflows(engine, actor=None, only_if_pending: bool = False) -> int | None:
    """Recompute the running workflows' working-day deadlines (Runtime.refresh_deadlines) and
    note the calendar revision they now follow. `only_if_pending` (the scheduler): do nothing,
    and return None, when they already follow the current one."""
    target, refreshed = _revisions(engine)
    if only_if_pending and refreshed >= target:
        return None
    changed = engine.runtime.refresh_deadlines(actor)
    with engine.db.session() as session:  # a correction saved meanwhile stays pending
        session.execute(update(CalendarRevision).where(CalendarRevision.id == 1, CalendarRevision.refreshed < target)
                        .values(refreshed=target))
    return changed


def _revisions(engine) -> tuple[int, int]:
    """(the calendar's revision, the revision the running workflows follow); (0, 0) before any
    correction."""
    with engine.db.session() as session:
        row = session.get(CalendarRevision, 1)
        return (row.revision, row.refreshed) if row else (0, 0)


@dataclass(frozen=True)
class StoredDeadline:
    """A table column holding a date counted in working days, beside the rule it came from."""

    model: type
    date: str          # the Date column
    rule: str          # the JSON column {"start", "working_days", ...}
    is_open: tuple     # WHERE criteria: only deadlines still running can move
    action: str        # audit action
    object_type: str


STORED_DEADLINES = (
    StoredDeadline(Assignment, "deadline", "deadline_rule", (Assignment.status.in_(("open", "returned")),),
                   "assignment.deadline_recomputed", "assignment"),
    StoredDeadline(Inspection, "report_due", "report_due_rule", (Inspection.status == "reporting",),
                   "inspection.report_due_recomputed", "inspection"),
    StoredDeadline(ExplanationRequest, "due_on", "due_rule", (ExplanationRequest.status == "pending",),
                   "explanation.due_recomputed", "explanation_request"),
)


def _recompute_stored_deadlines(session: Session, day: date, actor) -> None:
    """Open deadlines whose rule spans `day`. A deadline before `day` cannot move: counting
    working days from its start never reached `day`, whatever `day` now is."""
    calendar = WorkingCalendar.from_db(session)
    for kind in STORED_DEADLINES:
        column, rule_column = getattr(kind.model, kind.date), getattr(kind.model, kind.rule)
        for row in session.scalars(select(kind.model).where(rule_column.is_not(None), column >= day, *kind.is_open)):
            rule = getattr(row, kind.rule)
            if not {"start", "working_days"} <= rule.keys():
                continue
            fresh = calendar.add_working_days(date.fromisoformat(rule["start"]), int(rule["working_days"]))
            old = getattr(row, kind.date)
            if fresh == old:
                continue
            assignment_id = row.id if kind.model is Assignment else getattr(row, "assignment_id", None)
            audit.record(session, kind.action, kind.object_type, row.id, actor=actor,
                         before={kind.date: old.isoformat()}, after={kind.date: fresh.isoformat()},
                         directive_id=getattr(row, "directive_id", None), assignment_id=assignment_id)
            setattr(row, kind.date, fresh)
            setattr(row, kind.rule, {**rule, "date": fresh.isoformat()})
