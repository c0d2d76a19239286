"""Documents from the hub waiting for the office (văn bản đến chờ đăng ký,
engine.exchange.received): the list, the register page pre-filled from the message with the
assignments proposed from its document, and dismissal as not for tracking."""
from __future__ import annotations

import io
import mimetypes
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from engine import clock
from engine.directives.models import URGENCIES
from engine.errors import AlreadyDone, EngineError, NotFound
from engine.exchange import recalls, received
from engine.forms import FormValidationError
from engine.imports import ImportFailed
from engine.proposals import service as proposal_service
from engine.proposals.reading import ReadingError
from webui import forms
from webui.auth import current_user, login_required
from webui.context import engine, takes_hub_documents
from webui.directives.routes import MAX_ASSIGNMENTS, blueprint, read_assignments, warn_of_day_off_deadlines
from webui.formatting import vn_date
from webui.messages import engine_message


@blueprint.get("/directives/received")
@login_required(takes_hub_documents)
def received_list():
    with engine().db.reading() as session:
        rows = received.waiting(session)
        replacing = {row.id: received.replaced_directive(session, row) for row in rows}
        recall_requests = recalls.waiting(session, current_user())
    ahead = {row.id: received.dated_ahead(row) for row in rows}
    return render_template("directives/received_list.html", rows=rows, replacing=replacing, ahead=ahead,
                           recall_requests=recall_requests)


@blueprint.route("/directives/received/<int:received_id>", methods=["GET", "POST"])
@login_required(takes_hub_documents)
def received_register(received_id: int):
    eng = engine()
    with eng.db.reading() as session:
        row = _waiting(session, received_id)
        offered = forms.unit_choices(session)
        choices = {"unit": offered, "unreached": forms.unreached_choices(session, offered)}
        files = received.attachments(row)
        replacing = received.replaced_directive(session, row)
        # Read the document (OCR may take a while) only to propose, not again on submitting.
        rows, reading_error = _proposed(session, row, files) if request.method == "GET" else ([], None)
    problems, refusal = [], None
    if request.method == "POST":
        rows = read_assignments(request.form) or [{}]
        try:
            registered = [r for r in rows if r]
            directive = received.register(eng, received_id, registered, current_user())
        except AlreadyDone as exc:
            flash(engine_message(exc), "error")
            return redirect(url_for("directives.received_list")), 303
        except ImportFailed as exc:
            refusal, problems = engine_message(exc), [e.render(_) for e in exc.errors]
        except EngineError as exc:
            refusal = engine_message(exc)
        else:
            flash(_("Directive %(symbol)s registered.", symbol=directive.symbol), "success")
            warn_of_day_off_deadlines(eng, registered, directive=directive)
            return redirect(url_for("directives.detail", directive_id=directive.id))
    return render_template("directives/received_register.html", row=row, rows=rows, choices=choices,
                           replacing=replacing, ahead=received.dated_ahead(row), today=clock.today(),
                           errors={}, problems=problems, refusal=refusal,
                           reading_error=reading_error, urgencies=URGENCIES, upstream_label=None,
                           files=[name for name, _content in files],
                           max_assignments=MAX_ASSIGNMENTS), (422 if refusal else 200)


@blueprint.get("/directives/received/<int:received_id>/files/<int:index>")
@login_required(takes_hub_documents)
def received_file(received_id: int, index: int):
    with engine().db.reading() as session:
        files = received.attachments(_found(session, received_id))
    if index >= len(files):
        abort(404)
    name, content = files[index]
    return send_file(io.BytesIO(content), as_attachment=True, download_name=name,
                     mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream")


@blueprint.post("/directives/received/<int:received_id>/dismiss")
@login_required(takes_hub_documents)
def received_dismiss(received_id: int):
    try:
        received.dismiss(engine(), received_id, request.form.get("reason", ""), current_user())
    except NotFound:
        abort(404)
    except EngineError as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("directives.received_register", received_id=received_id)), 303
    flash(_("The document is not tracked."), "success")
    return redirect(url_for("directives.received_list")), 303


@blueprint.post("/directives/received/recall-requests/<int:request_id>")
@login_required(takes_hub_documents)
def recall_request_answer(request_id: int):
    """The clerk's answer to a sender's recall request (engine.exchange.recalls): give the
    document back (the directive is recalled) or keep it, with the reason."""
    try:
        if request.form.get("answer") == "accept":
            row = recalls.accept(engine(), request_id, current_user())
        else:
            row = recalls.refuse(engine(), request_id, request.form.get("reason", ""), current_user())
    except NotFound:
        abort(404)
    except FormValidationError as exc:
        flash(" ".join(m.render(_) for m in exc.errors.values()), "error")
        return redirect(url_for("directives.received_list")), 303
    except EngineError as exc:
        flash(engine_message(exc), "error")
        return redirect(url_for("directives.received_list")), 303
    flash(_("The document was given back: the directive is recalled.") if row.status == recalls.ACCEPTED
          else _("The recall request was refused."), "success")
    return redirect(url_for("directives.received_list")), 303


def _found(session, received_id: int):
    try:
        return received.get(session, received_id)
    except NotFound:
        abort(404)


def _waiting(session, received_id: int):
    row = _found(session, received_id)
    if row.status != received.WAITING:
        flash(_("This received document was registered or dismissed already."), "error")
        abort(redirect(url_for("directives.received_list"), 303))
    return row


def _proposed(session, row, files: list[tuple[str, bytes]]) -> tuple[list[dict], str | None]:
    """Assignment rows proposed from the message's first file, each with its sentence; [{}]
    when it has none or gives no text (and why)."""
    if not files:
        return [{}], None
    try:
        found = proposal_service.read_and_propose(session, date.fromisoformat(row.header["issued_on"]), "",
                                                  (files[0][1], files[0][0]))
    except ReadingError as exc:
        return [{}], engine_message(exc)
    rows = [{"content": p["content"], "source": p["source"],
             "lead_unit": p["lead_units"][0]["code"] if p["lead_units"] else "",
             "coordinating_units": [u["code"] for u in p["coordinating_units"]],
             "deadline": vn_date(p["deadline"]["date"])} for p in found["proposals"][:MAX_ASSIGNMENTS]]
    return rows or [{}], None
