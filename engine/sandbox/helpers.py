"""Functions BPMN scripts, conditions and timers may call. Dates travel as ISO strings so
that task data stays plain JSON.

A deadline computed in working days is a dict `{"date", "start", "working_days"}` (see
`working_deadline`; engine.working_days.deadline.Deadline reads and writes it): it carries the
rule that produced it, so that when an admin corrects the calendar, open deadlines and the
timers waiting on them are recomputed.
"""
from __future__ import annotations

import contextvars
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from engine import clock
from engine.sandbox.restricted import freeze
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
# What scripts, conditions and timers may call, by name: these, and those features add
# (their operators.py, see engine.features).
HELPERS: dict[str, Callable] = {}
# Helpers whose cost is bounded whatever their arguments: code that calls only these (and has
# no loop) may run in the server process instead of the sandbox worker (engine/sandbox).
BOUNDED_HELPERS: set[str] = set()
# The most working days a deadline helper counts (about eight years): beyond it a call is
# refused rather than left to loop day by day.
MAX_WORKING_DAYS = 2000


def helper(fn: Callable) -> Callable:
    """Offer `fn` to BPMN scripts, conditions and timers under its own name."""
    HELPERS[fn.__name__] = fn
    return fn


def bounded_helper(fn: Callable) -> Callable:
    """`helper`, for a function whose cost is bounded whatever its arguments."""
    BOUNDED_HELPERS.add(fn.__name__)
    return helper(fn)


def _days(days) -> int:
    count = int(days)
    if abs(count) > MAX_WORKING_DAYS:
        raise ValueError(f"at most {MAX_WORKING_DAYS} working days, not {count}")
    return count


def get_path(settings: dict, path: str, default=None):
    """`get_path(s, "deadlines.registration")` -> s["deadlines"]["registration"]."""
    node = settings
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


@bounded_helper
def setting(path: str, default=None):
    """A value from the ruleset's settings, e.g. setting("deadlines.registration"), read-only
    (dicts come as mappingproxies, lists as tuples): a script must not change the settings
    every later step of this worker reads (store_content = false for secret documents...)."""
    return freeze(get_path(current_settings.get() or {}, path, default))


def calendar_of_step() -> WorkingCalendar:
    cal = current_calendar.get()
    if cal is None:
        cal = WorkingCalendar()
        current_calendar.set(cal)
    return cal


def as_day(value) -> date:
    """A date from an ISO string, a date, a datetime (its Vietnam day) or a deadline dict."""
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


@bounded_helper
def today() -> str:
    """Today's date in Vietnam, ISO."""
    return clock.today().isoformat()


@bounded_helper
def now() -> str:
    return clock.now().isoformat()


@bounded_helper
def add_working_days(start, days: int) -> str:
    """The date `days` working days after `start` (0: at once)."""
    return calendar_of_step().add_working_days(as_day(start), _days(days)).isoformat()


@bounded_helper
def working_deadline(start, days: int) -> dict:
    """A deadline `days` working days after `start`, remembering the rule (task data keeps it
    as a plain dict)."""
    rule = Deadline.counted(calendar_of_step(), as_day(start), _days(days)).rule_json()
    assert rule is not None  # a counted deadline always has its rule
    return rule


@bounded_helper
def deadline_date(deadline) -> str | None:
    """The ISO date of a deadline given as a date string or a working_deadline dict."""
    return None if deadline in (None, "") else as_day(deadline).isoformat()


@bounded_helper
def date_vn(value) -> str:
    """A date (ISO string, date or working_deadline dict) as Vietnamese write it: 26/02/2026."""
    return "" if value in (None, "") else Deadline(as_day(value)).format_vn()


@bounded_helper
def end_of_day(deadline) -> str:
    """The moment a deadline day ends (office closing time, Vietnam), for timeDate timers."""
    return _at(as_day(deadline), OFFICE_CLOSES)


@bounded_helper
def start_of_day(day) -> str:
    return _at(as_day(day), OFFICE_OPENS)


@bounded_helper
def working_days_before(deadline, days: int) -> str:
    """Opening time of the working day `days` working days before `deadline`."""
    return _at(calendar_of_step().subtract_working_days(as_day(deadline), _days(days)), OFFICE_OPENS)


@bounded_helper
def working_days_after(moment, days: int) -> str:
    """Opening time of the working day `days` working days after `moment`."""
    return _at(calendar_of_step().add_working_days(as_day(moment), _days(days)), OFFICE_OPENS)


@bounded_helper
def is_working_day(day) -> bool:
    return calendar_of_step().is_working_day(as_day(day))


@bounded_helper
def is_overdue(deadline, done_on=None) -> bool:
    """Past the deadline's end: a deadline on a day off ends with the next working day (Đ.148 k.5)."""
    if deadline in (None, ""):
        return False
    return as_day(done_on or today()) > calendar_of_step().effective_deadline(as_day(deadline))


@helper
def days_late(deadline, done_on=None) -> int:
    """Working days past the deadline's end (is_overdue)."""
    if deadline in (None, ""):
        return 0
    ends = calendar_of_step().effective_deadline(as_day(deadline))
    return max(0, calendar_of_step().working_days_between(ends, as_day(done_on or today())))


def _at(day: date, at: time) -> str:
    return datetime.combine(day, at, tzinfo=clock.VN_TZ).isoformat()


@bounded_helper
def plus_days(day, days: int) -> str:
    """Calendar days (not working days) after `day`."""
    return (as_day(day) + timedelta(days=int(days))).isoformat()


@bounded_helper
def plus_hours(moment, hours: int) -> str:
    """`hours` hours after `moment`; a date (or deadline) counts from the office's opening that day."""
    count = int(hours)
    if abs(count) > MAX_WORKING_DAYS * 24:
        raise ValueError(f"at most {MAX_WORKING_DAYS * 24} hours, not {count}")
    return (_moment(moment) + timedelta(hours=count)).isoformat()


def _moment(value) -> datetime:
    """A moment in Vietnam from an ISO date-time, or a day's office opening for a day."""
    if isinstance(value, datetime) or (isinstance(value, str) and "T" in value):
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return (moment if moment.tzinfo else moment.replace(tzinfo=clock.VN_TZ)).astimezone(clock.VN_TZ)
    return datetime.combine(as_day(value), OFFICE_OPENS, tzinfo=clock.VN_TZ)


PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


@helper
def next_period_end(day, periods) -> str:
    """The first end of a reporting period strictly after `day` (ISO date). `periods` is one
    of monthly/quarterly/half_yearly/yearly or a list of them (the earliest end wins)."""
    start = as_day(day)
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


def previous_period_end(day, periods) -> str:
    """The last end of a reporting period strictly before `day` (ISO date), of any of `periods` (as
    next_period_end): the planned period ending on `day` started the day after it."""
    end = as_day(day)
    starts = [date(end.year, (end.month - 1) // PERIOD_MONTHS[period] * PERIOD_MONTHS[period] + 1, 1)
              for period in ([periods] if isinstance(periods, str) else list(periods))]
    return (max(starts) - timedelta(days=1)).isoformat()


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)
