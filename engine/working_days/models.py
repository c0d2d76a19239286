"""Per-deployment corrections to the working-day calendar (lịch nghỉ, ngày làm bù)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.db.counters import CounterRow


class CalendarOverride(Base):
    """One day whose status differs from the `holidays` package: a day off the Government
    announced (working=False) or a Saturday worked in exchange, or a listed holiday that is
    not observed (working=True)."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CalendarRevision(CounterRow, Base):
    """One row whose counter goes up in every transaction that changes calendar_overrides, so
    that each worker can keep the overrides in memory and re-read them only when it moved
    (see engine.working_days.cached_overrides)."""

    __tablename__ = "calendar_revisions"
    # The revision whose deadlines the running workflows were last fully refreshed to: the
    # scheduler refreshes them while it is behind `revision` (engine.working_days.service).
    refreshed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DayOff(Base):
    """A day off of the calendar (shipped, `holidays` package and this deployment's corrections)
    and the working day a deadline falling on it ends on (Bộ luật Dân sự 2015, Đ.148 k.5;
    WorkingCalendar.effective_deadline): what the database reads a row's effective deadline from when
    it stores it (ends_on_sql; engine.outcomes.finished_late compares with the stored day). Derived,
    never edited: sync_days_off keeps it in step with the calendar, for the years the calendar holds
    (engine.working_days.YEARS), and has the stored ends follow (follow_days_off)."""

    __tablename__ = "calendar_days_off"
    # derived: a backup's restore fills it from the restored calendar, not from the archive
    __table_args__ = {"info": {"derived": True}}

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    ends_on: Mapped[date] = mapped_column(Date)
