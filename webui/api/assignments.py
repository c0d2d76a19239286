"""Assignments (nhiệm vụ): the registry list with filters and paging, one assignment, and the
two things a unit does to it from outside the inbox — report progress (with files) and
return it (chuyển lại). Both complete the assignment's waiting work item, so the ruleset's
BPMN decides what follows."""
from __future__ import annotations

import re
from collections.abc import Sequence

from flask import jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from engine import clock
from engine.directives import attachments, changes, extensions, raised, subassign
from engine.directives.models import ORIGINS, PROGRESS, Assignment, Attachment, ExtensionRequest, RaisedIssue
from engine.forms import Message
from engine.inbox import service as inbox
from engine.org import permissions
from engine.org import service as org
from engine.org.models import User
from engine.outcomes import Outcome, outcome_of
from engine.registry import service as registry
from engine.urging import manual as manual_urging
from webui.api import serialize
from webui.api.core import (
    MAX_ID,
    MAX_PER_PAGE,
    ApiError,
    api_user,
    blueprint,
    date_arg,
    form_or_json,
    idempotent,
    int_arg,
    json_body,
    not_found,
    page_body,
    paging,
)
from webui.api.directives import deadline_warnings
from webui.api.org import assignment_unit_codes, unit_codes
from webui.context import engine
from webui.forms import send_attachment
from webui.history import readable

SHA256 = re.compile(r"[0-9a-f]{64}")
# The choice a unit makes in the assignment's work-item form ("action" field) for each call.
ACTION_FIELD = "action"


@blueprint.get("/assignments")
def list_assignments():
    page, per_page = paging()
    args = request.args
    outcome = _outcome_or_none()
    with engine().db.reading() as session:
        unit_code = args.get("unit") or None
        if unit_code and org.unit_by_code(session, unit_code) is None:
            raise ApiError(400, "bad_request", "Unknown unit %(unit)s.", unit=unit_code)
        query = registry.AssignmentQuery(
            unit_code=unit_code, outcome=outcome, urgency=args.get("urgency") or None,
            directive_id=_int_or_none("directive_id"), blocked=_flag("blocked"),
            first_report_late=_flag("first_report_late"),
            origin=_choice_or_none("origin", ORIGINS), text=args.get("q", ""),
            period_from=date_arg("assigned_from"), period_to=date_arg("assigned_to"),
            sort=args.get("sort", "deadline"), page=page, per_page=per_page)
        found = registry.search(session, api_user(), query)
        codes = unit_codes(session)
        body = page_body([serialize.assignment(r.assignment, codes, r.outcome) for r in found.rows],
                         found.page, found.per_page, found.total)
        body["counts"] = found.counts
        body["total_exact"] = found.total_exact
        return jsonify(body)


def _flag(name: str) -> bool:
    raw = request.args.get(name, "")
    if raw not in ("", "true", "false", "1", "0"):
        raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.", name=name)
    return raw in ("true", "1")


def _choice_or_none(name: str, allowed: Sequence[str]) -> str | None:
    raw = request.args.get(name) or None
    if raw is not None and raw not in allowed:
        raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.", name=name)
    return raw


def _outcome_or_none() -> Outcome | None:
    raw = request.args.get("outcome")
    try:
        return Outcome(raw) if raw else None
    except ValueError:
        raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.",
                       name="outcome") from None


