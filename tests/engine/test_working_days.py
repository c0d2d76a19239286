"""The working-day calendar against the official civil-service schedules, day by day."""
from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from engine.working_days import WorkingCalendar, shipped_corrections

# Official schedules for civil servants (days off on weekdays; Saturdays worked in exchange).
OFFICIAL = {
    2025: {
        "off": ["01-01",                                     # Tết Dương lịch
                "01-27", "01-28", "01-29", "01-30", "01-31",  # Tết Nguyên đán: Sat 25/1 - Sun 2/2
                "04-07",                                     # Giỗ Tổ Hùng Vương
                "04-30", "05-01", "05-02",                   # 30/4, 1/5 and Fri 2/5 (swapped)
                "09-01", "09-02"],                           # Quốc khánh: Sat 30/8 - Tue 2/9
        "worked": ["04-26"],                                 # Sat 26/4 pays back Fri 2/5
    },
    2026: {
        "off": ["01-01", "01-02",                            # Thu 1/1 - Sun 4/1 (Fri 2/1 swapped)
                "02-16", "02-17", "02-18", "02-19", "02-20",  # Tết: Sat 14/2 - Sun 22/2
                "04-27",                                     # Hùng Kings Sun 26/4, taken Mon 27/4
                "04-30", "05-01",
                "08-31", "09-01", "09-02"],                  # Sat 29/8 - Wed 2/9 (Mon 31/8 swapped)
        "worked": ["01-10", "08-22"],                        # Sat 10/1 and Sat 22/8 worked
    },
}


def official_days(year: int) -> dict[date, bool]:
    off = {date.fromisoformat(f"{year}-{d}") for d in OFFICIAL[year]["off"]}
    worked = {date.fromisoformat(f"{year}-{d}") for d in OFFICIAL[year]["worked"]}
    day, days = date(year, 1, 1), {}
    while day.year == year:
        days[day] = day in worked or (day.weekday() < 5 and day not in off)
        day += timedelta(days=1)
    return days


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_every_day_matches_the_official_schedule(year):
    calendar = WorkingCalendar()
    wrong = [(d.isoformat(), d.strftime("%a"), expected) for d, expected in official_days(year).items()
             if calendar.is_working_day(d) != expected]
    assert wrong == []
    assert sum(official_days(year).values()) == 250  # 261 weekdays - days off + Saturdays worked


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_shipped_corrections_are_exactly_where_the_package_is_wrong(year):
    package = holidays.Vietnam()
    disagreements = {d: expected for d, expected in official_days(year).items()
                     if package.is_working_day(d) != expected}
    corrections = {d: w for d, w in shipped_corrections().items() if d.year == year}
    assert corrections == disagreements


@pytest.mark.parametrize(("start", "days", "expected"), [
    ("2026-02-12", 0, "2026-02-12"),   # a working day: at once
    ("2026-02-14", 0, "2026-02-23"),   # Saturday before Tết: the next working day
    ("2026-02-12", 1, "2026-02-13"),
    ("2026-02-12", 2, "2026-02-23"),   # Fri 13 then over the whole Tết week
    ("2026-02-12", 5, "2026-02-26"),
    ("2026-02-13", 1, "2026-02-23"),
    ("2026-02-14", 1, "2026-02-23"),   # from a weekend, the first working day counts
    ("2026-01-09", 1, "2026-01-10"),   # Saturday 10/1/2026 is worked
    ("2025-01-24", 1, "2025-02-03"),   # Tết 2025
    ("2025-04-25", 1, "2025-04-26"),   # Saturday 26/4/2025 is worked
    ("2025-04-29", 1, "2025-05-05"),   # over 30/4 - 2/5 and the weekend
    ("2026-08-28", 1, "2026-09-03"),   # National Day 2026: Mon 31/8 - Wed 2/9 off
    ("2026-02-26", -5, "2026-02-12"),  # backwards
])
def test_add_working_days(start, days, expected):
    assert WorkingCalendar().add_working_days(date.fromisoformat(start), days).isoformat() == expected


def test_between_and_before():
    calendar = WorkingCalendar()
    assert calendar.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5
    assert calendar.working_days_between(date(2026, 2, 26), date(2026, 2, 12)) == -5
    assert calendar.subtract_working_days(date(2026, 2, 23), 1) == date(2026, 2, 13)


def test_overrides_win_over_package_and_corrections():
    calendar = WorkingCalendar({date(2026, 2, 23): False, date(2026, 1, 10): False})
    assert calendar.add_working_days(date(2026, 2, 12), 2) == date(2026, 2, 24)
    assert not calendar.is_working_day(date(2026, 1, 10))
