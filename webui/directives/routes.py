from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock
from engine import forms as engine_forms
from engine.directives import changes, documents, reach
from engine.directives import service as directives
from engine.directives.models import URGENCIES, Directive
from engine.errors import EngineError, NotFound
from engine.exchange import recalls, received
from engine.forms import FormValidationError
from engine.imports import edxml
from engine.inbox import service as inbox
from engine.org import permissions
from engine.proposals import service as proposal_service
from engine.proposals.reading import READ_SECONDS, ReadingError
from engine.registry import service as registry
from engine.runtime.models import WorkItem, WorkItemStatus
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import Deadline
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine, ruleset_settings, takes_hub_documents
from webui.history import readable
from webui.messages import engine_message, form_message, refusal_of
from webui.nav import NavLink

blueprint = Blueprint("directives", __name__, template_folder="templates")
nav_links = [NavLink("directives.new", "Register directive", permissions.may_register_directives),
             NavLink("directives.import_upload", "Import from Excel", permissions.may_register_directives),
             NavLink("directives.received_list", "Documents from the hub", takes_hub_documents,
                     lambda session, user: received.count_waiting(session) + recalls.count_waiting(session, user))]
ASSIGNMENT_KEYS = ("content", "lead_unit", "deadline", "deadline_days", "urgency", "requires_report",
                   "upstream_deadline", "coordinating_deadline",
                   "source")   # the sentence a proposed row came from: shown again on a refused form, never stored
# A task given to every commune and ward of a province is a row each: 168 in Hồ Chí Minh City since 1/7/2025.
MAX_ASSIGNMENTS = 500   # docs/openapi.yaml bounds the API's lists alike


def read_assignments(form) -> list[dict]:
    """Rows a-<n>-<key> of the assignment table; blank rows are dropped."""
    rows = []
    for n in range(MAX_ASSIGNMENTS):
        prefix = f"a-{n}-"
        if not any(k.startswith(prefix) for k in form):
            continue
        row = {key: form.get(prefix + key, "").strip() for key in ASSIGNMENT_KEYS}
        row["coordinating_units"] = [c for c in form.getlist(prefix + "coordinating_units") if c]
        row["requires_report"] = bool(row["requires_report"])
        if any(row[k] for k in ("content", "lead_unit", "deadline", "deadline_days")):
            rows.append(row)
    return rows


@blueprint.route("/directives/new", methods=["GET", "POST"])
@login_required(permissions.may_register_directives)
def new():
    eng = engine()
    with eng.db.session() as session:
        compiled = eng.compiled(eng.current_bundle(session))
        header_form = compiled.forms[directives.HEADER_FORM]
        units = permissions.body_units(session, permissions.users_body(session, current_user()))
        offered = forms.unit_choices(session, units)
        choices = {**forms.choices_for(session, header_form), "unit": offered,
                   "former": forms.former_units(session, units), "unreached": forms.unreached_choices(session, offered)}
    upstream_label = directives.upstream_deadline_label(compiled.settings)
    values, rows, errors, refusal = {}, [{}], {}, None
    if request.method == "POST":
        values = forms.read_raw(header_form, request)
        rows = read_assignments(request.form) or [{}]
        try:
            directive = _register_with_documents(eng, values, [r for r in rows if r])
        except FormValidationError as exc:
            errors = {name: form_message(message) for name, message in exc.errors.items()}
            refusal = _("Please correct the fields marked below.")
        except directives.AssignmentError as exc:  # said on top and beside the field of its row
            refusal = engine_message(exc)
            errors = {f"a-{exc.seq - 1}-{exc.field}": refusal}
        except EngineError as exc:
            refusal = engine_message(exc)
        else:
            flash(_("Directive %(symbol)s registered.", symbol=directive.symbol), "success")
            warn_of_day_off_deadlines(eng, [r for r in rows if r])
            return redirect(url_for("directives.detail", directive_id=directive.id))
    values = forms.initial_values(header_form, values)
    return render_template("directives/new.html", form=header_form, values=values, errors=errors, rows=rows,
                           choices=choices, urgencies=URGENCIES, refusal=refusal,
                           proposal_text=request.form.get("proposal_text", ""),
                           upstream_label=upstream_label, max_assignments=MAX_ASSIGNMENTS, read_seconds=READ_SECONDS,
                           large=directives.large_directive_reading(compiled.settings)), (422 if refusal else 200)


