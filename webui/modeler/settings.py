"""Ruleset settings in the modeler (thiết lập quy chế): ruleset.toml edited through a form
generated from its schema, checked as loading checks it, saved as a new unpublished version.
The work is done by engine.rulesets.settings_form; publishing is routes.publish."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.org import permissions
from engine.rulesets import drafts, settings_form
from engine.rulesets.settings_file import key_comments
from engine.rulesets.settings_labels import value_words
from webui.auth import current_user, login_required
from webui.context import engine
from webui.modeler.routes import blueprint


@blueprint.get("/settings")
@login_required(permissions.may_model_processes)
def settings_page():
    with engine().db.reading() as session:
        bundle = drafts.working_bundle(session, engine().ruleset)
        return _page(bundle, settings_form.form_values(bundle.settings), [])


@blueprint.post("/settings")
@login_required(permissions.may_model_processes)
def save_settings():
    """Read the form, check the settings as loading does, and save them as a new version."""
    eng = engine()
    posted = request.form.to_dict(flat=False)
    with eng.db.session() as session:
        base = drafts.working_bundle(session, eng.ruleset)
        if request.form.get("base") != str(base.id):  # another version was saved meanwhile: it would be undone
            return _page(base, posted, [_("Version %(number)s was saved since this form was opened: open the "
                                          "settings again to start from it.", number=base.number)]), 409
        read = settings_form.read_form(posted, base.settings)
        if read.errors:
            return _page(base, posted, [error.message for error in read.errors]), 422
        result = settings_form.save_settings(session, eng.cache, eng.ruleset, read.settings,
                                             request.form.get("comment", "")[:2000], current_user())
        if result.bundle is None:  # nothing was stored
            return _page(base, posted, [settings_form.problem_words(p, _(p.message, **p.params))
                                        for p in result.problems]), 422
        number, bundle_id, unchanged = result.bundle.number, result.bundle.id, result.bundle.id == base.id
    if unchanged:
        flash(_("The settings did not change: no new version."), "info")
        return redirect(url_for("modeler.settings_page"))
    flash(_("Settings saved as version %(number)s.", number=number), "success")
    return redirect(url_for("modeler.version", bundle_id=bundle_id))


def _page(bundle, values: dict, problems: list[str]) -> str:
    return render_template("modeler/settings.html", bundle=bundle, sections=settings_form.sections(),
                           values=values, problems=problems, row_count=settings_form.row_count, words=value_words,
                           comments=key_comments(engine().settings.processes_dir, bundle.ruleset))
