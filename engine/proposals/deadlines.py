"""Deadlines as directives write them, read from folded text (engine.text.fold): "trước ngày
10/12/2023" (or "trước 10/12/2023", "trước 15h00 ngày 10/12/2023"), "chậm nhất (trước) ngày 5 tháng 3
năm 2025" (or "chậm nhất vào ngày mai - 31/10": the date after the day's name), "trong tháng 6/2025" (or
"10.2014", or "trong tháng 6": the next June), "trong quý III/2025" (or "trong quý I": the next such quarter),
"hằng tháng, trước ngày 20" (or "trước ngày 20 hằng tháng"), "trong 30 ngày làm việc" (or
"chậm nhất 05 ngày làm việc"), "chậm nhất 03 ngày kể từ ngày ban hành" (days from the directive's
date), "trong năm 2018" (or "trong 2 năm 2024-2025": by its end; "đến hết năm 2025", "đến hết / cuối
tháng 12 năm 2025": by the period's end; "Thời gian hoàn thành: Tháng 11 - 12/2025": by the
end of its last month), "trước Thứ Tư ngày 03/12/2025", "trước ngày Quốc khánh 02/9/2025", "trước năm
2030" (before its first day) — but not a period dating what a passive verb tells of ("các nhiệm vụ được
giao trong năm 2025"). A time counted from the text's entry into force ("trong thời hạn 03 tháng kể từ ngày
Nghị quyết này có hiệu lực thi hành") is read apart (find_force_deadline), from the day in_force finds."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

BEFORE = "before"                      # trước ngày
NO_LATER_THAN = "no_later_than"        # chậm nhất ngày
WITHIN_MONTH = "within_month"          # trong tháng
WITHIN_QUARTER = "within_quarter"      # trong quý
WITHIN_YEAR = "within_year"            # trong năm
MONTHLY = "monthly"                    # hằng tháng trước ngày N
WORKING_DAYS = "working_days"          # trong N ngày làm việc
NONE = "none"
KINDS = (BEFORE, NO_LATER_THAN, WITHIN_MONTH, WITHIN_QUARTER, WITHIN_YEAR, MONTHLY, WORKING_DAYS, NONE)


@dataclass(frozen=True)
class ProposedDeadline:
    kind: str
    due: date | None = None      # the last day allowed (for monthly: the next such day)
    day: int | None = None       # monthly: the day of each month
    days: int | None = None      # working_days: how many
    phrase: str = ""             # the words it was read from (folded)


NO_DEADLINE = ProposedDeadline(NONE)

_DATE = r"(\d{1,2})\s*(?:[/.-]|thang)\s*(\d{1,2})(?:\s*(?:[/.-]|nam)\s*(\d{4}|\d{2}))?"
# "hằng tháng, trước ngày 20" and "trước ngày 20 hằng tháng"
_MONTHLY = re.compile(r"(?:hang|moi) thang[^.;]{0,80}?(?:truoc|cham nhat(?: vao)?) ngay (\d{1,2})\b"
                      r"(?![/-]|\.\d|\s*thang)|(?:truoc|cham nhat(?: vao)?) ngay (\d{1,2}) (?:hang|moi) thang")
# also "hạn cuối ngày 15 tháng 12 hàng năm" (the next such day)
# and "báo cáo … trong ngày 20 tháng 11 năm 2025": that day at the latest; and a window "gửi báo cáo từ ngày
# 10 đến ngày 15 tháng 12": its last day (not a span of full dates, "từ ngày 01/01 đến ngày 31/12": a period);
# "hoàn thành chậm nhất đến ngày 01 tháng 7 năm 2028": that day too; and a duty done the whole of a day, "tham dự
# phiên họp chất vấn cả ngày 5-12": by its end, as "trong ngày"
_NO_LATER = re.compile(r"(?:(?:cham nhat|han cuoi)(?: la)?(?: (?:vao|truoc|den))?(?: ngay)?|\b(?:trong|ca) ngay"
                       r"|\btu ngay \d{1,2} den (?:het )?ngay) " + _DATE)
# also with the day named as the report's day saw it before its date: "bàn giao … chậm nhất vào ngày mai - 31/10"
_NO_LATER_NAMED_DAY = re.compile(r"(?:cham nhat|han cuoi)(?: la)?(?: vao)? (?:ngay mai|(?:ngay )?hom nay) ?[-–(,] ?"
                                 + _DATE)
# "khởi công dự án … vào ngày 19 tháng 12 năm 2025": the day the duty is done by — not in an aside
# ("(dự kiến họp kiểm điểm vào ngày 19/11/2025)": a meeting planned, no deadline)
_ON_DAY = re.compile(r"\bvao ngay " + _DATE)
# "trước 14 giờ, ngày 5/12" (the hour also "15h00", "15h"), also without "ngày": "báo cáo trước 30/6/2026"
# also with the day of the week: "trước Thứ Tư ngày 03/12/2025"
_WEEKDAY = r"(?:(?:thu (?:hai|ba|tu|nam|sau|bay)|chu nhat),? )?"
_HOUR = r"(?:\d{1,2} gio(?: \d{1,2})?|\d{1,2}h(?:\d{2})?),? "
# also with the occasion the day is: "xong trước ngày Quốc khánh 02/9/2025", "trước Tết Nguyên đán 29/01/2026"
_OCCASION = r"(?:(?:quoc khanh|tet(?: \w+){0,2}|le(?: \w+){0,2}) )?"
_BEFORE = re.compile(r"truoc (?:" + _HOUR + r")?" + _WEEKDAY + r"(?:ngay )?" + _OCCASION + _DATE)
# "trong tháng 6/2025", "trong tháng 6 năm 2025", also "trong tháng 10.2014", "trong tháng 10-2014"
# (also "đến hết tháng 12 năm 2025", "xong cuối tháng 12 năm 2025"; and "đến hết năm 2025" for a year; a time of that
# month the thing is done at, "vào tháng 2-2026", "vào kỳ chi trả tháng 2-2026": within it too)
_IN_MONTH = r"(?:trong|ngay trong|truoc het|(?:den )?\bhet|\bcuoi|\bvao(?: (?:ky|dot|dip)(?: \w+){0,3})?) thang "
_MONTH = re.compile(_IN_MONTH + r"(\d{1,2})(?:\s*(?:[/.-]|nam)\s*(\d{4})|(?!\d|[/.-]\d))")
# a plan's item closed by its own line: "Thời gian hoàn thành: Tháng 12/2025", also a span of months "Thời gian
# thực hiện: Tháng 11 - 12/2025" (by the end of its last month) — not "Từ tháng 11/2025 đến khi kết thúc …"
_LABELLED_MONTH = re.compile(r"\bthoi (?:gian|han) (?:hoan thanh|thuc hien):? thang (?:\d{1,2} ?[-–] ?)?(\d{1,2})"
                             r"\s*(?:[/.-]|nam)\s*(\d{4})")
_QUARTER = re.compile(r"(?:trong|truoc het|ngay trong) quy (iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam)\s*(\d{4}))?")
# "thực hiện trong 2 năm 2024-2025", "trong các năm 2024 - 2025": by the end of the last year (not
# "trong thời gian 2010-2015", "giai đoạn 2021-2025": the span a programme runs)
_YEARS = re.compile(r"(?:trong|ngay trong) (?:\d{1,2} nam|cac nam|nam) \d{4} ?[-–] ?(\d{4})\b")
# also the year opening the duty's sentence: "Năm 2019 các Bộ, ngành hoàn thành việc ban hành …" — but not a year
# beside a period, the span the work covers: "các chỉ tiêu … trong năm 2026 và giai đoạn 05 năm 2026 - 2030"
_YEAR = re.compile(r"(?:(?:trong|ngay trong|truoc het|(?:den )?\bhet) nam (\d{4})\b|^nam (\d{4})\b)"
                   r"(?!,? (?:va )?giai doan\b)")
# a year dating whose things the duty speaks of, not the duty: "… phát triển KT-XH của tỉnh trong năm 2026, …",
# "… các sự kiện lớn, quan trọng của đất nước trong năm 2025" (heldout104, heldout102b); so is the growth's year a
# duty is to further: "… coi đây là nhiệm vụ then chốt để thúc đẩy tăng trưởng kinh tế trong năm 2026" (heldout106)
_WHOSE_YEAR = re.compile(r"\b(?:cua (?:tinh|thanh pho|dat nuoc|ca nuoc)|tang truong(?: kinh te)?) $")
# "… di dời các cơ sở … trước năm 2030": before the year begins, as "trước ngày 01/01/2030"
_BEFORE_YEAR = re.compile(r"\btruoc nam (\d{4})\b")
# "bảo đảm tiến độ hoàn thành Dự án vào năm 2026": the completion the duty aims at, by the year's end
_COMPLETED_IN = re.compile(r"hoan thanh\b[^,;.]{0,80}? vao nam (\d{4})\b")
_WORKING_DAYS = re.compile(r"(?:trong (?:vong |thoi han |thoi gian )?|cham nhat )(\d{1,3}) ngay lam viec")
# "chậm nhất 03 ngày kể từ ngày ban hành Quyết định": calendar days from the directive's own date
_DAYS_FROM_ISSUE = re.compile(r"(?:cham nhat|trong(?: vong| thoi han)?) (\d{1,3}) ngay ke tu ngay (?:ban hanh|ky)\b")
# "được giao ", "được xử lý "; also what arose: "phát sinh người có nghĩa vụ kê khai tài sản, thu nhập ", what
# is needed: "(văn bản) cần phải sửa đổi, bổ sung ", and the term tasks have: "(nhất là 44 nhiệm vụ) có thời hạn
# hoàn thành " (which tasks, not by when)
_PASSIVE_BEFORE = re.compile(r"\b(?:duoc(?: \w+){1,2}|phat sinh(?:,? \w+){0,10}|can phai(?: \w+,?){1,4}"
                             r"|co thoi han(?: hoan thanh)?) $")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_TEXT_KIND = r"(?:nghi quyet|nghi dinh|quyet dinh|thong tu|chi thi)"
_THIS_TEXT = _TEXT_KIND + r" nay"
# The text's own entry into force: "Nghị quyết này có hiệu lực thi hành từ ngày 29 tháng 4 năm 2026 đến …", "…
# có hiệu lực thi hành kể từ ngày ký" (its own date)
_IN_FORCE = re.compile(r"\b" + _THIS_TEXT + r" co hieu luc(?: thi hanh)? (?:ke )?tu ngay (?:ky\b|" + _DATE + ")")
# a time counted from it: "Trong thời hạn 03 tháng kể từ ngày Nghị quyết này có hiệu lực thi hành, Bộ X …", also
# without "này" ("… kể từ ngày Quyết định có hiệu lực thi hành": no other text is named, so it is this one)
_FROM_FORCE = re.compile(r"(?:trong|cham nhat)(?: vong| thoi han)? (\d{1,3}) (thang|ngay) ke tu ngay " + _TEXT_KIND
                         + r"(?: nay)? co hieu luc\b")
# … or that day itself: "… ban hành các quy chuẩn kỹ thuật, đảm bảo có hiệu lực cùng thời điểm có hiệu lực của
# Nghị quyết này"
_WITH_FORCE = re.compile(r"\bcung thoi diem (?:co )?hieu luc (?:thi hanh )?cua " + _THIS_TEXT + r"\b")


def find_deadline(folded: str, reference: date) -> ProposedDeadline:
    """The first deadline `folded` states (in the order written: "bàn giao trong năm 2025, báo cáo …
    trước ngày 31/12/2025" is by the year's end); `reference` (the directive's date) supplies a
    missing year and the next monthly day."""
    found = [d for read in _READERS if (d := read(folded, reference)) is not None]
    return min(found, key=lambda found: found[0])[1] if found else NO_DEADLINE


def in_force(folded: str, reference: date) -> date | None:
    """The day the text (folded) says it comes into force; `reference`, its date, where that is the day it is
    signed."""
    if (m := _IN_FORCE.search(folded)) is None:
        return None
    return reference if m.group(1) is None else _date(m.group(1), m.group(2), m.group(3), reference)


def find_force_deadline(folded: str, in_force: date) -> ProposedDeadline:
    """The deadline a sentence counts from its text's entry into force (`in_force`): N months or days after it,
    or that day."""
    if m := _FROM_FORCE.search(folded):
        count = int(m.group(1))
        due = in_force + timedelta(days=count) if m.group(2) == "ngay" else _months_after(in_force, count)
        return ProposedDeadline(NO_LATER_THAN, due, phrase=m.group(0))
    if m := _WITH_FORCE.search(folded):
        return ProposedDeadline(NO_LATER_THAN, in_force, phrase=m.group(0))
    return NO_DEADLINE


def _months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last where it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    last = calendar.monthrange(day.year + year, month + 1)[1]
    return date(day.year + year, month + 1, min(day.day, last))


# A table's time column gives the period alone: "Quí IV-2025", "Tháng 12/2025", "Năm 2025 - 2026", "2025",
# "18/10/2025"; a span of periods ends with its last: "Quý IV/2025- Quý II/2026".
_CELL_PERIOD = re.compile(r"^(?:quy|qui|thang|nam)\b")
_CELL_SPAN = re.compile(r"\s*[-–]\s*(?=(?:quy|qui|thang|nam)\b)")
_CELL_YEAR = re.compile(r"^\d{4}$")
_CELL_DATE = re.compile(r"^(?:ngay )?" + _DATE + r"$")


def find_cell_deadline(folded: str, reference: date) -> ProposedDeadline:
    """The deadline a task table's time cell states: a period alone is "within" it, a date alone the last
    day ("chậm nhất"), any other words as find_deadline reads them ("Trước ngày 30/6/2026")."""
    cell = _CELL_SPAN.split(folded.strip().rstrip("."))[-1]
    if _CELL_YEAR.match(cell):
        cell = "nam " + cell
    if _CELL_PERIOD.match(cell):
        cell = "trong " + re.sub(r"^qui\b", "quy", re.sub(r"\b(iv|iii|ii|i)\s*-\s*(\d{4})\b", r"\1/\2", cell))
    elif _CELL_DATE.match(cell):
        cell = "cham nhat ngay " + cell.removeprefix("ngay ")
    return find_deadline(cell, reference)


_Found = tuple[int, ProposedDeadline] | None   # where a deadline's words start, and the deadline


def _read_monthly(folded: str, reference: date) -> _Found:
    if (m := _MONTHLY.search(folded)) and 1 <= (day := int(m.group(1) or m.group(2))) <= 31:
        return m.start(), _monthly(day, reference, m.group(0))
    return None


def _read_dated(folded: str, reference: date) -> _Found:
    found = []
    for pattern, kind in ((_NO_LATER, NO_LATER_THAN), (_NO_LATER_NAMED_DAY, NO_LATER_THAN), (_ON_DAY, NO_LATER_THAN),
                          (_BEFORE, BEFORE)):
        for m in pattern.finditer(folded):
            if pattern is _ON_DAY and _in_aside(folded, m.start()):
                continue
            if (due := _date(m.group(1), m.group(2), m.group(3), reference)) is not None:
                found.append((m.start(), ProposedDeadline(kind, due, phrase=m.group(0))))
                break
    return min(found, key=lambda f: f[0]) if found else None


def _told_done(folded: str, at: int) -> bool:
    """`at` is inside an aside telling of what was done: "(năm 2025, Sở Tài chính đã tổ chức 2 lớp tập huấn … các
    Nghị định mới ban hành trong năm 2025)" — not "(hoàn thành trong tháng 11/2025)"."""
    return _in_aside(folded, at) and " da " in f" {folded[folded.rfind('(', 0, at) + 1:at]} "


