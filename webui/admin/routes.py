from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock
from engine import forms as engine_forms
from engine.api_tokens import service as tokens
from engine.directives import reach
from engine.errors import EngineError
from engine.instances import queries as instance_queries
from engine.org import accounts, permissions, seed, signin
from engine.org import service as org
from engine.org.models import ROLES, Unit, User
from engine.registry import service as registry
from engine.runtime.models import Incident, IncidentStatus, WorkflowInstance
from engine.working_days import YEARS
from engine.working_days import service as calendar_service
from engine.working_days.models import CalendarOverride
from engine.working_days.year import CalendarDay, CalendarMonth, year_view
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine
from webui.formatting import ROLE_LABELS
from webui.handover.routes import held_rows
from webui.history import ACCOUNT_FIELDS, readable
from webui.messages import engine_message
from webui.nav import NavLink

blueprint = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")
nav_links = [NavLink("admin.incidents", "Incidents", permissions.may_handle_incidents),
             NavLink("admin.calendar", "Calendar", permissions.may_administer_users),
             NavLink("admin.organisation", "Organisation", permissions.may_administer_users),
             NavLink("admin.users", "Users", permissions.may_administer_users)]


# ------------------------------------------------------------------ incidents
@blueprint.get("/incidents")
@login_required(permissions.may_handle_incidents)
def incidents():
    status = IncidentStatus.RESOLVED if request.args.get("status") == IncidentStatus.RESOLVED else IncidentStatus.OPEN
    with engine().db.reading() as session:
        rows = session.execute(select(Incident, WorkflowInstance).join(
            WorkflowInstance, WorkflowInstance.id == Incident.instance_id).where(Incident.status == status)
            .order_by(Incident.created_at.desc()).limit(500)).all()
        tasks = registry.task_names(session, current_user(), [instance.assignment_id for _i, instance in rows])
        sealed = instance_queries.unreadable_incidents(engine(), session, current_user(), list(rows))
    return render_template("admin/incidents.html", rows=rows, status=status, tasks=tasks, sealed=sealed,
                           may_administer_instances=permissions.may_administer_instances(current_user()))


@blueprint.post("/incidents/<int:incident_id>/retry")
@login_required(permissions.may_handle_incidents)
def retry(incident_id: int):
    try:
        engine().runtime.retry_incident(incident_id, current_user())
    except EngineError as exc:
        flash(engine_message(exc), "error")
    else:
        flash(_("Retried. If the cause is fixed, the workflow has moved on."), "success")
    return redirect(url_for("admin.incidents"))


# ------------------------------------------------------------------ calendar
@blueprint.route("/calendar", methods=["GET", "POST"])
@login_required(permissions.may_administer_users)
def calendar():
    """The year, month by month, as deadlines count it (engine/working_days/year.py), and the
    deployment's corrections of it."""
    if request.method == "POST":
        return _correct_calendar()
    year = forms.int_arg(request.args, "year", clock.today().year)
    if year not in YEARS:
        return render_template("error.html", code=400, message=_(
            "Year: the calendar shows the years %(first)s to %(last)s.", first=YEARS.start, last=YEARS.stop - 1)), 400
    with engine().db.reading() as session:
        months = year_view(session, year)
        rows = session.scalars(select(CalendarOverride).where(CalendarOverride.day.between(
            date(year, 1, 1), date(year, 12, 31))).order_by(CalendarOverride.day)).all()
    chosen = _chosen_day(months, request.args.get("day", ""))
    return render_template("admin/calendar.html", year=year, months=months, rows=rows, chosen=chosen,
                           years=YEARS, pending=calendar_service.refresh_pending(engine()))


def _correct_calendar():
    try:
        day = engine_forms.parse_date(request.form.get("day", ""))
    except Exception:  # parse_date's own error
        flash(_("Enter a date as dd/mm/yyyy."), "error")
        return redirect(url_for("admin.calendar"))
    working = request.form.get("working") == "1"
    try:
        calendar_service.set_override(engine(), day, working, request.form.get("note", "")[:255],
                                      actor=current_user(), refresh=False)
    except EngineError as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("admin.calendar"))
    flash(_("Calendar corrected. The scheduler now recomputes the open deadlines of the running "
            "workflows (within a minute or two)."), "success")
    return redirect(url_for("admin.calendar", year=day.year) if day.year in YEARS else url_for("admin.calendar"))


