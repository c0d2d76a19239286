"""What every API route shares: token authentication, JSON errors, paging and idempotency
keys. (Scope checks are the engine's read models: registry, inbox, attachments.)"""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import date

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from engine.api_tokens import service as tokens
from engine.directives.service import AssignmentError
from engine.errors import AlreadyDone, Conflict, EngineError, Forbidden, NotFound, NotReady
from engine.forms import FormValidationError, Message
from engine.org.models import User
from webui.context import engine
from webui.errors import error_response

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = {"api.openapi_yaml", "api.openapi_json", "api.testing_clock", "api.testing_timers"}
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
MAX_ID = 2_147_483_647
MAX_JSON_BYTES = 4 * 1024 * 1024
_STATUS = {NotFound: 404, Forbidden: 403, AlreadyDone: 409, Conflict: 409, NotReady: 503}


class ApiError(Exception):
    """A refusal with an HTTP status, a stable code and a message (an English msgid); `fields`
    maps names to msgids or to engine.forms.Message (a msgid with parameters)."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None, **params):
        super().__init__(message)
        self.status, self.code, self.message, self.fields, self.params = status, code, message, fields, params


def not_found() -> ApiError:
    """Used for objects that do not exist AND for those outside the caller's scope, so that a
    unit cannot probe another unit's ids."""
    return ApiError(404, "not_found", "Not found.")


def init_app(app: Flask) -> None:
    from webui.app import csrf

    csrf.exempt(blueprint)  # tokens, not cookies: no cross-site request can carry one

    @app.before_request
    def limit_json_bodies():
        """JSON bodies are small (files come as multipart): a smaller limit bounds the work of
        parsing and checking one, before anything reads it."""
        if request.path.startswith(blueprint.url_prefix + "/") and request.mimetype == "application/json":
            request.max_content_length = MAX_JSON_BYTES

    @app.before_request
    def api_routing_errors():
        """Unknown URLs and methods under /api/ answer in JSON, not the web UI's HTML page."""
        failure = request.routing_exception
        if failure is None or (failure.code or 0) < 400 or not request.path.startswith(blueprint.url_prefix + "/"):
            return None  # a route, a redirect (trailing slash), or not the API
        if failure.code == 404:
            return error_response(404, "not_found", _("No such endpoint."))
        return error_response(failure.code, "method_not_allowed" if failure.code == 405 else "bad_request",
                              failure.description)


@blueprint.before_request
def authenticate() -> Response | None:
    g.api_user = None
    if _carries_nul():
        return error_response(400, "bad_request", _("Text may not contain NUL characters."))
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not tokens.well_formed(token.strip()):
        return _unauthorised()
    if keyed_call():  # checked first thing in the call's own transaction: see `idempotent`
        g.api_token = token.strip()
        return None
    return _sign_in(token.strip())


def _sign_in(token: str) -> Response | None:
    """Sets the caller from `token`, or answers 401."""
    g.api_user = tokens.authenticate(engine().db, token)
    return _unauthorised() if g.api_user is None else None


def keyed_call() -> bool:
    """An idempotent call carrying a key: it runs in one transaction (key, effect, answer),
    in which the token is read too, instead of in a transaction of its own before it."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "idempotent", False) and bool(request.headers.get("Idempotency-Key", "").strip())


def _carries_nul() -> bool:
    """A NUL in text cannot be stored (PostgreSQL refuses it): refuse it at the door."""
    if b"\x00" in request.query_string or b"%00" in request.query_string:
        return True
    if request.mimetype == "application/json":
        body = request.get_data(cache=True)
        return b"\x00" in body or b"\\u0000" in body
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any("\x00" in value for value in request.form.values())
    return False


def _unauthorised() -> Response:
    response = error_response(401, "unauthorised", _("A valid API token is required (Authorization: Bearer …)."))
    response.headers["WWW-Authenticate"] = 'Bearer realm="dondoc"'
    return response


def api_user() -> User:
    return g.api_user


def require(allowed: Callable[[User], bool]) -> None:
    """Refuse (403) a caller whom `allowed` (a check of engine.org.permissions) does not let in."""
    if not allowed(api_user()):
        raise ApiError(403, "forbidden", "Your role may not do this.")


@blueprint.errorhandler(ApiError)
def _api_error(exc: ApiError):
    message = _(exc.message, **exc.params) if exc.params else _(exc.message)
    fields = {name: text.render(_) if isinstance(text, Message) else _(text)
              for name, text in exc.fields.items()} if exc.fields else None
    return error_response(exc.status, exc.code, message, fields)


@blueprint.errorhandler(FormValidationError)
def _form_error(exc: FormValidationError):
    fields = {name: message.render(_) for name, message in exc.errors.items()}
    return error_response(422, "validation_failed", _("Some fields are not valid."), fields)


@blueprint.errorhandler(AssignmentError)
def _assignment_error(exc: AssignmentError):
    """A bad value in one of the body's assignments (or shares), named like the body checks name it."""
    field = f"{exc.items}[{exc.seq - 1}].{exc.field}"
    return error_response(422, "validation_failed", _("Some fields are not valid."),
                          {field: _(exc.message, **exc.params)})


