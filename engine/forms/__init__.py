"""Form definitions beside the BPMN (processes/<ruleset>/forms/<formKey>.toml) and their
server-side validation. The engine checks every submission; the UI only renders.

Messages are English msgids with %(…)s parameters; the UI translates them (Vietnamese by
default) through its catalogue.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from engine import clock
from engine.errors import EngineError
from engine.org.models import ROLES
from engine.sandbox.helpers import get_path
from engine.text import clean_text, has_unstorable

# The field types whose value is a list (the types themselves: the cleaners below).
DIGEST = re.compile(r"[0-9a-f]{64}")  # a `files` field's value: the stored files' sha256
MULTI_VALUED = frozenset({"multiselect", "units", "users", "files"})
CHOICE_TYPES = frozenset({"select", "multiselect"})  # the types whose values are the field's options
PERSON_TYPES = frozenset({"user", "users"})
UNIT_TYPES = frozenset({"unit", "units"})  # values are unit codes
# Decree 30/2020: N/TYPE-ISSUER, N/YYYY/TYPE-ISSUER, N/ISSUER-UNIT (công văn).
SYMBOL_RE = re.compile(r"^\d{1,6}/(\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9]*(-[A-ZĐ][A-Za-zĐđ0-9&.]*)+$")
# Dates people may enter: the years whose Vietnamese public holidays the working-day calendar
# knows (the `holidays` package: 1901-2100). Outside them a deadline counted in working days
# would be silently wrong, and near year 9999 date arithmetic overflows.
FIRST_DATE, LAST_DATE = date(1901, 1, 1), date(2100, 12, 31)
DATE_RANGE = {"first": FIRST_DATE.strftime("%d/%m/%Y"), "last": LAST_DATE.strftime("%d/%m/%Y")}


@dataclass
class Message:
    text: str
    params: dict = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        return translate(self.text) % self.params


@dataclass
class FormField:
    name: str
    label: str
    type: str = "text"
    required: bool = False
    options: list = field(default_factory=list)  # [[value, label], …] for select/multiselect
    help: str = ""
    max_length: int = 2000
    min: int | None = None
    max: int | None = None
    default: object = None
    # "field=value": shown (and required) only while that field is shown and holds that value;
    # "field": while that field is shown and holds any value
    show_if: str | None = None
    # A date's bounds: "today", "tomorrow", the name of a date in the work item's data ("assigned_on"), or
    # of a date field above it in the same form ("starts_on"), whose submitted value counts
    not_before: str | None = None
    not_after: str | None = None
    # The name of a datum in the work item's data (a dotted path: "extension.new_deadline") that
    # the field starts with, and that an empty submission takes: the requested day a decider may edit
    default_from: str | None = None
    # A person field ("user", "users"): only active holders of one of these roles are offered and
    # accepted (the follow-up officer is a tracking clerk); empty: any active user
    roles: list = field(default_factory=list)
    # A dotted path of the ruleset's settings: the field is offered only where that setting is true (a
    # unit's report is marked secret only where [secrecy] store_content lets the system keep secret files)
    setting: str | None = None


@dataclass
class FormDefinition:
    key: str
    title: str
    fields: list[FormField]
    submit_label: str = "Gửi"
    description: str = ""

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)


class FormValidationError(EngineError):
    """Fields of a submission that are not valid, each with its message."""

    def __init__(self, errors: dict[str, Message]):
        self.errors = errors
        super().__init__("Some fields are not valid.")

    def __str__(self) -> str:
        return "; ".join(f"{k}: {m.render()}" for k, m in self.errors.items())


def parse_form(key: str, text: str, terms: Mapping[str, str] | None = None,
               settings: Mapping | None = None) -> FormDefinition:
    """`terms`: the ruleset's words (see engine.rulesets.settings.form_terms), put in place of
    `{name}` in any text of the form, so that one shared form speaks each regulation's language.
    `settings`: the ruleset's, without which a field is kept whatever its `setting` says."""
    raw = _with_terms(tomllib.loads(text), terms or {})
    fields = []
    for item in raw.get("fields", []):
        if item.get("type", "text") not in _CLEANERS:
            raise ValueError(f"field '{item.get('name')}': unknown type '{item.get('type')}'")
        if settings is None or not item.get("setting") or get_path(dict(settings), item["setting"]):
            fields.append(FormField(**item))
    if not fields:
        raise ValueError("a form needs at least one field")
    _check_fields(fields)
    return FormDefinition(key=key, title=raw.get("title", key), fields=fields,
                          submit_label=raw.get("submit_label", "Gửi"), description=raw.get("description", ""))


