"""The words and tables of a report, shared by the .xlsx, .docx and .pdf writers so that
the three files always say the same thing. Reports are filed in Vietnamese."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from engine import clock
from engine.numbers import vn_number, vn_percent
from engine.outcomes import BUCKETS, TERMS
from engine.reports.counts import Counts
from engine.reports.overdue import OverdueAssignment
from engine.reports.service import Header, Report, SubmittedReport

T = TypeVar("T")

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
UNIT_HEADERS = ["STT", "Đơn vị", "Tổng số nhiệm vụ", *(TERMS[b].vietnamese for b in BUCKETS), "Số nhiệm vụ đã đến hạn",
                "Đang gặp khó khăn, vướng mắc", "Tỷ lệ hoàn thành (%)", "Tỷ lệ hoàn thành đúng hạn (%)"]
BLOCKED_COLUMN = UNIT_HEADERS.index("Đang gặp khó khăn, vướng mắc")
# the days late are working days (engine.reports.overdue), as the dashboard's column says
OVERDUE_HEADERS = ["STT", "Văn bản", "Nhiệm vụ", "Đơn vị chủ trì", "Hạn hoàn thành nhiệm vụ",
                   "Số ngày làm việc quá hạn", "Lý do chưa hoàn thành", "Đề xuất"]


def vn_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def place_and_date(header: Header) -> str:
    """"Hà Nội, ngày 05 tháng 3 năm 2026": Decree 30/2020 Appendix I puts a 0 before a day below
    10 and before the months 1 and 2 only."""
    day = header.issued_on
    place = header.place
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place[:1].upper()}{place[1:]}, ngày {day.day:02d} tháng {month} năm {day.year}"


def recipient_lines(header: Header) -> list[str]:
    """"- A;" for each recipient, the last one ending with a full stop."""
    names = [r.rstrip(".;") for r in header.recipients]
    return [f"- {name}{'.' if n == len(names) - 1 else ';'}" for n, name in enumerate(names)]


def summary_paragraphs(report: Report) -> list[str]:
    t = report.total
    scope = report.scope
    period = (f"từ ngày {vn_date(scope.start)} đến ngày {vn_date(scope.assigned_until)}" if scope.start
              else f"đến ngày {vn_date(scope.assigned_until)}")
    return [
        f"Số liệu tính đến ngày {vn_date(scope.as_of)}, gồm các nhiệm vụ được giao {period}.",
        f"Tổng số nhiệm vụ được giao: {t.total}; trong đó {t.done} nhiệm vụ đã hoàn thành "
        f"({t.done_on_time} đúng hạn, {t.done_late} quá hạn), {t.in_progress} nhiệm vụ đang thực hiện trong hạn, "
        f"{t.overdue} nhiệm vụ quá hạn chưa hoàn thành.",
        *([f"Hiện có {t.blocked} nhiệm vụ đang gặp khó khăn, vướng mắc."] if t.blocked and report.blocked_column
          else []),
        f"Tỷ lệ hoàn thành: {vn_percent(t.rate(report.denominator))}; tỷ lệ hoàn thành đúng hạn: "
        f"{vn_percent(t.on_time_rate(report.denominator))}. {report.denominator_label}.",
        "Nhiệm vụ có thời hạn được tính theo thời hạn hiện hành (đã gồm gia hạn được chấp thuận); "
        "nhiệm vụ không có thời hạn không tính quá hạn; nhiệm vụ hoàn thành đúng ngày hết hạn là đúng hạn.",
        *([f"Đánh giá chung của Văn phòng: {report.assessment}"] if report.assessment else []),
    ]


def unit_columns(report: Report, values: Sequence[T]) -> list[T]:
    """`values`, one for each of UNIT_HEADERS (a header, a width, a row's cell), without the column of
    tasks meeting difficulties where the report's ruleset records no such status."""
    return [value for n, value in enumerate(values) if report.blocked_column or n != BLOCKED_COLUMN]


def _unit_cells(counts: Counts, denominator: str) -> list:
    return [counts.total, *(getattr(counts, b) for b in BUCKETS), counts.fallen_due, counts.blocked,
            counts.rate(denominator), counts.on_time_rate(denominator)]


def unit_rows(report: Report) -> tuple[list[list], list]:
    """Rows of the per-unit table and its total row (rates as numbers or None), under
    `unit_columns(report, UNIT_HEADERS)`."""
    rows = [unit_columns(report, [n, o.extra.get("name", ""), *_unit_cells(o, report.denominator)])
            for n, o in enumerate(report.units, start=1)]
    return rows, unit_columns(report, ["", "Tổng cộng", *_unit_cells(report.total, report.denominator)])


# The Excel sheet's overdue list: the deadline an extension moved in a column of its own, so that
# both are dates a reader sorts and filters by (the Word and PDF tables say it after the deadline).
# So is the working day a deadline on a day off runs to (Đ.148 k.5).
OVERDUE_SHEET_HEADERS = [*OVERDUE_HEADERS[:5], "Hạn ban đầu (trước khi gia hạn)",
                         "Hạn tính đến (hạn là ngày nghỉ: hết ngày làm việc tiếp theo)", *OVERDUE_HEADERS[5:]]
OVERDUE_SHEET_DATE_COLUMNS = (5, 6, 7)  # 1-based, as the sheet numbers them


def overdue_rows(report: Report) -> list[list]:
    """The overdue list for Word and PDF: the deadline in words, then in brackets the working day it
    runs to when it is a day off ("tính đến …") and the one an extension moved ("ban đầu …")."""
    return [_overdue_row(n, o, [_deadline_words(o)]) for n, o in enumerate(report.overdue, start=1)]


def _deadline_words(overdue: OverdueAssignment) -> str:
    notes = [f"{word} {vn_date(day)}" for word, day in (("tính đến", overdue.ends_later),
                                                         ("ban đầu", overdue.extended_from)) if day]
    return vn_date(overdue.deadline) + (f" ({'; '.join(notes)})" if notes else "")


def overdue_sheet_rows(report: Report) -> list[list]:
    """The overdue list for Excel: the deadline, the one before an extension and the day a deadline
    on a day off runs to, as dates."""
    return [_overdue_row(n, o, [o.deadline, o.extended_from, o.ends_later])
            for n, o in enumerate(report.overdue, start=1)]


def _overdue_row(number: int, overdue: OverdueAssignment, deadline_cells: list) -> list:
    return [number, overdue.symbol, overdue.content, overdue.unit_name, *deadline_cells, overdue.days_late,
            overdue.reason or "", overdue.proposal or ""]


SUBMISSION_HEADERS = ["STT", "Đơn vị", "Ngày gửi", "Kết quả", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị",
                      "Tệp đính kèm"]
SUBMISSION_DATE_COLUMNS = (3,)  # 1-based, as the sheet numbers them
# What a secret unit's report says to a reader who may not read it (engine.reports.service.SubmittedReport.sealed)
SEALED = "Báo cáo mật — nội dung chỉ người được phép xem"
_PARTS = (("Kết quả", "results"), ("Khó khăn, vướng mắc", "difficulties"), ("Đề xuất, kiến nghị", "proposals"))


def sent_on(item: SubmittedReport) -> date | None:
    """The day (in Vietnam) the unit sent its report."""
    return item.at.astimezone(clock.VN_TZ).date() if item.at else None


def files_named(item: SubmittedReport) -> str:
    """The files a unit's report was sent with, by name ("a.pdf; b.docx"); empty when sealed or none."""
    return "; ".join(f.filename for f in item.files)


def submission_heading(item: SubmittedReport) -> str:
    """"Sở Tài chính (gửi ngày 05/03/2026)": whose report, sent when (the Word and PDF files)."""
    day = sent_on(item)
    return f"{item.unit_name} (gửi ngày {vn_date(day)})" if day else item.unit_name


def submission_lines(item: SubmittedReport) -> list[str]:
    """What a unit's report says in the Word and PDF files: each part with its label, then its files by name;
    a secret one its reader may not read, only that it is secret."""
    if item.sealed:
        return [f"{SEALED}."]
    parts = [f"{label}: {text}" for label, name in _PARTS if (text := getattr(item, name))]
    return [*parts, *([f"Tệp đính kèm{' (mật)' if item.secret else ''}: {files_named(item)}."] if item.files else [])]


def submission_rows(report: Report) -> list[list]:
    """The units' reports, then the units asked that sent none (the Excel sheet): a sealed one says so in place
    of its results."""
    sent = [[item.unit_name, sent_on(item), *([SEALED, "", ""] if item.sealed else
                                             [getattr(item, name) or "" for _label, name in _PARTS]),
             files_named(item)] for item in report.submissions]
    silent = [[name, None, "Chưa gửi báo cáo", "", "", ""] for name in report.missing_units]
    return [[n, *row] for n, row in enumerate([*sent, *silent], start=1)]


def overdue_cut_note(report: Report) -> str | None:
    """Under a list cut to the most overdue tasks: how many it leaves out, and where they are."""
    if not report.overdue_cut:
        return None
    return (f"Danh sách trên nêu {len(report.overdue)} nhiệm vụ quá hạn lâu nhất trong tổng số "
            f"{report.overdue_total} nhiệm vụ quá hạn chưa hoàn thành; danh sách đầy đủ xem tại Sổ theo dõi "
            f"nhiệm vụ (lọc “Quá hạn chưa hoàn thành”), xuất được ra tệp Excel.")


def as_text(value) -> str:
    return vn_number(value) if value is None or isinstance(value, float) else str(value)
