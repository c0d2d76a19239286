"""Sessions and form tokens signed with the deployment's key: `secret_key` when the settings give
one, else the key kept in the database (engine.org.session_key), read by each process on its
first request and kept. Read then rather than when the app is built, so that a server whose
database is not there yet still starts and answers /livez and /readyz."""
from __future__ import annotations

import logging

from flask import Flask, Request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy.exc import SQLAlchemyError

from engine.core import Engine
from engine.org.session_key import session_key

log = logging.getLogger(__name__)


class StoredKeySessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if not app.secret_key:
            engine: Engine = app.extensions["dondoc"]
            try:
                app.secret_key = session_key(engine.db)
            except SQLAlchemyError as exc:  # the database is down or not upgraded: signed out meanwhile
                log.warning("the session key could not be read from the database: %s", type(exc).__name__)
                return self.null_session_class()
        return super().open_session(app, request)
