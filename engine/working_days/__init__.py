"""Working days (ngày làm việc): Saturdays, Sundays and Vietnamese public holidays do not
count; announced swaps do. Built on the `holidays` package, corrected by the shipped
`corrections.toml` and by the deployment's own override table."""
from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from weakref import WeakKeyDictionary

import holidays
from sqlalchemy import Connection, delete, event, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from engine.db.counters import WriteCounter
from engine.working_days.models import CalendarOverride, CalendarRevision, DayOff

_CORRECTIONS = Path(__file__).with_name("corrections.toml")
# A deadline search never needs more than this many calendar days per working day asked for.
_MAX_SPAN = 400
YEARS = range(2015, 2041)  # the years filled in advance (see _vietnam): the only ones a page may show


@lru_cache(maxsize=1)
def _shipped_entries() -> tuple[dict, ...]:
    with _CORRECTIONS.open("rb") as fh:
        return tuple(tomllib.load(fh)["day"])


@lru_cache(maxsize=1)
def shipped_corrections() -> dict[date, bool]:
    return {entry["day"]: entry["working"] for entry in _shipped_entries()}


@lru_cache(maxsize=1)
def shipped_notes() -> dict[date, str]:
    """Why each shipped correction is there, as the year view shows it."""
    return {entry["day"]: entry.get("note", "") for entry in _shipped_entries()}


def _stored_overrides(session: Session) -> dict[date, bool]:
    return {day: working for day, working in session.execute(select(CalendarOverride.day, CalendarOverride.working))}


# Per-worker copy of the overrides, per database: (revision it was read at, overrides). Safe across
# workers and hosts: every transaction that writes calendar_overrides through the ORM bumps the one-row
# counter calendar_revisions, read once a transaction before the copy is trusted, and a transaction that
# wrote the calendar reads it for itself (engine.db.counters). Raw SQL must bump the counter itself.
_cache: WeakKeyDictionary[Engine, tuple[int, dict[date, bool]]] = WeakKeyDictionary()
COUNTER = WriteCounter(CalendarRevision, ("calendar_overrides",))
_LOCK_REVISION = "dondoc.calendar_revision"


def cached_overrides(session: Session) -> dict[date, bool]:
    """The deployment's overrides, re-read only when another transaction changed them."""
    if COUNTER.written(session):
        return _stored_overrides(session)
    revision = _revision_read_with_lock(session)
    if revision is None:
        revision = COUNTER.revision(session)
    engine = session.connection().engine
    hit = _cache.get(engine)
    if hit is not None and hit[0] == revision:
        return hit[1]
    overrides = _stored_overrides(session)
    _cache[engine] = (revision, overrides)
    return overrides


def revision_column():
    """The calendar's revision counter as a column to read within another statement: an
    engine step reads it with its row lock (one statement fewer; the calendar the step uses is
    the one current when it took the lock) and hands it to `remember_revision`."""
    return func.coalesce(COUNTER.query.scalar_subquery(), 0)


def remember_revision(session: Session, revision: int) -> None:
    """Record the counter read by `revision_column` for the rest of this transaction."""
    session.info[_LOCK_REVISION] = (session.get_transaction(), revision)


def _revision_read_with_lock(session: Session) -> int | None:
    transaction, revision = session.info.get(_LOCK_REVISION, (None, None))
    return revision if transaction is not None and transaction is session.get_transaction() else None


@lru_cache(maxsize=1)
def _vietnam() -> holidays.HolidayBase:
    """The package's calendar, built once per worker (every engine step needs one). Years are
    filled in advance so that threads sharing it only read. Names in Vietnamese: the year view
    shows them."""
    return holidays.Vietnam(years=YEARS, language="vi")


