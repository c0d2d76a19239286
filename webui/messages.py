"""Engine refusals and form messages carry English msgids with %(…)s parameters; they are
translated here through the catalogues (webui/translations holds the engine's msgids)."""
from __future__ import annotations

from flask_babel import gettext

from engine.errors import EngineError
from engine.forms import Message


def engine_message(error: EngineError) -> str:
    return gettext(error.message, **error.params)


def form_message(message: Message) -> str:
    return gettext(message.text, **message.params)
