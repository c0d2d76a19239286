"""Each ruleset's own report calendar (its ruleset.toml) gives the dates its regulation sets,
in working days of the 2026 civil-service calendar. Dates computed by hand from the texts."""
from __future__ import annotations

import tomllib
from datetime import date

import pytest

from engine.config import REPO_ROOT
from engine.reports import calendar as report_calendar
from engine.working_days import WorkingCalendar


def reports_2026(ruleset: str) -> list:
    with (REPO_ROOT / "processes" / ruleset / "ruleset.toml").open("rb") as fh:
        settings = tomllib.load(fh)
    return report_calendar.reports_of_year(settings, 2026, WorkingCalendar())


def due(reports, period: str, end: date, sender: str = "unit") -> date:
    report = next(r for r in reports if r.period == period and r.end == end)
    return report.unit_due if sender == "unit" else report.office_due


@pytest.mark.parametrize("ruleset, period, end, sender, expected", [
    # Đắk Lắk Đ.20, Đ.22: the 15th of the quarter's last month; 15/3/2026 is a Sunday.
    ("dak-lak", "quarterly", date(2026, 3, 31), "unit", date(2026, 3, 16)),
    # Cần Thơ Đ.12 k.1: before 10/11 for the year -> Mon 9/11/2026; k.2: the office before 15/11.
    ("can-tho", "yearly", date(2026, 12, 31), "unit", date(2026, 11, 9)),
    ("can-tho", "monthly", date(2026, 4, 30), "unit", date(2026, 4, 20)),  # before the 20th: Sun 19 -> Mon 20
    # Quỳnh Nhai Đ.19: before the 20th of the quarter's last month; the year before 30/11 (Sun 29 -> Mon 30);
    # the office's year report before 20/12 (Sat 19 -> Mon 21).
    ("quynh-nhai", "quarterly", date(2026, 3, 31), "unit", date(2026, 3, 19)),
    ("quynh-nhai", "yearly", date(2026, 12, 31), "unit", date(2026, 11, 30)),
    ("quynh-nhai", "yearly", date(2026, 12, 31), "office", date(2026, 12, 21)),
    # Gia Lai Đ.10: by the 10th of each month; Sat 10/1/2026 is a worked Saturday (swap for 2/1).
    ("gia-lai-stttt", "monthly", date(2026, 1, 31), "unit", date(2026, 1, 10)),
    ("gia-lai-stttt", "monthly", date(2026, 1, 31), "office", date(2026, 1, 12)),
])
def test_report_due_dates_follow_each_regulation(ruleset, period, end, sender, expected):
    assert due(reports_2026(ruleset), period, end, sender) == expected


def test_a_ruleset_without_dates_gets_quarterly_half_yearly_and_yearly_reports():
    periods = {r.period for r in reports_2026("bac-lieu")}  # Bạc Liêu names the periods, not the days
    assert periods == {"quarterly", "half_yearly", "yearly"}