def _check_fields(fields: list[FormField]) -> None:
    """What the renderer and the validator rely on: one field per name, choices to choose from,
    conditions on a field of the same form."""
    names = [f.name for f in fields]
    for f in fields:
        if names.count(f.name) > 1:
            raise ValueError(f"field '{f.name}' is defined twice")
        if f.type in CHOICE_TYPES and not f.options:
            raise ValueError(f"field '{f.name}': a {f.type} field needs options")
        if f.roles and (f.type not in PERSON_TYPES or not set(f.roles) <= set(ROLES)):
            raise ValueError(f"field '{f.name}': roles are for a person field and must be among {', '.join(ROLES)}")
        if f.show_if and condition_field(f.show_if) not in set(names) - {f.name}:
            raise ValueError(f"field '{f.name}': show_if names no other field of this form: '{f.show_if}'")


def condition_field(show_if: str) -> str:
    """The field a condition reads ("progress" of "progress=blocked")."""
    return show_if.partition("=")[0].strip()


_TERM = re.compile(r"\{(\w+)\}")


def _with_terms(value, terms: Mapping[str, str]):
    if isinstance(value, str):
        return _TERM.sub(lambda m: _term(m.group(1), terms), value)
    if isinstance(value, list):
        return [_with_terms(item, terms) for item in value]
    if isinstance(value, dict):
        return {name: _with_terms(item, terms) for name, item in value.items()}
    return value


def _term(name: str, terms: Mapping[str, str]) -> str:
    if name not in terms:
        raise ValueError(f"unknown term '{{{name}}}' (known: {', '.join(sorted(terms)) or 'none'})")
    return terms[name]


class Lookups:
    """Answers whether a unit code / user name exists; the engine supplies a DB-backed one."""

    def unit_exists(self, code: str) -> bool:
        return True

    def user_exists(self, username: str) -> bool:
        return True

    def user_offered(self, username: str, roles: Collection[str] = ()) -> bool:
        """Whether `username` is one a person field offers: an active user (holding one of
        `roles`, when given)."""
        return True

    def user_name(self, username: str) -> str:
        """How a person is named to the reader: their full name."""
        return username

    def people(self, field_name: str) -> Collection[str] | None:
        """The user names the person field `field_name` may take in the step at hand, narrower
        than its roles (an inspection's team); None: no narrower."""
        return None

    def may_attach(self, sha256: str) -> bool:
        return True


def validate(form: FormDefinition, raw: Mapping[str, object], lookups: Lookups | None = None,
             facts: Mapping[str, object] | None = None) -> dict:
    """Clean `raw` (strings or lists of strings, as a browser or JSON client sends) against
    `form`. Raises FormValidationError naming every bad field. `facts` are what a date's bounds
    name: "today", "tomorrow", the work item's data and the form's fields above, and what an empty
    field with a `default_from` takes; without them neither applies."""
    lookups = lookups or Lookups()
    clean: dict[str, object] = {}
    errors: dict[str, Message] = {}
    for f in form.fields:
        # A hidden field is not taken, whatever the page still sends of it (the day an extension
        # would have granted, when it is refused).
        shown = _shown(form, f, raw)
        value = raw.get(f.name) if shown else None
        if _is_empty(value) and facts is not None and f.default_from and shown:
            value = starting_value(f, facts)
        if _is_empty(value):
            if f.required and shown:
                errors[f.name] = Message("This field is required.")
            else:
                clean[f.name] = [] if f.type in MULTI_VALUED else None
            continue
        try:
            clean[f.name] = _CLEANERS[f.type](f, value, lookups)
            if facts is not None and f.type == "date":
                _check_bounds(f, date.fromisoformat(str(clean[f.name])), {**facts, **clean})
        except Invalid as exc:
            errors[f.name] = exc.message
    if errors:
        raise FormValidationError(errors)
    return clean


def day_facts() -> dict[str, date]:
    """The days a date's bounds name whatever the form ("today", "tomorrow"), for `validate`'s facts."""
    today = clock.today()
    return {"today": today, "tomorrow": today + timedelta(days=1)}


def starting_value(f: FormField, data: Mapping[str, object]):
    """The value `f` starts with from the work item's data (its `default_from`), None without one."""
    value: object = data
    for part in (f.default_from or "").split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value if f.default_from else None


def _check_bounds(f: FormField, day: date, facts: Mapping[str, object]) -> None:
    """A date not before / not after the days its bounds name (a bound the facts lack is none)."""
    first, last = _bound(f.not_before, facts), _bound(f.not_after, facts)
    if first is not None and day < first:
        raise Invalid("Must not be before %(day)s.", day=first.strftime("%d/%m/%Y"))
    if last is not None and day > last:
        if f.not_after == "today":  # says why: the day is in the future (a typo in the year, the month)
            raise Invalid("Must not be after today (%(day)s).", day=last.strftime("%d/%m/%Y"))
        raise Invalid("Must not be after %(day)s.", day=last.strftime("%d/%m/%Y"))


