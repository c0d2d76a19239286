"""Each ruleset's own report calendar (its ruleset.toml) gives the reports its regulation sets,
on the days it sets, in working days of the 2026 civil-service calendar (Tết: Sat 14 – Sun 22
Feb; 27/4, 30/4, 1/5, 31/8 – 2/9 off; Sat 10/1 and Sat 22/8 worked). A report is due by the
last day the text allows: "trước ngày N" is N − 1, "chậm nhất ngày N" is N, and a day off
moves back to the working day before it. Dates worked out by hand from the texts."""
from __future__ import annotations

import re
import tomllib
from datetime import date

import pytest

from engine.config import REPO_ROOT
from engine.reports import calendar as report_calendar
from engine.working_days import WorkingCalendar

RULESETS = ("bac-lieu", "dak-lak", "can-tho", "quynh-nhai", "gia-lai-stttt")


def settings_of(ruleset: str) -> dict:
    with (REPO_ROOT / "processes" / ruleset / "ruleset.toml").open("rb") as fh:
        return tomllib.load(fh)


def reports(ruleset: str, year: int = 2026) -> list:
    return report_calendar.reports_of_year(settings_of(ruleset), year, WorkingCalendar())


def d(text: str) -> date:
    day, month = text.split("/")
    return date(2026, int(month), int(day))


# (period, units' due day, office's due day), in the order the units report.
CALENDARS_2026 = {
    # QĐ 25/2015 Đ.14 k.2 names periodic reports and Đ.9 k.2 their periods but sets no day: the
    # deployment days read for Đắk Lắk (units by the 15th, year 15/11; the office by the 20th, 20/11).
    "bac-lieu": [
        ("Quý I năm 2026", "13/03", "20/03"),
        ("6 tháng đầu năm 2026", "15/06", "19/06"),
        ("Quý III năm 2026", "15/09", "18/09"),
        ("Năm 2026", "13/11", "20/11"),
        ("Quý IV năm 2026", "15/12", "18/12"),
    ],
    # Đ.20 k.1, Đ.19 k.2, Đ.22: quarterly, 6-monthly, yearly, on the days of the UBND's working
    # rules, configured as units by the 15th (year: 15/11), the office by the 20th (20/11).
    "dak-lak": [
        ("Quý I năm 2026", "13/03", "20/03"),            # Sun 15/3 -> Fri 13/3
        ("6 tháng đầu năm 2026", "15/06", "19/06"),      # replaces quarter II; office Sat 20/6 -> Fri 19/6
        ("Quý III năm 2026", "15/09", "18/09"),          # office Sun 20/9 -> Fri 18/9
        ("Năm 2026", "13/11", "20/11"),                  # Sun 15/11 -> Fri 13/11
        ("Quý IV năm 2026", "15/12", "18/12"),           # office Sun 20/12 -> Fri 18/12
    ],
    # Đ.12 k.1 units: "chậm nhất trước ngày 20" monthly, "ngày 15 của tháng cuối quý" (quarter and
    # 6 months), "ngày 10 tháng 11" (year); k.2 office: before the 25th, the 20th, 15 November.
    "can-tho": [
        ("Tháng 1 năm 2026", "19/01", "23/01"),          # office Sat 24/1 -> Fri 23/1
        ("Tháng 2 năm 2026", "13/02", "24/02"),          # 19/2 is in Tết: Fri 13/2
        ("Quý I năm 2026", "13/03", "19/03"),            # Sat 14/3 -> Fri 13/3
        ("Tháng 3 năm 2026", "19/03", "24/03"),
        ("Tháng 4 năm 2026", "17/04", "24/04"),          # Sun 19/4 -> Fri 17/4
        ("Tháng 5 năm 2026", "19/05", "22/05"),          # office Sun 24/5 -> Fri 22/5
        ("6 tháng đầu năm 2026", "12/06", "19/06"),      # Sun 14/6 -> Fri 12/6
        ("Tháng 6 năm 2026", "19/06", "24/06"),
        ("Tháng 7 năm 2026", "17/07", "24/07"),          # Sun 19/7 -> Fri 17/7
        ("Tháng 8 năm 2026", "19/08", "24/08"),
        ("Quý III năm 2026", "14/09", "18/09"),          # office Sat 19/9 -> Fri 18/9
        ("Tháng 9 năm 2026", "18/09", "24/09"),          # Sat 19/9 -> Fri 18/9
        ("Tháng 10 năm 2026", "19/10", "23/10"),         # office Sat 24/10 -> Fri 23/10
        ("Năm 2026", "09/11", "13/11"),                  # office Sat 14/11 -> Fri 13/11
        ("Tháng 11 năm 2026", "19/11", "24/11"),
        ("Quý IV năm 2026", "14/12", "18/12"),           # office Sat 19/12 -> Fri 18/12
        ("Tháng 12 năm 2026", "18/12", "24/12"),         # Sat 19/12 -> Fri 18/12
    ],
    # Đ.19 k.1 units: "chậm nhất trước ngày 20 của tháng cuối quý", 20 June, 30 November;
    # k.2 office: before the 25th of the quarter's last month, 25 June, 20 December.
    "quynh-nhai": [
        ("Quý I năm 2026", "19/03", "24/03"),
        ("6 tháng đầu năm 2026", "19/06", "24/06"),
        ("Quý III năm 2026", "18/09", "24/09"),          # Sat 19/9 -> Fri 18/9
        ("Năm 2026", "27/11", "18/12"),                  # Sun 29/11 -> Fri 27/11; Sat 19/12 -> Fri 18/12
        ("Quý IV năm 2026", "18/12", "24/12"),           # Sat 19/12 -> Fri 18/12
    ],
    # Đ.10 k.1 sections: "chậm nhất ngày 10" monthly and of the quarter's last month (the quarter's
    # report is that month's); k.2 the office to the Director "chậm nhất vào ngày 12" every month.
    # 6-month, 9-month and yearly reports are announced case by case (k.2): not scheduled.
    "gia-lai-stttt": [
        ("Tháng 1 năm 2026", "10/01", "12/01"),          # Sat 10/1 is a worked Saturday
        ("Tháng 2 năm 2026", "10/02", "12/02"),
        ("Quý I năm 2026", "10/03", "12/03"),
        ("Tháng 4 năm 2026", "10/04", "13/04"),          # Sun 12/4 -> Fri 10/4, the sections' day: Mon 13/4
        ("Tháng 5 năm 2026", "08/05", "12/05"),          # Sun 10/5 -> Fri 8/5
        ("Quý II năm 2026", "10/06", "12/06"),
        ("Tháng 7 năm 2026", "10/07", "13/07"),          # Sun 12/7 -> Fri 10/7, the sections' day: Mon 13/7
        ("Tháng 8 năm 2026", "10/08", "12/08"),
        ("Quý III năm 2026", "10/09", "11/09"),          # Sat 12/9 -> Fri 11/9
        ("Tháng 10 năm 2026", "09/10", "12/10"),         # Sat 10/10 -> Fri 9/10
        ("Tháng 11 năm 2026", "10/11", "12/11"),
        ("Quý IV năm 2026", "10/12", "11/12"),           # Sat 12/12 -> Fri 11/12
    ],
}


