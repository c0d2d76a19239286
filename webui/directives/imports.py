"""The clerk's Excel import (nhập từ Excel): upload → a preview of what will be registered and
of every problem by row and column → confirm. The upload is kept server-side between the two
(engine/imports/pending.py), so confirming imports exactly what was previewed, once."""
from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from engine.errors import AlreadyDone, EngineError
from engine.imports import ImportFailed, excel, pending
from engine.org import permissions
from webui.auth import current_user, login_required
from webui.context import engine
from webui.directives.routes import blueprint
from webui.messages import engine_message


@blueprint.route("/directives/import", methods=["GET", "POST"])
@login_required(permissions.may_register_directives)
def import_upload():
    if request.method == "GET":
        return render_template("directives/import_upload.html", refusal=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("directives/import_upload.html", refusal=_("Choose an Excel file (.xlsx or .xls).")), 422
    try:
        token = pending.keep(engine(), current_user(), upload.filename, upload.read())
    except EngineError as exc:
        return render_template("directives/import_upload.html", refusal=engine_message(exc)), 422
    return redirect(url_for("directives.import_preview", token=token))


@blueprint.get("/directives/import/<token>")
@login_required(permissions.may_register_directives)
def import_preview(token: str):
    eng = engine()
    try:
        upload = pending.load(eng, current_user(), token)
    except AlreadyDone as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("directives.import_upload"))
    plan = excel.plan_workbook(eng, upload.data, current_user(), max_rows=excel.WEB_MAX_ROWS)
    return render_template("directives/import_preview.html", plan=plan, token=token, filename=upload.filename,
                           problems=[e.as_dict(_) for e in plan.errors], warnings=[w.as_dict(_) for w in plan.warnings],
                           skipped=[s.render(_) for s in plan.skipped],
                           passed_over=excel.passed_over(plan.known, _)), \
        (422 if plan.errors else 200)


@blueprint.post("/directives/import/<token>/confirm")
@login_required(permissions.may_register_directives)
def import_confirm(token: str):
    try:
        imported = pending.confirm(engine(), current_user(), token)
    except ImportFailed:  # the registry changed since the preview: show it again with the problems
        return redirect(url_for("directives.import_preview", token=token))
    except AlreadyDone as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("assignments.index"))
    # each number opens its directive: an imported directive gives no task before its next step (classification, a
    # Director's assignment), so the list of tasks would not show it, nor the clerk's inbox a Director's step
    links = Markup(", ").join(Markup('<a href="{}">{}</a>').format(
        url_for("directives.detail", directive_id=d.id), d.symbol) for d in imported.directives)
    flash(Markup(_("%(count)s directive(s) imported: %(symbols)s.", count=len(imported.directives), symbols=links)),
          "success")
    if imported.known:
        flash(excel.passed_over(imported.known, _), "info")
    if not imported.directives:  # another clerk registered the new ones since the preview
        flash(_("Every directive of this register is in the system already: nothing was imported."), "info")
        return redirect(url_for("directives.import_upload"))
    if imported.skipped:
        flash(_("Rows %(rows)s were not imported: they are below the table (totals, signatures).",
                rows=", ".join(str(s.row) for s in imported.skipped)), "info")
    return redirect(url_for("inbox.today"))  # the office's day: "Đăng ký hôm nay" lists them, in every ruleset


@blueprint.get("/directives/import/template")
@login_required(permissions.may_register_directives)
def import_template():
    return send_file(io.BytesIO(excel.template_bytes()), mimetype=excel.MEDIA_TYPE, as_attachment=True,
                     download_name=excel.TEMPLATE_NAME)
