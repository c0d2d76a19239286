from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock
from engine import forms as engine_forms
from engine.directives import service as directives
from engine.directives.models import URGENCIES
from engine.errors import EngineError
from engine.forms import FormValidationError
from engine.inbox import service as inbox
from engine.org import permissions
from engine.runtime.models import WorkItem, WorkItemStatus
from engine.working_days import WorkingCalendar
from engine.working_days.deadline import Deadline
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine
from webui.messages import engine_message, form_message
from webui.nav import NavLink

blueprint = Blueprint("directives", __name__, template_folder="templates")
nav_links = [NavLink("directives.new", "Register directive", permissions.may_register_directives)]
ASSIGNMENT_KEYS = ("content", "lead_unit", "deadline", "deadline_days", "urgency", "requires_report")
MAX_ASSIGNMENTS = 100


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
        header_form = eng.compiled(eng.current_bundle(session)).forms[directives.HEADER_FORM]
        choices = {**forms.choices_for(session, header_form), "unit": forms.unit_choices(session)}
    values, rows, errors, refusal = {}, [{}], {}, None
    if request.method == "POST":
        values = forms.read_raw(header_form, request)
        rows = read_assignments(request.form) or [{}]
        try:
            directive = directives.register(eng, values, [r for r in rows if r], current_user())
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
            return redirect(_next_step(directive.id))
    values = forms.initial_values(header_form, values)
    return render_template("directives/new.html", form=header_form, values=values, errors=errors, rows=rows,
                           choices=choices, urgencies=URGENCIES, refusal=refusal), (422 if refusal else 200)


def _next_step(directive_id: int) -> str:
    """Straight on to the directive's first work item for this user (usually: classify)."""
    user = current_user()
    with engine().db.session() as session:
        ids = session.scalars(select(WorkItem.id).where(WorkItem.directive_id == directive_id,
                                                        WorkItem.status == WorkItemStatus.READY).order_by(WorkItem.id))
        for item_id in ids:
            if inbox.visible_work_item(session, user, item_id) is not None:
                return url_for("workitems.form", item_id=item_id)
    return url_for("inbox.index")


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
