"""How a number is written for people, the same on every page and in every file (web, PDF,
Word, Excel): Vietnamese, a decimal comma, no decimals where they add nothing."""
from __future__ import annotations

NONE = "–"  # a rate over nothing (no task fallen due)
# A date in an Excel file: a date cell (it sorts and filters as one), shown as Vietnamese write it
EXCEL_DATE_FORMAT = "dd/mm/yyyy"


def vn_number(value: float | int | None, decimals: int = 2) -> str:
    """66.667 -> "66,67"; 50.0 -> "50"; None -> "–"."""
    if value is None:
        return NONE
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
    return text.replace(".", ",")


def vn_percent(value: float | None) -> str:
    """50.0 -> "50 %"; 66.667 -> "66,67 %" (a space before the sign, as Vietnamese writes it: a no-break
    space, so that a line never ends between the figure and its sign)."""
    return NONE if value is None else f"{vn_number(value)}\u00a0%"
