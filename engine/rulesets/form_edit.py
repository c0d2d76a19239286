"""Form definitions edited in the modeler's form builder (trình soạn biểu mẫu): a form's TOML as
the data the builder edits, the builder's data checked and written back into the same TOML
(comments and untouched keys kept, through tomlkit), and the fields a removed or renamed form
field leaves unread-but-read in the diagrams.

The builder edits the file's own text: `{name}` terms stay as written (the loader puts the
ruleset's words in place), so one common form keeps speaking each regulation's language.
"""
from __future__ import annotations

import ast
import keyword
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

import tomlkit
from lxml import etree
from tomlkit.items import AoT, Comment, Whitespace

from engine.errors import EngineError
from engine.forms import _CLEANERS, CHOICE_TYPES, Invalid, Message, clean_input, condition_field
from engine.rulesets.errors import Problem
from engine.rulesets.loader import _BPMN_CODE, NS, SAFE_XML, _element_id
from engine.rulesets.places import place_of

# What the builder offers, in its order, with the words an admin reads (msgids).
TYPE_LABELS = {"text": "Short text", "textarea": "Long text", "integer": "Whole number", "date": "Date (dd/mm/yyyy)",
               "select": "One choice from a list", "multiselect": "Several choices from a list",
               "boolean": "Yes/no box", "unit": "One unit", "units": "Several units", "user": "One person",
               "users": "Several people", "files": "Attached files", "document_symbol": "Document number/symbol"}
assert set(TYPE_LABELS) == set(_CLEANERS), "every field type the validator knows is offered in the builder"
TEXT_TYPES = frozenset({"text", "textarea", "document_symbol"})  # the types a maximum length bounds
NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
LIMITS = {"title": 200, "description": 2000, "submit_label": 100, "label": 300, "help": 1000, "option": 300}


class FormEditError(EngineError):
    """The builder's data is refused; `errors` names each bad part ("title", "fields.2.name")."""

    def __init__(self, errors: dict[str, Message]):
        self.errors = errors
        super().__init__("Some fields of the form are not valid.")


@dataclass(frozen=True)
class UserTaskUse:
    """A user task that shows a form: where, and by the name people read."""

    path: str
    element: str
    name: str


def form_data(text: str) -> dict:
    """A form file as the builder edits it (each field's `was`: its name in the file)."""
    raw = tomllib.loads(text)
    return {"title": raw.get("title", ""), "description": raw.get("description", ""),
            "submit_label": raw.get("submit_label", ""),
            "fields": [{"was": f.get("name", ""), "name": f.get("name", ""), "label": f.get("label", ""),
                        "type": f.get("type", "text"), "required": bool(f.get("required", False)),
                        "options": [[str(v), str(label)] for v, label in f.get("options", [])],
                        "help": f.get("help", ""), "max_length": f.get("max_length"),
                        "show_if": f.get("show_if", "")} for f in raw.get("fields", [])]}


def apply(text: str, data: Mapping) -> str:
    """`text` with the builder's `data` written in: form keys, then the fields in the sent order,
    each kept field keeping its comments and the keys the builder does not edit. Raises
    FormEditError naming every bad part; nothing is written then."""
    errors: dict[str, Message] = {}
    head = {key: _text(data, key, errors, required=key == "title") for key in ("title", "description", "submit_label")}
    sent = data.get("fields")
    if not isinstance(sent, list) or not sent:
        errors["fields"] = Message("A form needs at least one field.")
        sent = []
    fields = [_field(i, item, errors) for i, item in enumerate(sent, start=1)]
    _check_names_and_conditions(fields, errors)
    if errors:
        raise FormEditError(errors)
    document = tomlkit.parse(text)
    for key, value in head.items():
        _set(document, key, value, default="")
    old_tables = list(document.get("fields", []))
    leading = _detach_comments(old_tables)
    old = {str(table.get("name")): table for table in old_tables}
    tables = AoT([], parsed=True)  # parsed: tomlkit adds no blank lines of its own
    for field in fields:
        table = _write_field(old.pop(field["was"], None) or tomlkit.table(), field)  # each table once
        if tables:  # the blank line and comments above a field: in the body of the table before it
            for item in leading.get(field["was"]) or [Whitespace("\n")]:
                tables[-1].value.add(item)
        tables.append(table)
    document["fields"] = tables
    return tomlkit.dumps(document)