def _in_aside(folded: str, at: int) -> bool:
    """`at` is inside a bracket left open before it."""
    return folded.count("(", 0, at) > folded.count(")", 0, at)


def _next_year_ending(month: int, reference: date) -> int:
    """A period named without its year ("trong tháng 6", "trong quý I") is the next one ending in `month`
    from the directive's date: one already over when it was issued is next year's."""
    return reference.year + (month < reference.month)


def _read_month(folded: str, reference: date) -> _Found:
    found = [m for m in (_period(_MONTH, folded), _LABELLED_MONTH.search(folded)) if m]
    if found and 1 <= (month := int((m := min(found, key=re.Match.start)).group(1))) <= 12:
        year = int(m.group(2)) if m.group(2) else _next_year_ending(month, reference)
        return m.start(), ProposedDeadline(WITHIN_MONTH, _month_end(year, month), phrase=m.group(0))
    return None


def _read_quarter(folded: str, reference: date) -> _Found:
    if m := _period(_QUARTER, folded):
        quarter = _ROMAN.get(m.group(1)) or int(m.group(1))
        year = int(m.group(2)) if m.group(2) else _next_year_ending(quarter * 3, reference)
        return m.start(), ProposedDeadline(WITHIN_QUARTER, _month_end(year, quarter * 3), phrase=m.group(0))
    return None