def _int_or_none(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise ApiError(400, "bad_request", "Parameter %(name)s must be a whole number.", name=name)
    return int(raw)


@blueprint.get("/assignments/<int(max=2147483647):assignment_id>")
def get_assignment(assignment_id: int):
    user = api_user()
    with engine().db.reading() as session:
        detail = registry.assignment_detail(session, user, assignment_id)
        if detail is None:
            raise not_found()
        progress = registry.progress_page(session, assignment_id, engine().settings.history_page_size)
        codes = unit_codes(session, [detail.assignment.lead_unit_id, *(unit.id for _role, unit in detail.units),
                                     *(item.unit_id for item in detail.work_items),
                                     *(p.unit_id for p, _unit, _by in progress.reports)])
        body = serialize.assignment(detail.assignment, codes, detail.outcome)
        body["directive"] = serialize.directive(detail.directive)
        body["progress_updates"] = [serialize.progress_update(p, codes, u.username if u else None)
                                    for p, _unit, u in progress.reports]
        body["progress_next"] = progress.older
        body["work_items"] = [serialize.work_item(i, codes) for i in detail.work_items
                              if inbox.visible_work_item(session, user, i.id) is not None]
        body["withdrawal"] = serialize.withdrawal(detail.withdrawal) if detail.withdrawal else None
        return jsonify(body)


@blueprint.get("/assignments/<int(max=2147483647):assignment_id>/progress")
def list_progress(assignment_id: int):
    """The assignment's progress reports, newest first, a page at a time (as its history)."""
    return _paged(assignment_id, registry.progress_page, lambda _session, page: [
        serialize.progress_update(p, {unit.id: unit.code for _p, unit, _by in page.reports if unit},
                                  by.username if by else None) for p, _unit, by in page.reports])


@blueprint.get("/assignments/<int(max=2147483647):assignment_id>/history")
def list_history(assignment_id: int):
    """The assignment's history, newest first, a page at a time (`limit` entries older than
    entry `before`, the `next` of the previous page): a page costs the same however long the
    history grows (issue #20). Each entry says what was done in the words of the assignment's page."""
    return _paged(assignment_id, registry.history_page, lambda session, page: [
        serialize.history_entry(line.entry, line.who, line.what) for line in readable(engine(), session, page.entries)])


def _paged(assignment_id: int, read, items):
    """One page that `read` (registry.history_page, progress_page) gives, as {items, next}."""
    before, limit = _int_or_none("before"), int_arg("limit", engine().settings.history_page_size, high=MAX_PER_PAGE)
    with engine().db.reading() as session:
        if registry.visible_assignment(session, api_user(), assignment_id) is None:
            raise not_found()
        try:
            page = read(session, assignment_id, limit, before)
        except registry.BadCursor:
            raise ApiError(400, "bad_request", "Parameter %(name)s is not one of the allowed values.",
                           name="before") from None
        return jsonify({"items": items(session, page), "next": page.older})


@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/progress")
@idempotent
def report_progress(assignment_id: int):
    """A progress update (cập nhật tình hình); multipart bodies may carry files."""
    raw = form_or_json()
    if raw.get("progress") not in PROGRESS:
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"progress": "Choose one of the offered values."})
    submission = {ACTION_FIELD: "update", "progress": raw["progress"], "note": raw.get("note") or "",
                  "overdue_reason": raw.get("overdue_reason") or "", "blocked_reason": raw.get("blocked_reason") or "",
                  "attachments": _listed(raw.get("attachments"))}
    return _complete_waiting_step(assignment_id, "update", submission, request.files.getlist("files"))


@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/return")
@idempotent
def return_assignment(assignment_id: int):
    """Send a wrongly assigned task back to the office (chuyển lại), with the reason."""
    raw = form_or_json()
    reason = str(raw.get("reason") or "").strip()
    if not reason:
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"reason": "This field is required."})
    return _complete_waiting_step(assignment_id, "return", {ACTION_FIELD: "return", "return_reason": reason})


@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/withdraw")
@idempotent
def withdraw(assignment_id: int):
    """Withdraw an assignment (thu hồi): the leader, or the office on the leader's instruction."""
    raw = json_body()
    reason = str(raw.get("reason") or "").strip()
    if not reason:
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"reason": "This field is required."})
    changes.withdraw(engine(), assignment_id, reason, api_user(), instruction=str(raw.get("instruction") or ""))
    with engine().db.reading() as session:
        detail = registry.assignment_detail(session, api_user(), assignment_id)
        body = serialize.assignment(detail.assignment, unit_codes(session), detail.outcome)
        body["withdrawal"] = serialize.withdrawal(detail.withdrawal)
        return jsonify(body)


@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/adjust")
@idempotent
def adjust(assignment_id: int):
    """Adjust an assignment its lead unit handles (điều chỉnh nhiệm vụ), with the fields of the
    correction of a returned assignment: the leader, or the office on the leader's instruction."""
    raw = json_body()
    adjusted = changes.adjust(engine(), assignment_id, {k: v for k, v in raw.items() if k != "instruction"},
                              api_user(), instruction=str(raw.get("instruction") or ""))
    warnings = deadline_warnings([{"deadline": raw.get("new_deadline")}], adjusted.seq, "new_deadline")
    return jsonify({**_assignment_body(api_user(), assignment_id), "warnings": warnings})