def _register_with_documents(eng, values: dict, rows: list[dict]) -> Directive:
    """The directive and its scanned document and annexes in one transaction: a refused file
    registers nothing."""
    with eng.db.session() as session:
        directive = directives.register(eng, values, rows, current_user(), session=session)
        documents.attach(session, eng.blobs, directive, uploaded_documents(), current_user())
        return directive


def warn_of_day_off_deadlines(eng, rows: list[dict], first: int = 1, directive: Directive | None = None) -> None:
    """Say which tasks registered, added or adjusted (numbered from `first`) are due on a day off, and
    the day their deadline ends; `directive`: registered from an edXML document (its DueDate)."""
    with eng.db.reading() as session:
        found = edxml.day_off_deadlines(session, directive, rows) if directive is not None \
            else directives.day_off_deadlines(session, rows, first)
    for warning in found.values():
        flash(form_message(warning), "warning")


def uploaded_documents() -> list[documents.Upload]:
    """The files of the form's `scan` and `annexes` inputs."""
    return [documents.Upload(upload.stream, upload.filename, kind)
            for name, kind in (("scan", documents.SCAN), ("annexes", documents.ANNEX))
            for upload in request.files.getlist(name) if upload and upload.filename]


def next_step(directive_id: int) -> str:
    """Straight on to the directive's first work item for this user (usually: classify)."""
    user = current_user()
    with engine().db.session() as session:
        ids = session.scalars(select(WorkItem.id).where(WorkItem.directive_id == directive_id,
                                                        WorkItem.status == WorkItemStatus.READY).order_by(WorkItem.id))
        for item_id in ids:
            if inbox.visible_work_item(session, user, item_id) is not None:
                return url_for("workitems.form", item_id=item_id)
    return url_for("inbox.index")


# ------------------------------------------------------------- after registration
@blueprint.get("/directives/<int:directive_id>")
@login_required()
def detail(directive_id: int):
    """A directive: its header, its assignments (withdrawn ones with why, who and when), its
    history, and for the office the corrections it may make."""
    user = current_user()
    with engine().db.reading() as session:
        info = registry.directive_detail(session, user, directive_id)
        if info is None:
            abort(404)
        header_fields = _header_form(session).fields
        labels = {f.name: f.label for f in header_fields}
        choice_words = {f.name: {str(value): label for value, label in f.options} for f in header_fields if f.options}
        origins = {"origin": directives.origin_labels(ruleset_settings(session))}
        history = readable(engine(), session, info.history, labels, origins)
        files = documents.listed(session, info.directive)
        my_items = [i for i in info.work_items if inbox.visible_work_item(session, user, i.id) is not None]
        as_office = permissions.acts_as_office_on(session, user, permissions.DIRECTIVE, directive_id)
        named = [row.lead_unit for row in info.rows] + [unit for units in info.coordinating.values() for unit in units]
        unreached = reach.unreached_units(session, {unit.id for unit in named if unit is not None})
    return render_template("directives/detail.html", info=info, labels=labels, choice_words=choice_words,
                           unreached=unreached,
                           history_lines=history,
                           raw_history=permissions.may_administer_users(user), files=files, my_items=my_items,
                           may_edit=permissions.may_edit_directives(user) and as_office,
                           may_change=permissions.may_change_assignment(user) and as_office,
                           may_urge=permissions.may_urge(user) and as_office,
                           needs_instruction=permissions.changes_on_instruction(user))


@blueprint.post("/directives/<int:directive_id>/documents")
@login_required(permissions.may_edit_directives)
def attach_documents(directive_id: int):
    """The scanned document or annexes, attached after registration."""
    uploads = uploaded_documents()
    if not uploads:
        flash(_("Choose a file to attach."), "error")
    else:
        try:
            documents.attach_later(engine(), directive_id, uploads, current_user())
        except NotFound:
            abort(404)
        except EngineError as exc:
            flash(engine_message(exc), "error")
        else:
            flash(_("The files were attached to the directive."), "success")
    return redirect(url_for("directives.detail", directive_id=directive_id))


