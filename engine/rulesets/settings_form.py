"""The settings form of the modeler (thiết lập quy chế): its fields generated from the schema of
ruleset.toml (engine.rulesets.settings), the posted values read back into settings, and the
settings saved as a new unpublished version of the ruleset.

Reading the form only turns text into the types the schema asks for, naming the field in
Vietnamese when it cannot; the settings are then checked by the loader itself (store_bundle →
compile_bundle → check_settings), exactly as `dondoc ruleset load` checks the file, together
with every diagram of the version. A refused save stores nothing."""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from engine import audit
from engine.rulesets.diff import diff_settings
from engine.rulesets.drafts import SaveResult, working_bundle
from engine.rulesets.errors import Problem, RulesetError
from engine.rulesets.loader import SETTINGS_FILE, BundleSource
from engine.rulesets.service import BundleCache, store_bundle
from engine.rulesets.settings import ruleset_schema
from engine.rulesets.settings_labels import SECTIONS, Label, label_of
from engine.sandbox.helpers import get_path

Form = Mapping[str, Sequence[str]]  # name -> the values posted under it (request.form.to_dict(flat=False))
READ_ONLY = ("id",)  # the ruleset's folder name: changing it here would orphan the folder
CORE = ("id", "name", "regulation", "level")


@dataclass(frozen=True)
class Field:
    """One input of the form. `kind`: number, flag, choice, text, numbers (one or a list),
    text_or_number, choices (several of `options`), lines (a list of texts), map (name → text or
    choice: [terminology], [lanes]), group (a table of fields), rows (an array of tables)."""

    path: str
    kind: str
    label: Label
    options: tuple[str, ...] = ()
    minimum: int | None = None
    required: bool = False
    children: tuple[Field, ...] = ()
    value_kind: str = "text"  # of a map's values: text or choice (then `options`)

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def entry(self) -> Field:
        """The input of one value of a map (text, or a choice of `options`)."""
        return Field(self.path, self.value_kind, self.label, self.options)


@dataclass(frozen=True)
class Section:
    table: str  # "" for the top-level keys
    title: str
    fields: tuple[Field, ...]


@dataclass
class FieldError:
    path: str
    message: str


@dataclass
class ReadResult:
    settings: dict
    errors: list[FieldError] = field(default_factory=list)


def sections() -> list[Section]:
    """The form: the top-level keys, then one section per table of the schema."""
    schema = ruleset_schema()
    properties, required = schema["properties"], set(schema["required"])
    found = [Section("", SECTIONS[""], tuple(_field(key, properties[key], key in required) for key in CORE))]
    tables: list[str] = [key for key in SECTIONS if key in properties] + sorted(
        key for key in properties if key not in SECTIONS and key not in CORE)
    for table in tables:
        part = properties[table]
        if part.get("type") == "object" and "properties" in part:
            inner = set(part.get("required", []))
            fields = tuple(_field(f"{table}.{key}", sub, key in inner) for key, sub in part["properties"].items())
        else:
            fields = (_field(table, part, False),)
        found.append(Section(table, SECTIONS.get(table, table), fields))
    return found


def _field(path: str, schema: dict, required: bool) -> Field:
    label = label_of(path)
    kind = schema.get("type")
    if "enum" in schema or "examples" in schema:  # examples: the values a feature's own check accepts
        return Field(path, "choice", label, tuple(schema.get("enum") or schema["examples"]), required=required)
    if kind == "integer":
        return Field(path, "number", label, minimum=schema.get("minimum"), required=required)
    if kind == "boolean":
        return Field(path, "flag", label, required=required)
    if kind == ["integer", "array"]:
        return Field(path, "numbers", label, minimum=schema.get("items", {}).get("minimum"), required=required)
    if kind == ["string", "integer"]:
        return Field(path, "text_or_number", label, required=required)
    if kind == "array":
        items = schema.get("items", {})
        if "enum" in items:
            return Field(path, "choices", label, tuple(items["enum"]), required=required)
        if items.get("type") == "object":
            columns = tuple(_field(f"{path}.{key}", sub, False) for key, sub in items["properties"].items())
            return Field(path, "rows", label, children=columns, required=required)
        return Field(path, "lines", label, required=required)
    if kind == "object" and "properties" in schema:
        children = tuple(_field(f"{path}.{key}", sub, key in schema.get("required", []))
                         for key, sub in schema["properties"].items())
        return Field(path, "group", label, children=children, required=required)
    if kind == "object":
        values = schema.get("additionalProperties", {})
        options = tuple(values.get("enum", ()))
        return Field(path, "map", label, options, required=required, value_kind="choice" if options else "text")
    return Field(path, "text", label, required=required)


