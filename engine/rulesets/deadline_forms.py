"""Deadline shapes: what a process admin picks in the modeler instead of writing Python
("3 ngày làm việc kể từ khi giao việc", "trong ngày", "trước ngày 20 của tháng cuối quý"), and
the expression each shape writes for a user task's `due` property and for a timer's
`timeDate`. `KINDS` is the one mapping: the modeler's properties panel
(webui/modeler/js/src/deadline-editor.js) receives it through `describe` and renders and
parses with the same templates and patterns, and the loader checks the shapes it finds.

An expression is a shape only when rendering that shape gives it back character for
character; anything else stays a raw expression, for experts.

`task_started` is the moment the step began: the work item was created, the timer started
waiting (the script engine keeps it with the task, engine.sandbox.SandboxScriptEngine, so
that counting again after a calendar correction starts from the same moment)."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from engine.sandbox import TASK_STARTED
from engine.sandbox.helpers import MAX_WORKING_DAYS

TARGETS = ("due", "timer")
PERIODS = {"monthly": "month", "quarterly": "quarter", "half_yearly": "half-year", "yearly": "year"}
DAY_RANGE = (2, 31)  # "trước ngày 1" would be the month before: not a day of the period
SETTINGS_TABLE = "deadlines"
# What each placeholder of a template may be (no groups inside: both sides add their own).
PATTERNS = {
    "base": r'(?!(?:None|True|False)\b)[A-Za-z_][A-Za-z0-9_]*(?:\["[A-Za-z0-9_]+"\])?',
    "n": r'[0-9]+|setting\("deadlines\.[a-z_]+"\)',
    "period": "|".join(PERIODS),
    "day": r"[0-9]+",
}
_SETTING = re.compile(r'^setting\("deadlines\.([a-z_]+)"\)$')
_PLACEHOLDER = re.compile(r"\{(base|n|period|day)\}")


@dataclass(frozen=True)
class Kind:
    id: str
    label: str               # the choice in the editor (an English msgid)
    due: str | None          # the expression for a user task's due date; None: not offered
    timer: str | None        # the expression for a timer's timeDate
    number: str | None = None  # the label of N, when the shape has one
    settings: bool = False   # N may be a [deadlines] setting of the ruleset
    base: bool = True        # counted from an event or a field
    events: bool = True      # the base may be an event (else only a field)
    period: bool = False     # before day D of a reporting period

    def template(self, target: str) -> str | None:
        return self.due if target == "due" else self.timer


KINDS = (
    # First: `task_started` alone would also read as "on the day of task_started".
    Kind("at_once", "At once", TASK_STARTED, TASK_STARTED, base=False),
    Kind("working_days", "N working days from", "working_deadline({base}, {n})", "working_days_after({base}, {n})",
         number="Number of working days", settings=True),
    Kind("working_days_before", "N working days before", "working_deadline({base}, -{n})",
         "working_days_before({base}, {n})", number="Number of working days", settings=True),
    Kind("days", "N days from", "plus_days({base}, {n})", "start_of_day(plus_days({base}, {n}))",
         number="Number of days"),
    Kind("hours", "N hours from", "plus_hours({base}, {n})", "plus_hours({base}, {n})", number="Number of hours"),
    Kind("same_day", "Within the day of", "end_of_day({base})", "end_of_day({base})"),
    Kind("on_day", "On the day of", "{base}", "start_of_day({base})", events=False),
    Kind("period_day", "Before day D of the period", 'before_period_day({base}, "{period}", {day})',
         'start_of_day(before_period_day({base}, "{period}", {day}))', period=True),
)
BY_ID = {kind.id: kind for kind in KINDS}

# What a shape may count from: the moment the step began, and the dates the shipped processes
# carry in their data (start data of engine.directives/inspections/reports, the scripts of
# processes/common), with the processes that have them.
EVENTS = {TASK_STARTED: "When the work was given (the step began)"}
_ASSIGNMENT = ("assignment", "assignment_cycle", "coordination", "added_coordination", "subassignment")
_DIRECTIVE = ("directive", "government_directive", "district_directive", "director_assignment")
FIELDS = {
    "assigned_on": ("Assignment date of the task", _ASSIGNMENT),
    "deadline": ("Deadline of the task", _ASSIGNMENT),
    "first_update_due": ("Due date of the first progress update", ("assignment", "assignment_cycle")),
    "issued_on": ("Issue date of the directive", _DIRECTIVE + _ASSIGNMENT),
    "registered_on": ("Registration date of the directive", _DIRECTIVE),
    "registration_from": ("Start of the classification period", _DIRECTIVE),
    "registration_due": ("Classification deadline", _DIRECTIVE),
    "ends_on": ("End of the inspection (as decided)", ("inspection",)),
    "ended_on": ("End of the inspection (as it ended)", ("inspection",)),
    "report_due": ("Due date of the inspection results report", ("inspection",)),
    'report["unit_due"]': ("Units' report due date", ("periodic_report", "adhoc_report")),
    'report["office_due"]': ("Office's consolidated report due date", ("periodic_report", "adhoc_report",
                                                                        "office_report")),
}
# The keys of ruleset.toml [deadlines] (declared by engine.directives and engine.inspections).
SETTING_LABELS = {
    "registration": "Classification of a directive",
    "registration_complex": "Classification of a large directive",
    "registration_urgent": "Classification of an urgent directive",
    "first_update": "First progress update of the lead unit",
    "office_status_update": "Office's status update after the deadline",
    "explanation": "Explanation asked by the office",
    "inspection_report": "Inspection results report",
}

# What is wrong with a shape, by field: the server's refusals and the editor's, one wording.
MESSAGES = {
    "kind": "Choose how the date is counted.",
    "base": "Choose what the date is counted from.",
    "n": "%(field)s must be a whole number from 1 to %(max)s.",
    "setting": "%(field)s: no such setting in [deadlines].",
    "unset": "The ruleset sets no %(setting)s in ruleset.toml [deadlines].",
    "period": "Choose the period: month, quarter, half-year or year.",
    "day": "Day D must be a whole number from %(min)s to %(max)s.",
}


@dataclass(frozen=True)
class Shape:
    kind: str
    base: str = ""
    n: int | None = None
    setting: str | None = None  # a key of [deadlines] that gives N
    period: str | None = None
    day: int | None = None

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in (None, "")}


@dataclass(frozen=True)
class Refusal:
    """What is wrong with a shape: the field (n, setting, day, period, base, kind) and a msgid."""
    field: str
    message: str
    params: dict


def render(shape: Shape, target: str) -> str:
    """The expression `shape` writes for `target` ("due" or "timer")."""
    template = BY_ID[shape.kind].template(target)
    if template is None:
        raise ValueError(f"{shape.kind} is not offered for {target}")
    n = f'setting("{SETTINGS_TABLE}.{shape.setting}")' if shape.setting else str(shape.n)
    values = {"base": shape.base, "n": n, "period": shape.period or "", "day": str(shape.day)}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def parse(expression: str, target: str) -> Shape | None:
    """The shape `expression` is, or None when it is none (a raw expression)."""
    text = expression.strip()
    for kind in KINDS:
        template = kind.template(target)
        match = _regex(template).fullmatch(text) if template else None
        if template is None or match is None:
            continue
        shape = _shape(kind, _PLACEHOLDER.findall(template), match.groups())
        if render(shape, target) == text and not refusals(shape, target):
            return shape
    return None


def refusals(shape: Shape, target: str, settings: dict | None = None) -> list[Refusal]:
    """Why `shape` cannot be used for `target`; with the ruleset's `settings`, also a setting
    it names that the ruleset does not set."""
    kind = BY_ID.get(shape.kind)
    if kind is None or kind.template(target) is None:
        return [_refusal("kind")]
    found = []
    if kind.base and (not re.fullmatch(PATTERNS["base"], shape.base or "")
                      or (not kind.events and shape.base in EVENTS)):
        found.append(_refusal("base"))
    if kind.number and shape.setting is None and not (isinstance(shape.n, int) and 1 <= shape.n <= MAX_WORKING_DAYS):
        found.append(_refusal("n", field=kind.number, max=MAX_WORKING_DAYS))
    if shape.setting is not None and not (kind.settings and shape.setting in SETTING_LABELS):
        found.append(_refusal("setting", field=kind.number))
    elif shape.setting is not None and settings is not None \
            and settings.get(SETTINGS_TABLE, {}).get(shape.setting) is None:
        found.append(Refusal("setting", MESSAGES["unset"], {"setting": shape.setting}))
    if kind.period and shape.period not in PERIODS:
        found.append(_refusal("period"))
    if kind.period and not (isinstance(shape.day, int) and DAY_RANGE[0] <= shape.day <= DAY_RANGE[1]):
        found.append(_refusal("day", min=DAY_RANGE[0], max=DAY_RANGE[1]))
    return found


def _refusal(which: str, **params) -> Refusal:
    return Refusal(which, MESSAGES[which], params)


def expression_refusals(expression: str, target: str, settings: dict) -> list[Refusal]:
    """For the loader: what is wrong with the shape an expression is (nothing for a raw one)."""
    shape = parse(expression, target)
    return refusals(shape, target, settings) if shape else []


def describe(settings: dict) -> dict:
    """The shapes for the browser (labels are English msgids: the web layer translates every
    "label"); `settings` gives the values of the [deadlines] keys (None: the ruleset sets none)."""
    deadlines = settings.get(SETTINGS_TABLE, {})
    return {
        "kinds": [asdict(kind) for kind in KINDS],
        "patterns": PATTERNS,
        "events": [{"value": value, "label": label} for value, label in EVENTS.items()],
        "fields": [{"value": value, "label": label, "processes": list(processes)}
                   for value, (label, processes) in FIELDS.items()],
        "settings": [{"value": key, "label": label, "days": deadlines.get(key)}
                     for key, label in SETTING_LABELS.items()],
        "periods": [{"value": value, "label": label} for value, label in PERIODS.items()],
        "limits": {"n": [1, MAX_WORKING_DAYS], "day": list(DAY_RANGE)},
        "messages": MESSAGES,
    }


def _regex(template: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(template)  # literal, name, literal, name, …
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"({PATTERNS[part]})"
                              for i, part in enumerate(parts)))


def _shape(kind: Kind, names: list[str], values: tuple) -> Shape:
    found = dict(zip(names, values, strict=True))
    n, setting = found.get("n"), None
    if n is not None and (named := _SETTING.match(n)):
        n, setting = None, named.group(1)
    return Shape(kind.id, base=found.get("base", ""), n=int(n) if n is not None else None, setting=setting,
                 period=found.get("period"), day=int(found["day"]) if "day" in found else None)
