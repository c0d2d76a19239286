"""Periodic reports (báo cáo định kỳ) and the units' submissions, plus the indexes the
report queries need on the assignments table."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.directives.models import Assignment

PERIODS = ("monthly", "quarterly", "half_yearly", "yearly")  # tháng, quý, 6 tháng, năm

# A yearly report filters on assigned_on and groups by lead unit; with the outcome columns
# in the index, PostgreSQL answers from the index alone (see bench/reports).
Index("ix_assignments_outcome", Assignment.assigned_on, Assignment.lead_unit_id, Assignment.status,
      Assignment.deadline_kind, Assignment.deadline, Assignment.completed_on)


class PeriodicReport(Base):
    """One reporting period of the ruleset's calendar (e.g. quarter 2/2026)."""

    __tablename__ = "periodic_reports"
    __table_args__ = (UniqueConstraint("ruleset", "period", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    unit_due: Mapped[date] = mapped_column(Date)     # units → office
    office_due: Mapped[date] = mapped_column(Date)   # office → leader
    article: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="collecting")  # collecting | consolidated
    summary: Mapped[str | None] = mapped_column(Text)        # the office's assessment
    consolidated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consolidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UnitReport(Base):
    """A unit's report for one period: results, difficulties, proposals."""

    __tablename__ = "unit_reports"
    __table_args__ = (UniqueConstraint("periodic_report_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    periodic_report_id: Mapped[int] = mapped_column(ForeignKey("periodic_reports.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    results: Mapped[str | None] = mapped_column(Text)
    difficulties: Mapped[str | None] = mapped_column(Text)
    proposals: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
