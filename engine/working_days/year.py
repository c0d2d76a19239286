"""A year of the working-day calendar, day by day, as the deadline computation sees it: every
day's kind comes from WorkingCalendar.is_working_day (the one rule), and only the words beside
it (a holiday's name, a correction's note) are looked up here."""
from __future__ import annotations

from calendar import Calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.working_days import YEARS, WorkingCalendar, shipped_notes
from engine.working_days.models import CalendarOverride

_SATURDAY = 5


class DayKind(StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a weekday off: a public holiday, its day in lieu, an announced day off
    SWAPPED = "swapped"  # a Saturday or Sunday worked in exchange (ngày làm bù)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: DayKind
    name: str          # the holiday's name or the correction's note; "" for an ordinary day
    corrected: bool    # the deployment's own correction (the admin may remove it)


@dataclass(frozen=True)
class CalendarMonth:
    month: int
    weeks: list[list[CalendarDay | None]]  # Monday to Sunday; None outside the month

    @property
    def named(self) -> list[CalendarDay]:
        """The days worth a line under the grid: holidays, swaps, corrections."""
        return [d for week in self.weeks for d in week if d and (d.name or d.corrected or d.kind in _NOTABLE)]


_NOTABLE = (DayKind.HOLIDAY, DayKind.SWAPPED)


def year_view(session: Session, year: int) -> list[CalendarMonth]:
    """The twelve months of `year` (one of YEARS) with each day's kind."""
    if year not in YEARS:
        raise ValueError(f"the calendar knows the years {YEARS.start}-{YEARS.stop - 1}, not {year}")
    corrections = {row.day: row for row in session.scalars(select(CalendarOverride).where(
        CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)))}
    calendar = WorkingCalendar.from_db(session)
    grid = Calendar(firstweekday=0)
    return [CalendarMonth(month, [[_describe(calendar, corrections, day) if day.month == month else None
                                   for day in week] for week in grid.monthdatescalendar(year, month)])
            for month in range(1, 13)]


def _describe(calendar: WorkingCalendar, corrections: dict[date, CalendarOverride], day: date) -> CalendarDay:
    correction = corrections.get(day)
    name = (correction.note if correction else "") or shipped_notes().get(day) or calendar.holiday_name(day) or ""
    weekend = day.weekday() >= _SATURDAY
    if calendar.is_working_day(day):
        kind = DayKind.SWAPPED if weekend else DayKind.WORKING
    else:
        kind = DayKind.HOLIDAY if not weekend or name else DayKind.WEEKEND
    return CalendarDay(day, kind, name, correction is not None)
