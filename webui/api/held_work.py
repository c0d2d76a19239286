"""Work held by name by people who can no longer act (engine.handover): what the caller may hand over, and handing
one piece over to a person in force, as the inbox and the office's day do."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _

from engine.handover import service as handover
from engine.org import permissions
from webui.api.core import api_user, blueprint, idempotent, json_body
from webui.api.org import unit_codes
from webui.context import engine
from webui.errors import error_response


@blueprint.errorhandler(handover.HandOverError)
def _hand_over_error(exc: handover.HandOverError):
    """A refused hand-over names its field, as the other validation errors do."""
    return error_response(422, "validation_failed", _("Some fields are not valid."), {exc.field: _(exc.message)})


def _held(held: handover.Held, codes: dict[int, str], candidates: list | None = None) -> dict:
    body = {"kind": held.kind, "id": held.record_id, "step": held.step or None, "unit": codes.get(held.unit_id or 0),
            "holder": {"username": held.holder.username, "full_name": held.holder.full_name},
            "why": held.why, "ended_on": held.ended_on.isoformat() if held.ended_on else None,
            "assignment_id": held.assignment_id, "directive_id": held.directive_id,
            "inspection_id": held.inspection_id}
    if candidates is not None:
        body["candidates"] = [{"username": u.username, "full_name": u.full_name} for u in candidates]
    return body


@blueprint.get("/held-work")
def list_held_work():
    """Everything the caller may hand over, each with whom it may go to."""
    with engine().db.reading() as session:
        found = handover.held_work(session, api_user())
        codes = unit_codes(session, [held.unit_id for held in found])
        working = permissions.working_users(session)
        return jsonify({"items": [_held(held, codes, handover.candidates(session, held, working)) for held in found]})


@blueprint.post("/held-work/hand-over")
@idempotent
def hand_over_held_work():
    """{"kind": "work_item" | "follow_up", "id", "holder": username, "user": username of the new holder}."""
    body = json_body()  # its fields' types checked against docs/openapi.yaml
    with engine().db.session() as session:
        held = handover.hand_over(session, api_user(), body["kind"], body["id"], body["holder"], body["user"])
        return jsonify(_held(held, unit_codes(session, [held.unit_id])))
