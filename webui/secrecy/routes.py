from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.errors import EngineError, Forbidden, NotFound
from engine.forms import FormValidationError
from engine.secrecy import service as secrecy
from engine.secrecy.models import SecretDocumentStatus
from webui.auth import current_user, login_required
from webui.context import engine, reads_secret_register
from webui.messages import engine_message, form_message
from webui.nav import NavLink

blueprint = Blueprint("secrecy", __name__, template_folder="templates")
nav_links = [NavLink("secrecy.index", "Secret register", reads_secret_register)]
STATUS_LABELS = {SecretDocumentStatus.OPEN: _l("Being tracked"), SecretDocumentStatus.CLOSED: _l("Tracking ended")}


@blueprint.get("/secrecy")
@login_required(reads_secret_register)
def index():
    """The register of the reader's body; the paper-report reminders link here."""
    with engine().db.reading() as session:
        lines = secrecy.register_lines(engine(), session, current_user())
    return render_template("secrecy/index.html", lines=lines, STATUS_LABELS=STATUS_LABELS)


@blueprint.post("/secrecy/<int:document_id>/close")
@login_required(reads_secret_register)
def close(document_id: int):
    """Record that the document's tasks are finished: its paper-report reminders stop. Another
    body's line is not found (404); a second press is told it is already closed."""
    try:
        closed = secrecy.close_secret_document(engine(), document_id, current_user())
    except (NotFound, Forbidden):
        raise  # the error pages
    except EngineError as refused:
        flash(engine_message(refused), "error")
    else:
        flash(_("Tracking of secret document %(symbol)s ended: its paper reports are no longer reminded.",
                symbol=closed.symbol), "success")
    return redirect(url_for(".index", _anchor=f"line-{document_id}"))


@blueprint.post("/secrecy/<int:document_id>/paper-reports")
@login_required(reads_secret_register)
def paper_report(document_id: int):
    """Record that the line's paper report was sent on the day given: the reminder process hears of it
    (the planned period's report moves its reminder to the next period). A day after today or before the
    document's is refused naming the field; the same day again is told it is already recorded."""
    try:
        recorded = secrecy.record_paper_report(engine(), document_id, {"sent_on": request.form.get("sent_on", "")},
                                               current_user())
    except (NotFound, Forbidden):
        raise  # the error pages
    except FormValidationError as refused:
        flash(_("Paper report sent on: %(error)s", error=form_message(refused.errors["sent_on"])), "error")
    except EngineError as refused:
        flash(engine_message(refused), "error")
    else:
        flash(_("The paper report on secret document %(symbol)s sent on %(day)s is recorded.",
                symbol=recorded.symbol, day=f"{recorded.paper_sent_on:%d/%m/%Y}"), "success")
    return redirect(url_for(".index", _anchor=f"line-{document_id}"))
