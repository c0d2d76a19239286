"""Published results (Đắk Lắk Đ.19 k.2, Gia Lai Đ.8 k.1: the office's report is published on
the portal), when the deployment switches it on (`public_results`). No sign-in. It lists the
issued reports the ruleset publishes ([reports] publish), each downloadable as Word, and the
inspection conclusions it publishes ([inspection] publish_conclusion, Đắk Lắk Đ.17 k.3b); live
per-unit aggregates of one period only when the deployment says so too (`public_figures`).
Assignments that are secret, or belong to a secret directive, are never counted or named."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from engine import clock
from engine.inspections import service as inspections
from engine.org import permissions
from engine.org import service as org
from engine.org.models import Unit
from engine.outcomes import BUCKETS
from engine.reports import counts
from engine.reports.calendar import parse_period
from engine.reports.export_docx import write_docx
from engine.reports.models import PeriodicReport, PeriodicReportStatus
from engine.reports.operators import report_label
from engine.reports.query import BadReportQuery, ReportQuery
from engine.reports.service import build_report, published_reports, report_args
from webui.context import engine, ruleset_settings
from webui.messages import engine_message
from webui.reports.routes import DENOMINATOR_MSGIDS, EXPORTS

blueprint = Blueprint("public", __name__, template_folder="templates")
PERIODS_SHOWN = ("", "-H1", "-H2", "-Q1", "-Q2", "-Q3", "-Q4")  # year, halves, quarters (no months)


def _published_only() -> None:
    if not engine().settings.public_results:  # a deployment publishes only when it says so
        abort(404)


@blueprint.get("/public/results")
def results():
    _published_only()
    with engine().db.reading() as session:
        issued = [(row, report_label(row)) for row in published_reports(session)]
        conclusions = [(row, [session.get_one(Unit, u.unit_id).name for u in row.units])
                       for row in inspections.published_conclusions(session)]
    if not engine().settings.public_figures:
        return render_template("public/results.html", issued=issued, conclusions=conclusions, figures=False,
                               root=None)
    today = clock.today()
    # Only the period is taken from the visitor: no unit, urgency or date filters to probe with.
    period = request.args.get("period", "")
    error = None
    try:
        query = ReportQuery.from_args({"period": period}, today)
        if query.period.period == "monthly":  # the choices hold none: a month's few tasks point at people
            raise BadReportQuery("The published figures are by year, half-year or quarter, not by month.")
    except BadReportQuery as exc:
        error, query = engine_message(exc), ReportQuery.from_args({}, today)
    with engine().db.reading() as session:
        scope = query.scope(session, None)  # the public: nothing of secret documents
        root = org.root_unit(session)
        units = counts.by_subtree(session, scope, root.id) if root else []
        total = counts.total(session, scope)
    choices = [(key, parse_period(key).label)
               for key in (f"{y}{suffix}" for y in (today.year, today.year - 1) for suffix in PERIODS_SHOWN)]
    response = render_template("public/results.html", issued=issued, conclusions=conclusions, figures=True,
                               q=query, units=units, total=total, error=error, choices=choices, buckets=BUCKETS,
                               denominator_msgids=DENOMINATOR_MSGIDS, root=root)
    return response, 400 if error else 200


@blueprint.get("/public/reports/<int:report_id>.docx")
def issued_report(report_id: int):
    """The Word file of an issued, published report, computed as the public may see it."""
    _published_only()
    with engine().db.reading() as session:
        row = session.get(PeriodicReport, report_id)
        if row is None or row.status != PeriodicReportStatus.ISSUED or not row.published:
            abort(404)
        query = ReportQuery.from_args(report_args(row), clock.today())
        # its table is the office's file's: the body's children (the root's for the province), each with its
        # sections; its figures the body's directives' (a commune's report: the commune's)
        body = permissions.recorded_body(session, row.body_id)
        root = body if permissions.other_than_home(session, body) else org.root_unit(session)
        report = build_report(session, query.scope(session, None, body), denominator=query.denominator,
                              period_label=report_label(row), periodic_report_id=row.id,
                              root_unit_id=root.id if root else None,
                              settings=ruleset_settings(session), organisation=engine().settings.organisation_name)
    return Response(write_docx(report), mimetype=EXPORTS["docx"][1],
                    headers={"Content-Disposition": f'attachment; filename="bao-cao-{row.id}.docx"'})
