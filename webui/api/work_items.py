"""Work items (công việc chờ xử lý): the caller's inbox, one item with its form, and
completing it with form data (Runtime.complete). There is no claiming: a work item belongs
to a role in a unit, and the first person of that role to complete it does."""
from __future__ import annotations

from flask import jsonify, request
from werkzeug.datastructures import FileStorage

from engine.directives import changes
from engine.forms import FormDefinition
from engine.inbox import service as inbox
from webui.api import serialize
from webui.api.assignments import store_uploads
from webui.api.core import ApiError, api_user, blueprint, form_or_json, idempotent, not_found, page_body, paging
from webui.api.directives import deadline_warnings
from webui.api.org import unit_codes
from webui.context import engine


@blueprint.get("/work-items")
def list_work_items():
    page, per_page = paging()
    view = request.args.get("view", "mine")
    if view not in inbox.VIEWS:
        raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.", name="view")
    query = inbox.InboxQuery(view=view, text=request.args.get("q", ""), urgency=request.args.get("urgency", ""))
    with engine().db.reading() as session:
        rows = inbox.inbox(session, api_user(), query)
        chosen = rows[(page - 1) * per_page: page * per_page]
        codes = unit_codes(session, [r.item.unit_id for r in chosen])
        items = [{**serialize.work_item(r.item, codes), "outcome": r.outcome} for r in chosen]
        return jsonify(page_body(items, page, per_page, len(rows)))


@blueprint.get("/work-items/<int(max=2147483647):item_id>")
def get_work_item(item_id: int):
    with engine().db.reading() as session:
        item = inbox.visible_work_item(session, api_user(), item_id)
        if item is None:
            raise not_found()
        body = serialize.work_item(item, unit_codes(session, [item.unit_id]))
        body["form"] = serialize.form(inbox.work_item_form(engine(), session, item))
        return jsonify(body)


@blueprint.post("/work-items/<int(max=2147483647):item_id>/complete")
@idempotent
def complete_work_item(item_id: int):
    """Complete with the form's fields as a JSON object, or as a multipart form whose
    file fields carry the files themselves."""
    user = api_user()
    # The reads and the answer join a keyed call's transaction (no savepoint of their own: they
    # write nothing to roll back alone); the step opens its own.
    with engine().db.reading() as session:
        item = inbox.visible_work_item(session, user, item_id)
        if item is None:
            raise not_found()
        definition = inbox.work_item_form(engine(), session, item)
        raw = form_or_json()
        corrected, seq = changes.corrected_deadline(session, item, raw)
    uploads = _uploads(definition)
    if uploads:  # the form must accept the rest before any file is stored
        engine().runtime.validate_submission(item_id, {**raw, **{name: [_PLACEHOLDER] for name in uploads}})
        raw.update({name: store_uploads(files, name) for name, files in uploads.items()})
    done = engine().runtime.complete(item_id, raw, user)
    with engine().db.reading() as session:
        return jsonify({**serialize.work_item(done, unit_codes(session, [done.unit_id])),
                        "warnings": deadline_warnings(corrected, seq, "new_deadline")})


_PLACEHOLDER = "0" * 64  # stands for a file's digest while the form is checked


def _uploads(definition: FormDefinition) -> dict[str, list[FileStorage]]:
    """The files sent in the form's `files` fields, by field."""
    return {field.name: request.files.getlist(field.name) for field in definition.fields
            if field.type == "files" and request.files.getlist(field.name)}
