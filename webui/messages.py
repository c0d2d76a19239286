"""Engine refusals and form messages carry English msgids with %(…)s parameters; they are
translated here through the catalogues (webui/translations holds the engine's msgids)."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext

from engine.errors import EngineError
from engine.forms import FormValidationError, Message


def engine_message(error: EngineError) -> str:
    return gettext(error.message, **error.params)


def form_message(message: Message) -> str:
    return gettext(message.text, **message.params)


def refusal_of(action: Callable[[], object]) -> tuple[dict[str, str], str | None]:
    """Run a form's `action`: ({}, None) when it is done; when refused, the messages by field
    and the one shown on top, translated."""
    try:
        action()
    except FormValidationError as exc:
        return ({name: form_message(message) for name, message in exc.errors.items()},
                gettext("Please correct the fields marked below."))
    except EngineError as exc:
        return {}, engine_message(exc)
    return {}, None
