"""Process modeler (soạn thảo quy trình) for process admins: edit a process of the active
ruleset in bpmn-js, save checked versions, compare, publish or roll back, and move running
instances to a newer version. The work is done by engine/rulesets (drafts, diff, migration)."""
from __future__ import annotations

from pathlib import PurePosixPath

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from lxml import etree
from sqlalchemy import select

from engine.directives.models import Assignment, Directive
from engine.errors import EngineError
from engine.inspections import service as inspections
from engine.org import permissions
from engine.org.models import User
from engine.rulesets import diff, disk, drafts, migration
from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import NS, SAFE_XML
from engine.rulesets.models import DraftStatus, ProcessBundle, ProcessDraft
from engine.rulesets.service import published_bundle
from engine.runtime.models import WorkflowInstance
from engine.scenarios import service as scenarios
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine
from webui.messages import engine_message
from webui.modeler import words
from webui.modeler.deadlines import deadline_editor
from webui.modeler.decision_labels import dmn_texts
from webui.modeler.labels import bpmn_texts, editor_labels, urging_choices
from webui.nav import NavLink

blueprint = Blueprint("modeler", __name__, template_folder="templates", url_prefix="/modeler")
nav_links = [NavLink("modeler.index", "Processes", permissions.may_model_processes)]
blueprint.add_app_template_filter(words.kind_word, "bpmn_kind")
blueprint.add_app_template_filter(words.fact_word, "diff_fact")
for _name in ("step_word", "readable_refusal", "SPEC_CHANGES"):
    blueprint.add_app_template_global(getattr(words, _name), _name)


@blueprint.get("/")
@login_required(permissions.may_model_processes)
def index():
    eng = engine()
    with eng.db.reading() as session:
        bundle = published_bundle(session, eng.ruleset)
        if bundle is None:
            return render_template("modeler/index.html", bundle=None, ruleset=eng.ruleset)
        files = _process_files(bundle.files)
        open_drafts = list(session.scalars(select(ProcessDraft).where(
            ProcessDraft.ruleset == eng.ruleset, ProcessDraft.status == DraftStatus.OPEN,
            ProcessDraft.created_by == current_user().id)))
        history = drafts.versions(session, eng.ruleset)
        authors = _authors(session, history)
        diverging = _diverging(eng, bundle)
    return render_template("modeler/index.html", bundle=bundle, ruleset=bundle.settings.get("name", eng.ruleset),
                           files=files, open_drafts=open_drafts, history=history, authors=authors, diverging=diverging)


@blueprint.get("/edit/<path:path>")
@login_required(permissions.may_model_processes)
def edit(path: str):
    eng = engine()
    if disk.is_form_path(path):  # forms have their own editor
        return redirect(url_for("formbuilder.edit", key=path.removeprefix(disk.FORM_DIR).removesuffix(".toml"),
                                **request.args))
    start_from = forms.int_arg(request.args, "from")
    with eng.db.session() as session:  # opening a file for editing creates its draft
        start = _bundle_or_404(session, start_from) if start_from else eng.current_bundle(session)
        try:
            draft = drafts.open_draft(session, eng.settings.processes_dir, start, path, current_user())
        except (ValueError, EngineError):
            abort(404)
        conflict = drafts.conflict(session, eng.settings.processes_dir, draft)
        bundle = session.get(ProcessBundle, draft.base_bundle_id)
        compiled = eng.compiled(bundle)
        data = {
            "xml": draft.xml, "lanes": compiled.lanes, "forms": sorted(compiled.forms),
            "problems": [{**p, "message": _(p["message"], **words.problem_params(p.get("params", {}))),
                          "where": words.place_words(p.get("place", {}), p.get("element"))}
                         for p in draft.problems or []],
            "warnings": [_problem(p) for p in compiled.warnings],
            "processes": sorted(compiled.specs), "labels": editor_labels(), "bpmnTexts": bpmn_texts(),
            "urging": urging_choices(),
            **words.editor_names(compiled),
            "deadlineForms": deadline_editor(compiled.settings),
            "csrf": generate_csrf(),
            "autosaveUrl": url_for("modeler.autosave", draft_id=draft.id),
            "saveUrl": url_for("modeler.save", draft_id=draft.id),
            "uploadUrl": url_for("modeler.upload", draft_id=draft.id),
            "downloadUrl": url_for("modeler.download", draft_id=draft.id),
        }
    if path.endswith(".dmn"):  # dmn-js's decision-table view, with its texts in the page's language
        return render_template("modeler/decision_file.html", draft=draft, data={**data, "dmnTexts": dmn_texts()},
                               conflict=conflict, bundle=bundle)
    return render_template("modeler/edit.html", draft=draft, data=data, conflict=conflict, bundle=bundle)