@pytest.mark.parametrize("ruleset", RULESETS)
def test_the_2026_calendar_of_each_ruleset_date_by_date(ruleset):
    got = [(r.label, r.unit_due, r.office_due) for r in reports(ruleset)]
    assert got == [(label, d(units), d(office)) for label, units, office in CALENDARS_2026[ruleset]]


@pytest.mark.parametrize("ruleset", RULESETS)
@pytest.mark.parametrize("year", [2026, 2027])
def test_no_report_is_due_after_the_day_the_text_sets(ruleset, year):
    """Each due day is the entry's day or, when that is a day off, the last working day
    before it: "trước ngày N" (day = N − 1) is never N or later."""
    working = WorkingCalendar()
    entries = settings_of(ruleset).get("report_calendar", [])
    for report in reports(ruleset, year):
        for sender, due in (("unit", report.unit_due), ("office", report.office_due)):
            entry = next(e for e in entries if e["period"] == report.period and e["sender"] == sender)
            month = report.end.month if entry["month"] == "last" else report.start.month + entry["month"] - 1
            text_day = date(year, month, entry["day"])
            if sender == "office" and due > text_day:  # only to open after the units' day (Gia Lai test)
                assert due == working.next_working_day(report.unit_due)
                continue
            later = [text_day.fromordinal(n) for n in range(due.toordinal(), text_day.toordinal() + 1)]
            assert [day for day in later if working.is_working_day(day)] == [due], (report.label, sender)


