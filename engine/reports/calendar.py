"""The periodic-report calendar (lịch báo cáo định kỳ) from `ruleset.toml`:

    [[report_calendar]]
    period = "quarterly"      # monthly | quarterly | half_yearly | yearly
    sender = "unit"           # unit (units → office) | office (office → leader)
    day = 19                  # the last day the report may arrive: "trước ngày 20" is 19
    month = "last"            # "last": the period's last month; "next": the month after it;
                              # 1..12: the n-th month of the period (for a year: the calendar month)
    article = "Đ.19 k.1"

Each period a ruleset reports on needs one entry per sender. `day` is the last day the
report may arrive: a text's "chậm nhất ngày N" is N, its "trước ngày N" is N − 1. A report
must never arrive after the day the text sets, so a `day` that is not a working day moves
back to the working day before it. The office's consolidation opens when the units' time is
over, so it is due at least the working day after the units' day. A ruleset without a
calendar has no scheduled periodic reports. A half-year report is the first half's (6 tháng
đầu năm), which replaces the second quarter's when both are due the same day; the second
half is the year's (and the fourth quarter stays a report of its own). Of any two periods
ending and due on the same day, the longer is the report: it covers the shorter.
"""
from __future__ import annotations

import calendar as month_calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from engine.forms import Message
from engine.reports.models import PERIOD_WORDS, PERIODS
from engine.working_days import WorkingCalendar

SENDERS = ("unit", "office")
MONTHS_IN = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class ReportPeriod:
    period: str
    start: date
    end: date
    unit_due: date
    office_due: date
    article: str = ""        # the articles setting both days, the units' and the office's
    unit_article: str = ""   # the units' day's alone: what a unit's request cites
    # The days whose tasks the report counts (chốt số liệu: counted_window); None: start..end
    counted_from: date | None = None
    counted_to: date | None = None

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
                "office_due": self.office_due.isoformat(), "article": self.article, "unit_article": self.unit_article,
                "counted_from": _iso(self.counted_from), "counted_to": _iso(self.counted_to)}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def calendar_problems(settings: dict) -> list[Message]:
    """What is wrong with `[[report_calendar]]`, one message per problem."""
    entries = settings.get("report_calendar", [])
    if not isinstance(entries, list):
        return [Message("The report calendar must be a list of [[report_calendar]] tables.")]
    problems = []
    for n, entry in enumerate(entries, start=1):
        problems += [Message(m.text, {"n": n, **m.params}) for m in _entry_problems(entry)]
    if not problems:
        problems += _sender_problems(entries)
    return problems


def _entry_problems(entry: dict) -> list[Message]:
    """An entry's own problems; each message names the entry by its number (`n`)."""
    problems = []
    if entry.get("period") not in PERIODS:
        problems.append(Message("Report calendar, entry %(n)s: the period must be one of %(choices)s.",
                                {"choices": ", ".join(PERIODS)}))
    if entry.get("sender") not in SENDERS:
        problems.append(Message("Report calendar, entry %(n)s: the sender must be unit or office."))
    day = entry.get("day")
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
        problems.append(Message("Report calendar, entry %(n)s: the day must be a number from 1 to 31."))
    month = entry.get("month", "last")
    if month not in ("last", "next") and not (isinstance(month, int) and 1 <= month <= 12):
        problems.append(Message("Report calendar, entry %(n)s: the month must be last, next or a number "
                                "from 1 to 12."))
    elif isinstance(month, int) and entry.get("period") in MONTHS_IN and month > MONTHS_IN[entry["period"]]:
        problems.append(Message("Report calendar, entry %(n)s: a %(period)s period has only %(months)s month(s).",
                                {"period": PERIOD_WORDS[entry["period"]], "months": MONTHS_IN[entry["period"]]}))
    return problems


