"""Sessions and form tokens signed with the deployment's key: `secret_key` when the settings give
one, else the key kept in the database (engine.org.session_key), read by each process on its
first request and kept. Read then rather than when the app is built, so that a server whose
database does not answer yet still starts and answers its probes (/livez, /readyz); until the
key is read, every other request is answered 503 (nothing could be signed or checked).

After a rotation the key it replaced still opens the sessions it signed (Flask's SECRET_KEY_FALLBACKS;
new ones are signed with the new key): the configured `secret_key_fallbacks`, or the stored previous key
until the sessions' lifetime after the rotation has passed. Forms opened before a rotation fail once
(Flask-WTF checks their token with the current key only)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask import Flask, Request, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import SQLAlchemyError

from engine import clock
from engine.config import Settings
from engine.core import Engine
from engine.org.session_key import previous_key, session_key
from webui.errors import storage_unavailable

log = logging.getLogger(__name__)
# What answers without a key: the load balancer's, the orchestrator's and the scraper's probes,
# and the static files (the 503 page's own).
WITHOUT_KEY = frozenset({"operations.livez", "operations.healthz", "operations.readyz", "operations.scrape",
                         "static"})


def configured_fallbacks(settings: Settings) -> list[str]:
    """`secret_key_fallbacks`: the keys a configured `secret_key` had before, comma-separated."""
    return [key.strip() for key in settings.secret_key_fallbacks.split(",") if key.strip()]


class StoredKeySessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self.fallback_until: datetime | None = None  # when the stored previous key stops opening sessions

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if not app.secret_key:
            engine: Engine = app.extensions["dondoc"]
            try:
                self._read_keys(app, engine)
            except SQLAlchemyError as exc:  # the database is down or not upgraded yet
                log.warning("the session key could not be read from the database: %s", type(exc).__name__)
                return self.null_session_class()
        if self.fallback_until is not None and clock.now() >= self.fallback_until:
            app.config["SECRET_KEY_FALLBACKS"], self.fallback_until = [], None
        return super().open_session(app, request)

    def _read_keys(self, app: Flask, engine: Engine) -> None:
        previous = previous_key(engine.db, app.permanent_session_lifetime)
        if previous is not None:
            app.config["SECRET_KEY_FALLBACKS"], self.fallback_until = [previous[0]], previous[1]
        app.secret_key = session_key(engine.db)  # last: a request seeing it finds the fallback set


def init_app(app: Flask) -> None:
    """Before CSRFProtect's: its check of a form needs the key."""
    app.session_interface = StoredKeySessions()
    app.before_request(_unavailable_without_key)


def page_token() -> dict[str, Callable[[], str]]:
    """`csrf_token()` of the templates: none while there is no key (the page is then a 503)."""
    return {"csrf_token": _form_token}


def _form_token() -> str:
    return generate_csrf() if current_app.secret_key else ""


def _unavailable_without_key():
    if not current_app.secret_key and request.endpoint not in WITHOUT_KEY:
        return storage_unavailable()
    return None
