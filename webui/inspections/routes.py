from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import clock
from engine.directives import attachments
from engine.errors import NotFound
from engine.inspections import service as inspections
from engine.inspections.models import PAPER_KINDS, InspectionKind, InspectionStatus
from engine.org import permissions
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine
from webui.directives.routes import next_step
from webui.history import readable, urging_said
from webui.messages import refusal_of
from webui.nav import NavLink

blueprint = Blueprint("inspections", __name__, template_folder="templates")
nav_links = [NavLink("inspections.index", "Inspections")]
# An urging in the file's part 3 (inspections/_file.html) reads as in the task's history.
blueprint.add_app_template_filter(urging_said, "urging_said")
STATUS_LABELS = {InspectionStatus.PROPOSED: _l("Proposed"), InspectionStatus.DECIDED: _l("Decided, inspecting"),
                 InspectionStatus.REPORTING: _l("Ended, report due"), InspectionStatus.REPORTED: _l("Reported")}
KIND_LABELS = {InspectionKind.PLANNED: _l("Planned (regular, periodic)"), InspectionKind.AD_HOC: _l("Ad hoc")}
# The eight kinds of the inspection file (Đắk Lắk Đ.18, Quỳnh Nhai Đ.15), in PAPER_KINDS order.
PAPER_LABELS = dict(zip(PAPER_KINDS, (
    _l("Inspection decision"), _l("Documents giving the tasks"), _l("Urging documents"),
    _l("Reports on carrying out the tasks"), _l("Inspection plan"), _l("Minutes"), _l("Results report"),
    _l("Other documents")), strict=True))
TEAM_LABELS = {"leader": _l("Team leader"), "member": _l("Member")}
# The header fields of the follow-up form (detail.html); its task's refusals name the task themselves.
FOLLOW_UP_LABELS = {"symbol": _l("Symbol"), "issued_on": _l("Issued on"), "issuer": _l("Issuer"),
                    "summary": _l("Summary")}
# The names of the values an inspection's history shows (engine.inspections audit entries).
HISTORY_LABELS = {"title": _l("Title"), "units": _l("Units inspected"), "internal": _l("Internal inspection of"),
                  "decision": _l("Decision"), "team": _l("Team"), "unit": _l("Unit"), "files": _l("Files"),
                  "ended_on": _l("Ended on"), "report_due": _l("Results report due"),
                  "reported_on": _l("Reported on"), "kind": _l("Kind of paper"), "directive": _l("Directive"),
                  "assignments": _l("Assignments"), "council_unit": _l("Council unit")}


def _labels() -> dict:
    return {"STATUS_LABELS": STATUS_LABELS, "KIND_LABELS": KIND_LABELS, "PAPER_LABELS": PAPER_LABELS,
            "TEAM_LABELS": TEAM_LABELS}


@blueprint.get("/inspections")
@login_required()
def index():
    args = request.args
    status = args.get("status", "") if args.get("status", "") in STATUS_LABELS else ""
    kind = args.get("kind", "") if args.get("kind", "") in KIND_LABELS else ""
    year = forms.int_arg(args, "year", 0) or None
    user = current_user()
    with engine().db.reading() as session:
        units = forms.unit_choices(session, permissions.units_offered(session, user))
        unit = args.get("unit", "") if args.get("unit", "") in {c.value for c in units} else ""
        query = inspections.InspectionQuery(status=status, kind=kind, unit=unit, year=year)
        rows = [(i, inspections.unit_names(session, i)) for i in inspections.list_inspections(session, user, query)]
    return render_template("inspections/index.html", rows=rows, q=query, units=units,
                           years=range(clock.today().year, clock.today().year - 6, -1),
                           may_propose=permissions.may_open_inspection_proposal(user), **_labels())


@blueprint.route("/inspections/new", methods=["GET", "POST"])
@login_required(permissions.may_open_inspection_proposal)
def new():
    values: dict = {"kind": InspectionKind.PLANNED.value, "units": []}
    refusal = None
    if request.method == "POST":
        values = {"title": request.form.get("title", ""), "kind": request.form.get("kind", ""),
                  "reason": request.form.get("reason", ""), "units": request.form.getlist("units")}
        created = []
        _errors, refusal = refusal_of(lambda: created.append(inspections.propose(engine(), values, current_user())))
        if refusal is None:
            flash(_("The inspection was proposed: the decision is awaited."), "success")
            return redirect(url_for(".detail", inspection_id=created[0].id))
    with engine().db.reading() as session:
        units = forms.unit_choices(session, permissions.units_offered(session, current_user()))
    return render_template("inspections/new.html", values=values, units=units, refusal=refusal,
                           **_labels()), (422 if refusal else 200)


@blueprint.get("/inspections/<int:inspection_id>")
@login_required()
def detail(inspection_id: int):
    return _detail_page(inspection_id)


def _detail_page(inspection_id: int, follow_up: dict | None = None) -> str:
    """The inspection's page; `follow_up`: what the clerk typed in its follow-up form, shown again."""
    user = current_user()
    with engine().db.reading() as session:
        try:
            info = inspections.detail(session, inspection_id, user)
        except NotFound:
            abort(404)
        units = forms.unit_choices(session, permissions.units_offered(session, user))
        actionable = {item.id for item in info.open_items if permissions.may_open_work_item(session, user, item)}
        history = readable(engine(), session, info.history, HISTORY_LABELS, {"kind": PAPER_LABELS})
    return render_template("inspections/detail.html", info=info, i=info.inspection, units=units, actionable=actionable,
                           history_lines=history, raw_history=permissions.may_administer_users(user),
                           may_follow_up=permissions.may_register_directives(user), follow_up=follow_up or {},
                           **_labels())


@blueprint.post("/inspections/<int:inspection_id>/papers")
@login_required()
def add_paper(inspection_id: int):
    user = current_user()
    eng = engine()
    uploads = [f for f in request.files.getlist("files") if f and f.filename]

    def add():
        with eng.db.session() as session:
            digests = [attachments.store(session, eng.blobs, f.stream, f.filename, user).sha256
                       for f in uploads]
        inspections.add_paper(eng, inspection_id, request.form.get("kind", ""), request.form.get("title", ""),
                              digests, user)

    _errors, refusal = refusal_of(add)
    flash(refusal or _("The paper was added to the inspection file."), "error" if refusal else "success")
    return redirect(url_for(".detail", inspection_id=inspection_id))


@blueprint.post("/inspections/<int:inspection_id>/follow-up")
@login_required(permissions.may_register_directives)
def follow_up(inspection_id: int):
    """Register the recommendations as an ordinary directive with one assignment."""
    form = request.form
    header = {key: form.get(key, "") for key in ("symbol", "issued_on", "issuer", "summary")}
    task = {key: form.get(key, "").strip() for key in ("content", "lead_unit", "deadline")}
    created = []
    errors, refusal = refusal_of(lambda: created.append(inspections.follow_up(engine(), inspection_id, header, [task],
                                                                        current_user())))
    if refusal:
        # the inspection's page again with what was typed, which marks no field: each refused one is named
        for name, message in errors.items():
            flash(f"{FOLLOW_UP_LABELS.get(name, name)}: {message}", "error")
        if not errors:
            flash(refusal, "error")
        return _detail_page(inspection_id, {**header, **task}), 422
    flash(_("Follow-up tasks registered as directive %(symbol)s.", symbol=created[0].symbol), "success")
    return redirect(next_step(created[0].id))  # on to classifying it, as after any registration
