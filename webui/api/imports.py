"""Importing directives: an edXML message header, or an Excel sheet in the template."""
from __future__ import annotations

import io

from flask import jsonify, request, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from engine.exchange import recalls, received
from engine.exchange.models import RecallRequest, ReceivedDocument
from engine.imports import ImportFailed, edxml, excel
from engine.org import permissions
from webui.api import bodies, serialize
from webui.api.core import ApiError, api_user, blueprint, created, error_response, idempotent, json_body, require
from webui.api.directives import deadline_warnings
from webui.api.spec import openapi_document
from webui.context import engine, takes_hub_documents
from webui.hygiene import parse_json


@blueprint.errorhandler(ImportFailed)
def _import_failed(exc: ImportFailed):
    response = error_response(422, "import_failed", _(exc.message) % exc.params)
    body = response.get_json()
    body["error"]["rows"] = [e.as_dict(_) for e in exc.errors]
    return jsonify(body), 422


def _upload(name: str = "file") -> FileStorage:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        raise ApiError(422, "validation_failed", "Some fields are not valid.", fields={name: "This field is required."})
    return upload


@blueprint.post("/imports/edxml")
@idempotent
def import_edxml():
    """multipart: `file` (the edXML message) and `assignments` (a JSON list). With
    ?preview=true only the parsed message is returned, nothing is stored. Received as the
    watched folder receives it (engine.exchange.received): a new registration answers 201 with
    the directive; a document without assignments 202, kept for the office; a recall, update,
    replacement, status or a message received before 200 with {"action", "changed",
    "directive", "received"}; a status about a document still waiting 409."""
    require(permissions.may_register_directives)
    upload = _upload()
    data = upload.read()
    if request.args.get("preview") in ("1", "true"):
        return jsonify(edxml.parse_header(data))
    try:
        items = parse_json(request.form.get("assignments") or "[]")
    except ValueError:
        items = None
    items = _assignments(items)
    got = received.receive(engine(), data, items, api_user(), upload.filename or "")
    if got.action == received.WAITS:
        raise ApiError(409, "document_waiting", "The document this status is about waits to be registered: send "
                       "the status again once it is registered.")
    if got.action == "registered" and got.changed:
        return jsonify({**serialize.directive(got.directive),
                        "warnings": deadline_warnings(items, directive=got.directive)}), 201
    return jsonify({"action": got.action, "changed": got.changed,
                    "directive": serialize.directive(got.directive) if got.directive else None,
                    "received": _waiting_row(got.waiting) if got.waiting else None}), \
        202 if got.action == received.KEPT else 200


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
    return jsonify({"items": [_waiting_row(r) for r in rows]})


def _waiting_row(row: ReceivedDocument) -> dict:
    return {"id": row.id, "document_id": row.document_id, "file_name": row.file_name,
            "received_at": serialize.iso(row.received_at), "message": row.header, "status": row.status}


@blueprint.post("/imports/edxml/received/<int(max=2147483647):received_id>")
@idempotent
def register_received(received_id: int):
    """Register a waiting document with `assignments`, as POST /imports/edxml would have: 201
    with the directive; 409 when it was registered or dismissed already."""
    require(takes_hub_documents)
    items = _assignments(json_body().get("assignments"))
    directive = received.register(engine(), received_id, items, api_user())
    return created({**serialize.directive(directive), "warnings": deadline_warnings(items, directive=directive)},
                   f"/directives/{directive.id}")


@blueprint.post("/imports/edxml/received/<int(max=2147483647):received_id>/dismiss")
@idempotent
def dismiss_received(received_id: int):
    """Not for tracking, with the required `reason`; 409 when it was decided already."""
    require(takes_hub_documents)
    reason = json_body().get("reason")
    received.dismiss(engine(), received_id, reason if isinstance(reason, str) else "", api_user())
    return jsonify({"id": received_id, "status": received.DISMISSED})


@blueprint.get("/imports/edxml/recall-requests")
def list_recall_requests():
    """Senders' requests to have a registered document back, waiting for the office (engine.exchange.recalls)."""
    require(takes_hub_documents)
    with engine().db.reading() as session:
        rows = recalls.waiting(session, api_user())
    return jsonify({"items": [_recall_request(row, directive) for row, directive in rows]})


@blueprint.post("/imports/edxml/recall-requests/<int(max=2147483647):request_id>")
@idempotent
def answer_recall_request(request_id: int):
    """`answer` accept (the directive is recalled, 15 to the sender) or refuse with `reason`
    (16); 409 when it was answered already."""
    require(takes_hub_documents)
    body = json_body()
    if body.get("answer") == "accept":
        row = recalls.accept(engine(), request_id, api_user())
    else:
        row = recalls.refuse(engine(), request_id, body.get("reason") or "", api_user())
    return jsonify({"id": row.id, "status": row.status, "directive_id": row.directive_id})


def _recall_request(row: RecallRequest, directive) -> dict:
    return {"id": row.id, "received_at": serialize.iso(row.received_at), "status": row.status,
            "sender": {"organ_id": row.sender_organ_id, "name": row.sender_name}, "description": row.description,
            "directive": {"id": directive.id, "symbol": directive.symbol, "issuer": directive.issuer,
                          "issued_on": directive.issued_on.isoformat(), "summary": directive.summary}}


@blueprint.post("/imports/excel")
@idempotent
def import_excel():
    require(permissions.may_register_directives)
    imported = excel.import_workbook(engine(), _upload().read(), api_user(), max_rows=excel.WEB_MAX_ROWS)
    skipped = [{"row": row.row, "text": row.text, "message": row.render(_)} for row in imported.skipped]
    # the register's directives in the system already, passed over: nothing new is no error, and no 201
    known = [{"symbol": k.symbol, "directive_id": k.directive_id, "rows": list(k.rows)} for k in imported.known]
    return jsonify({"items": [serialize.directive(d) for d in imported.directives], "skipped_rows": skipped,
                    "warnings": [w.as_dict(_) for w in imported.warnings], "already_registered": known,
                    "message": excel.passed_over(imported.known, _)}), 201 if imported.directives else 200


@blueprint.get("/imports/excel/template")
def excel_template():
    return send_file(io.BytesIO(excel.template_bytes()), mimetype=excel.MEDIA_TYPE, as_attachment=True,
                     download_name=excel.TEMPLATE_NAME)
