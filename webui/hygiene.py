"""Text checked once at the door, for the web forms and the API alike (the app's request
class): every form value and every string of a JSON body is NFC-normalised without
zero-width characters (engine.text); a JSON body nests at most MAX_DEPTH levels, and text no
database can store (a lone surrogate "\\ud800", which only a JSON escape can carry, or NUL) is
refused naming the field (in forms, the engine's form check refuses it beside the field).
Password fields are left exactly as typed: they are compared, not read."""
from __future__ import annotations

import json

import flask
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from engine.text import clean_text, has_unstorable

MAX_DEPTH = 32
MAX_ID = 2_147_483_647  # the largest id a table holds (PostgreSQL integer): larger is no record


def _numbers_up_to(limit: int) -> str:
    r"""A regular expression for the decimal numbers 0..`limit`: for 2147483647,
    \d{1,9}|[0-1]\d{9}|2[0-0]\d{8}|21[0-3]\d{7}|…|2147483647."""
    text = str(limit)
    options = [rf"\d{{1,{len(text) - 1}}}"]
    options += [rf"{text[:i]}[0-{int(d) - 1}]\d{{{len(text) - i - 1}}}" for i, d in enumerate(text) if d != "0"]
    return "(?:" + "|".join([*options, text]) + ")"


class BoundedInt(IntegerConverter):
    """`<int:…>` in every route: a number past MAX_ID matches no route at all (404), instead of
    reaching the database, which cannot compare it (500). The bound is in the pattern, not only
    in `max`: werkzeug checks `max` after choosing a rule by method, so a POST with a huge id
    to a path that also has a GET rule would answer 405."""

    regex = _numbers_up_to(MAX_ID)

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def bounded_int(raw: str | None) -> int | None:
    """A query-string id or number; None when it is not one or lies past MAX_ID either way."""
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if -MAX_ID <= value <= MAX_ID else None


class BadBody(Exception):
    """A request body refused before any view reads it; `field` names the place, if one."""

    def __init__(self, status: int, message: str, field: str | None = None, **params):
        super().__init__(message % params if params else message)
        self.status, self.message, self.field, self.params = status, message, field, params


def field_name(path) -> str:
    """assignments[0].content, from the keys and indexes leading to a value."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def parse_json(data: bytes | str):
    """A JSON document with its text cleaned; BadBody when nested too deep or carrying a lone
    surrogate; ValueError when it is not JSON."""
    try:
        value = json.loads(data)
    except RecursionError:  # far deeper than MAX_DEPTH: the parser itself gave up
        raise BadBody(400, "The JSON body is nested more than %(max)s levels deep.", max=MAX_DEPTH) from None
    return _cleaned(value, [])


def _cleaned(value, path: list):
    if isinstance(value, str):
        if has_unstorable(value):
            raise BadBody(422, "This text contains characters that are not valid text.",
                          field_name(path) or None)
        return clean_text(value)
    if not isinstance(value, dict | list):
        return value
    if len(path) >= MAX_DEPTH:
        raise BadBody(400, "The JSON body is nested more than %(max)s levels deep.", max=MAX_DEPTH)
    if isinstance(value, list):
        return [_cleaned(item, [*path, index]) for index, item in enumerate(value)]
    return {_cleaned(key, [*path, key.encode("utf-8", "replace").decode()]): _cleaned(item, [*path, key])
            for key, item in value.items()}


class _CleanJson:
    """What Request.get_json parses with."""

    @staticmethod
    def loads(data, **_kwargs):
        return parse_json(data)


class Request(flask.Request):
    @property
    def json_module(self):
        return _CleanJson

    @json_module.setter
    def json_module(self, _provider) -> None:
        """Flask hands every request the app's JSON provider; bodies are read with parse_json."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = ImmutableMultiDict(
            [(key, value if "password" in key else clean_text(value)) for key, value in self.form.items(multi=True)
             if key is not None])  # a part whose name werkzeug could not read names no field