@blueprint.route("/directives/<int:directive_id>/edit", methods=["GET", "POST"])
@login_required(permissions.may_edit_directives)
def edit(directive_id: int):
    eng = engine()
    with eng.db.reading() as session:
        info = registry.directive_detail(session, current_user(), directive_id)
        if info is None:
            abort(404)
        form = _header_form(session)
        form = replace(form, fields=[f for f in form.fields if f.name in changes.HEADER_FIELDS])
        choices = forms.choices_for(session, form)
        d = info.directive
        values = {key: getattr(d, key) for key in changes.HEADER_FIELDS}
    values = {k: v.strftime("%d/%m/%Y") if hasattr(v, "strftime") else v or "" for k, v in values.items()}
    errors, refusal = {}, None
    if request.method == "POST":
        values = forms.read_raw(form, request)
        errors, refusal = refusal_of(lambda: changes.edit_header(eng, directive_id, values, current_user()))
        if refusal is None:
            flash(_("The directive was corrected."), "success")
            return redirect(url_for("directives.detail", directive_id=directive_id))
    return render_template("directives/edit.html", directive=d, form=form, values=values, errors=errors,
                           choices=choices, refusal=refusal), (422 if refusal else 200)


@blueprint.route("/directives/<int:directive_id>/assignments/new", methods=["GET", "POST"])
@login_required(permissions.may_edit_directives)
def add_assignments(directive_id: int):
    eng = engine()
    with eng.db.reading() as session:
        if not permissions.may_see(session, current_user(), permissions.DIRECTIVE, directive_id):
            abort(404)
        directive = session.get(Directive, directive_id)
        units = permissions.body_units(session, permissions.record_body(session, directive_id))
        offered = forms.unit_choices(session, units)
        choices = {"unit": offered, "former": forms.former_units(session, units),
                   "unreached": forms.unreached_choices(session, offered)}
    rows, errors, refusal = [{}], {}, None
    if request.method == "POST":
        rows = read_assignments(request.form) or [{}]
        try:
            changes.add_assignments(eng, directive_id, [r for r in rows if r], current_user())
        except directives.AssignmentError as exc:
            refusal = engine_message(exc)
            errors = {f"a-{exc.seq - 1}-{exc.field}": refusal}
        except EngineError as exc:
            refusal = engine_message(exc)
        else:
            flash(_("The assignments were added; each has started."), "success")
            warn_of_day_off_deadlines(eng, [r for r in rows if r])
            return redirect(url_for("directives.detail", directive_id=directive_id))
    return render_template("directives/add_assignments.html", directive=directive, rows=rows, errors=errors,
                           choices=choices, urgencies=URGENCIES, refusal=refusal), (422 if refusal else 200)


@blueprint.route("/directives/<int:directive_id>/assignments/<int:assignment_id>/adjust", methods=["GET", "POST"])
@login_required(permissions.may_change_assignment)
def adjust(directive_id: int, assignment_id: int):
    """Điều chỉnh nhiệm vụ: the correction form of a returned assignment, while the unit handles it."""
    eng, user = engine(), current_user()
    with eng.db.reading() as session:
        found = registry.visible_assignment(session, user, assignment_id)
        if found is None or found.directive_id != directive_id:
            abort(404)
        form = eng.compiled(eng.current_bundle(session)).forms[changes.ADJUST_FORM]
        choices = forms.choices_for(session, form)
        assignment, symbol = found, found.directive.symbol
    values, errors, refusal = {}, {}, None
    if request.method == "POST":
        values = forms.read_raw(form, request)
        errors, refusal = refusal_of(lambda: changes.adjust(eng, assignment_id, values, user,
                                                            instruction=request.form.get("instruction", "")))
        if refusal is None:
            flash(_("The assignment was adjusted."), "success")
            warn_of_day_off_deadlines(eng, [{"deadline": values.get("new_deadline")}], assignment.seq)
            return redirect(url_for("directives.detail", directive_id=directive_id))
    return render_template("directives/adjust.html", assignment=assignment, symbol=symbol, form=form,
                           values=forms.initial_values(form, values), errors=errors, choices=choices,
                           refusal=refusal, instruction=request.form.get("instruction", ""),
                           needs_instruction=permissions.changes_on_instruction(user)), (422 if refusal else 200)


