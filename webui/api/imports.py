"""Importing directives: an edXML message header, or an Excel sheet in the template."""
from __future__ import annotations

import io

from flask import jsonify, request, send_file
from flask_babel import gettext as _

from engine.exchange import received
from engine.imports import ImportFailed, edxml, excel
from engine.org import permissions
from webui.api import bodies, serialize
from webui.api.core import ApiError, api_user, blueprint, created, error_response, idempotent, json_body, require
from webui.api.spec import openapi_document
from webui.context import engine, takes_hub_documents
from webui.hygiene import parse_json


@blueprint.errorhandler(ImportFailed)
def _import_failed(exc: ImportFailed):
    response = error_response(422, "import_failed", _(exc.message) % exc.params)
    body = response.get_json()
    body["error"]["rows"] = [e.as_dict(_) for e in exc.errors]
    return jsonify(body), 422


def _uploaded(name: str = "file") -> bytes:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        raise ApiError(422, "validation_failed", "Some fields are not valid.", fields={name: "This field is required."})
    return upload.read()


@blueprint.post("/imports/edxml")
@idempotent
def import_edxml():
    """multipart: `file` (the edXML message) and `assignments` (a JSON list). With
    ?preview=true only the parsed message is returned, nothing is stored. A new registration
    answers 201 with the directive; a recall, update, replacement or status 200 with
    {"action", "changed", "directive"}."""
    require(permissions.may_register_directives)
    data = _uploaded()
    if request.args.get("preview") in ("1", "true"):
        return jsonify(edxml.parse_header(data))
    try:
        items = parse_json(request.form.get("assignments") or "[]")
    except ValueError:
        items = None
    outcome = edxml.import_message(engine(), data, _assignments(items), api_user())
    if outcome.action == "registered":
        return jsonify(serialize.directive(outcome.directive)), 201
    return jsonify({"action": outcome.action, "changed": outcome.changed,
                    "directive": serialize.directive(outcome.directive)}), 200


def _assignments(items) -> list[dict]:
    """`items` checked as NewDirective.assignments are."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"assignments": "Must be a JSON list of objects."})
    bodies.check(items, openapi_document()["components"]["schemas"]["NewDirective"]["properties"]["assignments"],
                 prefix=("assignments",))
    return items


@blueprint.get("/imports/edxml/received")
def list_received():
    """The documents from the hub waiting to be registered (engine.exchange.received)."""
    require(takes_hub_documents)
    with engine().db.reading() as session:
        rows = received.waiting(session)
    return jsonify({"items": [{"id": r.id, "document_id": r.document_id, "file_name": r.file_name,
                               "received_at": serialize.iso(r.received_at), "message": r.header} for r in rows]})


@blueprint.post("/imports/edxml/received/<int(max=2147483647):received_id>")
@idempotent
def register_received(received_id: int):
    """Register a waiting document with `assignments`, as POST /imports/edxml would have: 201
    with the directive; 409 when it was registered or dismissed already."""
    require(takes_hub_documents)
    directive = received.register(engine(), received_id, _assignments(json_body().get("assignments")), api_user())
    return created(serialize.directive(directive), f"/directives/{directive.id}")


@blueprint.post("/imports/edxml/received/<int(max=2147483647):received_id>/dismiss")
@idempotent
def dismiss_received(received_id: int):
    """Not for tracking, with the required `reason`; 409 when it was decided already."""
    require(takes_hub_documents)
    reason = json_body().get("reason")
    received.dismiss(engine(), received_id, reason if isinstance(reason, str) else "", api_user())
    return jsonify({"id": received_id, "status": received.DISMISSED})


@blueprint.post("/imports/excel")
@idempotent
def import_excel():
    require(permissions.may_register_directives)
    created = excel.import_workbook(engine(), _uploaded(), api_user(), max_rows=excel.WEB_MAX_ROWS)
    return jsonify({"items": [serialize.directive(d) for d in created]}), 201


@blueprint.get("/imports/excel/template")
def excel_template():
    return send_file(io.BytesIO(excel.template_bytes()), mimetype=excel.MEDIA_TYPE, as_attachment=True,
                     download_name=excel.TEMPLATE_NAME)