def _complete_waiting_step(assignment_id: int, action: str, submission: dict, files: Sequence[FileStorage] = ()):
    """One transaction, which the step joins: the assignment is read and its visibility checked
    once, and answered as the step left it. Files are stored only once the step is known to be
    waiting and the form accepts the rest."""
    user = api_user()
    with engine().db.session() as session:
        assignment = registry.visible_assignment(session, user, assignment_id)
        if assignment is None:
            raise not_found()
        # The step waiting now, not one a concurrent report completes; the step takes this lock as its own.
        instance = None if assignment.instance_id is None else engine().runtime.locked(session, assignment.instance_id)
        item_id = _waiting_item(session, user, assignment_id, action)
        if files:
            engine().runtime.validate_submission(item_id, submission)
            submission["attachments"] = submission["attachments"] + store_uploads(files, "files")
        engine().runtime.complete(item_id, submission, user, locked=instance)
        response = jsonify(_assignment_answer(session, assignment))
    response.status_code = 201 if action == "update" else 200
    return response


def _assignment_body(user: User, assignment_id: int) -> dict:
    """The assignment as a write call answers it: its own fields only, so the answer does not
    read its history, progress and work items (registry.assignment_detail) as its page does."""
    with engine().db.reading() as session:
        assignment = registry.visible_assignment(session, user, assignment_id)
        if assignment is None:
            raise not_found()
        return _assignment_answer(session, assignment)


def _assignment_answer(session: Session, assignment: Assignment) -> dict:
    codes = assignment_unit_codes(session, [assignment])
    return serialize.assignment(assignment, codes, outcome_of(assignment, clock.today()))


def _waiting_item(session: Session, user: User, assignment_id: int, action: str) -> int:
    """The ready work item of this assignment that the user may handle and whose form offers
    `action`; the ruleset's forms, not this code, say which step takes which action."""
    for item_id, form in inbox.ready_items(engine(), session, user, assignment_id):
        field = form.field(ACTION_FIELD)
        if field is not None and action in {str(option[0]) for option in field.options}:
            return item_id
    raise ApiError(409, "no_waiting_step", "This assignment is not waiting for this from you right now.")


def _listed(value) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def store_uploads(files: list[FileStorage], field: str) -> list[str]:
    """Store uploaded files (content-addressed, type- and size-checked); their digests. A refused
    file (a wrong type, too large, empty) is named by its multipart `field`, like any bad field."""
    if not files:
        return []
    user = api_user()
    try:
        with engine().db.session() as session:
            return [attachments.store(session, engine().blobs, f.stream, f.filename or "", user).sha256
                    for f in files if f.filename]
    except attachments.AttachmentError as exc:
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={field: Message(exc.message, exc.params)}) from None


@blueprint.post("/attachments")
@idempotent
def upload_attachment():
    files = [f for f in request.files.getlist("file") if f.filename]
    if not files:
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"file": "This field is required."})
    sha = store_uploads(files, "file")[0]
    with engine().db.session() as session:
        row = session.get(Attachment, sha)
        response = jsonify({"sha256": row.sha256, "filename": row.filename, "content_type": row.content_type,
                            "size": row.size})
    response.status_code = 201
    return response


@blueprint.get("/attachments/<string:sha256>")
def download_attachment(sha256: str):
    """A file the caller uploaded, or one attached to something they may see."""
    sha256 = sha256.lower()
    with engine().db.reading() as session:
        if not SHA256.fullmatch(sha256) or not permissions.may_see_file(session, api_user(), sha256):
            raise not_found()
        row = session.get(Attachment, sha256)
    return send_attachment(engine().blobs, row, missing=not_found)


# ---------------------------------------------------------------- extensions (gia hạn)
def _extension(row: ExtensionRequest) -> dict:
    return {"id": row.id, "assignment_id": row.assignment_id, "status": row.status,
            "current_deadline": serialize.iso(row.current_deadline), "new_deadline": serialize.iso(row.new_deadline),
            "granted_deadline": serialize.iso(row.granted_deadline),
            "reason": row.reason, "requested_at": serialize.iso(row.requested_at),
            "decided_at": serialize.iso(row.decided_at), "decision_note": row.decision_note}


@blueprint.get("/assignments/<int(max=2147483647):assignment_id>/extensions")
def list_extensions(assignment_id: int):
    with engine().db.reading() as session:
        if registry.visible_assignment(session, api_user(), assignment_id) is None:
            raise not_found()
        rows = session.scalars(select(ExtensionRequest).where(ExtensionRequest.assignment_id == assignment_id)
                               .order_by(ExtensionRequest.id)).all()
        return jsonify({"items": [_extension(r) for r in rows]})