@blueprint.post("/directives/<int:directive_id>/assignments/<int:assignment_id>/withdraw")
@login_required(permissions.may_change_assignment)
def withdraw(directive_id: int, assignment_id: int):
    with engine().db.reading() as session:
        found = registry.visible_assignment(session, current_user(), assignment_id)
        if found is None or found.directive_id != directive_id:
            abort(404)
    try:
        changes.withdraw(engine(), assignment_id, request.form.get("reason", ""), current_user(),
                         instruction=request.form.get("instruction", ""))
    except EngineError as exc:
        flash(engine_message(exc), "error")
    else:
        flash(_("The assignment was withdrawn; its units were told."), "success")
    return redirect(url_for("directives.detail", directive_id=directive_id))


def _header_form(session):
    """The register form of the current version (a correction is checked by it)."""
    eng = engine()
    return eng.compiled(eng.current_bundle(session)).forms[directives.HEADER_FORM]


@blueprint.get("/directives/deadline-preview")
@login_required()
def deadline_preview():
    """The date `days` working days after `start` (default today), for the register form."""
    try:
        days = int(request.args.get("days", ""))
        start = engine_forms.parse_date(request.args["start"]) if request.args.get("start") else clock.today()
    except Exception:  # int() or parse_date (which raises the forms module's own error)
        abort(400)
    if not 0 <= days <= 3650:
        abort(400)
    with engine().db.reading() as session:
        due = Deadline.counted(WorkingCalendar.from_db(session), start, days)
    return jsonify(date=due.date.isoformat(), display=due.format_vn())


# Deadline kinds as the clerk reads them beside a proposal (engine.proposals.deadlines); msgids.
DEADLINE_KINDS = {
    "before": "before the day",
    "no_later_than": "no later than the day",
    # the date read follows the label: "trong tháng, đến hết ngày 30/04/2026", not "trong tháng 30/04/2026"
    "within_month": "within the month, by the end of",
    "within_quarter": "within the quarter, by the end of",
    "within_year": "within the year, by the end of",
    "monthly": "every month, before day %(day)s",
    "working_days": "within %(days)s working days",
    "none": "no deadline",
}


@blueprint.post("/directives/proposals")
@login_required(permissions.may_register_directives)
def proposals():
    """Assignments proposed from the pasted text or the attached document, for the register
    form's script to show as rows, and the header parts the text carries for it to fill the empty
    header fields with; nothing is stored."""
    text, upload = request.form.get("text", ""), request.files.get("file")
    if not text.strip() and not (upload and upload.filename):
        return jsonify(error=_("Paste the directive's text or attach its document.")), 422
    try:
        day = engine_forms.parse_date(request.form["issued_on"]) if request.form.get("issued_on") else None
    except engine_forms.Invalid as exc:
        return jsonify(error=form_message(exc.message)), 422
    with engine().db.reading() as session:
        try:
            found = proposal_service.read_and_propose(session, day, text,
                                                      (upload.read(), upload.filename) if upload and upload.filename
                                                      else None)
        except ReadingError as exc:
            return jsonify(error=engine_message(exc)), 422
    if dated := found["header"].get("issued_on"):   # the form's date as the clerk types it
        dated["display"] = date.fromisoformat(dated["value"]).strftime("%d/%m/%Y")
    for proposal in found["proposals"]:
        deadline = proposal["deadline"]
        deadline["label"] = _(DEADLINE_KINDS[deadline["kind"]], day=deadline["day_of_month"],
                              days=deadline["working_days"])
        if deadline["date"]:
            deadline["display"] = date.fromisoformat(deadline["date"]).strftime("%d/%m/%Y")
    return jsonify(found)