@blueprint.post("/drafts/<int:draft_id>/autosave")
@login_required(permissions.may_model_processes)
def autosave(draft_id: int):
    payload = request.get_json(silent=True) or {}
    with engine().db.session() as session:
        draft = _own_draft(session, draft_id)
        try:
            drafts.keep(draft, _text(payload.get("xml")))
        except EngineError as exc:
            return jsonify(ok=False, error=engine_message(exc)), 400
        # The live check is the save's own: the editor shows what a save would refuse.
        problems = [_problem(p) for p in drafts.check(session, engine().cache, draft, draft.xml)]
    return jsonify(ok=True, problems=problems)


@blueprint.post("/drafts/<int:draft_id>/save")
@login_required(permissions.may_model_processes)
def save(draft_id: int):
    """Validate as loading does; a passing diagram becomes an unpublished version."""
    payload = request.get_json(silent=True) or {}
    return _save(draft_id, _text(payload.get("xml")), _text(payload.get("comment")), payload.get("target"))


@blueprint.post("/drafts/<int:draft_id>/upload")
@login_required(permissions.may_model_processes)
def upload(draft_id: int):
    """A .bpmn/.dmn file from another tool or an earlier download, checked and versioned as a
    save; the answer carries the file's text so the page shows it in the canvas."""
    with engine().db.reading() as session:
        path = _own_draft(session, draft_id).path
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return jsonify(ok=False, error=_("Choose a .bpmn or .dmn file to upload.")), 400
    if not sent.filename.lower().endswith((".bpmn", ".dmn", ".xml")):
        return jsonify(ok=False, error=_("Only .bpmn and .dmn files can be uploaded.")), 400
    kind = PurePosixPath(sent.filename.lower()).suffix
    if kind != ".xml" and kind != PurePosixPath(path).suffix:
        return jsonify(ok=False, error=_("%(file)s cannot replace %(path)s: upload a file of the same kind.",
                                         file=sent.filename, path=path)), 400
    try:
        xml = drafts.uploaded_xml(sent.read(drafts.MAX_XML + 1))
    except EngineError as exc:
        return jsonify(ok=False, error=engine_message(exc)), 400
    answer = _save(draft_id, xml, _text(request.form.get("comment")), request.form.get("target"), uploaded=True)
    return _as_page(answer, path) if request.form.get("from_page") else answer


def _as_page(answer: tuple[Response, int] | Response, path: str) -> Response:
    """An upload sent by a plain form (the decision-table page): the answer as messages on the
    page it goes back to — the new version's, or the file's with its problems."""
    result = (answer[0] if isinstance(answer, tuple) else answer).get_json()
    if result.get("ok"):
        flash(_("Saved as version %(number)s.", number=result["number"]), "success")
        return redirect(result["versionUrl"])
    flash(result["error"], "error")
    for problem in result.get("problems", []):
        flash(f"{problem['file']}:{problem.get('line') or ''} {problem['where']} — {problem['message']}", "error")
    return redirect(url_for("modeler.edit", path=path))


