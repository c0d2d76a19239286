"""Functions BPMN scripts, conditions and timers may call. Dates travel as ISO strings so
that task data stays plain JSON.

A deadline computed in working days is a dict `{"date", "start", "working_days"}` (see
`working_deadline`; engine.working_days.deadline.Deadline reads and writes it): it carries the
rule that produced it, so that when an admin corrects the calendar, open deadlines and the
timers waiting on them are recomputed.
"""
from __future__ import annotations

import contextvars
from datetime import date, datetime, time, timedelta

from engine import clock
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import Deadline

# The calendar of the step being run; the runtime sets it, tests may too.
current_calendar: contextvars.ContextVar[WorkingCalendar | None] = contextvars.ContextVar(
    "current_calendar", default=None
)
# The settings of the ruleset version the step runs on (ruleset.toml).
current_settings: contextvars.ContextVar[dict | None] = contextvars.ContextVar("current_settings", default=None)
OFFICE_OPENS = time(8, 0)
OFFICE_CLOSES = time(17, 0)


def setting(path: str, default=None):
    """A value from the ruleset's settings, e.g. setting("deadlines.registration")."""
    from engine.rulesets.settings import get_path

    return get_path(current_settings.get() or {}, path, default)


def _calendar() -> WorkingCalendar:
    cal = current_calendar.get()
    if cal is None:
        cal = WorkingCalendar()
        current_calendar.set(cal)
    return cal


def _day(value) -> date:
    if isinstance(value, dict):
        return Deadline.from_json(value).date
    if isinstance(value, datetime):
        return value.astimezone(clock.VN_TZ).date()
    if isinstance(value, date):
        return value
    text = str(value)
    if "T" in text:
        return datetime.fromisoformat(text).astimezone(clock.VN_TZ).date()
    return date.fromisoformat(text)


def today() -> str:
    """Today's date in Vietnam, ISO."""
    return clock.today().isoformat()


def now() -> str:
    return clock.now().isoformat()


def add_working_days(start, days: int) -> str:
    """The date `days` working days after `start` (0: at once)."""
    return _calendar().add_working_days(_day(start), int(days)).isoformat()


def working_deadline(start, days: int) -> dict:
    """A deadline `days` working days after `start`, remembering the rule (task data keeps it
    as a plain dict)."""
    return Deadline.counted(_calendar(), _day(start), int(days)).to_json()


def deadline_date(deadline) -> str | None:
    """The ISO date of a deadline given as a date string or a working_deadline dict."""
    return None if deadline in (None, "") else _day(deadline).isoformat()


def date_vn(value) -> str:
    """A date (ISO string, date or working_deadline dict) as Vietnamese write it: 26/02/2026."""
    return "" if value in (None, "") else Deadline(_day(value)).format_vn()


def end_of_day(deadline) -> str:
    """The moment a deadline day ends (office closing time, Vietnam), for timeDate timers."""
    return _at(_day(deadline), OFFICE_CLOSES)


def start_of_day(day) -> str:
    return _at(_day(day), OFFICE_OPENS)


def working_days_before(deadline, days: int) -> str:
    """Opening time of the working day `days` working days before `deadline`."""
    return _at(_calendar().subtract_working_days(_day(deadline), int(days)), OFFICE_OPENS)


def working_days_after(moment, days: int) -> str:
    """Opening time of the working day `days` working days after `moment`."""
    return _at(_calendar().add_working_days(_day(moment), int(days)), OFFICE_OPENS)


def is_working_day(day) -> bool:
    return _calendar().is_working_day(_day(day))


def is_overdue(deadline, done_on=None) -> bool:
    if deadline in (None, ""):
        return False
    return _day(done_on or today()) > _day(deadline)


def days_late(deadline, done_on=None) -> int:
    if deadline in (None, ""):
        return 0
    return max(0, _calendar().working_days_between(_day(deadline), _day(done_on or today())))


def _at(day: date, at: time) -> str:
    return datetime.combine(day, at, tzinfo=clock.VN_TZ).isoformat()


def plus_days(day, days: int) -> str:
    """Calendar days (not working days) after `day`."""
    return (_day(day) + timedelta(days=int(days))).isoformat()


def next_urging(deadline, last_covered=None, assigned_on=None) -> dict | None:
    """The next urging event of an assignment under the ruleset's [reminders] policy:
    {"at", "kind", "covers"} or None (see engine.scheduler.urging)."""
    from engine.scheduler.urging import next_urging as plan

    return plan(deadline, last_covered, assigned_on)


def urging_moment(planned: dict, deadline, last_covered=None, assigned_on=None) -> str:
    """When the planned urging event falls due under the calendar as it is NOW: the plan is
    recomputed rather than read back, so that urging.bpmn's timer moves when an admin
    corrects the calendar (the runtime re-evaluates waiting timers then). `planned["at"]`
    when the fresh plan has nothing left, or when that moment has come already (the timer
    fires on the next sweep, and the catch-up step then decides what is sent)."""
    if datetime.fromisoformat(planned["at"]) <= clock.now():
        return planned["at"]
    return (next_urging(deadline, last_covered, assigned_on) or planned)["at"]


def next_periodic_report(after=None) -> dict:
    """The next periodic report of the ruleset's [[report_calendar]] whose units' due day
    comes after `after` (default today): {"period", "label", "start", "end", "unit_due",
    "office_due", "article"} (see engine.reports.calendar)."""
    from engine.reports.calendar import next_report

    return next_report(current_settings.get() or {}, _day(after or today()), _calendar()).as_dict()


PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def next_period_end(day, periods) -> str:
    """The first end of a reporting period strictly after `day` (ISO date). `periods` is one
    of monthly/quarterly/half_yearly/yearly or a list of them (the earliest end wins)."""
    start = _day(day)
    ends = []
    for period in [periods] if isinstance(periods, str) else list(periods):
        months = PERIOD_MONTHS[period]
        month = ((start.month - 1) // months + 1) * months  # last month of the current period
        end = _month_end(date(start.year, month, 1))
        if end <= start:
            following = month + months
            end = _month_end(date(start.year + (following - 1) // 12, (following - 1) % 12 + 1, 1))
        ends.append(end)
    if not ends:
        raise ValueError("next_period_end needs at least one period")
    return min(ends).isoformat()


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


HELPERS = {
    f.__name__: f
    for f in (
        setting, today, now, add_working_days, working_deadline, deadline_date, end_of_day, start_of_day,
        working_days_before, working_days_after, is_working_day, is_overdue, days_late, plus_days,
        next_urging, urging_moment, next_periodic_report, next_period_end,
    )
}
