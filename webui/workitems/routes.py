from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.directives import attachments, changes, reach
from engine.directives.models import Assignment, Directive
from engine.errors import AlreadyDone, Conflict, NotFound
from engine.forms import FormDefinition, FormValidationError
from engine.inbox import service as inbox
from engine.inspections import service as inspections
from engine.org import permissions
from engine.registry import service as registry
from engine.reports.operators import report_label
from engine.reports.service import papers_of_step, report_of_work_item
from engine.runtime.models import WorkItem
from webui import forms, history
from webui.auth import current_user, login_required
from webui.context import engine
from webui.directives.routes import warn_of_day_off_deadlines
from webui.inspections.routes import KIND_LABELS, PAPER_LABELS
from webui.messages import engine_message, form_message

blueprint = Blueprint("workitems", __name__, template_folder="templates")


@blueprint.get("/work/<int:item_id>")
@login_required()
def form(item_id: int):
    with engine().db.reading() as session:
        item = inbox.visible_work_item(session, current_user(), item_id)
        if item is None:
            abort(404)
        definition = inbox.work_item_form(engine(), session, item)
        # A preset from an action button (?action=return) wins over a saved draft, which wins
        # over what the task's data proposes (the day a unit asked for).
        values = forms.initial_values(definition, engine().runtime.starting_values(session, item, definition),
                                      item.draft, request.args.to_dict())
    return _render(item_id, values, {})


@blueprint.post("/work/<int:item_id>")
@login_required()
def submit(item_id: int):
    user = current_user()
    eng = engine()
    with eng.db.session() as session:
        item = inbox.visible_work_item(session, user, item_id)
        if item is None:
            abort(404)
        definition = inbox.work_item_form(eng, session, item)
        raw = forms.read_raw(definition, request)
        corrected, seq = changes.corrected_deadline(session, item, raw)
        try:
            forms.store_uploads(session, definition, request, raw, eng.blobs, user)
        except FormValidationError as exc:
            session.commit()  # keep files stored before the refused one
            return _refused(item_id, raw, definition, exc)
    try:
        if "save_draft" in request.form:
            eng.runtime.save_draft(item_id, raw, user)
            flash(_("Draft saved. You can finish it later from the inbox."), "success")
            return redirect(url_for("workitems.form", item_id=item_id))
        eng.runtime.complete(item_id, raw, user)
    except FormValidationError as exc:
        return _refused(item_id, raw, definition, exc)
    except (AlreadyDone, Conflict) as exc:
        # Double submit or a stale form: nothing is lost, the typed values stay on the page.
        return _render(item_id, raw, {}, refusal=engine_message(exc), status=409)
    flash(_("Sent. Thank you."), "success")
    warn_of_day_off_deadlines(eng, corrected, seq)
    return redirect(url_for("inbox.index"))


def _refused(item_id: int, raw: dict, definition: FormDefinition, exc: FormValidationError):
    """The form again, each refused field marked with its message and named on top."""
    errors = {name: form_message(message) for name, message in exc.errors.items()}
    named = ", ".join(f.label for f in definition.fields if f.name in errors)
    return _render(item_id, raw, errors, refusal=_("Please correct the fields marked below: %(fields)s.",
                                                   fields=named), status=422)


def _render(item_id: int, values: dict, errors: dict, refusal: str | None = None, status: int = 200):
    eng = engine()
    with eng.db.session() as session:
        item = inbox.visible_work_item(session, current_user(), item_id)
        definition = inbox.work_item_form(eng, session, item)
        digests = {f.name: list(values.get(f.name) or []) for f in definition.fields if f.type == "files"}
        files = {name: attachments.describe(session, d) for name, d in digests.items()}
        directive = session.get(Directive, item.directive_id) if item.directive_id else None
        assignment = session.get(Assignment, item.assignment_id) if item.assignment_id else None
        choices = forms.choices_for(session, definition, eng.runtime.people(session, item))
        reports = registry.latest_reports(session, current_user(), assignment) if assignment else []
        report_files = {r.update.id: attachments.describe(session, r.update.attachments or []) for r in reports}
        subject, shown = (None, {}) if directive else _subject(session, item)
        # the units its tasks go to that no account receives in yet: told before the office confirms
        unreached = reach.step_unreached(eng, session, item) if item.status == "ready" else []
        # sent by someone else meanwhile: what this user typed is shown back, read as the form offers it
        typed = history.filled_in(eng, session, definition, values) if refusal and item.status != "ready" else None
    return render_template("workitems/form.html", item=item, form=definition, values=values, errors=errors,
                           choices=choices, files=files, directive=directive, assignment=assignment,
                           reports=reports, report_files=report_files, refusal=refusal, subject=subject,
                           typed=typed, unreached=unreached, **shown), status


def _subject(session, item: WorkItem) -> tuple[tuple[str, str, str] | None, dict]:
    """(what, its name, its page) of the office report or the inspection a step belongs to, and what
    the step's answer rests on, shown on its page: the units' reports and the office's assessment to
    the office consolidating and the leader approving a report (`papers`), the proposal, the
    findings and the file to whoever answers a step of an inspection (`inspection`)."""
    inspection = inspections.of_instance(session, item.instance_id)
    if inspection is not None:
        subject = (_("Inspection"), inspection.title, url_for("inspections.detail", inspection_id=inspection.id))
        try:
            info = inspections.detail(session, inspection.id, current_user())
        except NotFound:  # the step's performer reads it (the process gives it them); no one else opens the step
            return subject, {}
        return subject, {"inspection": info, "KIND_LABELS": KIND_LABELS, "PAPER_LABELS": PAPER_LABELS}
    report = report_of_work_item(engine(), session, item)
    if report is not None:
        return ((_("Report"), report_label(report), url_for("reports.periodic_detail", report_id=report.id)),
                {"papers": papers_of_step(session, report, item, current_user())})
    return None, {}


@blueprint.get("/attachments/<sha256>")
@login_required()
def attachment(sha256: str):
    eng = engine()
    with eng.db.reading() as session:
        if len(sha256) != 64 or not permissions.may_see_file(session, current_user(), sha256):
            abort(404)
        row = session.get(attachments.Attachment, sha256)
    return forms.send_attachment(eng.blobs, row)
