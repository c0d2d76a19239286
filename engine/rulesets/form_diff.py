"""A form file's changes in words (so sánh phiên bản), as the form builder's admin thinks of
them: "Field «Ghi chú»: added, required", "Field «Tiến độ»: label «…» → «…»". Fields are
matched by name; messages are msgids the UI translates (a type's words too: TYPE_LABELS)."""
from __future__ import annotations

import tomllib

from engine.forms import Message
from engine.rulesets.form_edit import TYPE_LABELS

# (key, msgid) of the field keys compared as "before → after"; the others have messages of their own.
_CHANGED = (("label", "Field «%(field)s»: label «%(before)s» → «%(after)s»"),
            ("help", "Field «%(field)s»: help text «%(before)s» → «%(after)s»"),
            ("max_length", "Field «%(field)s»: maximum length %(before)s → %(after)s"))
_HEAD = (("title", "Title «%(before)s» → «%(after)s»"), ("description", "Description «%(before)s» → «%(after)s»"),
         ("submit_label", "Submit button «%(before)s» → «%(after)s»"))


def form_changes(before: str | None, after: str | None) -> list[Message]:
    old, new = _read(before), _read(after)
    changes = [Message(msgid, {"before": old.get(key) or "—", "after": new.get(key) or "—"})
               for key, msgid in _HEAD if old.get(key, "") != new.get(key, "")]
    old_fields, new_fields = _fields(old), _fields(new)
    for name, field in new_fields.items():
        label = field.get("label", name)
        if name not in old_fields:
            changes.append(Message("Field «%(field)s»: added, required" if field.get("required")
                                   else "Field «%(field)s»: added", {"field": label}))
            changes += _condition(label, {}, field, new_fields)
        else:
            changes += _field_changes(label, old_fields[name], field, new_fields)
    changes += [Message("Field «%(field)s»: removed", {"field": field.get("label", name)})
                for name, field in old_fields.items() if name not in new_fields]
    kept = [name for name in new_fields if name in old_fields]
    if kept != [name for name in old_fields if name in new_fields]:
        changes.append(Message("Fields reordered"))
    return changes


def _read(text: str | None) -> dict:
    try:
        return tomllib.loads(text or "")
    except tomllib.TOMLDecodeError:  # an unreadable file is reported by the loader
        return {}


def _fields(form: dict) -> dict[str, dict]:
    return {str(f.get("name")): f for f in form.get("fields", []) if isinstance(f, dict)}


def _field_changes(label: str, old: dict, new: dict, fields: dict[str, dict]) -> list[Message]:
    changes = [Message(msgid, {"field": label, "before": old.get(key) or "—", "after": new.get(key) or "—"})
               for key, msgid in _CHANGED if old.get(key) != new.get(key)]
    if old.get("type", "text") != new.get("type", "text"):
        changes.append(Message("Field «%(field)s»: type %(before_type)s → %(after_type)s",
                               {"field": label, "before_type": TYPE_LABELS.get(old.get("type", "text"), "—"),
                                "after_type": TYPE_LABELS.get(new.get("type", "text"), "—")}))
    if bool(old.get("required")) != bool(new.get("required")):
        changes.append(Message("Field «%(field)s»: now required" if new.get("required")
                               else "Field «%(field)s»: no longer required", {"field": label}))
    if old.get("options", []) != new.get("options", []):
        changes.append(Message("Field «%(field)s»: options %(before)s → %(after)s",
                               {"field": label, "before": _options(old), "after": _options(new)}))
    return changes + _condition(label, old, new, fields)


def _options(field: dict) -> str:
    return ", ".join(f"«{option[1]}»" for option in field.get("options", [])) or "—"


def _condition(label: str, old: dict, new: dict, fields: dict[str, dict]) -> list[Message]:
    """The new condition in words, when it changed."""
    if old.get("show_if", "") == new.get("show_if", ""):
        return []
    condition = new.get("show_if", "")
    if not condition:
        return [Message("Field «%(field)s»: always shown", {"field": label})]
    name, equals, value = (part.strip() for part in condition.partition("="))
    control = fields.get(name, {})
    words = {"field": label, "control": control.get("label", name)}
    if not equals:
        return [Message("Field «%(field)s»: shown only when «%(control)s» has a value", words)]
    shown = dict((str(v), str(text)) for v, text in control.get("options", [])).get(value, value)
    return [Message("Field «%(field)s»: shown only when «%(control)s» is «%(value)s»", {**words, "value": shown})]