def _chosen_day(months: list[CalendarMonth], text: str) -> CalendarDay | None:
    """The day a click on the grid put into the correction form (`?day=dd/mm/yyyy`)."""
    try:
        day = engine_forms.parse_date(text) if text else None
    except Exception:  # parse_date's own error: an unreadable day chooses nothing
        return None
    found = [d for m in months for week in m.weeks for d in week if d and d.day == day]
    return found[0] if found else None


@blueprint.post("/calendar/<day>/delete")
@login_required(permissions.may_administer_users)
def calendar_delete(day: str):
    try:
        parsed = engine_forms.parse_date(day)
    except Exception:  # parse_date's own error
        abort(404)
    calendar_service.remove_override(engine(), parsed, actor=current_user(), refresh=False)
    flash(_("Correction removed. The scheduler now recomputes the open deadlines of the running "
            "workflows (within a minute or two)."), "success")
    return redirect(url_for("admin.calendar"))


# ------------------------------------------------------------------ organisation
@blueprint.route("/organisation", methods=["GET", "POST"])
@login_required(permissions.may_administer_users)
def organisation():
    """Seed a post-2025 province from the administrative units package (engine/org/seed.py)."""
    status = 200
    if request.method == "POST":
        try:
            with engine().db.session() as session:
                result = seed.seed_province(session, request.form.get("province", "").strip())
        except EngineError as exc:
            flash(_("The organisation was not seeded: %(reason)s", reason=engine_message(exc)), "error")
            status = 400
        else:
            flash(_("%(province)s: %(created)s units created, %(adopted)s adopted from the old tree, %(existing)s "
                    "already there, %(moved)s units in force below a closed one moved below its successor.",
                    province=result.province, created=result.created, adopted=result.adopted,
                    existing=result.existing, moved=result.moved), "success")
            if result.beside:  # one deployment, several provinces: what the seeding did to the other's
                flash(_("Also in this deployment: %(provinces)s. Each province is a tree of its own, tracked by "
                        "%(office)s; with two provinces, registers and texts name the seeded units with their province "
                        "(\"Sở Tài chính tỉnh …\"), not \"Sở Tài chính\" alone.",
                        provinces=", ".join(result.beside), office=result.tracking_office), "warning")
            return redirect(url_for("admin.organisation"))
    with engine().db.reading() as session:
        seeded = [(unit, _unit_counts(session, unit)) for unit in session.scalars(
            select(Unit).where(Unit.kind == "province", Unit.valid_to.is_(None)).order_by(Unit.name))]
        bodies = session.scalars(select(Unit.name).where(Unit.is_issuing_body.is_(True)).order_by(Unit.name)).all()
        fallen = permissions.fallen_through(session)
        unreached = reach.unreached_work(session)
    return render_template("admin/organisation.html", provinces=seed.provinces(), seeded=seeded,
                           bodies=bodies, fallen=fallen, unreached=unreached), status


@blueprint.post("/organisation/issuing-body")
@login_required(permissions.may_administer_users)
def issuing_body():
    """Make a unit an issuing body (a commune whose own office tracks its committee's directives), or not."""
    code, issuing = request.form.get("unit", "").strip(), request.form.get("issuing") == "on"
    try:
        with engine().db.session() as session:
            unit = org.mark_issuing_body(session, code, issuing, actor=current_user())
            name = unit.name
    except EngineError as exc:
        flash(engine_message(exc), "error")
    else:
        flash(_("%(unit)s is an issuing body: its office tracks its own directives.", unit=name) if issuing
              else _("%(unit)s is no longer an issuing body.", unit=name), "success")
    return redirect(url_for("admin.organisation"))


def _unit_counts(session, province: Unit) -> dict[str, int]:
    """Departments and communes in force directly below `province`, and the former units below it."""
    below = [session.get(Unit, uid) for uid in org.subtree_ids(session, province.id) - {province.id}]
    current = [u for u in below if u.valid_to is None and u.parent_id == province.id]
    return {"departments": sum(u.kind == "department" for u in current),
            "communes": sum(u.kind == "commune" for u in current),
            "former": sum(u.valid_to is not None for u in below)}


