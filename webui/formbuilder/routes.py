"""The form builder's pages: the forms of the version in force with the steps that show them,
one form's builder, and its save (JSON, like the diagram editor's)."""
from __future__ import annotations

import re
import tomllib

from flask import Blueprint, abort, flash, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from engine.errors import EngineError
from engine.forms import Message
from engine.org import permissions
from engine.rulesets import disk, drafts
from engine.rulesets.form_drafts import save_form
from engine.rulesets.form_edit import TYPE_LABELS, FormEditError, form_data, user_tasks
from engine.rulesets.models import DraftStatus, ProcessBundle, ProcessDraft
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine
from webui.messages import engine_message, form_message
from webui.modeler import words
from webui.modeler.routes import _bundle_or_404, _own_draft, _problem

blueprint = Blueprint("formbuilder", __name__, template_folder="templates", static_folder="static",
                      url_prefix="/modeler/forms")
KEY = re.compile(r"[a-z0-9_-]{1,80}")
# What each part of the builder's data is called on the page (the 4xx names it).
PARTS = {"title": "Title", "description": "Description", "submit_label": "Submit button", "fields": "Fields",
         "name": "Name (read by the diagrams)", "label": "Label", "type": "Type", "options": "Options",
         "help": "Help text", "max_length": "Maximum length", "show_if": "Shown only when"}


@blueprint.app_template_global()
def form_change(message: Message) -> str:
    """A form change in words (engine.rulesets.form_diff), the field types' words translated too."""
    params = {k: _(v) if k.endswith("_type") else v for k, v in message.params.items()}
    return _(message.text, **params)


@blueprint.get("/")
@login_required(permissions.may_model_processes)
def index():
    eng = engine()
    with eng.db.reading() as session:
        bundle = eng.current_bundle(session)
        open_drafts = {d.path for d in session.scalars(select(ProcessDraft).where(
            ProcessDraft.ruleset == eng.ruleset, ProcessDraft.status == DraftStatus.OPEN,
            ProcessDraft.created_by == current_user().id))}
        listed = _forms(bundle.files)
    return render_template("formbuilder/index.html", bundle=bundle, forms=listed, open_drafts=open_drafts)


@blueprint.get("/<key>")
@login_required(permissions.may_model_processes)
def edit(key: str):
    """The builder, on the admin's draft of the form (started from the version in force, or ?from)."""
    eng = engine()
    if not KEY.fullmatch(key):
        abort(404)
    start_from = forms.int_arg(request.args, "from")
    with eng.db.session() as session:
        start = _bundle_or_404(session, start_from) if start_from else eng.current_bundle(session)
        try:
            draft = drafts.open_draft(session, eng.settings.processes_dir, start, f"{disk.FORM_DIR}{key}.toml",
                                      current_user())
        except (ValueError, EngineError):
            abort(404)
        conflict = drafts.conflict(session, eng.settings.processes_dir, draft)
        bundle = session.get_one(ProcessBundle, draft.base_bundle_id)
        uses = user_tasks(bundle.files).get(key, [])
        problems = [_problem_of(p) for p in draft.problems or []]
        try:
            data = form_data(draft.xml)
        except tomllib.TOMLDecodeError:  # a disk file taken in a conflict: start from the version's
            flash(_("The draft's file is not valid TOML: the form is shown as in version %(number)s.",
                    number=bundle.number), "error")
            data = form_data(bundle.files[draft.path])
    return render_template("formbuilder/edit.html", draft=draft, key=key, bundle=bundle, data=data, uses=uses,
                           conflict=conflict, problems=problems, types=TYPE_LABELS, csrf=generate_csrf(),
                           save_url=url_for("formbuilder.save", draft_id=draft.id))


@blueprint.post("/drafts/<int:draft_id>/save")
@login_required(permissions.may_model_processes)
def save(draft_id: int):
    """Refused data: 400 naming each part, nothing kept. Problems of the whole bundle: 422, the
    draft kept. Passing: an unpublished version, as a diagram's save."""
    eng = engine()
    payload = request.get_json(silent=True)
    payload = payload if isinstance(payload, dict) else {}
    data = payload.get("form") if isinstance(payload.get("form"), dict) else {}
    comment = payload.get("comment") if isinstance(payload.get("comment"), str) else ""
    with eng.db.session() as session:
        draft = _own_draft(session, draft_id)
        try:
            result = save_form(session, eng.settings.processes_dir, eng.cache, draft, data, comment[:2000],
                               current_user(), target=payload.get("target") or "ruleset")
        except FormEditError as exc:  # refused before the draft is touched
            return jsonify(ok=False, error=_("The form was not saved: correct the parts named below."),
                           errors=_named(data, exc.errors)), 400
        except drafts.DiskConflict as exc:
            return jsonify(ok=False, error=engine_message(exc)), 409
        except EngineError as exc:
            return jsonify(ok=False, error=engine_message(exc)), 400
        if result.bundle is None:
            return jsonify(ok=False, error=_("The form was not saved as a version: fix the problems shown. "
                                             "Your draft is kept."),
                           problems=[_problem(p) for p in result.problems]), 422
        return jsonify(ok=True, number=result.bundle.number,
                       versionUrl=url_for("modeler.version", bundle_id=result.bundle.id))


def _named(data: dict, errors: dict[str, Message]) -> list[dict]:
    """Each refused part with a message naming it: "Field 3 («Số văn bản»), Label: …"."""
    sent = data.get("fields") if isinstance(data.get("fields"), list) else []
    named = []
    for key, message in errors.items():
        parts = key.split(".")
        what = _(PARTS[parts[-1]])
        if len(parts) == 3:
            number = int(parts[1])
            item = sent[number - 1] if isinstance(sent[number - 1], dict) else {}
            label = item.get("label") or item.get("name") or ""
            what = _("Field %(number)s («%(label)s»), %(part)s", number=number, label=label, part=what) if label \
                else _("Field %(number)s, %(part)s", number=number, part=what)
        named.append({"key": key, "message": f"{what}: {form_message(message)}"})
    return named


def _problem_of(stored: dict) -> dict:
    """A problem kept with the draft, in the words the modeler's are shown in."""
    return {**stored, "where": words.place_words(stored.get("place") or {}, stored.get("element")),
            "message": _(stored["message"], **words.problem_params(stored.get("params", {})))}


def _forms(files: dict[str, str]) -> list[dict]:
    """The bundle's forms: key, title, and the user tasks that show each, by name."""
    uses = user_tasks(files)
    listed = []
    for path in sorted(p for p in files if disk.is_form_path(p)):
        key = path.removeprefix(disk.FORM_DIR).removesuffix(".toml")
        try:
            title = tomllib.loads(files[path]).get("title", key)
        except tomllib.TOMLDecodeError:
            title = key
        listed.append({"key": key, "path": path, "title": title, "tasks": uses.get(key, [])})
    return listed

