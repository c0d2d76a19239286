from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import clock
from engine.directives import reach
from engine.directives import service as directives
from engine.directives.models import URGENCIES
from engine.errors import EngineError
from engine.inbox import service as inbox
from engine.org import permissions
from engine.outcomes import Outcome
from engine.registry import service as registry
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine, ruleset_settings
from webui.handover.routes import held_rows
from webui.messages import engine_message
from webui.nav import NavLink, landing

blueprint = Blueprint("inbox", __name__, template_folder="templates")
nav_links = [NavLink("inbox.today", "Today", permissions.may_register_directives), NavLink("inbox.index", "Inbox")]
VIEW_LABELS = {"mine": "Waiting for me", "unit": "My unit", "week": "Due this week", "overdue": "Overdue",
               "done": "Done by me"}


def _query_from(args) -> inbox.InboxQuery:
    view = args.get("view", "mine")
    urgency = args.get("urgency", "")
    return inbox.InboxQuery(view=view if view in inbox.VIEWS else "mine", text=args.get("text", "")[:200],
                            urgency=urgency if urgency in URGENCIES else "")


@blueprint.get("/")
@login_required()
def home():
    with engine().db.reading() as session:
        endpoint, args = landing(session, current_user())
    return redirect(url_for(endpoint, **args))


@blueprint.get("/today")
@login_required(permissions.may_register_directives)
def today():
    """The office's day: what it registered today, the tasks past their deadline and the units late on
    their first report of a task (chậm báo cáo lần đầu)."""
    user = current_user()
    with engine().db.reading() as session:
        registered = registry.registered_on(session, user, clock.today())
        overdue = registry.search(session, user, registry.AssignmentQuery(outcome=Outcome.OVERDUE, per_page=20),
                                  tabs=False)
        late_first = registry.search(session, user, registry.AssignmentQuery(first_report_late=True, per_page=20))
        waiting = inbox.counts(session, user, views=("mine",))["mine"]
        # a ruleset without the first report's days says nothing of it, unless some are owed of a former version
        late_first_shown = directives.asks_first_report(ruleset_settings(session)) or late_first.total > 0
        held = held_rows(session, user)
        unreached = reach.unreached_leads(session, overdue.rows, late_first.rows)
    return render_template("inbox/today.html", registered=registered, overdue=overdue, late_first=late_first,
                           late_first_shown=late_first_shown, waiting=waiting, today=clock.today(), held=held,
                           unreached=unreached)


@blueprint.get("/inbox")
@login_required()
def index():
    user = current_user()
    with engine().db.reading() as session:
        saved = inbox.saved_filters(session, user)
        if request.args.get("filter"):
            chosen = next((f for f in saved if str(f.id) == request.args["filter"]), None)
            if chosen is None:
                abort(404)
            q = _query_from(chosen.params)
        else:
            q = _query_from(request.args)
        counts = inbox.counts(session, user, q)
        pages = max(1, -(-counts[q.view] // inbox.PER_PAGE))
        page = min(pages, max(1, forms.int_arg(request.args, "page", 1)))
        rows = inbox.inbox(session, user, q, page=page)
        # the unit's head hands over what people who left hold in the unit (a unit's officer holds none to give)
        held = held_rows(session, user) if permissions.may_hand_over(session, user, user.unit_id) else []
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("inbox/index.html", rows=rows, counts=counts, q=q, saved=saved,
                           views=VIEW_LABELS, urgencies=URGENCIES, page=page, pages=pages, args=args, held=held)



@blueprint.post("/inbox/filters")
@login_required()
def save_filter():
    q = _query_from(request.form)
    try:
        with engine().db.session() as session:
            row = inbox.save_filter(session, current_user(), request.form.get("name", ""), q)
            filter_id = row.id
    except EngineError as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("inbox.index", **q.as_params()))
    flash(_("Filter saved."), "success")
    return redirect(url_for("inbox.index", filter=filter_id))


@blueprint.post("/inbox/filters/<int:filter_id>/delete")
@login_required()
def delete_filter(filter_id: int):
    with engine().db.session() as session:
        if not inbox.delete_filter(session, current_user(), filter_id):
            abort(404)
    flash(_("Filter deleted."), "success")
    return redirect(url_for("inbox.index"))