def _read_year(folded: str, reference: date) -> _Found:
    if m := _period(_YEARS, folded) or _period(_YEAR, folded, _WHOSE_YEAR) or _period(_COMPLETED_IN, folded):
        return m.start(), ProposedDeadline(WITHIN_YEAR, date(int(m.group(1) or m.group(2)), 12, 31), phrase=m.group(0))
    return None


def _read_before_year(folded: str, reference: date) -> _Found:
    if m := _period(_BEFORE_YEAR, folded):
        return m.start(), ProposedDeadline(BEFORE, date(int(m.group(1)), 1, 1), phrase=m.group(0))
    return None


def _read_days_from_issue(folded: str, reference: date) -> _Found:
    if m := _DAYS_FROM_ISSUE.search(folded):
        due = reference + timedelta(days=int(m.group(1)))
        return m.start(), ProposedDeadline(NO_LATER_THAN, due, phrase=m.group(0))
    return None


def _read_working_days(folded: str, reference: date) -> _Found:
    if m := _WORKING_DAYS.search(folded):
        return m.start(), ProposedDeadline(WORKING_DAYS, days=int(m.group(1)), phrase=m.group(0))
    return None


# Monthly first: "trước ngày 20 hằng tháng" starts where a dated deadline would.
_READERS = (_read_monthly, _read_dated, _read_month, _read_quarter, _read_year, _read_before_year,
            _read_days_from_issue, _read_working_days)


