"""Request bodies checked against docs/openapi.yaml before the view runs: the document is the
one place where each creating call declares its fields, their types and bounds (JSON Schema,
checked by `jsonschema`), so a call is checked as soon as it is documented. A wrong type, a
missing field, a number or date out of bounds answers 422 `validation_failed` naming each
field (assignments[0].deadline_days); a body that is not a JSON object, or not of a documented
media type, 400. What only the engine can know (units, users, the ruleset's forms) it checks
after, with the same answer."""
from __future__ import annotations

import functools
import re
from datetime import datetime

from flask import request
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from engine import forms
from engine.forms import Message
from webui.api.core import ApiError, blueprint, keyed_call
from webui.api.spec import openapi_document
from webui.hygiene import field_name

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
_RULE_PARAMETER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
_TYPES = {"string": "Enter text.", "integer": "Enter a whole number.", "number": "Enter a number.",
          "boolean": "Enter true or false.", "array": "Enter a list.", "object": "Enter an object."}
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date", raises=forms.Invalid)
def _is_date(value) -> bool:
    return not isinstance(value, str) or bool(forms.parse_date(value))


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value))


@blueprint.before_request
def check_request_body() -> None:
    """Runs after authentication (registered after it), for every call that takes a body. A
    keyed idempotent call signs in inside its own transaction, and checks its body right
    after (webui.api.core.idempotent)."""
    if not keyed_call():
        check_body()


def check_body() -> None:
    if request.method not in ("POST", "PUT", "PATCH") or request.url_rule is None:
        return
    content = request_body_content(request.url_rule.rule, request.method)
    if content is None:
        return  # the call takes no body (e.g. /testing/timers/run); none is read
    if request.mimetype == "application/json" and "application/json" in content:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "bad_request", "The request body must be a JSON object.")
        check(body, content["application/json"]["schema"])
    elif request.mimetype in FORM_TYPES and content.keys() & {*FORM_TYPES, "application/json"}:
        schema = next(content[kind]["schema"] for kind in (*FORM_TYPES, "application/json") if kind in content)
        check(_form_values(schema), schema)
    else:
        raise ApiError(400, "bad_request", "Send the body as %(types)s.", types=", ".join(content))


def check(value, schema: dict, prefix: tuple = ()) -> None:
    """ApiError 422 naming every field of `value` that does not match `schema` (a node of the
    OpenAPI document)."""
    fields: dict[str, Message] = {}
    for error in _validator(schema).iter_errors(value):
        for path, message in _explain(error):
            fields.setdefault(field_name([*prefix, *path]), message)
    whole = fields.pop("", None)  # about the body itself (e.g. too many fields)
    if whole is not None:
        raise ApiError(422, "validation_failed", whole.text, fields=fields, **whole.params)
    if fields:
        raise ApiError(422, "validation_failed", "Some fields are not valid.", fields=fields)


def request_body_content(rule: str, method: str) -> dict | None:
    """The documented media types of a Flask route's body, or None when it takes none."""
    path = _RULE_PARAMETER.sub(r"{\1}", rule.removeprefix(blueprint.url_prefix))
    operation = openapi_document()["paths"].get(path, {}).get(method.lower(), {})
    body = operation.get("requestBody")
    return body["content"] if body else None


def prepare() -> None:
    """Parse the document and convert its schemas now (the server does it before forking)."""
    _components()


def _form_values(schema: dict) -> dict:
    """A form as the schema sees it: a field repeated or declared as a list is a list, a file
    field holds its file names."""
    arrays = {name for name, part in _properties(schema).items() if part.get("type") == "array"}
    values = {}
    for source in (request.form, request.files):
        for name, items in source.lists():
            items = [getattr(item, "filename", item) for item in items]
            values[name] = items if name in arrays or len(items) > 1 else items[0]
    return values


def _properties(schema: dict) -> dict:
    schema = resolved_ref(schema)
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found.update(_properties(part))
    return found


def resolved_ref(schema: dict) -> dict:
    """`schema`, or what its `$ref` points to in the OpenAPI document."""
    while "$ref" in schema:
        node = openapi_document()
        for step in schema["$ref"].removeprefix("#/").split("/"):
            node = node[step]
        schema = node
    return schema


# ---------------------------------------------------------------- OpenAPI 3.0 -> JSON Schema
# Validators by the schema they check (a node of the cached document, kept alive here so that
# its id is never reused).
_validators: dict[int, tuple[dict, Draft4Validator]] = {}


def _validator(schema: dict) -> Draft4Validator:
    found = _validators.get(id(schema))
    if found is None:
        root = {**_json_schema(schema), "components": _components()}
        found = _validators[id(schema)] = (schema, Draft4Validator(root, format_checker=_FORMATS))
    return found[1]


@functools.cache
def _components() -> dict:
    return _json_schema(openapi_document()["components"])


def _json_schema(node):
    """OpenAPI's `nullable: true` is JSON Schema's null type (the only keyword that differs here)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


# ---------------------------------------------------------------- messages
def _explain(error: ValidationError) -> list[tuple[list, Message]]:
    """(path, message) for one failed keyword; msgids shared with the engine's forms."""
    path, limit, kind = list(error.absolute_path), error.validator_value, error.validator
    if kind == "required":
        return [([*path, name], Message("This field is required.")) for name in limit
                if isinstance(error.instance, dict) and name not in error.instance]
    if kind == "type":
        wanted = next(t for t in ([limit] if isinstance(limit, str) else limit) if t != "null")
        return [(path, Message(_TYPES[wanted]))]
    if kind == "format":
        cause = error.cause
        return [(path, cause.message if isinstance(cause, forms.Invalid)
                 else Message("Enter an ISO datetime, e.g. 2026-02-23T08:00:00+07:00."))]
    if "x-message" in error.schema:  # the document's own wording (e.g. what a symbol looks like)
        return [(path, Message(error.schema["x-message"]))]
    return [(path, _bound_message(kind, limit))]


def _bound_message(kind: str, limit) -> Message:
    if kind == "minLength" and limit == 1:
        return Message("This field is required.")
    texts = {"maxLength": "At most %(max)s characters.", "minLength": "At least %(min)s characters.",
             "maximum": "Must be at most %(max)s.", "minimum": "Must be at least %(min)s.",
             "maxItems": "At most %(max)s items.", "minItems": "At least %(min)s items.",
             "maxProperties": "At most %(max)s fields.", "enum": "Choose one of the offered values.",
             "pattern": "This value is not in the expected form."}
    text = texts.get(kind, "This value is not valid.")
    return Message(text, {"max": limit, "min": limit} if "%(" in text else {})
