"""A deadline (thời hạn): the day something is due and, when it was counted in working days,
the rule that produced it (a start day and a number of working days), so that a calendar
correction can count again. A date a person entered has no rule and never moves.

Stored shapes, unchanged since the first release (old rows and workflow states read as they are):
- in task data (JSON, stored by SpiffWorkflow's serializer, which knows no custom type): an ISO
  date string for a plain date, the dict `{"date", "start", "working_days"}` for a counted one;
- in a table: a Date column and, beside it, a JSON rule column holding that dict, or null for a
  plain date (`StoredDeadline`: the feature owning the table registers it here, so that a
  calendar correction recomputes its open rows without the calendar importing the feature).
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from engine.working_days import WorkingCalendar

# The key only a counted deadline carries: a workflow state without it holds none.
WORKING_DAYS_KEY = "working_days"
_COUNTED_KEYS = frozenset({"date", "start", WORKING_DAYS_KEY})


@dataclass(frozen=True)
class Deadline:
    date: date
    # In the class body `date` names the field above, so the other hints spell datetime.date.
    start: datetime.date | None = None  # with working_days: the rule, or neither (a plain date)
    working_days: int | None = None

    def __post_init__(self) -> None:
        if (self.start is None) != (self.working_days is None):
            raise ValueError("a working-day rule needs both its start and its number of working days")

    @classmethod
    def counted(cls, calendar: WorkingCalendar, start: datetime.date, working_days: int) -> Deadline:
        """`working_days` working days after `start` on `calendar` (0: at once)."""
        return cls(calendar.add_working_days(start, working_days), start, working_days)

    @property
    def is_counted(self) -> bool:
        return self.start is not None

    def recomputed(self, calendar: WorkingCalendar) -> Deadline:
        """The same rule counted again on a corrected calendar; a plain date stays put."""
        if self.start is None or self.working_days is None:
            return self
        return Deadline.counted(calendar, self.start, self.working_days)

    def format_vn(self) -> str:
        """As Vietnamese write a date: 26/02/2026."""
        return self.date.strftime("%d/%m/%Y")

    # ------------------------------------------------------------------ task data
    def to_json(self) -> str | dict:
        return self.rule_json() or self.date.isoformat()

    @overload
    @classmethod
    def from_json(cls, value: dict | datetime.date) -> Deadline: ...

    @overload
    @classmethod
    def from_json(cls, value: Any) -> Deadline | None: ...

    @classmethod
    def from_json(cls, value: Any) -> Deadline | None:
        """A deadline from task data or a form: None or "" (no deadline), a date, an ISO date
        (a datetime's text counts by its date as written), or a dict with "date" (and the rule
        when it has both "start" and "working_days")."""
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return cls(value)
        if not isinstance(value, dict):
            return cls(_iso_day(value))
        if "date" not in value:
            raise ValueError(f"a deadline needs its date: {value!r}")
        if value.get("start") is None or value.get(WORKING_DAYS_KEY) is None:
            return cls(_iso_day(value["date"]))
        return cls(_iso_day(value["date"]), _iso_day(value["start"]), int(value[WORKING_DAYS_KEY]))

    @classmethod
    def counted_in(cls, value) -> Deadline | None:
        """The counted deadline a task-data value is, or None when it is anything else (a plain
        date in task data cannot be told from any other ISO text, and never moves anyway)."""
        return cls.from_json(value) if isinstance(value, dict) and value.keys() >= _COUNTED_KEYS else None

    # ------------------------------------------------------------------ table columns
    def rule_json(self) -> dict | None:
        """What the rule column holds: the task-data dict, or None for a plain date."""
        if self.start is None or self.working_days is None:
            return None
        return {"date": self.date.isoformat(), "start": self.start.isoformat(), WORKING_DAYS_KEY: self.working_days}

    @classmethod
    def from_columns(cls, day: datetime.date | None, rule: dict | None) -> Deadline | None:
        """The Date column is the truth; the rule column adds the rule when there is one."""
        if day is None:
            return None
        return cls.from_json({**rule, "date": day}) if isinstance(rule, dict) else cls(day)


def day_of(value) -> date | None:
    """The date of a deadline given as in task data or a form (`Deadline.from_json`), if any."""
    deadline = Deadline.from_json(value)
    return deadline.date if deadline else None


def _iso_day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# ---------------------------------------------------------------------- stored deadlines
@dataclass(frozen=True)
class StoredDeadline:
    """A table whose rows each hold a Deadline: a Date column and the JSON rule column beside it."""

    model: type[Any]  # a mapped class with an integer id
    date_column: str
    rule_column: str
    is_open: tuple            # WHERE criteria: only deadlines still running can move
    action: str               # the audit action of a move
    object_type: str
    # The audit entry's directive_id/assignment_id for a row (so the move shows in its history).
    audit_context: Callable[[Any], dict] = field(default=lambda row: {})

    def read(self, row) -> Deadline | None:
        return Deadline.from_columns(getattr(row, self.date_column), getattr(row, self.rule_column))

    def write(self, row, deadline: Deadline | None) -> None:
        setattr(row, self.date_column, deadline.date if deadline else None)
        setattr(row, self.rule_column, deadline.rule_json() if deadline else None)


_STORED: dict[tuple[str, str], StoredDeadline] = {}


def register(stored: StoredDeadline) -> StoredDeadline:
    """Called by the feature owning the table when its models are imported."""
    _STORED[(stored.model.__tablename__, stored.date_column)] = stored
    return stored


def stored_deadlines() -> tuple[StoredDeadline, ...]:
    return tuple(_STORED.values())