@blueprint.get("/drafts/<int:draft_id>/download")
@login_required(permissions.may_model_processes)
def download(draft_id: int):
    """The draft's diagram as a file (autosaved edits included), in UTF-8."""
    with engine().db.reading() as session:
        draft = _own_draft(session, draft_id)
        xml, name = draft.xml, draft.path.rsplit("/", 1)[-1]
    return Response(xml.encode("utf-8"), mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.post("/drafts/<int:draft_id>/resolve")
@login_required(permissions.may_model_processes)
def resolve(draft_id: int):
    eng = engine()
    with eng.db.session() as session:
        draft = _own_draft(session, draft_id)
        try:
            drafts.resolve_conflict(session, eng.settings.processes_dir, draft, request.form.get("choice", ""),
                                    current_user())
        except EngineError as exc:
            flash(engine_message(exc), "error")
        path = draft.path
    return redirect(url_for("modeler.edit", path=path))


@blueprint.post("/drafts/<int:draft_id>/discard")
@login_required(permissions.may_model_processes)
def discard(draft_id: int):
    with engine().db.session() as session:
        drafts.discard(session, _own_draft(session, draft_id), current_user())
    flash(_("The draft was discarded."), "info")
    return redirect(url_for("modeler.index"))


def _version_page(bundle_id: int, plans=None, **extra):
    """A version: its diff against the version it was made from, and the older instances one may migrate."""
    with engine().db.session() as session:
        bundle = _bundle_or_404(session, bundle_id)
        against = _against(session, bundle)
        changes = diff.diff_files(against.files if against else {}, bundle.files)
        settings_changes = diff.diff_settings(against.settings, bundle.settings) if against else []
        instances = migration.movable_instances(session, bundle)
        authors = _authors(session, [bundle])
        # The plans' instances too: one just moved is no longer among the older ones.
        named = instance_words(session, bundle, [i.id for i, _n in instances] + [p.instance_id for p in plans or []])
    return render_template("modeler/version.html", bundle=bundle, against=against, changes=changes,
                           settings_changes=settings_changes, instances=instances, authors=authors, plans=plans,
                           **named, **extra)


def instance_words(session, bundle: ProcessBundle, instance_ids: list[int]) -> dict:
    """Names for a list of running instances and their migration plans: each process's name,
    each instance's directive symbol (an inspection's title), each step's name (in this version
    and those before)."""
    eng = engine()
    used = set(session.scalars(select(WorkflowInstance.bundle_id).where(WorkflowInstance.id.in_(instance_ids))))
    compiled = [eng.compiled(b) for b in session.scalars(select(ProcessBundle).where(
        ProcessBundle.id.in_(used - {bundle.id})).order_by(ProcessBundle.number))] + [eng.compiled(bundle)]
    user = current_user()
    # a secret record's symbol only to one who may read it, as on the running processes' page
    readable = [row for row in session.execute(
        select(WorkflowInstance.id, WorkflowInstance.directive_id, WorkflowInstance.assignment_id, Directive.symbol,
               Assignment.seq)
        .join(Directive, Directive.id == WorkflowInstance.directive_id)
        .outerjoin(Assignment, Assignment.id == WorkflowInstance.assignment_id)
        .where(WorkflowInstance.id.in_(instance_ids)))
        if permissions.may_read_instance_content(session, user, row.directive_id, row.assignment_id)]
    return {"names": {pid: spec.description or pid for c in compiled for pid, spec in c.specs.items()},
            "symbols": {row.id: row.symbol for row in readable},
            # two tasks of one directive told apart (nhiệm vụ 1, nhiệm vụ 2)
            "tasks": {row.id: row.seq for row in readable if row.seq is not None},
            "titles": inspections.titles_of_instances(session, instance_ids),
            "steps": words.step_names(*compiled)}


@blueprint.get("/versions/<int:bundle_id>")
@login_required(permissions.may_model_processes)
def version(bundle_id: int):
    return _version_page(bundle_id)


@blueprint.post("/versions/<int:bundle_id>/publish")
@login_required(permissions.may_model_processes)
def publish(bundle_id: int):
    """Publish after the confirmation page (scenarios.confirm_publish); refused, nothing changed,
    while a scenario file of the version fails."""
    eng = engine()
    if request.form.get("confirmed") != "yes":
        return redirect(url_for("modeler.confirm_publish", bundle_id=bundle_id))
    try:
        with eng.db.session() as session:
            bundle = _bundle_or_404(session, bundle_id)
            written = scenarios.publish(session, eng.settings.processes_dir, bundle, current_user())
            number = bundle.number
    except EngineError as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("modeler.confirm_publish", bundle_id=bundle_id))
    except (OSError, RulesetError) as exc:
        flash(_("Publishing failed, nothing changed: %(error)s", error=str(exc)), "error")
        return redirect(url_for("modeler.version", bundle_id=bundle_id))
    flash(_("Version %(number)s is in force for new directives. Files written: %(files)s", number=number,
            files=", ".join(written) or "—"), "info")
    return redirect(url_for("modeler.version", bundle_id=bundle_id))


@blueprint.post("/versions/<int:bundle_id>/migrate")
@login_required(permissions.may_model_processes)
def migrate(bundle_id: int):
    """Dry run (the default) or move the chosen running instances to this version."""
    eng = engine()
    ids = [int(i) for i in request.form.getlist("instance_id") if i.isdigit()]
    dry_run = request.form.get("mode") != "migrate"
    if not ids:
        flash(_("Choose at least one running instance."), "error")
        return redirect(url_for("modeler.version", bundle_id=bundle_id))
    try:
        plans = migration.migrate_instances(eng, ids, bundle_id, current_user(), dry_run=dry_run)
    except EngineError as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("modeler.version", bundle_id=bundle_id))
    return _version_page(bundle_id, plans=plans, dry_run=dry_run, chosen=set(ids))