def _sender_problems(entries: list[dict]) -> list[Message]:
    """Each period reported on needs exactly one units' and one office's entry, the office's
    due after the units' (its consolidation opens when their time is over)."""
    problems = []
    for period in PERIODS:
        senders = [entry["sender"] for entry in entries if entry["period"] == period]
        if not senders:
            continue
        if sorted(senders) != sorted(SENDERS):
            problems.append(Message("Report calendar: a %(period)s report needs one entry for the units and "
                                    "one for the office.", {"period": PERIOD_WORDS[period]}))
            continue
        unit, office = (next(e for e in entries if e["period"] == period and e["sender"] == sender)
                        for sender in SENDERS)
        if _position(office) <= _position(unit):
            problems.append(Message("Report calendar: the office's %(period)s report must be due after the "
                                    "units'.", {"period": PERIOD_WORDS[period]}))
    return problems


def _position(entry: dict) -> tuple[int, int]:
    """(months after the period's first month, day): the entry's place in any period."""
    month = entry.get("month", "last")
    months = MONTHS_IN[entry["period"]]
    offset = months - 1 if month == "last" else months if month == "next" else int(month) - 1
    return offset, int(entry["day"])


def calendar_entries(settings: dict) -> list[dict]:
    """The ruleset's entries; none when it sets no calendar (no scheduled reports)."""
    problems = calendar_problems(settings)
    if problems:
        raise ValueError("; ".join(problem.render() for problem in problems))
    return settings.get("report_calendar") or []


def has_calendar(settings: dict) -> bool:
    return bool(settings.get("report_calendar"))


def periods_in_year(period: str, year: int) -> list[tuple[date, date]]:
    months = MONTHS_IN[period]
    spans = []
    for first in range(1, 13, months):
        last = first + months - 1
        spans.append((date(year, first, 1), date(year, last, month_calendar.monthrange(year, last)[1])))
    return spans


def _reported_periods(period: str, year: int) -> list[tuple[date, date]]:
    """The periods a calendar entry gives: for a half-year only the first (6 tháng đầu năm);
    the second half is the year's report, and never displaces the fourth quarter's."""
    spans = periods_in_year(period, year)
    return spans[:1] if period == "half_yearly" else spans


def _due_month(entry: dict, start: date, end: date) -> tuple[int, int]:
    """(year, month) of the entry's day for the period start..end."""
    month = entry.get("month", "last")
    if month == "last":
        return end.year, end.month
    if month == "next":
        after = end + timedelta(days=1)
        return after.year, after.month
    index = start.month - 1 + int(month) - 1
    return start.year + index // 12, index % 12 + 1


def _day_in(year: int, month: int, day: int) -> date:
    """Day `day` of the month, its last day at most."""
    return date(year, month, min(day, month_calendar.monthrange(year, month)[1]))


def due_date(entry: dict, start: date, end: date, working: WorkingCalendar) -> date:
    """The entry's `day` in its month (the month's last day at most), or the working day
    before it when it is a day off: a report never arrives after the day the text sets."""
    last_day = _day_in(*_due_month(entry, start, end), int(entry["day"]))
    return last_day if working.is_working_day(last_day) else working.subtract_working_days(last_day, 1)


def _cut_off(unit_entry: dict, start: date, end: date, cut_off_day: int | None) -> date:
    """The last day whose tasks the period start..end counts: `cut_off_day` (else the units'
    own day) of the units' month, or of the month before when it would come after their day.
    The entry's day as written, not moved off a day off: every period's cut-off then falls the
    same way, and one period's window meets the next's."""
    day = int(unit_entry["day"])
    year, month = _due_month(unit_entry, start, end)
    if cut_off_day is not None and cut_off_day > day:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return _day_in(year, month, cut_off_day or day)


