"""Deadline shapes (engine.rulesets.deadline_forms): every shipped due date and timer either is
a shape that renders back to the same text or stays a raw expression; each shape's expression,
evaluated by the engine's script engine on the injected clock and the working-day calendar
(Tết, a swapped Saturday), falls due when the shape says; the loader refuses a shape counting
a [deadlines] setting the ruleset does not set."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.clock import VN_TZ
from engine.config import REPO_ROOT
from engine.features import discover
from engine.rulesets import deadline_forms as forms
from engine.rulesets.deadline_forms import Shape
from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import NS, compile_bundle, read_ruleset
from engine.rulesets.settings import SETTINGS_SCHEMA
from engine.runtime.service import _due_moment
from engine.sandbox import make_script_engine
from engine.sandbox.helpers import current_calendar, current_settings
from engine.working_days import WorkingCalendar

# The shipped expressions no shape covers (a computed base, a fallback, the urging policy).
RAW = {
    ("due", 'working_deadline(deadline_date(status_now.get("upstream_deadline") or watched_deadline), '
            'setting("deadlines.office_status_update"))'),
    ("due", "coordinating_deadlines.get(coordinating_unit) or deadline"),
    ("timer", 'working_days_before(next_periodic_report(after)["unit_due"], setting("reports.remind_before", 5))'),
    ("timer", 'working_days_before(paper_due, setting("reports.remind_before", 5))'),
    ("timer", 'urging_moment(urge, assignment_now["deadline"], urging_covered, assignment_now["assigned_on"], '
              'assignment_now["first_update"])'),
    ("timer", 'urging_moment(notice, report["unit_due"], notice_covered)'),
}


def shipped_expressions() -> set[tuple[str, str]]:
    found = set()
    for path in (REPO_ROOT / "processes").rglob("*.bpmn"):
        tree = etree.parse(str(path))
        found |= {("due", v) for v in tree.xpath("//spiffworkflow:property[@name='due']/@value", namespaces=NS)}
        found |= {("timer", t.strip()) for t in tree.xpath("//bpmn:timeDate/text()", namespaces=NS)}
    return found


def test_every_shipped_expression_is_a_shape_rendered_identically_or_stays_raw():
    shipped = shipped_expressions()
    parsed = {(target, text): forms.parse(text, target) for target, text in shipped}
    assert {key for key, shape in parsed.items() if shape is None} == RAW
    for (target, text), shape in parsed.items():
        if shape is not None:
            assert forms.render(shape, target) == text
    assert parsed[("timer", 'working_days_before(report["unit_due"], 1)')] == \
        Shape("working_days_before", base='report["unit_due"]', n=1)
    assert parsed[("timer", "end_of_day(report_due)")] == Shape("same_day", base="report_due")
    assert parsed[("due", "registration_due")] == Shape("on_day", base="registration_due")


@pytest.mark.parametrize("text", [
    "working_deadline(task_started, 0)",           # N must be at least 1
    "working_deadline(task_started, 03)",          # renders as 3: not the same text
    "working_deadline( task_started, 3)",
    'working_deadline(task_started, setting("deadlines.nope"))',
    'before_period_day(task_started, "weekly", 20)',
    'before_period_day(task_started, "monthly", 1)',
    "None",
])
def test_anything_else_stays_raw(text):
    assert forms.parse(text, "due") is None


@pytest.fixture
def evaluate(clock):
    """Evaluate an expression as the runtime does for a task with `data`, on a calendar whose
    Friday 6 March 2026 is swapped with Saturday 7 March."""
    discover()
    engine = make_script_engine()
    tokens = (current_calendar.set(WorkingCalendar({date(2026, 3, 6): False, date(2026, 3, 7): True})),
              current_settings.set({"deadlines": {"first_update": 3}}))

    def run(expression: str, task=None):
        task = task or SimpleNamespace(data={"deadline": "2026-03-06", "issued_on": "2026-02-10",
                                             "late": "2026-03-25", "five_march": "2026-03-05"}, internal_data={})
        return engine.evaluate(task, expression)

    yield run
    current_settings.reset(tokens[1])
    current_calendar.reset(tokens[0])


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), VN_TZ).replace(hour=hour, minute=minute)


# (shape, due_at, timer moment); the clock stands at Thursday 12/02/2026 09:00, Tết is 14–22/02.
CASES = [
    (Shape("at_once"), at("2026-02-12", 9), at("2026-02-12", 9)),
    (Shape("working_days", base="task_started", n=3), at("2026-02-24", 17), at("2026-02-24", 8)),
    (Shape("working_days", base="task_started", setting="first_update"), at("2026-02-24", 17), at("2026-02-24", 8)),
    (Shape("working_days", base="five_march", n=1), at("2026-03-07", 17), at("2026-03-07", 8)),  # the swap
    (Shape("working_days_before", base="deadline", n=2), at("2026-03-04", 17), at("2026-03-04", 8)),
    (Shape("days", base="task_started", n=3), at("2026-02-15", 17), at("2026-02-15", 8)),  # calendar days
    (Shape("hours", base="task_started", n=4), at("2026-02-12", 13), at("2026-02-12", 13)),
    (Shape("hours", base="issued_on", n=4), at("2026-02-10", 12), at("2026-02-10", 12)),  # from opening time
    (Shape("same_day", base="task_started"), at("2026-02-12", 17), at("2026-02-12", 17)),
    (Shape("on_day", base="deadline"), at("2026-03-06", 17), at("2026-03-06", 8)),
    # "trước ngày 20": the 19th, here in Tết, so the working day before it.
    (Shape("period_day", base="task_started", period="monthly", day=20), at("2026-02-13", 17), at("2026-02-13", 8)),
    (Shape("period_day", base="task_started", period="quarterly", day=20), at("2026-03-19", 17), at("2026-03-19", 8)),
    (Shape("period_day", base="late", period="quarterly", day=20), at("2026-06-19", 17), at("2026-06-19", 8)),
]


@pytest.mark.parametrize(("shape", "due_at", "timer_at"), CASES, ids=lambda value: getattr(value, "kind", ""))
def test_each_shape_falls_due_as_it_says(evaluate, shape, due_at, timer_at):
    for target, wanted in (("due", due_at), ("timer", timer_at)):
        expression = forms.render(shape, target)
        assert forms.parse(expression, target) == shape
        value = evaluate(expression)
        moment = _due_moment(value) if target == "due" else TimerEventDefinition.get_datetime(value)
        assert moment == wanted, (target, expression, value)


def test_the_moment_a_step_began_stays_when_counted_again(evaluate, clock):
    """A calendar correction evaluates due dates and timers again, days later: they still count
    from when the step began."""
    task = SimpleNamespace(data={}, internal_data={})
    first = evaluate("working_deadline(task_started, 3)", task)
    clock.advance(timedelta(days=5))
    assert evaluate("working_deadline(task_started, 3)", task) == first
    assert first["date"] == "2026-02-24"


def test_refusals_name_the_field():
    refused = forms.refusals(Shape("working_days", base="task_started", n=0), "due")
    assert [(r.field, r.message % r.params) for r in refused] == [
        ("n", "Number of working days must be a whole number from 1 to 2000.")]
    assert [r.field for r in forms.refusals(Shape("period_day", base="x", period="weekly", day=40), "timer")] == \
        ["period", "day"]
    missing = forms.refusals(Shape("working_days", base="assigned_on", setting="first_update"), "due",
                             {"deadlines": {"registration": 2}})
    assert [r.message % r.params for r in missing] == ["The ruleset sets no first_update in ruleset.toml [deadlines]."]


def test_the_description_lists_the_rulesets_deadline_settings():
    discover()
    source = read_ruleset(REPO_ROOT / "processes", "dak-lak")
    described = forms.describe(source.settings)
    assert [(s["value"], s["days"]) for s in described["settings"]] == [
        ("registration", 2), ("registration_complex", 5), ("registration_urgent", 0), ("first_update", 3),
        ("office_status_update", None), ("explanation", None), ("inspection_report", 7)]
    # Every key ruleset.toml [deadlines] may hold has its label.
    assert set(forms.SETTING_LABELS) == set(SETTINGS_SCHEMA["deadlines"]["properties"])
    assert [k["id"] for k in described["kinds"]] == [k.id for k in forms.KINDS]
    # The fields it offers are in the processes it names.
    process_ids = {p.get("id") for path in (REPO_ROOT / "processes").rglob("*.bpmn")
                   for p in etree.parse(str(path)).xpath("//bpmn:process", namespaces=NS)}
    assert {p for field in described["fields"] for p in field["processes"]} <= process_ids


def test_the_loader_refuses_a_shape_counting_a_setting_the_ruleset_does_not_set():
    source = read_ruleset(REPO_ROOT / "processes", "can-tho")  # sets no first_update
    files = dict(source.files)
    counted = 'working_deadline(assigned_on, setting(&quot;deadlines.first_update&quot;))'
    files["subassignment.bpmn"] = files["subassignment.bpmn"].replace('name="due" value="deadline"',
                                                                      f'name="due" value="{counted}"')
    with pytest.raises(RulesetError) as refused:
        compile_bundle(type(source)(source.ruleset, files, source.settings))
    assert [(p.file, p.element, p.message % p.params) for p in refused.value.problems] == [
        ("subassignment.bpmn", "handle", "The ruleset sets no first_update in ruleset.toml [deadlines].")]
