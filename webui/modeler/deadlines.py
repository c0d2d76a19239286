"""The deadline editor of the properties panel (js/src/deadline-editor.js): the shapes of
engine.rulesets.deadline_forms in the page's language, with the editor's own words."""
from __future__ import annotations

from flask_babel import gettext as _

from engine.rulesets import deadline_forms

_LISTS = ("kinds", "events", "fields", "settings", "periods")


def deadline_editor(settings: dict) -> dict:
    """The description the editor renders and parses with, every label translated."""
    described = deadline_forms.describe(settings)
    for name in _LISTS:
        described[name] = [{**item, **{key: _(item[key]) for key in ("label", "number") if item.get(key)}}
                           for item in described[name]]
    described["messages"] = {key: _(message) for key, message in described["messages"].items()}
    described["labels"] = {
        "dueGroup": _("Due date"),
        "timerGroup": _("When the timer fires"),
        "kind": _("Counted"),
        "raw": _("Expression (for experts)"),
        "rawHelp": _("The Python expression the engine evaluates. Choosing how the date is counted above "
                     "writes it; any other expression stays as written."),
        "base": _("Counted from"),
        "nSource": _("N taken from"),
        "typed": _("A number written here"),
        "setting": _("Ruleset setting"),
        "unset": _("not set"),
        "workingDays": _("working days"),
        "period": _("Period"),
        "day": _("Day D"),
        "dataField": _("Data field"),
    }
    return described