def _bound(name: str | None, facts: Mapping[str, object]) -> date | None:
    value = facts.get(name) if name else None
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def _shown(form: FormDefinition, f: FormField, raw: Mapping, seen: frozenset[str] = frozenset()) -> bool:
    """Whether `f` is shown: its condition holds, and the field the condition reads is shown too
    (a reason asked for one progress value is not asked when the progress itself is not)."""
    if not f.show_if or f.name in seen:
        return True
    name, equals, expected = f.show_if.partition("=")
    value = raw.get(name.strip(), "")
    if (str(value) != expected.strip()) if equals else _is_empty(value):
        return False
    controlling = form.field(name.strip())
    return controlling is None or _shown(form, controlling, raw, seen | {f.name})


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple) and not value)


class Invalid(Exception):
    """One value refused; `message` says why (callers that parse dates show it)."""

    def __init__(self, text: str, **params):
        self.message = Message(text, params)


def clean_input(value) -> str:
    """A text a person or a client sent, stripped and comparable (see engine.text)."""
    if not isinstance(value, str):
        raise Invalid("Enter text.")
    if has_unstorable(value):
        raise Invalid("This text contains characters that are not valid text.")
    return clean_text(value).strip()


def _text(f: FormField, value, _lookups) -> str:
    text = clean_input(value)
    if len(text) > f.max_length:
        raise Invalid("At most %(max)s characters.", max=f.max_length)
    return text


def _integer(f: FormField, value, _lookups) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid("Enter a whole number.") from None
    if f.min is not None and number < f.min:
        raise Invalid("Must be at least %(min)s.", min=f.min)
    if f.max is not None and number > f.max:
        raise Invalid("Must be at most %(max)s.", max=f.max)
    return number


def parse_date(value) -> date:
    """ISO (2026-02-13) or Vietnamese (13/02/2026) dates, from FIRST_DATE to LAST_DATE."""
    day = value if isinstance(value, date) else _read_date(value)
    if not FIRST_DATE <= date(day.year, day.month, day.day) <= LAST_DATE:
        raise Invalid("Enter a date from %(first)s to %(last)s.", **DATE_RANGE)
    return day


def _read_date(value) -> date:
    text = value.strip() if isinstance(value, str) else ""
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            day, month, year = (int(p) for p in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("Enter a date as dd/mm/yyyy.") from None


def _date(_f, value, _lookups) -> str:
    return parse_date(value).isoformat()


def _values(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def _select(f: FormField, value, _lookups) -> str:
    allowed = {str(o[0]) for o in f.options}
    if str(value) not in allowed:
        raise Invalid("Choose one of the offered values.")
    return str(value)


def _multiselect(f: FormField, value, lookups) -> list[str]:
    return [_select(f, v, lookups) for v in _values(value)]


def is_yes(value) -> bool:
    """A submitted boolean: a ticked box sends "on"; the API sends true."""
    return str(value).lower() in ("1", "true", "on", "yes", "có")


def _boolean(_f, value, _lookups) -> bool:
    return is_yes(value)


def _unit(_f, value, lookups) -> str:
    code = str(value).strip()
    if not lookups.unit_exists(code):
        raise Invalid("Unknown unit %(code)s.", code=code)
    return code


def _units(f: FormField, value, lookups) -> list[str]:
    codes = [c for v in _values(value) for c in v.split(",") if c.strip()]
    return list(dict.fromkeys(_unit(f, c, lookups) for c in codes))


def _user(f: FormField, value, lookups) -> str:
    name = str(value).strip()
    if not lookups.user_exists(name):
        raise Invalid("Unknown user %(name)s.", name=name)
    offered = lookups.people(f.name)
    if not lookups.user_offered(name, f.roles) or (offered is not None and name not in offered):
        # one who has left is named on no team, nor one the step does not offer
        raise Invalid("%(name)s is not among the people this field offers.", name=lookups.user_name(name))
    return name


def _users(f: FormField, value, lookups) -> list[str]:
    """User names, as a list or comma-separated (an inspection team, for example)."""
    names = [n for v in _values(value) for n in v.split(",") if n.strip()]
    return list(dict.fromkeys(_user(f, n, lookups) for n in names))


def _files(_f, value, lookups) -> list[str]:
    digests = _values(value)
    if not all(DIGEST.fullmatch(d) for d in digests):
        raise Invalid("Invalid attachment reference.")
    if not all(lookups.may_attach(d) for d in digests):  # a digest alone is not a file of one's own
        raise Invalid("You may attach only files you sent or may already see.")
    return digests


def _symbol(f: FormField, value, lookups) -> str:
    text = _text(f, value, lookups)
    if not SYMBOL_RE.match(text):
        raise Invalid("Number/symbol must look like 45/2016/QĐ-UBND, 2618/QĐ-UBND or 123/UBND-VP.")
    return text


_CLEANERS = {  # one per field type: what a submitted value becomes
    "text": _text, "textarea": _text, "integer": _integer, "date": _date, "select": _select,
    "multiselect": _multiselect, "boolean": _boolean, "unit": _unit, "units": _units, "user": _user, "users": _users,
    "files": _files, "document_symbol": _symbol,
}
