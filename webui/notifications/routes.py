from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.notifications import service as notifications
from engine.org.models import User
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine

blueprint = Blueprint("notifications", __name__, template_folder="templates")
PAGE = 30
# The badge of each kind of notification (engine/notifications/templates.toml), in words.
KIND_LABELS = {"reminder": "Reminder", "due_today": "Due today", "overdue": "Overdue", "escalation": "Escalation",
               "periodic_update": "Periodic update", "assigned": "New assignment", "returned": "Returned",
               "blocked": "Difficulties reported", "withdrawn": "Assignment withdrawn",
               "urged": "Urged", "coordination_urged": "Urged", "sent_back": "Report sent back",
               "closed": "Assignment closed", "corrected": "Assignment corrected",
               "extension_requested": "Extension requested", "extension_decided": "Extension decided",
               "explanation_requested": "Explanation requested", "explanation_answered": "Explanation given",
               "coordination_asked": "Coordination asked", "coordination_answered": "Coordination answered",
               "contribution": "Coordination answered", "issue_raised": "Issue raised",
               "issue_answered": "Issue answered", "periodic_report": "Report requested",
               "adhoc_report": "Report requested", "adhoc_report_reminder": "Reminder",
               "periodic_report_reminder": "Reminder", "periodic_report_due_today": "Due today",
               "unit_report_sent": "Unit report sent",
               "subassignments_done": "Sections done", "share_deadline_moved": "Deadline brought forward",
               "paper_report": "Paper report", "step_waiting": "Waiting for me", "step_overdue": "Overdue",
               "step_escalation": "Escalation"}
# The kinds whose badge says late.
LATE_KINDS = ("overdue", "escalation", "step_overdue", "step_escalation")


def init_app(app) -> None:
    @app.context_processor
    def unread_notifications():
        """The count behind the top bar's badge (one indexed query per page)."""
        user = current_user()
        if user is None:
            return {"unread_notifications": 0}
        with engine().db.session() as session:
            return {"unread_notifications": notifications.unread_count(session, user)}


@blueprint.get("/notifications")
@login_required()
def index():
    unread_only = request.args.get("show") == "unread"
    page = max(1, forms.int_arg(request.args, "page", 1))
    with engine().db.reading() as session:
        rows = notifications.inbox(session, current_user(), unread_only=unread_only, limit=PAGE + 1,
                                   offset=(page - 1) * PAGE)
    return render_template("notifications/index.html", rows=rows[:PAGE], more=len(rows) > PAGE, page=page,
                           unread_only=unread_only, KIND_LABELS=KIND_LABELS, LATE_KINDS=LATE_KINDS)


@blueprint.post("/notifications/<int:notification_id>/open")
@login_required()
def open_one(notification_id: int):
    """Mark read and go where the notification points (only inside the application)."""
    with engine().db.session() as session:
        note = notifications.open_note(session, current_user(), notification_id)
        if note is None:
            abort(404)
        target = note.link or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for(".index"))


@blueprint.post("/notifications/read")
@login_required()
def mark_read():
    """Mark one (`id`) or all of my notifications read."""
    raw = request.form.get("id", "")
    if raw and not raw.isdigit():
        abort(400)
    with engine().db.session() as session:
        changed = notifications.mark_read(session, current_user().id, int(raw) if raw else None)
    if not raw:
        flash(_("%(n)s notifications marked as read.", n=changed), "success")
    return redirect(url_for(".index", show=request.form.get("show") or None))


@blueprint.route("/notifications/preferences", methods=["GET", "POST"])
@login_required()
def preferences():
    user = current_user()
    if request.method == "POST":
        choice = request.form.get("email")
        if choice not in ("each", "digest"):
            flash(_("Choose how to receive e-mail."), "error")
        else:
            with engine().db.session() as session:
                notifications.set_digest(session, user.id, choice == "digest")
            flash(_("Your e-mail preference is saved."), "success")
            return redirect(url_for(".preferences"))
    with engine().db.session() as session:
        fresh = session.get(User, user.id)
    return render_template("notifications/preferences.html", digest=fresh.email_digest, email=fresh.email,
                           digest_hour=engine().settings.mail_digest_hour,
                           catchup_threshold=engine().settings.mail_catchup_threshold)