class WorkingCalendar:
    def __init__(self, overrides: Mapping[date, bool] | None = None,
                 load: Callable[[], Mapping[date, bool]] | None = None):
        self._given, self._load = overrides, load
        self._merged: dict[date, bool] | None = None
        self._holidays = _vietnam()

    @classmethod
    def from_db(cls, session: Session) -> WorkingCalendar:
        return cls(_stored_overrides(session))

    @classmethod
    def lazily_from_db(cls, session: Session) -> WorkingCalendar:
        """Reads the deployment's overrides only when a working day is first asked for (most
        engine steps never do); `session` must still be open then."""
        return cls(load=lambda: cached_overrides(session))

    @property
    def _overrides(self) -> dict[date, bool]:
        if self._merged is None:
            extra = self._load() if self._load else self._given
            self._merged = {**shipped_corrections(), **(extra or {})}
        return self._merged

    def is_working_day(self, day: date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        return self._holidays.is_working_day(day)

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name in the `holidays` package, if `day` is one (a shipped or
        deployment correction may still make it a working day)."""
        return self._holidays.get(day)

    def next_working_day(self, day: date, include_self: bool = False) -> date:
        """The first working day after `day` (or `day` itself when it is one and include_self)."""
        current = day if include_self else day + timedelta(days=1)
        for _ in range(_MAX_SPAN):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_SPAN} days of {day}")

    def effective_deadline(self, deadline: date) -> date:
        """The day a deadline ends: the deadline, or when it is a day off the working day after it
        (Bộ luật Dân sự 2015, Đ.148 k.5: a time limit whose last day is a weekend or holiday ends
        at the end of the next working day). The deadline as written stays what is stored and shown."""
        return self.next_working_day(deadline, include_self=True)

    def last_passed_deadline(self, as_of: date) -> date:
        """The latest deadline that has passed by `as_of` (its effective day is before it): the
        last working day before `as_of`. Any later one, a day off included, ends on `as_of` or
        after; the SQL form of `effective_deadline(d) < as_of` is `d <= last_passed_deadline(as_of)`."""
        return self.subtract_working_days(as_of, 1)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; 0 means `start` itself, or the next
        working day if `start` is not one ("at once")."""
        if days < 0:
            return self.subtract_working_days(start, -days)
        current = self.next_working_day(start, include_self=True)
        if days and current != start:
            days -= 1  # the first working day reached already counts
        for _ in range(days):
            current = self.next_working_day(current)
        return current

    def subtract_working_days(self, end: date, days: int) -> date:
        current = end
        while days > 0:
            current -= timedelta(days=1)
            if self.is_working_day(current):
                days -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


# ---------------------------------------------------------------- the days off, for SQL
# Who stores a deadline's end read from calendar_days_off (ends_on_sql) and must follow the days that
# move: each is called with them in the transaction that moves them (engine.directives.link_copies)
Follower = Callable[[Connection, list[date]], None]
_FOLLOWERS: list[Follower] = []


def ends_on_sql(deadline: str) -> str:
    """SQL for the day a deadline ends (effective_deadline) given the SQL of the deadline: its working
    day from calendar_days_off when it is a day off, else itself (outside YEARS too); NULL for no deadline."""
    return f"coalesce((SELECT ends_on FROM calendar_days_off WHERE day = {deadline}), {deadline})"


def follow_days_off(follower: Follower) -> Follower:
    """Register `follower` (called by the feature owning the stored ends when its models are imported)."""
    _FOLLOWERS.append(follower)
    return follower


def days_off(calendar: WorkingCalendar) -> dict[date, date]:
    """Each day off of YEARS and the working day a deadline on it ends on (effective_deadline)."""
    first, last = date(YEARS.start, 1, 1), date(YEARS.stop, 1, 1)
    days = (first + timedelta(days=n) for n in range((last - first).days))
    return {day: calendar.effective_deadline(day) for day in days if not calendar.is_working_day(day)}


def sync_days_off(connection: Connection) -> int:
    """Bring calendar_days_off in step with the calendar (shipped corrections, the `holidays`
    package, the deployment's overrides as `connection` reads them); returns how many days it
    wrote or removed. Called where the calendar can change: a flush that wrote calendar_overrides
    (below), the table's creation, `dondoc db upgrade` (a release's corrections or package) and a
    backup's restore. The deadlines' ends stored from it follow (follow_days_off) in the same transaction."""
    overrides = dict(connection.execute(select(CalendarOverride.day, CalendarOverride.working)).all())
    wanted = days_off(WorkingCalendar(overrides))
    stored = dict(connection.execute(select(DayOff.day, DayOff.ends_on)).all())
    stale = [day for day, ends_on in stored.items() if wanted.get(day) != ends_on]
    fresh = [{"day": day, "ends_on": ends_on} for day, ends_on in wanted.items() if stored.get(day) != ends_on]
    if stale:
        connection.execute(delete(DayOff).where(DayOff.day.in_(stale)))
    if fresh:
        connection.execute(insert(DayOff), fresh)
    moved = sorted(set(stale) | {row["day"] for row in fresh})
    for follower in _FOLLOWERS if moved else ():
        follower(connection, moved)
    return len(moved)


@event.listens_for(Session, "after_flush")
def _days_off_follow_the_overrides(session: Session, _context) -> None:
    """The days off change in the transaction that corrects the calendar, whoever writes it. Two
    corrections at once take turns: each flush first bumps the calendar's counter row (COUNTER, in
    before_flush), which the other holds until it commits, so the second reads the first's days."""
    if any(isinstance(row, CalendarOverride) for group in (session.new, session.dirty, session.deleted)
           for row in group):
        sync_days_off(session.connection())


@event.listens_for(DayOff.metadata, "after_create")
def _fill_days_off(_metadata, connection: Connection, tables=(), **_kw) -> None:
    """A schema made from the models (tests, a backup's restore) starts with its days off; after
    every table, since they read calendar_overrides."""
    if DayOff.__table__ in tables:
        sync_days_off(connection)