def _detach_comments(tables: list) -> dict[str, list]:
    """Take the comments and blank lines off the end of each field's table: tomlkit keeps what
    stands above a `[[fields]]` there, and it belongs to the next field (by name), wherever that
    field goes now."""
    leading: dict[str, list] = {}
    for before, after in zip(tables, [*tables[1:], None], strict=True):
        body = before.value.body
        items = leading.setdefault(str(after.get("name")) if after is not None else "", [])
        while body and body[-1][0] is None and isinstance(body[-1][1], Comment | Whitespace):
            items.insert(0, body.pop()[1])
    return leading


def _text(data: Mapping, key: str, errors: dict, *, required: bool = False, where: str = "",
          limit: str = "") -> str:
    value = data.get(key, "")
    try:
        text = clean_input("" if value is None else value)
    except Invalid as exc:
        errors[where + key] = exc.message
        return ""
    if required and not text:
        errors[where + key] = Message("This field is required.")
    elif len(text) > LIMITS[limit or key]:
        errors[where + key] = Message("At most %(max)s characters.", {"max": LIMITS[limit or key]})
    return text


def _field(number: int, item, errors: dict) -> dict:
    where = f"fields.{number}."
    if not isinstance(item, Mapping):
        errors[where + "name"] = Message("Field %(number)s is not valid.", {"number": number})
        return {"number": number, "was": "", "name": "", "label": "", "type": "text"}
    name = _text(item, "name", errors, required=True, where=where, limit="label")
    field = {"number": number, "was": item.get("was") if isinstance(item.get("was"), str) else "", "name": name,
             "label": _text(item, "label", errors, required=True, where=where),
             "type": item.get("type") if item.get("type") in TYPE_LABELS else None,
             "required": item.get("required") is True, "help": _text(item, "help", errors, where=where),
             "show_if": _text(item, "show_if", errors, where=where, limit="label")}
    if field["type"] is None:
        errors[where + "type"] = Message("Choose one of the offered values.")
    if name and (not NAME.fullmatch(name) or keyword.iskeyword(name)):
        errors[where + "name"] = Message("A field name is lower-case Latin letters, digits and _ , starting "
                                         "with a letter (the diagrams read it by this name).")
    field["options"] = _options(item.get("options"), where, errors) if field["type"] in CHOICE_TYPES else []
    field["max_length"] = _max_length(item.get("max_length"), where, errors) if field["type"] in TEXT_TYPES else None
    return field


def _options(sent, where: str, errors: dict) -> list[list[str]]:
    if not isinstance(sent, list) or not sent:
        errors[where + "options"] = Message("A choice field needs at least one option.")
        return []
    options = []
    for pair in sent:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            errors[where + "options"] = Message("Each option needs a value and a label.")
            return []
        # a value may be empty (the register form's "Không mật"): a label may not
        value = _text({"options": pair[0]}, "options", errors, where=where, limit="option")
        label = _text({"options": pair[1]}, "options", errors, required=True, where=where, limit="option")
        options.append([value, label])
    if len({value for value, _label in options}) < len(options):
        errors[where + "options"] = Message("Two options have the same value.")
    return options


