"""What periodic_report.bpmn calls: the operators that open a reporting period (and tell the
units), keep each unit's report and record the office's consolidation; the helper
`next_periodic_report`; and the check of a ruleset's `[[report_calendar]]`."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import audit, clock
from engine.directives.models import Assignment, AssignmentStatus
from engine.notifications.service import notify_users
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit
from engine.reports.calendar import calendar_problems, next_report
from engine.reports.models import PeriodicReport, PeriodicReportStatus, UnitReport
from engine.rulesets.settings import FLAG, TEXT, WORKING_DAYS, settings_check, settings_schema
from engine.sandbox.helpers import as_day, calendar_of_step, current_settings, helper, today
from engine.sandbox.operators import OPERATORS, StepContext

settings_check("report_calendar")(calendar_problems)
# The types of each [[report_calendar]] entry; what the values may be is calendar_problems'.
settings_schema("report_calendar", {"period": TEXT, "sender": TEXT, "day": {"type": "integer"},
                                    "month": {"type": ["string", "integer"]}, "article": TEXT}, array=True)
# [reports]: read by periodic_report.bpmn (periodic, remind_before) and engine.reports.service (place).
settings_schema("reports", {"remind_before": WORKING_DAYS, "place": TEXT, "periodic": FLAG})


@helper
def next_periodic_report(after=None) -> dict:
    """The next periodic report of the ruleset's [[report_calendar]] whose units' due day
    comes after `after` (default today): {"period", "label", "start", "end", "unit_due",
    "office_due", "article"} (see engine.reports.calendar)."""
    return next_report(current_settings.get() or {}, as_day(after or today()), calendar_of_step()).as_dict()


def find_report(session: Session, ruleset: str, report: dict) -> PeriodicReport | None:
    return session.scalar(select(PeriodicReport).where(
        PeriodicReport.ruleset == ruleset, PeriodicReport.period == report["period"],
        PeriodicReport.period_start == date.fromisoformat(report["start"])))


def reporting_units(session: Session, start: date, end: date) -> list[Unit]:
    """Lead units with an assignment in hand during the period (assigned by its end, not
    done before it began)."""
    a = Assignment
    unit_ids = select(a.lead_unit_id).where(
        a.status != AssignmentStatus.CANCELLED, a.assigned_on <= end, a.lead_unit_id.is_not(None),
        or_(a.completed_on.is_(None), a.completed_on >= start)).distinct()
    return list(session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.code)))


def _report_row(ctx: StepContext, report: dict) -> PeriodicReport:
    row = find_report(ctx.session, ctx.bundle.settings["id"], report)
    if row is None:
        raise LookupError(f"periodic report {report.get('label')} was not opened")
    return row


@OPERATORS.register("periodic_report.open", required=("report",))
def open_period(ctx: StepContext, data: dict, params: dict) -> list[str]:
    """Create the period's record (once) and ask each reporting unit for its report;
    returns the units' codes for the diagram's multi-instance task."""
    report = params["report"]
    row = find_report(ctx.session, ctx.bundle.settings["id"], report)
    if row is None:
        row = PeriodicReport(ruleset=ctx.bundle.settings["id"], period=report["period"],
                             period_start=date.fromisoformat(report["start"]),
                             period_end=date.fromisoformat(report["end"]),
                             unit_due=date.fromisoformat(report["unit_due"]),
                             office_due=date.fromisoformat(report["office_due"]),
                             article=report.get("article") or None, instance_id=ctx.instance.id,
                             created_at=clock.now())
        ctx.session.add(row)
        ctx.session.flush()
        audit.record(ctx.session, "periodic_report.opened", "periodic_report", row.id, actor=ctx.actor,
                     after=report)
    units = reporting_units(ctx.session, row.period_start, row.period_end)
    due = row.unit_due.strftime("%d/%m/%Y")
    for unit in units:
        notify_users(ctx.session, permissions.report_writers(ctx.session, unit.id), "periodic_report",
                     directive=None, assignment=None, link=f"/reports/periodic/{row.id}",
                     dedup_key=f"periodic_report:{row.id}", label=report["label"], due=due, unit=unit.name)
    return [unit.code for unit in units]


@OPERATORS.register("periodic_report.unit_report", required=("report", "unit"),
                        optional=("results", "difficulties", "proposals"))
def keep_unit_report(ctx: StepContext, data: dict, params: dict) -> dict:
    row = _report_row(ctx, params["report"])
    unit = org.require_unit(ctx.session, params["unit"])
    submission = ctx.session.scalar(select(UnitReport).where(UnitReport.periodic_report_id == row.id,
                                                             UnitReport.unit_id == unit.id))
    if submission is None:
        submission = UnitReport(periodic_report_id=row.id, unit_id=unit.id, submitted_at=clock.now())
        ctx.session.add(submission)
    submission.user_id = getattr(ctx.actor, "id", None)
    submission.results = params.get("results") or None
    submission.difficulties = params.get("difficulties") or None
    submission.proposals = params.get("proposals") or None
    submission.submitted_at = clock.now()
    ctx.session.flush()
    audit.record(ctx.session, "periodic_report.unit_submitted", "periodic_report", row.id, actor=ctx.actor,
                 after={"unit": unit.code})
    return {"unit_report": submission.id}


@OPERATORS.register("periodic_report.consolidate", required=("report",), optional=("summary",))
def consolidate(ctx: StepContext, data: dict, params: dict) -> dict:
    row = _report_row(ctx, params["report"])
    row.summary = params.get("summary") or None
    row.status = PeriodicReportStatus.CONSOLIDATED
    row.consolidated_by = getattr(ctx.actor, "id", None)
    row.consolidated_at = clock.now()
    audit.record(ctx.session, "periodic_report.consolidated", "periodic_report", row.id, actor=ctx.actor,
                 after={"status": row.status})
    return {"periodic_report": row.id}
