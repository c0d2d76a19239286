"""Admin corrections to the calendar. The change, the deadlines it moves in the tables the
features registered (engine.working_days.deadline.StoredDeadline: assignments, inspection
reports, explanation requests; each row keeps the working-day rule that produced its date) and
their audit entries commit together; then every open working-day deadline of the running
workflows, and the timers waiting on them, are recomputed instance by instance (see
Runtime.refresh_deadlines for the consistency trade-off)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.db import lock_name
from engine.errors import EngineError
from engine.working_days import YEARS, WorkingCalendar
from engine.working_days.deadline import stored_deadlines
from engine.working_days.models import CalendarOverride, CalendarRevision


def set_override(engine, day: date, working: bool, note: str = "", *, actor=None, refresh: bool = True) -> int | None:
    """Mark `day` as worked or not. With `refresh`, recompute the running workflows' deadlines
    now and return how many changed; without, leave that to the scheduler's next tick (a web
    request must not wait for thousands of workflows) and return None."""
    if day.year not in YEARS:  # outside them the admin's page could neither show nor remove it
        raise EngineError("Day: the calendar holds the years %(first)s to %(last)s.", first=YEARS.start,
                          last=YEARS.stop - 1)
    with engine.db.session() as session:
        lock_name(session, f"calendar_day:{day}")  # a double-click stores the day once
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


def _recompute_stored_deadlines(session: Session, day: date, actor) -> None:
    """Open deadlines on or after `day`, of every registered kind. A deadline before `day`
    cannot move: counting working days from its start never reached `day`, whatever `day` now
    is. A plain date stays put."""
    calendar = WorkingCalendar.from_db(session)
    for kind in stored_deadlines():
        column = getattr(kind.model, kind.date_column)
        for row in session.scalars(select(kind.model).where(column >= day, *kind.is_open)).all():
            old = kind.read(row)
            if old is None:  # none: the query's `column >= day` leaves no row without a date
                continue
            fresh = old.recomputed(calendar)
            if fresh == old:
                continue
            audit.record(session, kind.action, kind.object_type, row.id, actor=actor,
                         before={kind.date_column: old.date.isoformat()},
                         after={kind.date_column: fresh.date.isoformat()}, **kind.audit_context(row))
            kind.write(row, fresh)