def _max_length(sent, where: str, errors: dict) -> int | None:
    if sent in (None, ""):
        return None
    try:
        number = int(str(sent).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 100_000:
        errors[where + "max_length"] = Message("Enter a whole number from %(min)s to %(max)s.",
                                               {"min": 1, "max": 100_000})
    return number


def _check_names_and_conditions(fields: list[dict], errors: dict) -> None:
    """Names unique; a condition reads an earlier field (the page shows fields in order), and a
    choice field's condition names one of its options."""
    earlier: dict[str, dict] = {}
    for field in fields:
        where = f"fields.{field['number']}."
        if field["name"] in earlier:
            errors[where + "name"] = Message("Another field already has the name %(name)s.", {"name": field["name"]})
        condition = field.get("show_if")
        if condition:
            control = earlier.get(condition_field(condition))
            value = condition.partition("=")[2].strip()
            if control is None:
                errors[where + "show_if"] = Message("The condition must name a field above this one.")
            elif "=" in condition and control["type"] in CHOICE_TYPES and \
                    value not in {v for v, _label in control["options"]}:
                errors[where + "show_if"] = Message("%(value)s is not one of the options of %(field)s.",
                                                    {"value": value, "field": control["label"]})
        earlier.setdefault(field["name"], field)


def _write_field(table, field: dict):
    """The field's table: the builder's keys set (or dropped when at their default), the rest
    kept, unless the type changed: the keys only the old type read (a select's default, an
    integer's bounds, a date's, a person's roles) go with it, as does a default no option offers any more."""
    if table.get("type", "text") != field["type"]:
        for key in ("default", "min", "max", "not_before", "not_after", "roles"):
            table.pop(key, None)
    if field["options"] and table.get("default") not in {value for value, _label in field["options"]}:
        table.pop("default", None)  # a choice's default that is no longer offered
    table["name"], table["label"], table["type"] = field["name"], field["label"], field["type"]
    _set(table, "required", field["required"], default=False)
    _set(table, "options", field["options"], default=[])
    _set(table, "help", field["help"], default="")
    _set(table, "max_length", field["max_length"], default=None)
    _set(table, "show_if", field["show_if"], default="")
    return table


def _set(table, key: str, value, default) -> None:
    if value == default:
        table.pop(key, None)
    elif table.get(key) != value:  # unchanged values keep their formatting
        table[key] = value


# ---------------------------------------------------------------- what uses a form
def user_tasks(files: Mapping[str, str]) -> dict[str, list[UserTaskUse]]:
    """The user tasks of a bundle's diagrams by the form they show."""
    uses: dict[str, list[UserTaskUse]] = {}
    for path, tree in _diagrams(files):
        for task in tree.xpath(".//bpmn:userTask", namespaces=NS):
            key = _form_key(task)
            if key:
                uses.setdefault(key, []).append(UserTaskUse(path, task.get("id") or "",
                                                            task.get("name") or task.get("id") or ""))
    return uses


def fields_still_read(files: Mapping[str, str], key: str, new_text: str) -> list[Problem]:
    """A field the form loses (removed or renamed) that a diagram showing the form reads in a
    condition, script, timer or property, and that no other form of that diagram provides: the
    gateway would read nothing. One problem per reading element."""
    lost = _names(files.get(f"forms/{key}.toml", "")) - _names(new_text)
    problems: list[Problem] = []
    for path, tree in _diagrams(files) if lost else ():
        keys = {_form_key(task) for task in tree.xpath(".//bpmn:userTask", namespaces=NS)}
        if key not in keys:
            continue
        others = set().union(*(_names(files.get(f"forms/{k}.toml", "")) for k in keys - {key, None}))
        for node, names in _code_names(tree):
            for name in sorted((lost - others) & names):
                element = _reader(node)
                problems.append(Problem(path, element.get("id"), "Field %(field)s is removed or renamed, but "
                                        "%(element)s reads it: change the diagram first, or keep the field.",
                                        node.sourceline, {"field": name,
                                                          "element": element.get("name") or element.get("id") or ""},
                                        place=place_of(tree, element.get("id"))))
    return problems


def _diagrams(files: Mapping[str, str]):
    for path, text in sorted(files.items()):
        if path.endswith(".bpmn"):
            try:
                yield path, etree.fromstring(text.encode("utf-8"), SAFE_XML)
            except etree.XMLSyntaxError:  # the loader reports it
                continue


def _form_key(task) -> str | None:
    found = task.xpath(".//spiffworkflow:property[@name='formKey']/@value", namespaces=NS)
    return str(found[0]) if found else None


def _names(text: str) -> set[str]:
    try:
        return {str(f.get("name")) for f in tomllib.loads(text).get("fields", [])}
    except tomllib.TOMLDecodeError:
        return set()


def _code_names(tree):
    """(node, names it reads) for every expression and script of a diagram."""
    nodes = [node for xpath, _mode, _msgid in _BPMN_CODE for node in tree.xpath(xpath, namespaces=NS)]
    properties = tree.xpath(".//spiffworkflow:property[@name='unit' or @name='due']", namespaces=NS)
    for node in nodes + properties:
        code = node.get("value") if node in properties else node.text
        try:
            parsed = ast.parse((code or "").strip() or "None")
        except SyntaxError:  # the loader reports it
            continue
        yield node, {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name)}


def _reader(node):
    """The element a person sees for `node`: the flow, gateway, event or task it belongs to."""
    return node.getroottree().getroot().xpath("//*[@id=$id]", id=_element_id(node))[0]
