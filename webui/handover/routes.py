"""Handing over the work a person who can no longer act holds by name: the rows the pages show (`held_rows`, read by
the inbox, the office's day and the account's page) and the form they send."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine.handover import service as handover
from engine.org import permissions
from engine.org.models import User
from engine.registry import service as registry
from webui import forms
from webui.auth import current_user, login_required
from webui.auth.routes import safe_next
from webui.context import engine
from webui.messages import engine_message

blueprint = Blueprint("handover", __name__, template_folder="templates")


@dataclass(frozen=True)
class HeldRow:
    held: handover.Held
    task: registry.TaskName | None   # the assignment it belongs to, by name
    candidates: list[User]           # whom it may be given, by full name


def held_rows(session: Session, user: User, holder_id: int | None = None) -> list[HeldRow]:
    """The work `user` may hand over (only `holder_id`'s when given), each with its task and whom it may go to."""
    found = handover.held_work(session, user, holder_id)
    if not found:
        return []
    tasks = registry.task_names(session, user, [held.assignment_id for held in found], width=120)
    working = permissions.working_users(session)
    return [HeldRow(held, tasks.get(held.assignment_id or 0), handover.candidates(session, held, working))
            for held in found]


@blueprint.post("/held-work/hand-over")
@login_required()
def hand_over():
    """Give one piece of held work to the person chosen; back to the page the form was on."""
    form = request.form
    try:
        with engine().db.session() as session:
            held = handover.hand_over(session, current_user(), form.get("kind", ""), forms.int_arg(form, "id", 0) or 0,
                                      form.get("holder", ""), form.get("user", ""))
            holder = held.holder.full_name
    except handover.HandOverError as exc:
        field = _("Person to take the work") if exc.field == "user" else _("Work")
        return render_template("error.html", code=422, message=f"{field}: {engine_message(exc)}"), 422
    flash(_("The work %(holder)s held is handed over; the new holder is told.", holder=holder), "success")
    return redirect(safe_next(form.get("next")))
