"""Flask application factory."""
from __future__ import annotations

import secrets

from flask import Flask

from engine.config import Settings
from engine.core import Engine


def create_app(engine: Engine | None = None, **config) -> Flask:
    engine = engine or Engine(Settings.load())
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=engine.settings.secret_key or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=50 * 1024 * 1024,
        TESTING=engine.settings.testing,
    )
    app.config.update(config)
    app.extensions["dondoc"] = engine

    @app.get("/healthz")
    def healthz():
        return {"status": "ok", "ruleset": engine.ruleset}

    @app.get("/")
    def home():
        return "<!doctype html><title>dondoc</title><h1>dondoc</h1>"

    return app
