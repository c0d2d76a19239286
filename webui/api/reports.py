"""Report summary (kết quả thực hiện nhiệm vụ): the four outcome buckets and the two rates
over the caller's units, computed by engine/reports."""
from __future__ import annotations

from datetime import date

from flask import jsonify, request

from engine import clock
from engine.org import permissions
from engine.org import service as org
from engine.reports import counts
from engine.reports.query import BadReportQuery, read_origin
from webui.api.core import ApiError, api_user, blueprint
from webui.context import engine


def _date_arg(name: str, default: date | None) -> date | None:
    raw = request.args.get(name)
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        raise ApiError(400, "bad_request", "Parameter %(name)s must be a date (YYYY-MM-DD).", name=name) from None


@blueprint.get("/reports/summary")
def report_summary():
    """?as_of, start, end (assigned between), unit (a sub-tree), denominator (fallen_due | assigned),
    origin (province | own: who gave the tasks)."""
    denominator = request.args.get("denominator", "fallen_due")
    if denominator not in counts.DENOMINATORS:
        raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.",
                       name="denominator")
    try:
        origin = read_origin(request.args.get("origin"))
    except BadReportQuery:
        raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.",
                       name="origin") from None
    user = api_user()
    with engine().db.reading() as session:
        units = permissions.units_in_scope(session, user)
        code = request.args.get("unit")
        if code:
            unit = org.unit_by_code(session, code)
            if unit is None or (units is not None and unit.id not in units):
                raise ApiError(400, "bad_request", "Unknown unit %(unit)s.", unit=code)
            units = org.subtree_ids(session, unit.id)
        scope = counts.Scope(as_of=_date_arg("as_of", clock.today()), start=_date_arg("start", None),
                               end=_date_arg("end", None), unit_ids=units, origin=origin)
        return jsonify({"as_of": scope.as_of.isoformat(), "denominator": denominator, "origin": origin,
                        "total": counts.total(session, scope).as_dict(denominator),
                        "units": [o.as_dict(denominator) for o in counts.by_unit(session, scope)]})
