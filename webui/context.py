"""Access to the engine from request handlers."""
from __future__ import annotations

from flask import current_app

from engine.core import Engine


def engine() -> Engine:
    return current_app.extensions["dondoc"]
