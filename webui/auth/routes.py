from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine import clock
from engine.api_tokens import service as tokens
from engine.errors import EngineError
from engine.org import permissions, signin
from engine.org.models import User
from webui.context import engine
from webui.history import ACCOUNT_FIELDS, readable
from webui.messages import engine_message

blueprint = Blueprint("auth", __name__, template_folder="templates")
LANGUAGES = ("vi", "en")
# Characters a browser drops from, or reads as, a URL's structure: a tab or newline inside
# `/\t/host` is removed (giving `//host`), a backslash is read as a slash.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def current_user() -> User | None:
    return g.get("user")


def login_required(allowed: Callable[[User], bool] | None = None):
    """Require a signed-in user whom `allowed` (a check of engine.org.permissions) lets in."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if allowed is not None and not allowed(user):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def init_app(app) -> None:
    app.config.setdefault("SESSION_IDLE_MINUTES", 30)

    @app.before_request
    def load_user():
        g.user = None
        user_id = session.get("user_id")
        if user_id is None:
            return
        if _session_expired():
            _clear_session()
            flash(_("Your session has expired; please sign in again."), "info")
            return
        session["seen_at"] = clock.now().timestamp()
        with engine().db.reading() as db:
            user = db.get(User, user_id)
            if user is not None:
                user.unit  # noqa: B018  (load before the session closes)
        if user is None or not permissions.account_in_force(user) or session.get("epoch") != user.session_epoch:
            _clear_session()  # gone, deactivated, its unit closed, signed out elsewhere or given a new password
            return
        g.user = user

    @app.context_processor
    def inject_user():
        return {"current_user": current_user()}


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        try:
            user = _password_check(request.form.get("username", "").strip(), request.form.get("password", ""))
        except signin.Throttled as refusal:
            return _throttled(refusal, lambda: render_template("auth/login.html"))
        except signin.UnitClosed as refusal:
            flash(engine_message(refusal), "error")
            return render_template("auth/login.html"), 403
        if user is not None:
            _start_session(user, session.get("language") or user.language)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Wrong username or password."), "error")
    return render_template("auth/login.html")


@blueprint.post("/logout")
def logout():
    """Signing out ends every session of the user, in every browser (a copied cookie too)."""
    user = current_user()
    if user is not None:
        with engine().db.session() as db:
            signin.end_sessions(db, user.id)
    _clear_session()
    return redirect(url_for("auth.login"))


@blueprint.post("/language")
def set_language():
    """Switch the interface language (Vietnamese by default)."""
    language = request.form.get("language", "vi")
    session["language"] = language if language in LANGUAGES else "vi"
    return redirect(safe_next(request.form.get("next")))


@blueprint.route("/account/security", methods=["GET", "POST"])
@login_required()
def security():
    """The signed-in user's own security page: this session, their API tokens (who made each
    and why), the account's history, and changing their password."""
    user = current_user()
    if request.method == "POST":
        form = request.form
        try:
            # counted as a sign-in: a held browser may not guess the password here at full speed
            confirmed = _password_check(user.username, form.get("current_password", ""))
        except signin.Throttled as refusal:
            return _throttled(refusal, lambda: _security_page(user))
        if confirmed is None:
            flash(_("The current password is not right."), "error")
        elif form.get("password", "") != form.get("password_again", ""):
            flash(_("The two new passwords differ."), "error")
        else:
            try:
                with engine().db.session() as db:
                    changed = tokens.change_password(db, user.id, form.get("password", ""), actor=user)
            except EngineError as exc:
                flash(engine_message(exc), "error")
            else:
                _start_session(changed, session.get("language") or changed.language)  # this browser stays in
                flash(_("Password changed. Your other sessions and your API tokens have ended."), "success")
                return redirect(url_for("auth.security"))
    return _security_page(user)


def _security_page(user: User) -> str:
    with engine().db.reading() as db:
        token_views = tokens.tokens_of(db, user.id)
        history = readable(engine(), db, tokens.account_history(db, user.id), ACCOUNT_FIELDS)
    return render_template("auth/security.html", tokens=token_views, history=history,
                           signed_in_at=datetime.fromtimestamp(session.get("signed_in_at", 0), UTC))


def _password_check(username: str, password: str) -> User | None:
    """The active user `username` if `password` is theirs, under the sign-in throttle of this
    client address and username (engine.org.signin); raises signin.Throttled while it waits."""
    settings = engine().settings
    policy = signin.Throttling(settings.login_free_failures, settings.login_max_delay_seconds)
    return signin.sign_in(engine().db, client_address(), username, password, policy)


def _throttled(refusal: signin.Throttled, page: Callable[[], str]):
    """`page` answered 429, saying the wait in words and in Retry-After."""
    flash(engine_message(refusal), "error")
    response = current_app.make_response((page(), 429))
    response.headers["Retry-After"] = str(refusal.seconds)
    return response


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else "/". Refused: another host in any spelling
    (`//x`, `/\\x`, `https:x`, `/%09/x`, the same percent-encoded, once or more) and control
    characters (a newline would break the Location header)."""
    if not target:
        return "/"
    decoded, previous = target, None
    while decoded != previous:  # every layer of percent-encoding a browser might undo
        previous, decoded = decoded, unquote(decoded)
    if _UNSAFE.search(decoded) or _UNSAFE.search(target) or not decoded.startswith("/") or decoded.startswith("//"):
        return "/"
    parts = urlsplit(decoded)
    return target if not parts.scheme and not parts.netloc else "/"


def client_address() -> str:
    """The address the sign-in throttle counts: the peer's, or behind `trusted_proxies` reverse
    proxies the one the outermost proxy saw (X-Forwarded-For entries left of it may be forged)."""
    hops = engine().settings.trusted_proxies
    forwarded = [part.strip() for header in request.headers.getlist("X-Forwarded-For") for part in header.split(",")]
    if hops > 0 and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


def _start_session(user: User, language: str) -> None:
    session.clear()
    session.permanent = True
    now = clock.now().timestamp()
    session.update(user_id=user.id, signed_in_at=now, seen_at=now, language=language, epoch=user.session_epoch)


def _clear_session() -> None:
    """Sign out this browser, keeping its language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def _session_expired() -> bool:
    """Sessions end after SESSION_IDLE_MINUTES without a request, and at the latest
    PERMANENT_SESSION_LIFETIME after sign-in, both measured on the engine clock."""
    now = clock.now().timestamp()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return now - session.get("seen_at", 0) > idle or now - session.get("signed_in_at", 0) > lifetime
