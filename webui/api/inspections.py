"""Inspections (kiểm tra): list with filters, one with its decision, team, file and results,
propose, add a paper to the file, register the follow-up tasks, and the published
conclusions. The decision, the units' hand-over, the findings and the results report are
work items (/work-items)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from engine.inspections import service as inspections
from engine.inspections.models import InspectionKind, InspectionStatus
from engine.org import permissions
from engine.org import service as org
from webui.api.core import (
    ApiError,
    api_user,
    blueprint,
    created,
    idempotent,
    int_arg,
    json_body,
    page_body,
    paging,
    require,
)
from webui.api.serialize import inspection as serialize_inspection
from webui.context import engine
from webui.errors import error_response


@blueprint.errorhandler(inspections.InspectionError)
def _inspection_error(exc: inspections.InspectionError):
    """A refusal that names its field, as the other validation errors do."""
    return error_response(422, "validation_failed", _("Some fields are not valid."),
                          {exc.field: _(exc.message, **exc.params) if exc.params else _(exc.message)})


def _choice(name: str, allowed) -> str:
    value = request.args.get(name, "")
    if value and value not in allowed:
        raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.", name=name)
    return value


@blueprint.get("/inspections")
def list_inspections():
    """?status, kind, unit (a unit code: inspections of it), year (proposed that year)."""
    page, per_page = paging()
    status, kind = _choice("status", set(InspectionStatus)), _choice("kind", set(InspectionKind))
    year = int_arg("year", 0, low=0, high=9999) or None
    with engine().db.reading() as session:
        unit = request.args.get("unit", "")
        if unit and org.unit_by_code(session, unit) is None:
            raise ApiError(400, "bad_request", "Unknown unit %(unit)s.", unit=unit)
        rows = inspections.list_inspections(session, api_user(),
                                            inspections.InspectionQuery(status=status, kind=kind, unit=unit, year=year))
        chosen = rows[(page - 1) * per_page: page * per_page]
        return jsonify(page_body([serialize_inspection(session, i) for i in chosen], page, per_page, len(rows)))


@blueprint.get("/inspections/published")
def published_inspections():
    """The conclusions the ruleset publishes (Đắk Lắk Đ.17 k.3b), newest first."""
    with engine().db.reading() as session:
        return jsonify({"items": [serialize_inspection(session, i, full=False, results=True)
                                  for i in inspections.published_conclusions(session)]})


@blueprint.get("/inspections/<int(max=2147483647):inspection_id>")
def get_inspection(inspection_id: int):
    with engine().db.reading() as session:
        return jsonify(serialize_inspection(session, inspections.get(session, inspection_id, api_user()), full=True,
                                            reader=api_user()))


@blueprint.post("/inspections")
@idempotent
def propose_inspection():
    body = json_body()
    if not isinstance(body.get("units"), list) or not all(isinstance(u, str) for u in body["units"]):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"units": "Must be a list of unit codes."})
    proposed = inspections.propose(engine(), body, api_user())
    with engine().db.reading() as session:
        body = serialize_inspection(session, inspections.get(session, proposed.id, api_user()), full=True,
                                    reader=api_user())
    return created(body, f"/inspections/{proposed.id}")


@blueprint.post("/inspections/<int(max=2147483647):inspection_id>/papers")
@idempotent
def add_inspection_paper(inspection_id: int):
    """A paper of the inspection file: kind (one of the eight), title, attachments (digests of
    files uploaded with POST /attachments)."""
    body = json_body()
    files = body.get("attachments") or []
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"attachments": "Must be a list of file digests."})
    inspections.add_paper(engine(), inspection_id, str(body.get("kind") or ""), str(body.get("title") or ""),
                          files, api_user())
    with engine().db.reading() as session:
        return jsonify(serialize_inspection(session, inspections.get(session, inspection_id, api_user()),
                                            full=True, reader=api_user())), 201


@blueprint.post("/inspections/<int(max=2147483647):inspection_id>/follow-up")
@idempotent
def follow_up_inspection(inspection_id: int):
    """Register the recommendations as a directive (the body of POST /directives: header
    fields and `assignments`) linked to the inspection."""
    require(permissions.may_register_directives)
    body = json_body()
    items = body.pop("assignments", [])
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"assignments": "Must be a list of objects."})
    inspections.follow_up(engine(), inspection_id, body, items, api_user())
    with engine().db.reading() as session:
        return jsonify(serialize_inspection(session, inspections.get(session, inspection_id, api_user()),
                                            full=True, reader=api_user())), 201