def _period(pattern: re.Pattern, folded: str, dating: re.Pattern | None = None) -> re.Match | None:
    """The first period that is a deadline: not one that dates what a passive verb tells of
    ("các nhiệm vụ được giao trong năm 2025", "vướng mắc được xử lý trong quý II"), what arose ("… có phát
    sinh người có nghĩa vụ kê khai tài sản, thu nhập trong năm 2025 … thì bàn giao …"), what is needed ("319
    văn bản cần phải sửa đổi, bổ sung trong năm 2025": which documents, not by when), nor one after the words
    `dating` reads as dating something else right before it."""
    return next((m for m in pattern.finditer(folded)
                 if not _PASSIVE_BEFORE.search(folded, 0, m.start()) and not _told_done(folded, m.start())
                 and not (dating and dating.search(folded, 0, m.start()))), None)


def _date(day: str, month: str, year: str | None, reference: date) -> date | None:
    """The date; one written without its year is the next such day from the directive's date
    ("trước ngày 01/6 hằng năm" in a letter of December: next June)."""
    y = reference.year if year is None else int(year) + (2000 if len(year) == 2 else 0)
    try:
        found = date(y, int(month), int(day))
        return found.replace(year=y + 1) if year is None and found < reference else found
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _monthly(day: int, reference: date, phrase: str) -> ProposedDeadline:
    """The next `day` of a month after `reference` (the 31st in a short month: its last day): a report day that is the
    directive's own date leaves no day to report by, so the first is next month's."""
    year, month = reference.year, reference.month
    while True:
        due = date(year, month, min(day, calendar.monthrange(year, month)[1]))
        if due > reference:
            return ProposedDeadline(MONTHLY, due, day=day, phrase=phrase)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