def test_before_a_day_whose_eve_is_a_day_off_is_the_working_day_before():
    """Cần Thơ Đ.12 k.1, "trước ngày 20 hàng tháng": 19/4/2026 is a Sunday, 19/2 is in Tết, so
    the units report on Friday 17/4 and Friday 13/2, not on (or after) the 20th."""
    can_tho = {r.label: r.unit_due for r in reports("can-tho")}
    assert can_tho["Tháng 4 năm 2026"] == date(2026, 4, 17)
    assert can_tho["Tháng 2 năm 2026"] == date(2026, 2, 13)
    # Quỳnh Nhai Đ.19 k.2: the year before 20/12, and 19/12/2026 is a Saturday.
    [year] = [r for r in reports("quynh-nhai") if r.period == "yearly"]
    assert year.office_due == date(2026, 12, 18)


@pytest.mark.parametrize("ruleset", ["dak-lak", "can-tho", "quynh-nhai", "gia-lai-stttt"])
@pytest.mark.parametrize("year", [2026, 2027])
def test_no_fourth_quarter_is_displaced_and_the_half_year_is_the_first(ruleset, year):
    labels = [r.label for r in reports(ruleset, year)]
    assert f"Quý IV năm {year}" in labels
    assert f"6 tháng cuối năm {year}" not in labels
    half = f"6 tháng đầu năm {year}"
    # where the text has a 6-month report it replaces the second quarter's, due the same day
    assert (half in labels) is (f"Quý II năm {year}" not in labels)


def test_gia_lai_office_consolidates_the_quarter_on_its_own_day():
    """Đ.10 k.2: the office is due the 12th, every month; the sections the 10th (k.1)."""
    quarter_one = next(r for r in reports("gia-lai-stttt") if r.label == "Quý I năm 2026")
    assert (quarter_one.unit_due, quarter_one.office_due) == (date(2026, 3, 10), date(2026, 3, 12))
    assert quarter_one.article == "Đ.10 k.1, Đ.10 k.2"


@pytest.mark.parametrize("entries, message", [
    ([{"period": "quarterly", "sender": "unit", "day": 10}], "needs one entry for the units and one for the office"),
    ([{"period": "quarterly", "sender": "unit", "day": 10}, {"period": "quarterly", "sender": "office", "day": 10}],
     "must be due after the units'"),
    ([{"period": "yearly", "sender": "unit", "day": 20, "month": 12},
      {"period": "yearly", "sender": "office", "day": 25, "month": 11}], "must be due after the units'"),
])
def test_a_period_without_the_offices_own_later_day_is_a_ruleset_problem(entries, message):
    problems = report_calendar.calendar_problems({"report_calendar": entries})
    assert any(message in problem.render() for problem in problems)


def test_the_office_is_never_due_before_it_can_start():
    """The consolidation opens when the units' time is over, so when the days the text sets
    fall back onto one working day the office is due the working day after the units'."""
    collapsing = {"report_calendar": [  # 10 and 11/10/2026 are a Saturday and a Sunday
        {"period": "monthly", "sender": "unit", "day": 10}, {"period": "monthly", "sender": "office", "day": 11}]}
    october = report_calendar.reports_of_year(collapsing, 2026, WorkingCalendar())[9]
    assert (october.unit_due, october.office_due) == (date(2026, 10, 9), date(2026, 10, 12))
    # Gia Lai, July 2026: the sections by Fri 10/7, the office by Sun 12/7 -> Mon 13/7.
    july = next(r for r in reports("gia-lai-stttt") if r.label == "Tháng 7 năm 2026")
    assert (july.unit_due, july.office_due) == (date(2026, 7, 10), date(2026, 7, 13))


@pytest.mark.parametrize("ruleset", sorted(p.name for p in (REPO_ROOT / "processes").iterdir()
                                           if (p / "ruleset.toml").exists()))
def test_a_report_day_cites_only_clauses_of_a_regulation(ruleset):
    """The `article` beside a report day is read by people ("Hạn gửi: 13/03/2026 (Đ.19 k.1)"): clauses, or
    nothing. The post-2025 ruleset cited a note to its deployers, "giá trị do địa phương quyết định khi triển
    khai", in every unit's periodic report step and on the report pages."""
    for entry in settings_of(ruleset).get("report_calendar", []):
        for clause in filter(None, (entry.get("article") or "").split(", ")):
            assert re.fullmatch(r"Đ\.\d+( k\.\d+)?( [a-zđ]\))?", clause), (ruleset, entry)
