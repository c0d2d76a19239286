"""The periodic-report calendar (lịch báo cáo định kỳ) from `ruleset.toml`:

    [[report_calendar]]
    period = "quarterly"      # monthly | quarterly | half_yearly | yearly
    sender = "unit"           # unit (units → office) | office (office → leader)
    day = 20
    month = "last"            # "last": the period's last month; "next": the month after it;
                              # 1..12: the n-th month of the period (for a year: the calendar month)
    article = "Đ.19 k.1"

A due day that is not a working day moves to the next working day (Civil Code 2015,
Art. 148 k.5). A ruleset without a calendar reports quarterly, half-yearly and yearly:
units by the 15th and the office by the 20th of the period's last month. When two periods
are due on the same day (the second quarter and the first half-year), the longer one is
the report: it covers the shorter.
"""
from __future__ import annotations

import calendar as month_calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from engine.reports.models import PERIODS
from engine.working_days import WorkingCalendar

SENDERS = ("unit", "office")
MONTHS_IN = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
DEFAULT_CALENDAR = [
    {"period": period, "sender": sender, "day": day, "month": "last", "article": ""}
    for period in ("quarterly", "half_yearly", "yearly")
    for sender, day in (("unit", 15), ("office", 20))
]
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class ReportPeriod:
    period: str
    start: date
    end: date
    unit_due: date
    office_due: date
    article: str = ""

    @property
    def label(self) -> str:
        """The period as Vietnamese reports name it: "Quý II năm 2026", "6 tháng đầu năm 2026"."""
        year = self.start.year
        if self.period == "monthly":
            return f"Tháng {self.start.month} năm {year}"
        if self.period == "quarterly":
            return f"Quý {_ROMAN[(self.start.month - 1) // 3]} năm {year}"
        if self.period == "half_yearly":
            return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {year}"
        return f"Năm {year}"

    def as_dict(self) -> dict:
        return {"period": self.period, "label": self.label, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "unit_due": self.unit_due.isoformat(),
                "office_due": self.office_due.isoformat(), "article": self.article}


def calendar_problems(settings: dict) -> list[str]:
    """What is wrong with `[[report_calendar]]`, one message per problem."""
    entries = settings.get("report_calendar", [])
    if not isinstance(entries, list):
        return ["report_calendar must be a list of [[report_calendar]] tables"]
    problems = []
    for n, entry in enumerate(entries, start=1):
        where = f"report_calendar[{n}]"
        if entry.get("period") not in PERIODS:
            problems.append(f"{where}: period must be one of {', '.join(PERIODS)}")
        if entry.get("sender") not in SENDERS:
            problems.append(f"{where}: sender must be unit or office")
        day = entry.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
            problems.append(f"{where}: day must be a number from 1 to 31")
        month = entry.get("month", "last")
        if month not in ("last", "next") and not (isinstance(month, int) and 1 <= month <= 12):
            problems.append(f"{where}: month must be \"last\", \"next\" or 1..12")
        elif isinstance(month, int) and entry.get("period") in MONTHS_IN and month > MONTHS_IN[entry["period"]]:
            problems.append(f"{where}: a {entry['period']} period has only {MONTHS_IN[entry['period']]} month(s)")
    return problems


def calendar_entries(settings: dict) -> list[dict]:
    """The ruleset's entries, or the default calendar when it has none."""
    problems = calendar_problems(settings)
    if problems:
        raise ValueError("; ".join(problems))
    return settings.get("report_calendar") or DEFAULT_CALENDAR


def periods_in_year(period: str, year: int) -> list[tuple[date, date]]:
    months = MONTHS_IN[period]
    spans = []
    for first in range(1, 13, months):
        last = first + months - 1
        spans.append((date(year, first, 1), date(year, last, month_calendar.monthrange(year, last)[1])))
    return spans


def due_date(entry: dict, start: date, end: date, working: WorkingCalendar) -> date:
    month = entry.get("month", "last")
    if month == "last":
        year, number = end.year, end.month
    elif month == "next":
        after = end + timedelta(days=1)
        year, number = after.year, after.month
    else:
        index = start.month - 1 + int(month) - 1
        year, number = start.year + index // 12, index % 12 + 1
    day = min(int(entry["day"]), month_calendar.monthrange(year, number)[1])
    return working.next_working_day(date(year, number, day), include_self=True)


def reports_of_year(settings: dict, year: int, working: WorkingCalendar) -> list[ReportPeriod]:
    """Every report period the calendar gives for `year`, by unit due date."""
    by_period: dict[str, dict[str, dict]] = {}
    for entry in calendar_entries(settings):
        by_period.setdefault(entry["period"], {})[entry["sender"]] = entry
    reports = []
    for period, senders in by_period.items():
        unit_entry = senders.get("unit") or senders["office"]
        office_entry = senders.get("office") or unit_entry
        for start, end in periods_in_year(period, year):
            unit_due = due_date(unit_entry, start, end, working)
            office_due = max(unit_due, due_date(office_entry, start, end, working))
            article = ", ".join(a for a in (unit_entry.get("article"), office_entry.get("article")) if a)
            reports.append(ReportPeriod(period, start, end, unit_due, office_due, article))
    return _longest_per_due_day(reports)


def _longest_per_due_day(reports: list[ReportPeriod]) -> list[ReportPeriod]:
    best: dict[date, ReportPeriod] = {}
    for report in reports:
        held = best.get(report.unit_due)
        if held is None or MONTHS_IN[report.period] > MONTHS_IN[held.period]:
            best[report.unit_due] = report
    return sorted(best.values(), key=lambda r: r.unit_due)


def next_report(settings: dict, after: date, working: WorkingCalendar) -> ReportPeriod:
    """The first report whose units' due day comes after `after`."""
    candidates = [report for year in range(after.year - 1, after.year + 3)
                  for report in reports_of_year(settings, year, working) if report.unit_due > after]
    if not candidates:
        raise ValueError("the report calendar gives no report in the next two years")
    return min(candidates, key=lambda r: (r.unit_due, -MONTHS_IN[r.period]))


_PERIOD_RE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")


def parse_period(text: str) -> ReportPeriod:
    """A period named in a URL: "2026" (year), "2026-H1", "2026-Q2", "2026-03" (month).
    Raises ValueError on anything else. The due days are left at the period's end."""
    match = _PERIOD_RE.match(text.strip().upper())
    if match is None:
        raise ValueError(f"'{text}' is not a period (2026, 2026-H1, 2026-Q2, 2026-03)")
    year, part = int(match.group(1)), match.group(2) or ""
    kind = {"": "yearly", "H": "half_yearly", "Q": "quarterly"}.get(part[:1], "monthly")
    index = int(part.lstrip("HQ") or 1)
    start, end = periods_in_year(kind, year)[index - 1]
    return ReportPeriod(kind, start, end, end, end)


def period_key(report: ReportPeriod) -> str:
    """The inverse of parse_period."""
    year, month = report.start.year, report.start.month
    return {"yearly": f"{year}", "half_yearly": f"{year}-H{(month + 5) // 6}",
            "quarterly": f"{year}-Q{(month + 2) // 3}", "monthly": f"{year}-{month:02d}"}[report.period]