@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/extensions")
@idempotent
def request_extension(assignment_id: int):
    """The lead unit asks to move its deadline; the assigner decides in a work item."""
    user = api_user()
    with engine().db.session() as session:
        if registry.visible_assignment(session, user, assignment_id) is None:
            raise not_found()
    raw = form_or_json()
    missing = {name: "This field is required." for name in ("new_deadline", "reason") if not raw.get(name)}
    if missing:
        raise ApiError(422, "validation_failed", "Some fields are not valid.", fields=missing)
    row = extensions.request_extension(engine(), assignment_id, raw["new_deadline"], str(raw["reason"]), user)
    return jsonify(_extension(row)), 201


# ---------------------------------------------------------------- urging by hand (đôn đốc)
@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/urge")
@idempotent
def urge(assignment_id: int):
    """The office (or the leader) urges the units doing the assignment, with a message."""
    user = api_user()
    with engine().db.session() as session:
        if registry.visible_assignment(session, user, assignment_id) is None:
            raise not_found()
    raw = form_or_json()
    if not raw.get("message"):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"message": "This field is required."})
    urged = manual_urging.urge(engine(), assignment_id, str(raw["message"]), user,
                               coordinating=raw.get("coordinating") is True, with_letter=raw.get("letter") is True)
    return jsonify({"notified": urged.told, "letter": urged.letter.sha256 if urged.letter else None}), 200


# ---------------------------------------------------------------- raised issues (kiến nghị)
def _raised_issue(row: RaisedIssue, units: dict[int, str]) -> dict:
    return {"id": row.id, "assignment_id": row.assignment_id, "kind": row.kind, "status": row.status,
            "unit": units.get(row.unit_id), "about_unit": units.get(row.about_unit_id) if row.about_unit_id else None,
            "text": row.text, "raised_at": serialize.iso(row.raised_at), "office_opinion": row.office_opinion,
            "answer": row.answer, "answered_at": serialize.iso(row.answered_at)}


@blueprint.get("/assignments/<int(max=2147483647):assignment_id>/issues")
def list_raised_issues(assignment_id: int):
    with engine().db.reading() as session:
        if registry.visible_assignment(session, api_user(), assignment_id) is None:
            raise not_found()
        units = unit_codes(session)
        return jsonify({"items": [_raised_issue(r, units) for r in raised.issues_of(session, assignment_id)]})


@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/issues")
@idempotent
def raise_issue(assignment_id: int):
    """A unit of the assignment asks for the leader's direction, or flags another unit of it."""
    user = api_user()
    with engine().db.session() as session:
        if registry.visible_assignment(session, user, assignment_id) is None:
            raise not_found()
    raw = form_or_json()
    missing = {name: "This field is required." for name in ("kind", "text") if not raw.get(name)}
    if raw.get("kind") == "coordination" and not raw.get("about_unit"):
        missing["about_unit"] = "This field is required."
    if missing:
        raise ApiError(422, "validation_failed", "Some fields are not valid.", fields=missing)
    row = raised.raise_issue(engine(), assignment_id, str(raw["kind"]), str(raw["text"]), user,
                             about_unit=str(raw["about_unit"]) if raw.get("about_unit") else None)
    with engine().db.reading() as session:
        return jsonify(_raised_issue(row, unit_codes(session))), 201


# ---------------------------------------------------------------- sub-assignment (giao lại)
@blueprint.get("/assignments/<int(max=2147483647):assignment_id>/sub-assignments")
def list_sub_assignments(assignment_id: int):
    user = api_user()
    with engine().db.reading() as session:
        parent = registry.visible_assignment(session, user, assignment_id)
        if parent is None:
            raise not_found()
        codes, today = unit_codes(session), clock.today()
        return jsonify({"items": [serialize.assignment(a, codes, outcome_of(a, today))
                                  for a in subassign.shares_seen_by(session, user, parent)]})


@blueprint.post("/assignments/<int(max=2147483647):assignment_id>/sub-assignments")
@idempotent
def pass_down(assignment_id: int):
    """The lead unit passes its assignment to its sections: {"items": [{"unit", "content"?, "deadline"?}]}."""
    user = api_user()
    with engine().db.session() as session:
        if registry.visible_assignment(session, user, assignment_id) is None:
            raise not_found()
    items = json_body().get("items")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={"items": "Must be a list of objects."})
    ids = subassign.sub_assign(engine(), assignment_id, items, user)
    with engine().db.session() as session:
        codes, today = unit_codes(session), clock.today()
        rows = [session.get(Assignment, i) for i in ids]
        return jsonify({"items": [serialize.assignment(a, codes, outcome_of(a, today)) for a in rows]}), 201