# ------------------------------------------------------------------ users
@blueprint.route("/users", methods=["GET", "POST"])
@login_required(permissions.may_administer_users)
def users():
    form = request.form
    if request.method == "POST" and _saved_user(
            lambda session: org.create_user(session, form.get("username", "").strip(), form.get("password", ""),
                                            form.get("full_name", "").strip(), form.get("unit", ""),
                                            _chosen_roles(form), email=form.get("email") or None,
                                            actor=current_user()),
            _("The user was not created: %(reason)s"), _("User created.")):
        return redirect(url_for("admin.users"))
    text = request.args.get("q", "")[:200]
    with engine().db.reading() as session:
        found = accounts.find_users(session, text, forms.int_arg(request.args, "page", 1))
        units = forms.unit_choices(session)
        # accounts that ended with their unit (an old ward merged away): the administrator moves them
        ended = {user.id for user, _unit in found.rows if user.active and not permissions.account_in_force(user)}
    return _form_page(render_template("admin/users.html", found=found, text=text, units=units, roles=ROLES,
                                      form=form, ended=ended))


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required(permissions.may_administer_users)
def user_edit(user_id: int):
    """Change a user's name, unit, roles or e-mail, or set a new password."""
    form = request.form
    if request.method == "POST" and _saved_user(
            lambda session: _update_user(session, user_id, form),
            _("The user was not changed: %(reason)s"), _("User changed.")):
        return redirect(url_for("admin.users"))
    with engine().db.reading() as session:
        user = session.get(User, user_id)
        if user is None:
            abort(404)
        unit = session.get(Unit, user.unit_id)
        units = forms.unit_choices(session)
        throttles = signin.throttles(session, user.username)
        history = readable(engine(), session, tokens.account_history(session, user.id), ACCOUNT_FIELDS)
        held = held_rows(session, current_user(), user.id)  # what the account, disabled or ended, still holds
    return _form_page(render_template("admin/user_edit.html", user=user, unit=unit, units=units, roles=ROLES,
                                      form=form, throttles=throttles, history=history, now=clock.now(), held=held))


def _form_page(page: str) -> tuple[str, int]:
    """A user form's page: 422 when it answers a POST, which was refused (a saved one redirects)."""
    return page, 422 if request.method == "POST" else 200


def _update_user(session, user_id: int, form) -> None:
    """Name, unit, roles, e-mail; and a new password if one was typed (which ends the user's
    sessions and revokes their API tokens)."""
    held = accounts.holdings(accounts.require_user(session, user_id))
    user = accounts.update_user(session, user_id, full_name=form.get("full_name", "").strip(),
                                unit_code=form.get("unit", ""), email=form.get("email") or None,
                                roles=_chosen_roles(form), actor=current_user())
    if form.get("password"):
        tokens.change_password(session, user_id, form["password"], actor=current_user())
    _warn_of_stranded_work(accounts.stranded_work(session, held, user))


def _warn_of_stranded_work(stranded: list[accounts.StrandedWork]) -> None:
    for work in stranded:
        flash(_("Nobody active holds the role %(role)s in %(unit)s any more: %(count)s waiting work items there "
                "cannot be taken. Give the role to someone else, or move the items from Running processes.",
                role=ROLE_LABELS.get(work.role, work.role), unit=work.unit.name, count=work.count), "warning")


@blueprint.post("/users/<int(max=2147483647):user_id>/throttles/clear")
@login_required(permissions.may_administer_users)
def clear_throttles(user_id: int):
    """Let a user sign in again at once from addresses where failed sign-ins slow them down."""
    with engine().db.session() as session:
        user = session.get(User, user_id)
        if user is None:
            abort(404)
        signin.clear_throttles(session, user.username, current_user())
    flash(_("Failed sign-ins forgotten: the user can sign in again at once."), "success")
    return redirect(url_for("admin.user_edit", user_id=user_id))


def _chosen_roles(form) -> list[str]:
    return [r for r in form.getlist("roles") if r in ROLES]


def _saved_user(change, refused: str, done: str) -> bool:
    """Run `change(session)` in one transaction and say how it went; `refused` has %(reason)s
    (the engine's reason, translated when the catalogue knows it)."""
    try:
        with engine().db.session() as session:
            change(session)
    except EngineError as exc:
        flash(refused % {"reason": engine_message(exc)}, "error")
        return False
    flash(done, "success")
    return True


@blueprint.post("/users/<int:user_id>/active")
@login_required(permissions.may_administer_users)
def toggle_active(user_id: int):
    with engine().db.session() as session:
        user = session.get(User, user_id)
        if user is None or user.id == current_user().id:
            abort(404)
        held = accounts.holdings(user)
        tokens.set_active(session, user_id, not user.active, current_user())
        _warn_of_stranded_work(accounts.stranded_work(session, held, user))
        by_name = len(held_rows(session, current_user(), user_id))
    if by_name:  # work given to them by name now waits for nobody: its page offers to hand it over
        flash(_("%(name)s holds %(count)s pieces of work given by name that nobody else can do: hand them over below.",
                name=user.full_name, count=by_name), "warning")
        return redirect(url_for("admin.user_edit", user_id=user_id))
    return redirect(url_for("admin.users"))
