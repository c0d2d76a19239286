"""`ruleset.toml`: the data of a ruleset (name, level, terminology, deadlines in working
days, reminder policy, report calendar, roles and lanes).

Its schema is composed, not written in one place: this module declares the core keys, and
each feature declares the keys of the tables it reads (`settings_schema`, in its
operators.py) next to the check of their meaning (`settings_check`). A key nobody declared
is refused, as is a value of the wrong type, naming the file, the table and the key."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine.forms import Message
from engine.org.models import ROLES
from engine.org.permissions import OFFICE_BODY, RETURN_CORRECTORS
from engine.rulesets.errors import Problem
from engine.sandbox.helpers import get_path

SettingsCheck = Callable[[dict], list[Message]]  # English msgids (the modeler translates them)
SETTINGS_CHECKS: list[tuple[str, SettingsCheck]] = []  # (table, check)
# table -> {"array": bool, "properties": {key: JSON schema}, "required": [key, …]}
SETTINGS_SCHEMA: dict[str, dict] = {}
_version = 0  # bumped by each declaration of a table's keys or check (registry_version)
LEVELS = ("province", "city", "district", "commune", "department")
PURPOSES = ("directive", "assignment", "subassignment", "inspection", "secret_document", "periodic_report")
REQUIRED_PROCESSES = ("directive", "assignment")

# Building blocks for the features' fragments.
TEXT = {"type": "string"}
FLAG = {"type": "boolean"}
WORKING_DAYS = {"type": "integer", "minimum": 0}
ROLE = {"enum": list(ROLES)}

# The core keys: the ruleset's identity and the tables the loader itself reads.
_CORE = {
    "id": TEXT, "name": TEXT, "regulation": TEXT, "level": {"enum": list(LEVELS)},
    # the words of the regulation that forms may use as {name}: any name, text only
    "terminology": {"type": "object", "additionalProperties": TEXT},
    # the words for an issuing body's own office and leader (a commune's), {body} its committee's name
    "body_terminology": {"type": "object", "additionalProperties": TEXT},
    "processes": {"type": "object", "properties": {purpose: TEXT for purpose in PURPOSES},
                  "required": list(REQUIRED_PROCESSES), "additionalProperties": False},
    # BPMN lane name -> role, or the office as a body (engine.org.permissions.OFFICE_BODY)
    "lanes": {"type": "object", "additionalProperties": {"enum": [*ROLES, OFFICE_BODY]}},
}
REQUIRED_KEYS = ("id", "name", "level", "regulation")


def settings_schema(table: str, properties: dict[str, dict], *, required: Iterable[str] = (),
                    array: bool = False) -> None:
    """Declare keys of `[table]` (of each `[[table]]` when `array`) that a feature reads, each
    with its JSON schema. Several features may declare keys of one table, never the same key."""
    entry = SETTINGS_SCHEMA.setdefault(table, {"array": array, "properties": {}, "required": []})
    clash = set(entry["properties"]) & set(properties)
    if entry["array"] != array or clash:
        raise ValueError(f"ruleset.toml [{table}]: declared twice ({', '.join(sorted(clash)) or 'array'})")
    entry["properties"].update(properties)
    entry["required"] += list(required)
    _declared()


def _declared() -> None:
    global _version
    _version += 1


def registry_version() -> int:
    """Changes whenever a feature declares keys or a check (engine.features.discover): a compile
    made before is not served after (engine.rulesets.service.CompiledByContent keys on it)."""
    return _version


def ruleset_schema() -> dict:
    """The JSON schema of the whole ruleset.toml: the core keys and every table declared."""
    tables = {}
    for table, entry in SETTINGS_SCHEMA.items():
        schema = {"type": "object", "properties": entry["properties"], "required": entry["required"],
                  "additionalProperties": False}
        tables[table] = {"type": "array", "items": schema} if entry["array"] else schema
    return {"type": "object", "properties": {**_CORE, **tables}, "required": list(REQUIRED_KEYS),
            "additionalProperties": False}


def check_settings(settings: dict, file_name: str = "ruleset.toml") -> list[Problem]:
    """Every problem of a ruleset's settings: the schema first; then the features' own rules,
    for each table whose types are right."""
    errors = sorted(Draft202012Validator(ruleset_schema()).iter_errors(settings),
                    key=lambda error: [str(part) for part in error.path])
    problems = [_problem(file_name, error) for error in errors]
    mistyped = {error.path[0] for error in errors if error.path}
    for table, check in SETTINGS_CHECKS:  # the features' own rules for their tables
        if table not in mistyped:
            problems += [Problem(file_name, table, m.text, params=m.params) for m in check(settings)]
    return problems


def _problem(file_name: str, error: ValidationError) -> Problem:
    """A schema error as people read it: the table and key, and what is wrong."""
    where = "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in error.path).lstrip(".")
    # An error a validator yields carries its schema, instance and validator value; the stubs
    # type them for any ValidationError, which may lack them (`Unset`).
    schema, instance = cast(Mapping[str, Any], error.schema), cast(Any, error.instance)
    if error.validator == "additionalProperties":
        known = ", ".join(sorted(schema.get("properties", {}))) or "none"
        unknown = ", ".join(f"'{key}'" for key in instance if key not in schema.get("properties", {}))
        message = "unknown key %(unknown)s (known: %(known)s)" if error.path else \
            "unknown table or key %(unknown)s (known: %(known)s)"
        return Problem(file_name, where or None, message, params={"unknown": unknown, "known": known})
    if error.validator == "required":
        return Problem(file_name, where or None, "missing required key %(key)s",
                       params={"key": error.message.split()[0]})
    if error.validator == "enum":
        allowed = ", ".join(map(str, cast(Any, error.validator_value)))
        return Problem(file_name, where, "%(value)s is not one of %(allowed)s",
                       params={"value": repr(instance), "allowed": allowed})
    if error.validator == "type":
        wanted = _TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        return Problem(file_name, where, f"must be {wanted}, not %(value)s", params={"value": repr(instance)})
    if error.validator == "minimum":
        return Problem(file_name, where, "must be at least %(minimum)s, not %(value)s",
                       params={"minimum": str(error.validator_value), "value": repr(instance)})
    return Problem(file_name, where or None, error.message)


# The schema's types as the messages name them (each message one msgid: the modeler translates it).
_TYPE_NAMES = {"integer": "a whole number", "string": "text", "boolean": "true or false", "array": "a list",
               "object": "a table", "['integer', 'array']": "a number or a list of numbers",
               "['string', 'integer']": "text or a number"}


def settings_check(table: str) -> Callable[[SettingsCheck], SettingsCheck]:
    """Register `check(settings) -> [problem, …]` for the `table` of ruleset.toml that a
    feature reads (in its operators.py, see engine.features)."""
    def register(check: SettingsCheck) -> SettingsCheck:
        SETTINGS_CHECKS.append((table, check))
        _declared()
        return check

    return register


# Who corrects an assignment a unit returns (the forms below and assignment_cycle.bpmn read it);
# `office_proposes`: the office's correction is advice the leader decides (Bạc Liêu Đ.15 k.2).
settings_schema("returns", {"corrected_by": {"enum": list(RETURN_CORRECTORS)}, "office_proposes": {"type": "boolean"}})

# Words a shared form may use ({name}) when a ruleset's [terminology] does not give them.
DEFAULT_TERMS = {"leader": "Lãnh đạo", "tracking_office": "Văn phòng"}


# The words for the office and leader of an issuing body other than the home one (a commune's: its
# committee's directives tracked by its own office), `{body}` the committee's name ("UBND phường Tuy Hòa");
# a ruleset's [body_terminology] replaces them.
DEFAULT_BODY_TERMS = {"leader": "Chủ tịch {body}", "tracking_office": "Văn phòng {body}",
                      "office_head": "Chánh Văn phòng {body}"}


def form_terms(settings: dict, body: str | None = None) -> dict[str, str]:
    """The ruleset's [terminology] — for the body whose committee is named `body`, other than the home
    one, its [body_terminology] —, plus `returns_to`: who receives a unit's return (the office,
    or the leader where `[returns] corrected_by = "leader"`)."""
    terms = {**DEFAULT_TERMS, **settings.get("terminology", {})}
    if body is not None:
        own = {**DEFAULT_BODY_TERMS, **settings.get("body_terminology", {})}
        terms |= {name: words.replace("{body}", body) for name, words in own.items()}
    corrected_by = get_path(settings, "returns.corrected_by", "office")
    return {**terms, "returns_to": terms["leader" if corrected_by == "leader" else "tracking_office"]}
