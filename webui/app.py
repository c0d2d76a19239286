"""Flask application factory. Each feature is a package under webui/ exposing `blueprint`
(routes and templates together); FEATURES lists them in menu order."""
from __future__ import annotations

import importlib
from datetime import timedelta

from flask import Flask, request, session
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from engine.config import Settings
from engine.core import Engine
from engine.directives import attachments
from webui import errors, formatting, headers, hygiene, operations, session_key
from webui.i18n import compile_catalogs, translation_dirs

FEATURES = [
    "webui.auth",
    "webui.inbox",
    "webui.workitems",
    "webui.directives",
    "webui.assignments",
    "webui.admin",
    "webui.instances",
    "webui.api",
    "webui.modeler",
    "webui.formbuilder",
    "webui.reports",
    "webui.inspections",
    "webui.secrecy",
    "webui.public",
    "webui.notifications",
    "webui.handover",
]
LANGUAGES = ("vi", "en")
csrf = CSRFProtect()


def create_app(engine: Engine | None = None, **config) -> Flask:
    engine = engine or Engine(Settings.load())
    app = Flask(__name__)
    app.request_class = hygiene.Request  # text cleaned at the door (webui/hygiene.py)
    app.url_map.converters["int"] = hygiene.BoundedInt
    app.config.update(
        SECRET_KEY=engine.settings.secret_key or None,  # none: the deployment's own (webui/session_key.py)
        SECRET_KEY_FALLBACKS=session_key.configured_fallbacks(engine.settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=engine.settings.cookies_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=engine.settings.session_lifetime_minutes),
        MAX_CONTENT_LENGTH=50 * 1024 * 1024,
        TESTING=engine.settings.testing,
        BABEL_DEFAULT_LOCALE="vi",
        BABEL_DEFAULT_TIMEZONE="Asia/Ho_Chi_Minh",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(config)
    app.extensions["dondoc"] = engine
    attachments.drop_stale_spools(engine.blobs, engine.db)
    dirs = translation_dirs(FEATURES)
    compile_catalogs(dirs)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    operations.init_app(app)  # first: its hooks time and log every request, also those CSRF refuses
    session_key.init_app(app)
    csrf.init_app(app)
    app.context_processor(session_key.page_token)  # after CSRFProtect's, so over it
    Babel(app, locale_selector=_select_locale)
    nav_links = []
    for name in FEATURES:
        feature = importlib.import_module(name)
        app.register_blueprint(feature.blueprint)
        if hasattr(feature, "init_app"):
            feature.init_app(app)
        nav_links += getattr(feature, "nav_links", [])
    app.config["NAV_LINKS"] = nav_links
    errors.init_app(app)
    formatting.init_app(app)
    headers.init_app(app)
    return app


def _select_locale() -> str:
    return session.get("language") or request.accept_languages.best_match(LANGUAGES) or "vi"
