"""Diagrams as other modellers write them: unquoted ISO-8601 timers run, non-executable
processes are reported, SpiffWorkflow's problems arrive with ours in one pass at an element
and line, vendor extensions are named, and any declared encoding is read."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.rulesets.errors import RulesetError
from engine.rulesets.loader import compile_bundle, read_ruleset
from tests.engine.conftest import mini_engine, ready_item, start_mini
from tests.fixtures import PROCESSES, processes_with, sketch_of

MINI = (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8")
WORKING_DAY_TIMER = "<bpmn:timeDate>working_days_before(deadline, 1)</bpmn:timeDate>"


def _mini(**replacements: str) -> str:
    text = MINI
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return text


def _refused(tmp_path, xml: str, ruleset: str = "mini") -> RulesetError:
    with pytest.raises(RulesetError) as refused:
        compile_bundle(read_ruleset(processes_with(tmp_path, xml, ruleset), ruleset))
    return refused.value


@pytest.mark.parametrize(("timer", "before", "after"), [
    ("<bpmn:timeDuration>PT2H</bpmn:timeDuration>", timedelta(hours=1, minutes=59), timedelta(hours=2, minutes=1)),
    ("<bpmn:timeDuration> P7D </bpmn:timeDuration>", timedelta(days=6, hours=23), timedelta(days=7, minutes=1)),
    ("<bpmn:timeCycle>R6/P1D</bpmn:timeCycle>", timedelta(hours=23), timedelta(days=1, minutes=1)),
    ("<bpmn:timeDate>2026-02-20T09:00:00</bpmn:timeDate>", datetime(2026, 2, 20, 8, 59), datetime(2026, 2, 20, 9, 1)),
])
def test_an_unquoted_iso_timer_runs_on_the_injected_clock(database_url, clock, tmp_path, timer, before, after):
    clock.set(datetime(2026, 2, 19, 9, 0))
    root = processes_with(tmp_path, _mini(**{WORKING_DAY_TIMER: timer}))
    world = mini_engine(database_url, clock, tmp_path, processes_dir=root)
    try:
        engine = world.engine
        instance_id = start_mini(engine)
        start = clock.now()
        clock.set(start + before if isinstance(before, timedelta) else before)  # a naive timeDate is Vietnam time
        assert engine.runtime.run_due_timers() == 0
        clock.set(start + after if isinstance(after, timedelta) else after)
        assert engine.runtime.run_due_timers() == 1
        assert ready_item(engine, instance_id, "enter")  # the reminder does not interrupt
    finally:
        world.engine.close()
    assert timer in (root / "mini" / "mini.bpmn").read_text(encoding="utf-8")  # the file is kept as written


def test_a_non_executable_process_is_a_warning_or_an_error_when_named(tmp_path):
    helper = _mini(**{'<bpmn:process id="mini" name="Mini" isExecutable="true">':
                      '<bpmn:process id="mini" name="Mini" isExecutable="false">'})
    root = processes_with(tmp_path, MINI)
    (root / "common" / "sketch.bpmn").write_text(sketch_of(MINI), encoding="utf-8")
    bundle = compile_bundle(read_ruleset(root, "mini"))
    [warning] = bundle.warnings
    assert (warning.file, warning.element, warning.line) == ("sketch.bpmn", "sketch", 4)
    assert 'isExecutable="false"' in warning.text
    refused = _refused(tmp_path / "named", helper)
    assert [(p.file, p.element, p.line, p.params) for p in refused.problems] == [
        ("mini.bpmn", "mini", 4, {"process": "mini"})]
    assert refused.problems[0].message.startswith("Process %(process)s is named in ruleset.toml [processes]")


def test_spiff_and_dondoc_problems_come_in_one_pass_at_the_flow_not_its_condition(tmp_path):
    """A Python syntax error (ours), a flow without condition out of a gateway (SpiffWorkflow's
    semantic check, given on its conditionExpression's id by foreign tools) and a missing form,
    all in the same answer."""
    xml = _mini(**{"ratio = 100 / divisor": "ratio = (", 'value="confirm"': 'value="no_such_form"'})
    xml = xml.replace("</bpmn:process>", """
    <bpmn:exclusiveGateway id="g_extra" default="f_extra_a" />
    <bpmn:sequenceFlow id="f_extra_a" sourceRef="g_extra" targetRef="reminded" />
    <bpmn:sequenceFlow id="f_extra_b" sourceRef="g_extra" targetRef="reminded">
      <bpmn:conditionExpression id="cond_b">x ==</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>""")
    problems = {(p.element, p.text.split(":")[0]) for p in _refused(tmp_path, xml).problems}
    missing_form = "form 'no_such_form' not found (forms/no_such_form.toml)"
    assert {("compute", "script"), ("f_extra_b", "condition"), ("confirm", missing_form)} <= problems
    assert all(element != "cond_b" for element, _ in problems)


def test_a_schema_problem_names_element_and_line_with_a_msgid(tmp_path):
    xml = _mini(**{'<bpmn:startEvent id="start">': '<bpmn:startEvent id="start" bogus="1">'})
    [problem] = [p for p in _refused(tmp_path, xml).problems if "bogus" in p.text]
    assert (problem.file, problem.element, problem.line) == ("mini.bpmn", "start", 11)
    assert problem.message == "Attribute %(attribute)s of %(element)s is not valid: %(detail)s"


@pytest.mark.parametrize(("attribute", "named"), [
    ('camunda:formKey="embedded:app:forms/enter.html"', "camunda:formKey"),
    ('activiti:formKey="enter"', "activiti:formKey"),
    ('flowable:formKey="enter"', "flowable:formKey"),
])
def test_a_vendor_form_key_is_named_with_what_dondoc_expects(tmp_path, attribute, named):
    xml = _mini(**{'<spiffworkflow:property name="formKey" value="enter_value" />': "",
                   '<bpmn:userTask id="enter" name="Nhập số liệu">':
                   f'<bpmn:userTask id="enter" name="Nhập số liệu" {attribute}>',
                   'xmlns:bpmn=': 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
                                  'xmlns:activiti="http://activiti.org/bpmn" xmlns:flowable="http://flowable.org/bpmn" '
                                  'xmlns:bpmn='})
    [problem] = [p for p in _refused(tmp_path, xml).problems if p.element == "enter"]
    assert problem.params == {"vendor": named} and problem.line == 14
    assert "spiffworkflow:property named formKey" in problem.text


def test_vendor_candidate_groups_are_named_for_a_task_in_no_lane(tmp_path):
    xml = _mini(**{"<bpmn:flowNodeRef>enter</bpmn:flowNodeRef>": "",
                   '<bpmn:userTask id="enter" name="Nhập số liệu">':
                   '<bpmn:userTask id="enter" name="Nhập số liệu" camunda:candidateGroups="clerks">',
                   'xmlns:bpmn=': 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:bpmn='})
    [problem] = [p for p in _refused(tmp_path, xml).problems if p.element == "enter"]
    assert problem.params == {"vendor": "camunda:candidateGroups"} and "lane mapped to a role" in problem.text


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_a_file_in_its_declared_encoding_is_read(tmp_path, encoding):
    root = processes_with(tmp_path, MINI)
    xml = MINI.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    # Latin-1 holds "ô", "á", "í" but not "ơ", "ậ": those are written as character references
    (root / "mini" / "mini.bpmn").write_bytes(xml.encode(encoding, errors="xmlcharrefreplace"))
    bundle = compile_bundle(read_ruleset(root, "mini"))
    assert set(bundle.specs) == {"mini"}
    assert bundle.specs["mini"].task_specs["check_unit"].bpmn_name == "Kiểm tra đơn vị"


@pytest.mark.parametrize(("condition", "language"), [
    ('=progress = "done"', "FEEL"),       # Camunda 8 (Zeebe)
    ("${approved}", "JUEL"),              # Camunda 7, Activiti
    ("#{approved && !late}", "JUEL"),
])
def test_another_engines_expression_is_named_rather_than_a_syntax_error(tmp_path, condition, language):
    xml = MINI.replace("</bpmn:process>", f"""
    <bpmn:exclusiveGateway id="g_extra" default="f_extra_a" />
    <bpmn:sequenceFlow id="f_extra_a" sourceRef="g_extra" targetRef="reminded" />
    <bpmn:sequenceFlow id="f_extra_b" sourceRef="g_extra" targetRef="reminded">
      <bpmn:conditionExpression>{condition.replace("&", "&amp;")}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
  </bpmn:process>""")
    [problem] = [p for p in _refused(tmp_path, xml).problems if p.element == "f_extra_b"]
    assert problem.message == "condition: %(detail)s"
    assert problem.params["detail"].startswith(f"a {language} expression") and "dondoc reads Python" in problem.text


@pytest.mark.parametrize(("extension", "message", "params"), [
    ('<bpmn:extensionElements><zeebe:calledElement processId="bucket-process" propagateAllChildVariables="false" />'
     "</bpmn:extensionElements>", "Call activity uses zeebe:calledElement (process %(process)s), which dondoc does "
     "not read: give the call activity a calledElement attribute naming a process of this ruleset",
     {"process": "bucket-process"}),
    ("", "Call activity names no process to call: give it a calledElement attribute naming a process of this ruleset",
     {}),
])
def test_a_call_activity_naming_no_process_is_told_where_dondoc_reads_it(tmp_path, extension, message, params):
    """Camunda 8 names the called process in an extension; dondoc read an empty name ("calls process ''")."""
    xml = MINI.replace('xmlns:bpmn=', 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:bpmn=').replace(
        "</bpmn:process>", f'<bpmn:callActivity id="call_bucket">{extension}</bpmn:callActivity></bpmn:process>')
    [problem] = [p for p in _refused(tmp_path, xml).problems if p.element == "call_bucket"]
    assert (problem.message, problem.params) == (message, params) and problem.line


def test_a_call_activity_on_the_flow_is_told_once(tmp_path):
    """On the flow, SpiffWorkflow also refused the call activity ('No "calledElement" attribute'): the same
    element told twice, once in English."""
    extension = ('<bpmn:extensionElements><zeebe:calledElement processId="letterProcess" /></bpmn:extensionElements>')
    xml = _mini(**{
        'xmlns:bpmn=': 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:bpmn=',
        '<bpmn:outgoing>f1</bpmn:outgoing>\n    </bpmn:startEvent>':
        '<bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>'
        f'<bpmn:callActivity id="call_letter" name="Gửi thư">{extension}<bpmn:incoming>f0</bpmn:incoming>'
        '<bpmn:outgoing>f1</bpmn:outgoing></bpmn:callActivity>',
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="enter" />':
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="call_letter" />'
        '<bpmn:sequenceFlow id="f1" sourceRef="call_letter" targetRef="enter" />'})
    [problem] = [p for p in _refused(tmp_path, xml).problems if p.element == "call_letter"]
    assert problem.params == {"process": "letterProcess"} and problem.place == {"kind": "callActivity",
                                                                                 "name": "Gửi thư"}


def test_an_element_without_a_name_is_placed_by_the_named_one_it_follows(tmp_path):
    """Another tool's gateway is "Gateway_0x7f3k2" to its modeller: its problem says what it is and after which
    named step it stands (the modeler words it, webui/modeler/words.py), or before which one at a process's
    start."""
    gateway = ('<bpmn:exclusiveGateway id="Gateway_0x7f3k2"><bpmn:incoming>f2</bpmn:incoming>'
               '<bpmn:outgoing>g1</bpmn:outgoing><bpmn:outgoing>g2</bpmn:outgoing></bpmn:exclusiveGateway>'
               '<bpmn:sequenceFlow id="g1" sourceRef="Gateway_0x7f3k2" targetRef="compute">'
               '<bpmn:conditionExpression>True</bpmn:conditionExpression></bpmn:sequenceFlow>'
               '<bpmn:sequenceFlow id="g2" sourceRef="Gateway_0x7f3k2" targetRef="compute">'
               '<bpmn:conditionExpression>False</bpmn:conditionExpression></bpmn:sequenceFlow>')
    xml = _mini(**{'<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="compute" />':
                   '<bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="Gateway_0x7f3k2" />' + gateway})
    [problem] = [p for p in _refused(tmp_path, xml).problems if p.element == "Gateway_0x7f3k2"]
    assert problem.place == {"kind": "exclusiveGateway", "name": "", "after": "Nhập số liệu"}

