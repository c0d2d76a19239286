"""Error pages a person can act on (in their language), and the menu for the layout."""
from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from webui.auth import current_user

_MESSAGES = {
    403: "You may not open this page.",
    404: "This page does not exist, or you may not see it.",
    413: "The upload is too large.",
}


def init_app(app: Flask) -> None:
    for code, message in _MESSAGES.items():
        app.register_error_handler(code, _page(code, message))

    @app.errorhandler(CSRFError)
    def csrf_refused(_error):
        # A form left open past the session, or sent from another site: nothing was saved.
        return render_template("error.html", code=400, message=_(
            "The form has expired or did not come from this site. Nothing was saved; go back, "
            "reload the page and send it again.")), 400

    @app.context_processor
    def menu():
        user = current_user()
        links = [link for link in current_app.config.get("NAV_LINKS", []) if user and link.allowed(user)]
        return {"nav_links": links}


def _page(code: int, message: str):
    def handler(_error):
        return render_template("error.html", code=code, message=_(message)), code

    return handler
