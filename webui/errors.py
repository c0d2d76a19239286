"""Error pages a person can act on (in their language), JSON under /api/, and the menu for the
layout."""
from __future__ import annotations

import errno
import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import HTTP_STATUS_CODES

from engine.db import is_storage_error
from engine.errors import Forbidden, NotFound, NotReady
from webui.auth import current_user
from webui.context import engine
from webui.hygiene import BadBody

API_PREFIX = "/api/"
_MESSAGES = {
    400: "The request could not be read.",
    403: "You may not open this page.",
    404: "This page does not exist, or you may not see it.",
    405: "This page cannot be used that way.",
    413: "The upload is too large.",
    500: "Something went wrong on the server; what you sent may not have been saved. Please try again.",
}
_API_MESSAGES = {413: "The request body is too large."}  # where the page's wording would not fit
STORAGE_FAILURE = ("The storage system is having trouble, so nothing was saved. Please try again in a few "
                   "minutes; if it goes on, tell the system administrator.")
# The attachment store's own failures (the database's: engine.db.is_storage_error).
_OS_STORAGE = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO}
log = logging.getLogger(__name__)


def is_api() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> Response:
    """The API's one error shape: {"error": {"code", "message", "fields"?}}."""
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    for code, message in _MESSAGES.items():
        app.register_error_handler(code, _page(code, message))

    @app.before_request
    def refuse_large_bodies():
        """A body declared larger than the limit is refused before any view runs, whether or
        not the view would have read it (a view reads the body lazily)."""
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if limit is not None and (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()

    @app.errorhandler(CSRFError)
    def csrf_refused(_error):
        # A form left open past the session, or sent from another site: nothing was saved.
        return render_template("error.html", code=400, message=_(
            "The form has expired or did not come from this site. Nothing was saved; go back, "
            "reload the page and send it again.")), 400

    @app.errorhandler(BadBody)
    def bad_body(error: BadBody):
        message = _(error.message, **error.params)
        if is_api():
            if error.field:
                return error_response(error.status, "validation_failed", _("Some fields are not valid."),
                                      {error.field: message})
            return error_response(error.status, "bad_request", message)
        return render_template("error.html", code=error.status, message=message), error.status

    # The engine's refusals reach the person whatever page raised them (the API answers them
    # itself, in JSON: webui/api/core.py).
    app.register_error_handler(NotFound, lambda _error: _page(404, _MESSAGES[404])(None))
    app.register_error_handler(Forbidden, lambda _error: _page(403, _MESSAGES[403])(None))
    app.register_error_handler(NotReady, _not_ready)
    app.register_error_handler(DBAPIError, _storage_failure)
    app.register_error_handler(OSError, _storage_failure)

    @app.context_processor
    def menu():
        user = current_user()
        links = [link for link in current_app.config.get("NAV_LINKS", []) if user and link.allowed(user)]
        counted = [link for link in links if link.count]
        if not counted:
            return {"nav_links": links, "nav_counts": {}}
        with engine().db.reading() as session:
            return {"nav_links": links, "nav_counts": {link.endpoint: link.count(session, user) for link in counted}}


def _page(code: int, message: str):
    def handler(_error: Exception | None):
        if is_api():
            name = HTTP_STATUS_CODES[code].lower().replace(" ", "_")
            return error_response(code, name, _(_API_MESSAGES.get(code, message)))
        return render_template("error.html", code=code, message=_(message)), code

    return handler


def is_storage_failure(error: BaseException) -> bool:
    """A full disk, read-only storage or an I/O error: the database's or the attachment store's."""
    return is_storage_error(error) or (isinstance(error, OSError) and error.errno in _OS_STORAGE)


def _storage_failure(error: Exception):
    """503 with a message people can act on; anything else stays a server error (500)."""
    if not is_storage_failure(error):
        raise error
    log.error("storage failure on %s %s", request.method, request.path, exc_info=error)
    return storage_unavailable()


def storage_unavailable():
    """503: the database or the attachment store cannot be reached or written; nothing was saved."""
    if is_api():
        return error_response(503, "storage_unavailable", _(STORAGE_FAILURE))
    return render_template("error.html", code=503, message=_(STORAGE_FAILURE)), 503


def _not_ready(error: NotReady):
    """503 saying what the administrator must do first: the page exists, it cannot serve yet."""
    message = _(error.message, **error.params)
    if is_api():
        return error_response(503, "not_ready", message)
    return render_template("error.html", code=503, message=message), 503
