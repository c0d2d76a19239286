"""Thin pages over engine/instances: every check and change is the engine's; a refusal shows on
the instance's page with the field it concerns (4xx), a dry run shows what would happen."""
from __future__ import annotations

import json
from collections.abc import Collection

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import EngineError, Forbidden, NotFound
from engine.instances import actions, queries
from engine.instances.queries import InstanceFilter
from engine.org import permissions
from engine.registry.diagram import instance_diagram
from engine.runtime.models import WorkflowInstance
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine
from webui.formatting import ISO_DATE, vn_date
from webui.history import FIELD_LABELS, Line, readable
from webui.messages import engine_message
from webui.nav import NavLink

blueprint = Blueprint("instances", __name__, template_folder="templates", url_prefix="/admin/instances")
nav_links = [NavLink("instances.index", "Running processes", permissions.may_administer_instances)]
admin_only = login_required(permissions.may_administer_instances)
FILTERS = ("bundle", "process", "element", "older_than", "incident", "status")


@blueprint.get("")
@admin_only
def index():
    args = request.args
    incident = {"open": True, "none": False}.get(args.get("incident", ""))
    chosen = InstanceFilter(bundle_id=forms.int_arg(args, "bundle"), process_id=args.get("process") or None,
                            element_ids=tuple(filter(None, args.get("element", "").split(","))),
                            older_than_days=forms.int_arg(args, "older_than"),
                            incident=incident, status=args.get("status") or None,
                            page=max(1, forms.int_arg(args, "page", 1) or 1))
    eng = engine()
    rows, total = queries.list_instances(eng, current_user(), chosen)
    with eng.db.reading() as session:
        choices = queries.filter_choices(eng, session)
    pages = max(1, -(-total // queries.PAGE_SIZE))
    kept = {k: v for k, v in args.items() if k in FILTERS and v}
    return render_template("instances/index.html", rows=rows, total=total, page=chosen.page, pages=pages,
                           args=kept, choices=choices)


@blueprint.get("/<int:instance_id>")
@admin_only
def detail(instance_id: int):
    return _detail(instance_id)


def _detail(instance_id: int, *, preview: actions.Preview | None = None, repeat: dict | None = None,
            error: str | None = None, status: int = 200):
    """The instance's page; `preview` with `repeat` (the form to confirm) after a dry run,
    `error` after a refusal."""
    eng = engine()
    try:
        state = queries.instance_state(eng, current_user(), instance_id)
    except NotFound:
        abort(404)
    with eng.db.reading() as session:
        lines = readable(eng, session, state.history)
        units = forms.unit_choices(session)
    # a secret record's details stay out: what was done, by whom, when; a sealed report says it was sealed
    lines = [Line(line.entry, line.who, line.what, sealed=True) if line.entry.id in state.sealed_entries
             else Line(line.entry, line.who, line.what) if state.row.hidden else line for line in lines]
    return render_template("instances/detail.html", state=state, row=state.row, history_lines=lines, units=units,
                           data_rows=None if state.data is None else data_rows(state.data, state.sealed_keys),
                           preview=preview, repeat=repeat or {}, error=error), status


def data_rows(data: dict, sealed: Collection[str] = ()) -> list[tuple[str, str, str]]:
    """(label, key, value) of the process data: the history's words for keys it names, dates
    as dd/mm/yyyy, structures as JSON; a `sealed` key's value, a secret report's, said to be sealed."""
    rows = []
    for key, value in data.items():
        if key in sealed:
            text = _("Secret report — its content only for those allowed to read it.")
        elif isinstance(value, str):
            text = vn_date(value) if ISO_DATE.fullmatch(value) else value
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
        rows.append((str(FIELD_LABELS.get(key, key)), key, text))
    return rows


@blueprint.get("/<int:instance_id>/diagram")
@admin_only
def diagram(instance_id: int):
    eng = engine()
    with eng.db.reading() as session:
        instance = session.get(WorkflowInstance, instance_id)
        position = instance_diagram(eng, session, instance, request.args.get("process")) if instance else None
    if position is None:
        abort(404)
    return jsonify(process=position.process_id, xml=position.xml, active=position.active, done=position.done,
                   processes=[{"id": pid, "name": name} for pid, name in position.processes])


def _attempt(instance_id: int, change):
    """Run `change(engine, actor)`: (its result, None), or (None, the instance's page saying why not)."""
    try:
        return change(engine(), current_user()), None
    except (NotFound, Forbidden):
        abort(404)
    except EngineError as exc:
        return None, _detail(instance_id, error=_refusal(exc), status=400 if _field(exc) else 409)


def _act(instance_id: int, change, done: str):
    _result, refused = _attempt(instance_id, change)
    if refused is not None:
        return refused
    flash(done, "success")
    return redirect(url_for("instances.detail", instance_id=instance_id))


def _field(exc: EngineError) -> str | None:
    return getattr(exc, "field", None)


def _refusal(exc: EngineError) -> str:
    """The engine's reason, with the field it concerns."""
    field = _field(exc)
    labels = {"reason": _("Reason"), "data": _("Task data"), "unit": _("Unit"), "user": _("Person"),
              "task": _("Step"), "element": _("Step")}
    return f"{labels[field]}: {engine_message(exc)}" if field in labels else engine_message(exc)


def _reason() -> str:
    return request.form.get("reason", "")


@blueprint.post("/<int:instance_id>/suspend")
@admin_only
def suspend(instance_id: int):
    return _act(instance_id, lambda eng, user: actions.suspend(eng, user, instance_id, _reason()),
                _("The process is suspended: no timer fires and no work item can be handled until it is resumed."))


@blueprint.post("/<int:instance_id>/resume")
@admin_only
def resume(instance_id: int):
    return _act(instance_id, lambda eng, user: actions.resume(eng, user, instance_id, _reason()),
                _("The process runs again."))


@blueprint.post("/<int:instance_id>/terminate")
@admin_only
def terminate(instance_id: int):
    return _act(instance_id, lambda eng, user: actions.terminate(eng, user, instance_id, _reason()),
                _("The process is terminated."))


@blueprint.post("/<int:instance_id>/skip")
@admin_only
def skip(instance_id: int):
    task_id = request.form.get("task", "")
    return _dry_or_done(instance_id, {"action": "skip", "task": task_id, "reason": _reason()},
                        lambda eng, user, dry: actions.skip(eng, user, instance_id, task_id, _reason(), dry_run=dry))


@blueprint.post("/<int:instance_id>/move")
@admin_only
def move(instance_id: int):
    element = request.form.get("element", "")
    return _dry_or_done(instance_id, {"action": "move", "element": element, "reason": _reason()},
                        lambda eng, user, dry: actions.move(eng, user, instance_id, element, _reason(), dry_run=dry))


def _dry_or_done(instance_id: int, repeat: dict, change):
    """A dry run shows what the change would do, with a form to confirm it; otherwise it is done."""
    if request.form.get("dry_run") != "1":
        return _act(instance_id, lambda eng, user: change(eng, user, False), _("The change is done."))
    preview, refused = _attempt(instance_id, lambda eng, user: change(eng, user, True))
    return refused if refused is not None else _detail(instance_id, preview=preview, repeat=repeat)


@blueprint.post("/<int:instance_id>/work-items/<int:item_id>/reassign")
@admin_only
def reassign(instance_id: int, item_id: int):
    form = request.form
    return _act(instance_id, lambda eng, user: actions.reassign(eng, user, item_id, _reason(),
                                                                unit_code=form.get("unit", ""),
                                                                username=form.get("user", "")),
                _("The work item is reassigned."))


@blueprint.route("/incidents/<int:incident_id>/data", methods=["GET", "POST"])
@admin_only
def incident_data(incident_id: int):
    """Correct the data of the task an incident stopped at, then retry it."""
    eng = engine()
    try:
        data = actions.incident_data(eng, current_user(), incident_id)
    except (NotFound, Forbidden):
        abort(404)
    except EngineError as exc:
        return render_template("instances/incident_data.html", incident_id=incident_id, raw="",
                               error=_refusal(exc)), 409
    raw, error = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str), None
    if request.method == "POST":
        raw = request.form.get("data", "")
        try:
            actions.retry_with_data(eng, current_user(), incident_id, raw, _reason())
        except EngineError as exc:
            error = _refusal(exc)
        else:
            flash(_("Retried with the corrected data. If the cause is fixed, the workflow has moved on."), "success")
            return redirect(url_for("admin.incidents"))
    return render_template("instances/incident_data.html", incident_id=incident_id, raw=raw,
                           error=error), 400 if error else 200
