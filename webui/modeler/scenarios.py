"""Process tests in the modeler (kịch bản kiểm thử): the draft's scenario files, run in the
browser against the draft (with an open diagram's autosaved text), written from a textarea and
saved into the draft version, and the publish confirmation that lists what publishing does.
The work is done by engine/scenarios; publishing itself is routes.publish."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine.errors import EngineError
from engine.org import permissions
from engine.rulesets import diff, drafts, migration
from engine.rulesets.disk import scenario_files
from engine.rulesets.models import DraftStatus, ProcessBundle, ProcessDraft
from engine.rulesets.service import published_bundle
from engine.runtime.models import WorkflowInstance
from engine.scenarios import service as scenarios
from engine.scenarios.spec import ScenarioFileError
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine
from webui.messages import engine_message
from webui.modeler.routes import _bundle_or_404, blueprint, instance_words

MOST_INSTANCES = 200  # dry-run on the confirmation page; more are counted, not planned


@blueprint.get("/scenarios/")
@login_required(permissions.may_model_processes)
def scenario_list():
    return _list_page()


@blueprint.post("/scenarios/run")
@login_required(permissions.may_model_processes)
def run_scenarios():
    """Run the draft's scenario files; with draft_id, the admin's open diagram draft as autosaved."""
    eng = engine()
    draft_id = forms.int_arg(request.form, "draft_id")
    with eng.db.reading() as session:
        bundle = drafts.working_bundle(session, eng.ruleset)
        replaced = {}
        if draft_id:
            draft = session.get(ProcessDraft, draft_id)
            if draft is None or draft.created_by != current_user().id or draft.ruleset != eng.ruleset \
                    or draft.status != DraftStatus.OPEN:
                abort(404)
            replaced = {draft.path: draft.xml}
        results = scenarios.run_version(session, bundle, replaced)
    return _list_page(results=results, with_draft=sorted(replaced))


def _list_page(results=None, with_draft=()):
    eng = engine()
    with eng.db.reading() as session:
        bundle = drafts.working_bundle(session, eng.ruleset)
        files = scenario_files(bundle.files)
        open_drafts = list(session.scalars(select(ProcessDraft).where(
            ProcessDraft.ruleset == eng.ruleset, ProcessDraft.status == DraftStatus.OPEN,
            ProcessDraft.created_by == current_user().id).order_by(ProcessDraft.id)))
    return render_template("modeler/scenarios.html", bundle=bundle, files=files, results=results,
                           open_drafts=open_drafts, with_draft=with_draft)


@blueprint.get("/scenarios/write")
@login_required(permissions.may_model_processes)
def write_scenario():
    eng = engine()
    name = request.args.get("name", "")[:100]
    with eng.db.reading() as session:
        bundle = drafts.working_bundle(session, eng.ruleset)
    try:
        text = bundle.files.get(scenarios.scenario_path(name), scenarios.TEMPLATE) if name else scenarios.TEMPLATE
    except EngineError:
        abort(404)
    return render_template("modeler/scenario_edit.html", name=name, text=text, bundle=bundle, problems=[])


@blueprint.post("/scenarios/write")
@login_required(permissions.may_model_processes)
def save_scenario():
    """Check the file on the server and save the draft with it as a new unpublished version."""
    eng = engine()
    name, text = request.form.get("name", "")[:100], request.form.get("text", "").replace("\r\n", "\n")
    try:
        with eng.db.session() as session:
            bundle = scenarios.save_scenario(session, eng.cache, eng.ruleset, name, text, current_user(),
                                             request.form.get("comment", "")[:2000])
            number = bundle.number
    except ScenarioFileError as exc:
        return _edit_again(name, text, exc.problems), 422
    except EngineError as exc:
        return _edit_again(name, text, [engine_message(exc)]), 400
    flash(_("Scenario file saved into version %(number)s.", number=number), "success")
    return redirect(url_for("modeler.scenario_list"))


def _edit_again(name: str, text: str, problems: list[str]) -> str:
    with engine().db.reading() as session:
        bundle = drafts.working_bundle(session, engine().ruleset)
    return render_template("modeler/scenario_edit.html", name=name, text=text, bundle=bundle, problems=problems)


@blueprint.get("/versions/<int:bundle_id>/publish")
@login_required(permissions.may_model_processes)
def confirm_publish(bundle_id: int):
    """What publishing this version does: the files that change against the version in force,
    the running instances (all stay on their version; which could then be moved, and why not),
    and the scenario files run against it. Publishing is refused while one fails."""
    eng = engine()
    with eng.db.reading() as session:
        bundle = _bundle_or_404(session, bundle_id)
        in_force = published_bundle(session, bundle.ruleset)
        if in_force is not None and in_force.id == bundle.id:
            flash(_("Version %(number)s is already in force.", number=bundle.number), "info")
            return redirect(url_for("modeler.version", bundle_id=bundle.id))
        changes = diff.diff_files(in_force.files if in_force else {}, bundle.files)
        settings_changes = diff.diff_settings(in_force.settings, bundle.settings) if in_force else []
        running = list(session.execute(select(WorkflowInstance.id, ProcessBundle.number).join(
            ProcessBundle, ProcessBundle.id == WorkflowInstance.bundle_id).where(
            ProcessBundle.ruleset == bundle.ruleset, WorkflowInstance.status.in_(migration.MOVABLE),
            WorkflowInstance.bundle_id != bundle.id).order_by(WorkflowInstance.id)))
        results = scenarios.run_version(session, bundle)
        movable = [row.id for row in running if row.number < bundle.number][:MOST_INSTANCES]
        # named as on the version page: a secret directive's symbol only to one who may read it
        named = instance_words(session, bundle, movable)
    plans = migration.migrate_instances(eng, movable, bundle.id, current_user(), dry_run=True) if movable else []
    return render_template("modeler/publish.html", bundle=bundle, in_force=in_force, changes=changes,
                           settings_changes=settings_changes, running=running, plans=plans,
                           unplanned=len(running) - len(plans), results=results, failing=scenarios.failing(results),
                           **named)