# ---------------------------------------------------------------------- helpers
def _save(draft_id: int, xml: str, comment: str, target, uploaded: bool = False) -> tuple[Response, int] | Response:
    """Keep `xml` in the draft and check it as loading does; a passing diagram becomes an
    unpublished version. The answer carries the problems and the warnings, translated, and for
    a refused upload the text as read, for the canvas."""
    eng = engine()
    with eng.db.session() as session:
        draft = _own_draft(session, draft_id)
        try:
            drafts.keep(draft, xml, target=target or "ruleset")
            result = drafts.save_version(session, eng.settings.processes_dir, eng.cache, draft, xml,
                                         comment[:2000], current_user())
        except drafts.DiskConflict as exc:
            return jsonify(ok=False, error=engine_message(exc)), 409
        except EngineError as exc:
            return jsonify(ok=False, error=engine_message(exc)), 400
        warnings = [_problem(p) for p in result.warnings]
        if result.bundle is None:
            return jsonify(ok=False, error=_("The diagram was not saved as a version: fix the problems shown. "
                                             "Your draft is kept."),
                           problems=[_problem(p) for p in result.problems], warnings=warnings,
                           **({"xml": xml} if uploaded else {})), 422
        number, bundle_id = result.bundle.number, result.bundle.id
    for warning in warnings:  # the version page shows them: the browser goes there next
        flash(_("Warning: %(file)s: %(message)s", file=warning["file"], message=warning["message"]), "info")
    return jsonify(ok=True, number=number, warnings=warnings,
                   versionUrl=url_for("modeler.version", bundle_id=bundle_id))


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _problem(problem) -> dict:
    # The loader's fixed messages are msgids too; messages with names in them stay as they are.
    return {"file": problem.file, "element": problem.element,  # the id marks the element on the canvas
            "where": words.place_words(problem.place, problem.element),
            "message": _(problem.message, **words.problem_params(problem.params)),
            "line": problem.line}


def _own_draft(session, draft_id: int) -> ProcessDraft:
    draft = session.get(ProcessDraft, draft_id)
    if draft is None or draft.created_by != current_user().id or draft.ruleset != engine().ruleset:
        abort(404)
    return draft


def _bundle_or_404(session, bundle_id: int) -> ProcessBundle:
    bundle = session.get(ProcessBundle, bundle_id)
    if bundle is None or bundle.ruleset != engine().ruleset:
        abort(404)
    return bundle


def _against(session, bundle: ProcessBundle) -> ProcessBundle | None:
    """The version to compare with: ?against=<id>, else the one it was made from, else (a version
    stored before versions recorded it) the previous number."""
    other = forms.int_arg(request.args, "against") or bundle.based_on_id
    if other:
        return _bundle_or_404(session, other)
    return session.scalar(select(ProcessBundle).where(
        ProcessBundle.ruleset == bundle.ruleset, ProcessBundle.number < bundle.number)
        .order_by(ProcessBundle.number.desc()).limit(1))


def _authors(session, bundles) -> dict[int, str]:
    ids = {b.created_by for b in bundles if b.created_by}
    return {u.id: u.full_name for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def _process_files(files: dict[str, str]) -> list[dict]:
    """The BPMN and DMN files of a version with the processes (decisions) each defines, for the
    file list."""
    result = []
    for path in sorted(p for p in files if p.endswith((".bpmn", ".dmn"))):
        query = "bpmn:process" if path.endswith(".bpmn") else "//*[local-name()='decision']"  # any DMN version
        try:
            tree = etree.fromstring(files[path].encode("utf-8"), SAFE_XML)
            processes = [(p.get("id"), p.get("name")) for p in tree.xpath(query, namespaces=NS)]
        except etree.XMLSyntaxError:
            processes = []
        result.append({"path": path, "processes": processes})
    return result


def _diverging(eng, bundle: ProcessBundle) -> list[str]:
    try:
        return disk.differing_files(eng.settings.processes_dir, bundle.ruleset, bundle.files, bundle.settings)
    except RulesetError:
        return ["ruleset.toml"]
