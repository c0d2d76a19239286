"""Periodic reports (báo cáo định kỳ) and the units' submissions, plus the indexes the
report queries need on the assignments table."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime
from engine.directives.models import Assignment
from engine.runtime.models import WorkflowInstance

PERIODS = ("monthly", "quarterly", "half_yearly", "yearly")
# How messages name each period (engine.reports.calendar)
PERIOD_WORDS = {"monthly": "tháng", "quarterly": "quý", "half_yearly": "6 tháng", "yearly": "năm"}
AD_HOC = "ad_hoc"  # báo cáo đột xuất: asked of chosen units on a topic (adhoc_report.bpmn)


class PeriodicReportStatus(StrEnum):
    COLLECTING = "collecting"      # units are reporting
    CONSOLIDATED = "consolidated"  # the office wrote the summary (tổng hợp), sent to the leader
    RETURNED = "returned"          # the leader sent it back for revision
    ISSUED = "issued"              # approved and issued with a number and date (ban hành)

# Every outcome query reads only these columns: with all of them in one index the database
# answers from the index alone. The lead unit comes first so that a unit's (or sub-tree's)
# report reads just its slice, and the per-unit GROUP BY walks the index in order; a whole-
# organisation report scans the index, narrower than the table (see bench/reports).
Index("ix_assignments_outcome", Assignment.lead_unit_id, Assignment.assigned_on, Assignment.status,
      Assignment.deadline_kind, Assignment.deadline, Assignment.completed_on, Assignment.secret,
      Assignment.directive_id, Assignment.deadline_ends)

# The deployment's report calendar among a million instances (engine.reports.service.running_schedule),
# looked for by the scheduler's every tick (move_schedule); its query names the purpose as written here.
SCHEDULES = "purpose = 'periodic_report'"  # engine.reports.service.PURPOSE's instances
Index("ix_instances_schedules", WorkflowInstance.status, postgresql_where=text(SCHEDULES), sqlite_where=text(SCHEDULES))


class PeriodicReport(Base):
    """One office report: a reporting period of the ruleset's calendar (e.g. quarter 2/2026),
    or an ad-hoc report (`period` AD_HOC, one per process instance)."""

    __tablename__ = "periodic_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    unit_due: Mapped[date] = mapped_column(Date)     # units → office
    office_due: Mapped[date] = mapped_column(Date)   # office → leader
    article: Mapped[str | None] = mapped_column(String(255))
    # The days whose tasks it counts (chốt số liệu, engine.reports.calendar.counted_window);
    # None (ad hoc, or opened before they were recorded): period_start..period_end
    counted_from: Mapped[date | None] = mapped_column(Date)
    counted_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PeriodicReportStatus] = mapped_column(String(16), default=PeriodicReportStatus.COLLECTING)
    summary: Mapped[str | None] = mapped_column(Text)        # the office's assessment
    consolidated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    consolidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instance_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    topic: Mapped[str | None] = mapped_column(Text)              # ad hoc: what is asked
    asked_units: Mapped[list | None] = mapped_column(JSON)       # the codes of the units asked (a period's: on opening)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(Text)        # the leader's word when sending back
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    number: Mapped[str | None] = mapped_column(String(64))       # số, ký hiệu: 3/BC-VP
    issued_on: Mapped[date | None] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=False)  # on the public page
    # The body whose office asked for it and issues it (an ad-hoc report of a commune's office); None: the
    # home body's, as every periodic report of the calendar (permissions.may_see_office_report)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    def consolidating(self, today: date) -> bool:
        """The units' time is over and the office is writing the summary: the status says collecting
        until the office sends it to the leader."""
        return self.status == PeriodicReportStatus.COLLECTING and today > self.unit_due


# One report of a period per calendar and body (engine.reports.operators.open_bodies): the home body's has
# no body_id, counted as 0 here (NULLs never clash), each commune's its own.
Index("uq_periodic_reports_period_body", PeriodicReport.ruleset, PeriodicReport.period, PeriodicReport.period_start,
      PeriodicReport.instance_id, func.coalesce(PeriodicReport.body_id, 0), unique=True)


class UnitReport(Base):
    """A unit's report for one period: results, difficulties, proposals, and the signed document sent with
    them (attachments: digests, engine.directives.attachments). A report the unit marks secret (mật) shows its
    text and files only to the readers of secret records (engine.reports.operators.may_read_unit_report)."""

    __tablename__ = "unit_reports"
    __table_args__ = (UniqueConstraint("periodic_report_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    periodic_report_id: Mapped[int] = mapped_column(ForeignKey("periodic_reports.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    results: Mapped[str | None] = mapped_column(Text)
    difficulties: Mapped[str | None] = mapped_column(Text)
    proposals: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    secret: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
