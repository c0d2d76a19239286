"""Report summary (kết quả thực hiện nhiệm vụ): the four outcome buckets and the two rates
over the caller's units, computed by engine/reports."""
from __future__ import annotations

from flask import jsonify, request, url_for
from sqlalchemy.orm import Session

from engine import clock
from engine.forms import Message
from engine.org import permissions
from engine.reports import adhoc, counts
from engine.reports.models import PeriodicReport
from engine.reports.operators import report_label
from engine.reports.query import BadReportQuery, check_as_of, chosen_units, read_origin
from engine.reports.service import SubmittedReport, periodic_reports, unit_reports_read_by
from webui.api.core import ApiError, api_user, blueprint, date_arg, idempotent, json_body, require
from webui.context import engine


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
        units = permissions.units_in_scope(session, user)  # with its predecessors, whose tasks it counts
        code = request.args.get("unit")
        if code:
            try:
                units = chosen_units(session, units, code[:64])
            except BadReportQuery as error:
                raise ApiError(400, "bad_request", "Some fields are not valid.",
                               {"unit": Message(error.message, error.params)}) from None
        scope = counts.Scope(as_of=date_arg("as_of", clock.today()), start=date_arg("start", None),
                               end=date_arg("end", None), unit_ids=units, origin=origin,
                               issued=permissions.issued_clause(session, user))
        try:
            check_as_of(scope.as_of, scope.start, clock.today())
        except BadReportQuery as error:
            raise ApiError(400, "bad_request", error.message, fields={"as_of": Message(error.message)}) from None
        return jsonify({"as_of": scope.as_of.isoformat(), "denominator": denominator, "origin": origin,
                        "total": counts.total(session, scope).as_dict(denominator),
                        "units": [o.as_dict(denominator) for o in counts.by_unit(session, scope)]})


def _office_report(session: Session, row: PeriodicReport) -> dict:
    """An office report with the units' reports its caller reads (`unit_reports_read_by`, as on its page)."""
    sent, missing = unit_reports_read_by(session, row, api_user())
    return {"id": row.id, "kind": "ad_hoc" if row.period == "ad_hoc" else "periodic", "label": report_label(row),
            "topic": row.topic, "units": row.asked_units, "unit_due": row.unit_due.isoformat(),
            "office_due": row.office_due.isoformat(), "status": str(row.status), "number": row.number,
            "issued_on": row.issued_on.isoformat() if row.issued_on else None, "published": bool(row.published),
            "unit_reports": [_unit_report(item) for item in sent], "units_not_reported": missing}


def _unit_report(item: SubmittedReport) -> dict:
    """A unit's report by names: the unit, who sent it, its files; a secret one the caller may not read
    (`sealed`) with no text and no files."""
    return {"unit": item.unit_name, "sent_by": item.by, "sent_at": item.at.isoformat() if item.at else None,
            "secret": item.secret, "sealed": item.sealed, "results": item.results,
            "difficulties": item.difficulties, "proposals": item.proposals,
            "files": [{"name": f.filename, "content_type": f.content_type, "size": f.size,
                       "url": url_for("api.download_attachment", sha256=f.sha256)} for f in item.files]}


@blueprint.get("/reports/office")
def office_reports():
    """The office's reports, periodic and ad hoc, newest first: status, number and date, and the units'
    reports the caller reads, with their files by name."""
    user = api_user()
    with engine().db.reading() as session:
        return jsonify({"items": [_office_report(session, row) for row in periodic_reports(session, user)]})


@blueprint.post("/reports/adhoc")
@idempotent
def request_adhoc_report():
    """Ask units (codes) for an ad-hoc report on `topic` by `due` (office, leader)."""
    require(permissions.may_request_adhoc_report)
    try:
        row = adhoc.request_report(engine(), json_body(), api_user())
    except adhoc.AdhocReportError as error:
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={error.field: Message(error.message, error.params)}) from None
    with engine().db.reading() as session:
        return jsonify(_office_report(session, session.get_one(PeriodicReport, row.id))), 201