@blueprint.errorhandler(EngineError)
def _engine_error(exc: EngineError):
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 422)
    code = {404: "not_found", 403: "forbidden", 409: "conflict", 503: "not_ready"}.get(status, "refused")
    return error_response(status, code, _(exc.message) % exc.params if exc.params else _(exc.message))


@blueprint.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    return error_response(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description or exc.name)


# ---------------------------------------------------------------- request bodies and paging
def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The request body must be a JSON object.")
    return body


def form_or_json() -> dict:
    """A JSON object, or a multipart/urlencoded form (lists where a field repeats)."""
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return {key: values if len(values) > 1 else values[0] for key, values in request.form.lists()}
    return json_body()


def int_arg(name: str, default: int, low: int = 1, high: int | None = None) -> int:
    raw = request.args.get(name)
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        raise ApiError(400, "bad_request", "Parameter %(name)s must be a whole number.", name=name) from None
    if value < low or (high is not None and value > high):
        raise ApiError(400, "bad_request", "Parameter %(name)s is out of range.", name=name)
    return value


def date_arg(name: str, default: date | None = None) -> date | None:
    """The query parameter `name`, a date (YYYY-MM-DD), or `default` when it is absent or empty."""
    raw = request.args.get(name)
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        raise ApiError(400, "bad_request", "Parameter %(name)s must be a date (YYYY-MM-DD).", name=name) from None


def paging() -> tuple[int, int]:
    return int_arg("page", 1, high=MAX_PAGE), int_arg("per_page", 50, high=MAX_PER_PAGE)


def page_body(items: list, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def created(body: dict, path: str) -> Response:
    """201 with `body` and the new object's address (`path` under /api/v1)."""
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = f"{request.script_root}/api/v1{path}"
    return response


# ---------------------------------------------------------------- idempotency keys
class _Undone(Exception):
    """Carries a server error's response out of the unit of work it rolls back."""

    def __init__(self, response: Response):
        self.response = response


def idempotent(view):
    """Replay the stored answer when a client retries a creating call with the same
    Idempotency-Key header, so that a retried request never applies twice.

    The key, everything the call writes and its answer are one transaction (see
    engine.api_tokens.service.reserve_key): after a crash at any point a retry either replays
    the answer or runs for the first time. The caller's token is checked first in the same
    transaction (one statement, none of its own). A refusal (4xx raised as an error) or a server
    error stores nothing, so a corrected retry runs again."""

    from webui.api.bodies import check_body  # which imports this module

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not keyed_call():
            return view(*args, **kwargs)
        key = request.headers["Idempotency-Key"].strip()
        try:
            with engine().db.session() as session:  # one transaction: see the docstring
                refused = _sign_in(g.api_token)
                if refused is not None:
                    return refused
                check_body()
                if len(key) > 128:
                    raise ApiError(400, "bad_request", "An Idempotency-Key has at most 128 characters.")
                user_id = api_user().id
                print_ = tokens.fingerprint(request.method, request.path, _body_identity())
                replay = tokens.reserve_key(session, user_id, key, print_)
                if replay is not None:
                    response = jsonify(replay.response)
                    response.status_code = replay.status_code
                    response.headers["Idempotent-Replayed"] = "true"
                    return response
                response = current_app.make_response(view(*args, **kwargs))
                if response.status_code >= 500:
                    raise _Undone(response)
                tokens.store_answer(session, user_id, key, response.status_code, _json_of(response))
                return response
        except tokens.KeyReused as exc:
            raise ApiError(409, "idempotency_conflict", exc.message) from None
        except _Undone as undone:
            return undone.response

    wrapper.idempotent = True  # type: ignore[attr-defined]  (read by `keyed_call`)
    return wrapper


def _body_identity() -> bytes:
    """The request body as bytes that a retry reproduces: multipart bodies are rebuilt from
    their fields and file digests, since a client picks a new boundary for every attempt."""
    if request.mimetype != "multipart/form-data":
        return request.get_data(cache=True)
    parts = sorted(f"{k}={v}" for k, values in request.form.lists() for v in values)
    for name, upload in request.files.items(multi=True):
        parts.append(f"{name}:{upload.filename}:{hashlib.sha256(upload.stream.read()).hexdigest()}")
        upload.stream.seek(0)
    return "\n".join(sorted(parts)).encode()


def _json_of(response: Response):
    try:
        return json.loads(response.get_data())
    except ValueError:
        return None