def counted_window(unit_entry: dict, start: date, end: date, cut_off_day: int | None) -> tuple[date, date]:
    """The days whose tasks a period's report counts (chốt số liệu): from the day after the
    previous period's cut-off to this one's. A report is made before its period ends: counting
    the calendar period, the tasks assigned after the report's day fell into no report."""
    months = MONTHS_IN[unit_entry["period"]]
    first = start.month - 1 - months
    before = date(start.year + first // 12, first % 12 + 1, 1)
    previous = _cut_off(unit_entry, before, start - timedelta(days=1), cut_off_day)
    return previous + timedelta(days=1), _cut_off(unit_entry, start, end, cut_off_day)


def reports_of_year(settings: dict, year: int, working: WorkingCalendar) -> list[ReportPeriod]:
    """Every report period the calendar gives for `year`, by unit due date."""
    by_period: dict[str, dict[str, dict]] = {}
    cut_off_day = (settings.get("reports") or {}).get("cut_off_day")
    for entry in calendar_entries(settings):
        by_period.setdefault(entry["period"], {})[entry["sender"]] = entry
    reports = []
    for period, senders in by_period.items():
        unit_entry, office_entry = senders["unit"], senders["office"]
        unit_article = unit_entry.get("article") or ""
        clauses = [c.strip() for a in (unit_article, office_entry.get("article") or "") for c in a.split(", ")]
        article = ", ".join(dict.fromkeys(c for c in clauses if c))   # "Đ.20 k.1, Đ.22" and "Đ.19 k.2, Đ.22": Đ.22 once
        for start, end in _reported_periods(period, year):
            unit_due = due_date(unit_entry, start, end, working)
            # The consolidation opens the working day after the units' day: never due before it.
            office_due = max(due_date(office_entry, start, end, working), working.next_working_day(unit_due))
            counted_from, counted_to = counted_window(unit_entry, start, end, cut_off_day)
            reports.append(ReportPeriod(period, start, end, unit_due, office_due, article, unit_article,
                                        counted_from, counted_to))
    return _longest_of_one_report(reports)


def paper_report_day(settings: dict, end: date, working: WorkingCalendar) -> date:
    """The day the paper report (chế độ mật) of a period ending on `end` is due: the office's day
    of the ruleset's [[report_calendar]] report ending then, the earliest when two do (a
    quarter's and the year's); `end` itself where the calendar has none. Quỳnh Nhai Đ.5 k.2
    reports secret tasks on paper, on the days Đ.19 sets for every report."""
    days = [report.office_due for report in reports_of_year(settings, end.year, working)
            if report.end == end] if has_calendar(settings) else []
    return min(days, default=end)


def _longest_of_one_report(reports: list[ReportPeriod]) -> list[ReportPeriod]:
    """Of periods ending and due on the same day (a quarter and the first half-year; a
    quarter's last month and the quarter), the longer: it covers the shorter."""
    best: dict[tuple[date, date], ReportPeriod] = {}
    for report in reports:
        key = (report.end, report.unit_due)
        held = best.get(key)
        if held is None or MONTHS_IN[report.period] > MONTHS_IN[held.period]:
            best[key] = report
    return sorted(best.values(), key=lambda r: (r.unit_due, r.end))


def _asking_order(report: ReportPeriod) -> tuple[date, int]:
    """The order reports are asked for in: by the units' due day, the longer period first."""
    return report.unit_due, -MONTHS_IN[report.period]


def next_report(settings: dict, after: date, working: WorkingCalendar, last_period: str | None = None) -> ReportPeriod:
    """The first report whose units' due day comes after `after`; with `last_period`, the period
    of a report due on `after` just asked for, also one due that same day that comes after it
    (the year's and October's reports both due 15/11: the year's, then October's)."""
    cursor = (after, -MONTHS_IN[last_period] if last_period else 0)
    candidates = [report for year in range(after.year - 1, after.year + 3)
                  for report in reports_of_year(settings, year, working) if _asking_order(report) > cursor]
    if not candidates:
        raise ValueError("the report calendar gives no report in the next two years")
    return min(candidates, key=_asking_order)


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
