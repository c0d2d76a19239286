"""Directives (văn bản chỉ đạo): list, get, register; after registration, correct the header
and add assignments."""
from __future__ import annotations

from datetime import date

from flask import jsonify, request
from sqlalchemy import func, select

from engine import clock
from engine.directives import changes
from engine.directives import service as directives
from engine.directives.models import Assignment, Directive, directive_words_match
from engine.forms import Message
from engine.imports import edxml
from engine.org import permissions
from engine.outcomes import outcome_of
from engine.proposals import service as proposals
from engine.proposals.reading import ReadingError
from engine.registry import service as registry
from webui.api import serialize
from webui.api.core import (
    ApiError,
    api_user,
    blueprint,
    created,
    date_arg,
    form_or_json,
    idempotent,
    json_body,
    not_found,
    page_body,
    paging,
    require,
)
from webui.api.org import assignment_unit_codes, unit_codes
from webui.context import engine
from webui.messages import form_message


def visible_directives(session, user):
    return select(Directive).where(permissions.see_clause(session, user, permissions.DIRECTIVE))


@blueprint.get("/directives")
def list_directives():
    page, per_page = paging()
    issued_from, issued_to = date_arg("issued_from"), date_arg("issued_to")
    text = request.args.get("q", "").strip()
    with engine().db.reading() as session:
        query = visible_directives(session, api_user())
        if issued_from:
            query = query.where(Directive.issued_on >= issued_from)
        if issued_to:
            query = query.where(Directive.issued_on <= issued_to)
        if text:
            query = query.where(directive_words_match(text))
        total = session.scalar(query.with_only_columns(func.count(Directive.id)).order_by(None)) or 0
        rows = session.scalars(query.order_by(Directive.issued_on.desc(), Directive.id.desc())
                               .offset((page - 1) * per_page).limit(per_page)).all()
        return jsonify(page_body([serialize.directive(d) for d in rows], page, per_page, total))


@blueprint.get("/directives/<int(max=2147483647):directive_id>")
def get_directive(directive_id: int):
    user = api_user()
    with engine().db.reading() as session:
        directive = session.scalar(visible_directives(session, user).where(Directive.id == directive_id))
        if directive is None:
            raise not_found()
        assignments = registry.directive_assignments(session, user, directive_id)
        codes, today = assignment_unit_codes(session, assignments), clock.today()
        body = serialize.directive(directive)
        body["assignments"] = [serialize.assignment(a, codes, outcome_of(a, today)) for a in assignments]
        return jsonify(body)


@blueprint.post("/directives")
@idempotent
def create_directive():
    require(permissions.may_register_directives)
    body = json_body()
    items = body.pop("assignments", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"assignments": "Must be a list of objects."})
    directive = directives.register(engine(), body, items, api_user())
    return created({**serialize.directive(directive), "warnings": deadline_warnings(items)},
                   f"/directives/{directive.id}")


def deadline_warnings(items: list[dict], first: int = 1, field: str | None = None,
                      directive: Directive | None = None) -> dict[str, str]:
    """The answer's `warnings` for tasks registered, added or adjusted (numbered from `first`): by field
    (`field`, else assignments[i].deadline), each whose deadline is a day off and the day it runs to;
    `directive`: registered from an edXML document, whose DueDate the tasks without a deadline take."""
    with engine().db.reading() as session:
        found = edxml.day_off_deadlines(session, directive, items) if directive is not None \
            else directives.day_off_deadlines(session, items, first)
    return {field or f"assignments[{n - first}].deadline": form_message(warning) for n, warning in found.items()}



@blueprint.patch("/directives/<int(max=2147483647):directive_id>")
@idempotent
def edit_directive(directive_id: int):
    """Correct the header fields the body gives (clerk, office head)."""
    directive = changes.edit_header(engine(), directive_id, json_body(), api_user())
    with engine().db.reading() as session:
        return jsonify(serialize.directive(session.get(Directive, directive.id)))


@blueprint.post("/directives/<int(max=2147483647):directive_id>/assignments")
@idempotent
def add_assignments(directive_id: int):
    """Add assignments to a classified directive; each starts its own process."""
    items = json_body()["assignments"]
    ids = changes.add_assignments(engine(), directive_id, items, api_user())
    with engine().db.reading() as session:
        codes, today = unit_codes(session), clock.today()
        rows = [session.get(Assignment, i) for i in ids]
        return jsonify({"items": [serialize.assignment(a, codes, outcome_of(a, today)) for a in rows],
                        "warnings": deadline_warnings(items)}), 201


@blueprint.post("/directives/proposals")
def propose_assignments():
    """Assignments proposed from a directive's text — `text` (JSON or form) or `file` (multipart:
    DOCX, PDF, scanned image) — for the clerk to confirm; nothing is stored."""
    require(permissions.may_register_directives)
    body = form_or_json()
    text, upload = body.get("text") or "", request.files.get("file")
    if not isinstance(text, str) or not (text.strip() or (upload and upload.filename)):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"text": "Give the text or attach a document."})
    try:
        day = date.fromisoformat(body["issued_on"]) if body.get("issued_on") else None
    except (TypeError, ValueError):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"issued_on": "Must be a date (YYYY-MM-DD)."}) from None
    with engine().db.reading() as session:
        try:
            found = proposals.read_and_propose(session, day, text, (upload.read(), upload.filename) if upload else None)
        except ReadingError as exc:
            raise ApiError(422, exc.reason, exc.message,   # a pasted text in an old font: its field
                           fields={"file" if upload else "text": Message(exc.message, exc.params)},
                           **exc.params) from None
    return jsonify(found)
