"""API tokens, created and revoked by a system administrator."""
from __future__ import annotations

from flask import jsonify

from engine.api_tokens import service as tokens
from engine.org import permissions
from webui.api.core import ApiError, api_user, blueprint, idempotent, json_body, require
from webui.api.serialize import iso
from webui.context import engine


def _token(row, username: str) -> dict:
    return {"id": row.id, "user": username, "name": row.name, "prefix": row.prefix, "reason": row.reason,
            "created_at": iso(row.created_at), "last_used_at": iso(row.last_used_at),
            "revoked_at": iso(row.revoked_at)}


@blueprint.get("/tokens")
def list_tokens():
    require(permissions.may_administer_users)
    with engine().db.reading() as session:
        return jsonify({"items": [_token(row, name) for row, name in tokens.list_tokens(session)]})


@blueprint.post("/tokens")
@idempotent
def create_token():
    require(permissions.may_administer_users)
    body = json_body()
    username, name, reason = body.get("username"), body.get("name"), body.get("reason")
    if not isinstance(username, str) or not isinstance(name, str):
        raise ApiError(422, "validation_failed", "Some fields are not valid.",
                       fields={k: "This field is required." for k in ("username", "name")
                               if not isinstance(body.get(k), str)})
    if reason is not None and not isinstance(reason, str):
        raise ApiError(422, "validation_failed", "Some fields are not valid.", fields={"reason": "Enter text."})
    with engine().db.session() as session:
        row, token = tokens.create_token(session, username, name, actor=api_user(), reason=reason)
        response = jsonify({**_token(row, username), "token": token})
    response.status_code = 201
    return response


@blueprint.delete("/tokens/<int(max=2147483647):token_id>")
def revoke_token(token_id: int):
    require(permissions.may_administer_users)
    with engine().db.session() as session:
        tokens.revoke_token(session, token_id, actor=api_user())
    return jsonify({"id": token_id, "revoked": True})
