"""Published results (Đắk Lắk Đ.19 k.2, Gia Lai Đ.8 k.1: the office's report is published on
the portal), when the deployment switches it on (`public_results`). No sign-in; only per-unit
aggregates of one period; assignments that are secret, or belong to a secret directive, are
not counted at all."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from engine import clock
from engine.org import service as org
from engine.outcomes import BUCKETS
from engine.reports import counts
from engine.reports.calendar import parse_period
from engine.reports.query import BadReportQuery, ReportQuery
from webui.context import engine
from webui.messages import engine_message
from webui.reports.routes import DENOMINATOR_MSGIDS

blueprint = Blueprint("public", __name__, template_folder="templates")
PERIODS_SHOWN = ("", "-H1", "-H2", "-Q1", "-Q2", "-Q3", "-Q4")  # year, halves, quarters (no months)


@blueprint.get("/public/results")
def results():
    if not engine().settings.public_results:  # a deployment publishes only when it says so
        abort(404)
    today = clock.today()
    # Only the period is taken from the visitor: no unit, urgency or date filters to probe with.
    period = request.args.get("period", "")
    error = None
    try:
        query = ReportQuery.from_args({"period": period}, today)
    except BadReportQuery as exc:
        error, query = engine_message(exc), ReportQuery.from_args({}, today)
    with engine().db.reading() as session:
        scope = query.scope(session, None)  # the public: nothing of secret documents
        root = org.root_unit(session)
        units = counts.by_subtree(session, scope, root.id) if root else []
        total = counts.total(session, scope)
    choices = [(key, parse_period(key).label)
               for key in (f"{y}{suffix}" for y in (today.year, today.year - 1) for suffix in PERIODS_SHOWN)]
    response = render_template("public/results.html", q=query, units=units, total=total, error=error,
                               choices=choices, buckets=BUCKETS,
                               denominator_msgids=DENOMINATOR_MSGIDS, root=root)
    return response, 400 if error else 200
