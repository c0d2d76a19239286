"""Access to the engine from request handlers."""
from __future__ import annotations

from flask import current_app

from engine.core import Engine
from engine.errors import NotReady
from engine.org import permissions
from engine.org.models import User


def engine() -> Engine:
    return current_app.extensions["dondoc"]


def ruleset_settings(session) -> dict:
    """The published ruleset's settings (words, which filters the regulation has); {} before
    any ruleset is loaded."""
    try:
        return engine().compiled(engine().current_bundle(session)).settings
    except NotReady:
        return {}


def takes_hub_documents(user: User) -> bool:
    """permissions.may_take_hub_documents where a check takes the user alone (the menu, a route)."""
    with engine().db.reading() as session:
        return permissions.may_take_hub_documents(session, user)


def reads_secret_register(user: User) -> bool:
    """permissions.may_read_secret_register under the published ruleset, where a check takes the
    user alone (the menu, a route)."""
    with engine().db.reading() as session:
        return permissions.may_read_secret_register(user, ruleset_settings(session))
