from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock
from engine.org.models import User
from engine.passwords import verify_password
from webui.context import engine

blueprint = Blueprint("auth", __name__, template_folder="templates")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
LANGUAGES = ("vi", "en")


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
            language = session.get("language")
            session.clear()
            if language:
                session["language"] = language
            flash(_("Your session has expired; please sign in again."), "info")
            return
        session["seen_at"] = clock.now().timestamp()
        with engine().db.session() as db:
            user = db.get(User, user_id)
            if user is not None:
                user.unit  # noqa: B018  (load before the session closes)
        if user is None or not user.active or session.get("password") != password_fingerprint(user):
            session.clear()  # gone, deactivated, or given a new password since this sign-in
            return
        g.user = user

    @app.context_processor
    def inject_user():
        return {"current_user": current_user()}


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        user = _authenticate(username, password)
        if user is not None:
            language = session.get("language") or user.language
            session.clear()
            session.permanent = True
            now = clock.now().timestamp()
            session.update(user_id=user.id, signed_in_at=now, seen_at=now, language=language,
                           password=password_fingerprint(user))
            target = request.args.get("next") or "/"
            return redirect(target if _is_local(target) else "/")
        flash(_("Wrong username or password."), "error")
    return render_template("auth/login.html")


@blueprint.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))


@blueprint.post("/language")
def set_language():
    """Switch the interface language (Vietnamese by default)."""
    language = request.form.get("language", "vi")
    session["language"] = language if language in LANGUAGES else "vi"
    target = request.form.get("next") or "/"
    return redirect(target if _is_local(target) else "/")


def password_fingerprint(user: User) -> str:
    """Kept in the (signed, readable) session cookie: a new password ends every earlier session.
    A digest of the hash, so that the cookie shows nothing of the hash itself."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _is_local(target: str) -> bool:
    return target.startswith("/") and not target.startswith("//") and "\\" not in target


def _session_expired() -> bool:
    """Sessions end after SESSION_IDLE_MINUTES without a request, and at the latest
    PERMANENT_SESSION_LIFETIME after sign-in, both measured on the engine clock."""
    now = clock.now().timestamp()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return now - session.get("seen_at", 0) > idle or now - session.get("signed_in_at", 0) > lifetime


def _authenticate(username: str, password: str) -> User | None:
    """Check a password; five failures lock the account for fifteen minutes."""
    with engine().db.session() as db:
        user = db.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            return None
        now = clock.now()
        if user.locked_until and user.locked_until > now:
            return None
        if not verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
            return None
        user.failed_logins, user.locked_until = 0, None
        return user