def form_values(settings: dict) -> dict[str, list[str]]:
    """What the form shows for `settings`, named as it posts them (read_form reads them back to
    the same settings); maps and rows get one blank row more, to add one."""
    values: dict[str, list[str]] = {}
    for section in sections():
        for item in section.fields:
            _write(item, item.path, get_path(settings, item.path), values)
    return values


def row_count(values: Mapping[str, Sequence[str]], item: Field) -> int:
    """How many rows of a map or rows field `values` holds."""
    first = "key" if item.kind == "map" else item.children[0].name
    count = 0
    while f"{item.path}.{count}.{first}" in values:
        count += 1
    return count


def _write(item: Field, name: str, value, values: dict[str, list[str]]) -> None:
    if item.kind == "map":
        for index, (key, entry) in enumerate([*(value or {}).items(), ("", "")]):
            values[f"{name}.{index}.key"], values[f"{name}.{index}.value"] = [key], [entry]
    elif item.kind == "rows":
        for index, row in enumerate([*(value or []), {}]):
            for column in item.children:
                _write(column, f"{name}.{index}.{column.name}", row.get(column.name), values)
    elif item.kind == "group":
        for child in item.children:
            _write(child, f"{name}.{child.name}", (value or {}).get(child.name), values)
    elif item.kind == "choices":
        values[name] = list(value or [])
    elif value is None:
        values[name] = [""]
    elif isinstance(value, bool):
        values[name] = ["true" if value else "false"]
    elif isinstance(value, list):
        values[name] = ["\n".join(map(str, value)) if item.kind == "lines" else ", ".join(map(str, value))]
    else:
        values[name] = [str(value)]


# ---------------------------------------------------------------------- reading the form
def read_form(form: Form, original: dict) -> ReadResult:
    """The settings the form says, from `original` (the version it was opened on): read-only
    keys are kept, a blank field is a key left out, a table left empty is left out (unless
    `original` had it)."""
    result = ReadResult({key: original[key] for key in READ_ONLY if key in original})
    for section in sections():
        whole = len(section.fields) == 1 and section.fields[0].path == section.table  # [lanes], [[report_calendar]]
        target = result.settings if not section.table or whole else {}
        for item in section.fields:
            if item.path not in READ_ONLY:
                value = _read(item, form, get_path(original, item.path), result.errors)
                if value is not None:
                    target[item.name] = value
        if section.table and not whole and (target or section.table in original):
            result.settings[section.table] = target
    return result


def _read(item: Field, form: Form, before, errors: list[FieldError]) -> Any:
    """The value of `item` (`before`: its value in the version the form was opened on)."""
    value = _READERS[item.kind](item, form, before, errors)
    if value is None and item.required:
        errors.append(FieldError(item.path, f"«{item.label.text}» không được để trống."))
    return value


def _one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return str(values[0]).strip()


def _number(item: Field, text: str, errors: list[FieldError]) -> int | None:
    try:
        number = int(text)
    except ValueError:
        errors.append(FieldError(item.path, f"«{item.label.text}» phải là số nguyên, không phải «{text}»."))
        return None
    if item.minimum is not None and number < item.minimum:
        errors.append(FieldError(item.path, f"«{item.label.text}» phải từ {item.minimum} trở lên, "
                                            f"không phải {number}."))
        return None
    return number


def _read_number(item: Field, form: Form, before, errors: list[FieldError]) -> int | None:
    text = _one(form, item.path)
    return _number(item, text, errors) if text else None


def _read_flag(item: Field, form: Form, before, errors: list[FieldError]) -> bool | None:
    text = _one(form, item.path)
    if text not in ("", "true", "false"):
        errors.append(FieldError(item.path, f"«{item.label.text}»: «{text}» không phải một lựa chọn."))
    return {"true": True, "false": False}.get(text)


def _read_choice(item: Field, form: Form, before, errors: list[FieldError]) -> str | None:
    text = _one(form, item.path)
    if text and text not in item.options:
        errors.append(FieldError(item.path, f"«{item.label.text}»: «{text}» không phải một lựa chọn."))
        return None
    return text or None


def _read_text(item: Field, form: Form, before, errors: list[FieldError]) -> str | None:
    return _one(form, item.path) or None


def _read_numbers(item: Field, form: Form, before, errors: list[FieldError]) -> int | list[int] | None:
    """"3, 1" → [3, 1]; one number stays a number unless it was a list."""
    parts = [part.strip() for part in _one(form, item.path).split(",") if part.strip()]
    numbers = [_number(item, part, errors) for part in parts]
    if not parts or None in numbers:
        return None
    return numbers[0] if len(numbers) == 1 and not isinstance(before, list) else numbers  # type: ignore[return-value]


