from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock
from engine.directives import service as directives
from engine.directives.models import URGENCIES
from engine.errors import EngineError
from engine.org import permissions
from engine.org.models import Unit, User
from engine.outcomes import BUCKETS, TERMS
from engine.reports import adhoc, counts
from engine.reports.calendar import parse_period, period_key
from engine.reports.counts import Scope
from engine.reports.export_docx import write_docx
from engine.reports.export_pdf import FontMissing, write_pdf
from engine.reports.export_xlsx import write_xlsx
from engine.reports.models import AD_HOC, PeriodicReport
from engine.reports.operators import read_as_sent, receives_unit_reports, report_label
from engine.reports.overdue import late_first_reports, overdue_assignments
from engine.reports.query import BadReportQuery, ReportQuery
from engine.reports.service import (
    build_report,
    month_ends,
    periodic_reports,
    report_args,
    running_schedule,
    schedules_reports,
    start_schedule,
    steps_waiting_on,
)
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine, ruleset_settings
from webui.messages import engine_message
from webui.nav import NavLink

blueprint = Blueprint("reports", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/reports/static")
nav_links = [NavLink("reports.dashboard", "Reports")]
EXPORTS = {
    "xlsx": (write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": (write_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (write_pdf, "application/pdf"),
}
DENOMINATOR_MSGIDS = {"fallen_due": "Completion rate over tasks fallen due (done, or past their deadline)",
                      "assigned": "Completion rate over all assigned tasks"}


@dataclass
class Asked:
    """One request's report: what was asked and the scope the asker may see."""

    query: ReportQuery
    scope: Scope
    root_unit_id: int | None
    periodic: PeriodicReport | None = None  # the office report whose files these are


def _asked(session, *, periodic: bool = False) -> Asked:
    """Read the query string (`periodic`: with the office report it names); units outside the
    asker's sub-tree are never counted, unless the asker reads that report as it was sent to
    them (`read_as_sent`)."""
    user = current_user()
    query = ReportQuery.from_args(request.args, clock.today())
    row = _periodic_row(session, request.args.get("periodic"), query) if periodic else None
    reader = None if row is not None and read_as_sent(session, row, user) else user
    scope = query.scope(session, reader)
    return Asked(query, scope, query.root_unit_id(session, permissions.figures_root(session, reader)), row)


def _refuse(error: BadReportQuery):
    flash(engine_message(error), "error")
    return redirect(url_for("reports.dashboard"))


@blueprint.get("/reports")
@login_required()
def dashboard():
    with engine().db.reading() as session:
        try:
            asked = _asked(session)
        except BadReportQuery as error:
            return _refuse(error)  # the page without arguments always works
        total = counts.total(session, asked.scope)
        ranking = counts.ranking(session, asked.scope, asked.query.denominator, asked.root_unit_id)
        overdue = overdue_assignments(session, asked.scope, limit=20)
        late_first = late_first_reports(session, asked.scope, limit=20)
        units = _unit_choices(session)
        settings = ruleset_settings(session)
    return render_template("reports/dashboard.html", q=asked.query, total=total, ranking=ranking, overdue=overdue,
                           late_first=late_first,
                           late_first_shown=directives.asks_first_report(settings) or bool(late_first),
                           units=units, urgencies=URGENCIES, buckets=BUCKETS,
                           origins=directives.origin_labels(settings),
                           blocked_column=directives.has_blocked_status(settings),
                           denominator_msgids=DENOMINATOR_MSGIDS, periods=_period_choices(asked.query.as_of.year),
                           own_row=lambda row: own_row(row, asked.root_unit_id))


@blueprint.get("/reports/data.json")
@login_required()
def data():
    """What the dashboard's charts draw: per-unit buckets and the month-end trend."""
    with engine().db.reading() as session:
        try:
            asked = _asked(session)
        except BadReportQuery as error:
            return jsonify(error=engine_message(error)), 400
        units = counts.by_subtree(session, asked.scope, asked.root_unit_id) if asked.root_unit_id \
            else counts.by_unit(session, asked.scope)
        days = [d for d in month_ends(asked.query.as_of) if d >= asked.query.period.start]
        trend = counts.trend(session, asked.scope, days)
    denominator = asked.query.denominator
    return jsonify(
        buckets=[{"key": b, "label": _(TERMS[b].msgid), "colour": TERMS[b].colour} for b in BUCKETS],
        denominator={"key": denominator, "label": _(DENOMINATOR_MSGIDS[denominator])},
        units=[{**o.as_dict(denominator), "own": own_row(o, asked.root_unit_id)} for o in units],
        trend=[{**o.as_dict(denominator), "label": o.extra["as_of"][5:7] + "/" + o.extra["as_of"][:4]}
               for o in trend],
    )


def own_row(row: counts.Counts, root_unit_id: int | None) -> bool:
    """Whether a per-unit row counts its unit's own tasks only (the root's row, or every row of
    the per-lead-unit table), not its sub-tree's: the registry link behind it says so."""
    return root_unit_id is None or row.extra["unit_id"] == root_unit_id


@blueprint.get("/reports/export/<fmt>")
@login_required()
def export(fmt: str):
    if fmt not in EXPORTS:
        abort(404)
    writer, mimetype = EXPORTS[fmt]
    with engine().db.reading() as session:
        try:
            asked = _asked(session, periodic=True)
        except BadReportQuery as error:
            return _refuse(error)
        periodic = asked.periodic
        report = build_report(session, asked.scope, denominator=asked.query.denominator,
                              period_label=asked.query.period.label, root_unit_id=asked.root_unit_id,
                              periodic_report_id=periodic.id if periodic else None,
                              settings=ruleset_settings(session), organisation=engine().settings.organisation_name,
                              body=permissions.figures_body(session, current_user()), reader=current_user())
    try:
        content = writer(report)
    except FontMissing:
        abort(503)
    name = f"bao-cao-{period_key(asked.query.period)}-{asked.query.as_of.isoformat()}.{fmt}"
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.get("/reports/periodic")
@login_required()
def periodic():
    with engine().db.reading() as session:
        rows = periodic_reports(session, current_user())
        schedule = running_schedule(session, engine().ruleset)
        scheduled = schedules_reports(ruleset_settings(session))
    user = current_user()
    return render_template("reports/periodic.html", rows=rows, schedule=schedule, scheduled=scheduled,
                           today=clock.today(),
                           may_start=permissions.may_start_report_schedule(user),
                           may_ask=permissions.may_request_adhoc_report(user),
                           awaiting=[row for row in rows if row.status == "consolidated"],
                           labels={row.id: report_label(row) for row in rows})


@blueprint.route("/reports/adhoc/new", methods=["GET", "POST"])
@login_required(permissions.may_request_adhoc_report)
def adhoc_new():
    """The office (or the leader) asks chosen units for an ad-hoc report."""
    values, errors = {}, {}
    if request.method == "POST":
        values = {"topic": request.form.get("topic", ""), "units": request.form.getlist("units"),
                  "due": request.form.get("due", ""), "office_due": request.form.get("office_due", "")}
        try:
            row = adhoc.request_report(engine(), values, current_user())
        except adhoc.AdhocReportError as error:
            errors[error.field] = engine_message(error)
        except EngineError as error:
            flash(engine_message(error), "error")
        else:
            flash(_("The units have been asked for the report."), "success")
            return redirect(url_for("reports.periodic_detail", report_id=row.id))
    with engine().db.reading() as session:
        units = adhoc.askable_units(session, current_user())
    return render_template("reports/adhoc_new.html", units=units, values=values, errors=errors), \
        (400 if errors else 200)


@blueprint.post("/reports/periodic/schedule")
@login_required(permissions.may_start_report_schedule)
def schedule():
    try:
        start_schedule(engine(), actor=current_user())
    except EngineError as error:
        flash(engine_message(error), "error")
    else:
        flash(_("The periodic report schedule is running."), "success")
    return redirect(url_for("reports.periodic"))


@blueprint.get("/reports/periodic/<int:report_id>")
@login_required()
def periodic_detail(report_id: int):
    user = current_user()
    with engine().db.reading() as session:
        row = session.get(PeriodicReport, report_id)
        if row is None or not permissions.may_see_office_report(session, user, row.body_id):
            abort(404)
        query = ReportQuery.from_args(report_args(row), clock.today())
        as_sent = read_as_sent(session, row, user)
        receiver = not as_sent and receives_unit_reports(session, row, user)
        scope = query.scope(session, None if as_sent else user)
        report = build_report(session, scope, denominator=query.denominator, period_label=report_label(row),
                              periodic_report_id=row.id, reader=user)
        people = {u.id: u.full_name for u in session.scalars(select(User).where(
            User.id.in_([row.requested_by, row.reviewed_by, row.consolidated_by])))}
        waiting = steps_waiting_on(engine(), session, user, row)
        own_unit = session.get_one(Unit, user.unit_id).name if receiver else None
    return render_template("reports/periodic_detail.html", row=row, report=report, args=query.args(),
                           receiver=receiver, own_unit=own_unit,
                           today=clock.today(), waiting=waiting,
                           buckets=BUCKETS, denominator_msgids=DENOMINATOR_MSGIDS, people=people,
                           ad_hoc=row.period == AD_HOC, public_page=engine().settings.public_results)


def _periodic_row(session, value: str | None, query: ReportQuery) -> PeriodicReport | None:
    """The office report whose number, date and heading an export carries: only over its own figures
    (its period, as of its day, every unit, urgency and origin: `report_args`, as its page's links
    ask them), never stamped on others asked in the same URL (one unit's, the urgent tasks')."""
    if not value:
        return None
    row = session.get(PeriodicReport, int(value)) if value.isdigit() else None
    if row is None or not permissions.may_see_office_report(session, current_user(), row.body_id):
        raise BadReportQuery("Periodic report %(id)s does not exist.", id=value[:20])
    if query.args() != ReportQuery.from_args(report_args(row), clock.today()).args():
        raise BadReportQuery("These are not the figures of the report %(report)s: download its files from its page.",
                             report=report_label(row))
    return row


def _unit_choices(session) -> list[forms.Choice]:
    """The units in force the user may see, as a tree: a unit closed in a reorganisation is
    counted under its successor (docs/reports.md), and often shares its name."""
    return forms.unit_choices(session, permissions.units_offered(session, current_user()))


def _period_choices(year: int) -> list[tuple[str, str]]:
    """Year, halves, quarters and months of `year` and the year before."""
    keys = []
    for y in (year, year - 1):
        keys += [f"{y}", f"{y}-H1", f"{y}-H2", *(f"{y}-Q{q}" for q in range(1, 5)),
                 *(f"{y}-{m:02d}" for m in range(1, 13))]
    return [(key, parse_period(key).label) for key in keys]