def _read_text_or_number(item: Field, form: Form, before, errors: list[FieldError]) -> str | int | None:
    text = _one(form, item.path)
    return int(text) if text.isdigit() else text or None


def _read_choices(item: Field, form: Form, before, errors: list[FieldError]) -> list[str] | None:
    chosen = [value for value in item.options if value in (form.get(item.path) or ())]
    return chosen if chosen or before is not None else None


def _read_lines(item: Field, form: Form, before, errors: list[FieldError]) -> list[str] | None:
    lines = [line.strip() for line in _one(form, item.path).splitlines() if line.strip()]
    return lines if lines or before is not None else None


def _read_map(item: Field, form: Form, before, errors: list[FieldError]) -> dict | None:
    """Rows `<path>.<n>.key` / `<path>.<n>.value`; a row whose name is cleared is dropped."""
    found: dict[str, str] = {}
    index = 0
    while f"{item.path}.{index}.key" in form:
        key, value = _one(form, f"{item.path}.{index}.key"), _one(form, f"{item.path}.{index}.value")
        index += 1
        if not key:
            continue
        if key in found:
            errors.append(FieldError(item.path, f"«{item.label.text}»: «{key}» có hai lần."))
        elif not value or (item.value_kind == "choice" and value not in item.options):
            errors.append(FieldError(item.path, f"«{item.label.text}»: chọn giá trị cho «{key}»."))
        else:
            found[key] = value
    return found if found or before is not None else None


def _read_group(item: Field, form: Form, before, errors: list[FieldError]) -> dict | None:
    found = {}
    for child in item.children:
        value = _read(child, form, (before or {}).get(child.name), errors)
        if value is not None:
            found[child.name] = value
    return found if found or before is not None else None


def _read_rows(item: Field, form: Form, before, errors: list[FieldError]) -> list[dict] | None:
    """Rows `<path>.<n>.<column>`; a row left blank is dropped."""
    rows, index = [], 0
    first = item.children[0].name
    while f"{item.path}.{index}.{first}" in form:
        row = {}
        for column in item.children:
            cell = Field(f"{item.path}.{index}.{column.name}", column.kind, column.label, column.options,
                         column.minimum)
            value = _READERS[cell.kind](cell, form, None, errors)
            if value is not None:
                row[column.name] = value
        index += 1
        if row:
            rows.append(row)
    return rows if rows or before is not None else None


_READERS = {"number": _read_number, "flag": _read_flag, "choice": _read_choice, "text": _read_text,
            "numbers": _read_numbers, "text_or_number": _read_text_or_number, "choices": _read_choices,
            "lines": _read_lines, "map": _read_map, "group": _read_group, "rows": _read_rows}


# ---------------------------------------------------------------------- saving
def save_settings(session: Session, cache: BundleCache, ruleset: str, settings: dict, comment: str,
                  actor) -> SaveResult:
    """The admin's draft (drafts.working_bundle: its diagrams and scenario files go on) with
    `settings`, checked as loading checks it and stored as a new unpublished version. Refused:
    the problems, and nothing stored. Unchanged settings: the draft itself, no new version."""
    base = working_bundle(session, ruleset)
    if settings == base.settings:
        return SaveResult(base, [], [])
    try:
        bundle = store_bundle(session, BundleSource(ruleset, base.files, settings), cache, actor=actor,
                              comment=comment.strip() or None, publish=False, origin="modeler", based_on=base)
    except RulesetError as exc:
        return SaveResult(None, exc.problems, exc.warnings)
    audit.record(session, "settings.saved", "process_bundle", bundle.id, actor=actor,
                 before={"number": base.number},
                 after={"number": bundle.number, "file": SETTINGS_FILE,
                        "changes": {c.path: [c.before, c.after] for c in diff_settings(base.settings, settings)}})
    return SaveResult(bundle, [], cache.get(bundle).warnings)


def problem_words(problem: Problem, text: str | None = None) -> str:
    """A problem of the check, naming the key by its label: «Hạn phân loại» (deadlines.registration): …;
    `text`: the problem's message as the reader reads it (translated), else as it is."""
    text = text or problem.text
    if problem.file.endswith(SETTINGS_FILE) and problem.element:
        key = re.sub(r"\[\d+\]", "", problem.element)  # report_calendar[2].day: the column's label
        return f"«{label_of(key).text}» ({problem.element}): {text}"
    return f"{problem.file}{f' [{problem.element}]' if problem.element else ''}: {text}"
