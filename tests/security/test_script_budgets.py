"""Process scripts that cannot hurt anyone (#15): a runaway script, expression, multi-instance
expansion or `raise SystemExit` becomes an incident on its element within the step's budget,
while other users keep writing and the scheduler keeps firing other timers; `setting()` hands
out read-only data."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import sandbox
from engine.org import service as org
from engine.rulesets.service import published_bundle
from engine.runtime.models import Incident
from engine.sandbox import ScriptFailed, ScriptLimits, ScriptRefused, helpers, run_budgeted
from engine.scheduler.service import tick
from tests.engine.conftest import DEADLINE, instance_row, mini_engine, ready_item, start_mini
from tests.fixtures import PROCESSES, processes_with

CPU_SECONDS = 1  # the budget these tests give a step (DONDOC_SCRIPT_CPU_SECONDS)
BOUND = 15  # seconds: the budget, a worker start and a loaded 2-core machine, generously
MINI = (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8")
COMPUTE = "<bpmn:script>ratio = 100 / divisor</bpmn:script>"


@pytest.fixture(autouse=True)
def small_budget(monkeypatch):
    monkeypatch.setenv("DONDOC_SCRIPT_CPU_SECONDS", str(CPU_SECONDS))


def world_with(database_url, clock, tmp_path, bpmn: str):
    return mini_engine(database_url, clock, tmp_path, processes_dir=processes_with(tmp_path, bpmn))


def incidents(engine) -> list[Incident]:
    with engine.db.session() as s:
        return list(s.scalars(select(Incident).order_by(Incident.id)))


MULTI_INSTANCE = ("<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>20000</bpmn:loopCardinality>"
                  "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>ratio = 1</bpmn:script>")


@pytest.mark.parametrize(("compute", "message"), [
    ("<bpmn:script>while True:\n    pass</bpmn:script>", "CPU-time budget (1 s per step)"),
    ("<bpmn:script>ratio = 9**(9**7)</bpmn:script>", "CPU-time budget (1 s per step)"),
    ("<bpmn:script>ratio = 'a'*10**9</bpmn:script>", "more than 256 MB of memory"),
    ("<bpmn:script>raise SystemExit('bye')</bpmn:script>", "SystemExit:bye"),
    (MULTI_INSTANCE, "multi-instance task compute: more than 300 instances"),
], ids=["while-true", "big-power", "big-string", "system-exit", "cardinality-20000"])
def test_runaway_script_is_an_incident_while_another_user_writes(database_url, clock, tmp_path, compute, message):
    world = world_with(database_url, clock, tmp_path, MINI.replace(COMPUTE, compute))
    try:
        engine = world.engine
        instance_id = start_mini(engine)
        enter = ready_item(engine, instance_id, "enter")
        step = threading.Thread(target=engine.runtime.complete, daemon=True,
                                args=(enter.id, {"divisor": "1", "unit_code": "VP"}, world.clerk))
        started = time.monotonic()
        step.start()
        time.sleep(0.3)  # the step holds its lock and runs the script
        with engine.db.session() as s:  # another user's write, meanwhile
            org.create_unit(s, "SXD", "Sở Xây dựng")
        wrote = time.monotonic() - started
        step.join(BOUND)
        assert not step.is_alive(), "the runaway step never ended"
        assert time.monotonic() - started < BOUND and wrote < BOUND

        [incident] = incidents(engine)
        assert incident.element_id == "compute" and message in incident.error
        assert instance_row(engine, instance_id).status == "error"
        with engine.db.session() as s:
            assert org.unit_by_code(s, "SXD") is not None
    finally:
        world.engine.close()


REMINDED = """    <bpmn:endEvent id="reminded">
      <bpmn:incoming>f_reminded</bpmn:incoming>
    </bpmn:endEvent>"""
REMIND_SCRIPT = """    <bpmn:scriptTask id="remind_script" name="Nhắc">
      <bpmn:incoming>f_reminded</bpmn:incoming>
      <bpmn:outgoing>f_remind_done</bpmn:outgoing>
      <bpmn:script>{script}
reminded_ok = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="reminded">
      <bpmn:incoming>f_remind_done</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f_remind_done" sourceRef="remind_script" targetRef="reminded" />"""


@pytest.mark.parametrize("script", ["while runaway:\n    pass", "if runaway:\n    raise SystemExit"],
                         ids=["while-true", "system-exit"])
def test_runaway_behind_a_timer_leaves_the_tick_firing_other_timers(database_url, clock, tmp_path, script):
    bpmn = MINI.replace(REMINDED, REMIND_SCRIPT.format(script=script)).replace(
        'sourceRef="remind" targetRef="reminded"', 'sourceRef="remind" targetRef="remind_script"')
    world = world_with(database_url, clock, tmp_path, bpmn)
    try:
        engine = world.engine
        with engine.db.session() as s:
            bundle = published_bundle(s, "mini")
            runaway = engine.runtime.start(s, bundle, "directive", {"deadline": DEADLINE, "runaway": True}).id
            calm = engine.runtime.start(s, bundle, "directive", {"deadline": DEADLINE, "runaway": False}).id
        clock.advance(timedelta(days=30))  # both reminders are due; the runaway's fires first

        started = time.monotonic()
        result = tick(engine)
        assert time.monotonic() - started < BOUND

        assert result.advanced == 2 and result.errors == 0
        [incident] = incidents(engine)
        assert (incident.instance_id, incident.element_id) == (runaway, "remind_script")
        assert instance_row(engine, calm).status == "running" and instance_row(engine, calm).next_timer_due is None
    finally:
        world.engine.close()


def test_instruction_template_runs_under_the_budget(database_url, clock, tmp_path):
    template = "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"
    properties = '<spiffworkflow:property name="formKey" value="confirm" />\n        </spiffworkflow:properties>'
    bpmn = MINI.replace(properties, f"{properties}\n        <spiffworkflow:instructionsForEndUser>{template}"
                                    "</spiffworkflow:instructionsForEndUser>")
    world = world_with(database_url, clock, tmp_path, bpmn)
    try:
        engine = world.engine
        instance_id = start_mini(engine)
        started = time.monotonic()
        engine.runtime.complete(ready_item(engine, instance_id, "enter").id, {"divisor": "4", "unit_code": "VP"},
                                world.clerk)
        assert time.monotonic() - started < BOUND
        [incident] = incidents(engine)
        assert incident.element_id == "confirm" and "CPU-time budget" in incident.error
    finally:
        world.engine.close()


def test_setting_is_read_only_for_scripts():
    settings = {"secrecy": {"store_content": False, "visible_to": ["chairman"]}}
    token = helpers.current_settings.set(settings)
    try:
        with pytest.raises(TypeError):
            helpers.setting("secrecy")["store_content"] = True  # noqa  the helper itself, in this process
        with pytest.raises(ScriptFailed, match="not mappingproxy"):
            run_budgeted(ScriptLimits(), "exec", "s = setting('secrecy')\ns['store_content'] = True", {})
        with pytest.raises(ScriptFailed, match="not callable"):  # a tuple has no append
            run_budgeted(ScriptLimits(), "exec", "setting('secrecy')['visible_to'].append('clerk')", {})
        # reading works as before, and what a script keeps in its data is a plain copy
        kept = run_budgeted(ScriptLimits(), "exec", "s = setting('secrecy')\nok = 'chairman' in s['visible_to']", {})
        assert kept["data"] == {"s": {"store_content": False, "visible_to": ["chairman"]}, "ok": True}
    finally:
        helpers.current_settings.reset(token)
    assert settings == {"secrecy": {"store_content": False, "visible_to": ["chairman"]}}
    assert ScriptRefused  # the refusal type scripts see


@pytest.mark.parametrize("raised", ["KeyboardInterrupt", "GeneratorExit", "SystemExit"])
def test_any_base_exception_in_a_script_arrives_as_a_script_failure(raised):
    with pytest.raises(ScriptFailed) as failure:
        run_budgeted(ScriptLimits(), "exec", f"if True:\n    raise {raised}('stop')", {})
    assert type(failure.value).__name__ == raised  # the incident names what the script raised


@pytest.mark.parametrize(("source", "mode", "bounded"), [
    ('progress == "done" and rounds + 1 < 3', "eval", True),
    ("working_days_before(deadline, 2)", "eval", True),
    ("overdue = is_overdue(deadline)\nunits = len(data.get('units', []))", "exec", True),
    ("while True:\n    pass", "exec", False),
    ("9**(9**7)", "eval", False),
    ("'a' * 10**9", "eval", False),
    ("'%0999999999d' % 1", "eval", False),
    ("[a for a in x for b in x for c in x]", "eval", False),
    ("days_late(deadline)", "eval", False),  # counts every day between two dates: not bounded
    ("x.replace('', x)", "eval", False),
    ("raise SystemExit", "exec", False),
    ("x = 'a'\nx = x + x\nx = x + x", "exec", False),  # doubling: forty such lines would reach gigabytes
    ("x = ['a']\nx += x", "exec", False),
    ("count = count + 1\ncount += 1\nleft = total - done", "exec", True),
])
def test_only_code_that_cannot_run_away_skips_the_worker(source, mode, bounded):
    assert sandbox._bounded(source, mode) is bounded


def test_deadline_helpers_refuse_counting_millions_of_days():
    started = time.monotonic()
    with pytest.raises(ValueError, match="at most 2000 working days"):
        helpers.add_working_days("2026-02-12", 10**9)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("cut", ["request cut off", "answer unread"])
def test_a_worker_whose_server_process_is_killed_exits_quietly(cut):
    """A server process killed with -9 leaves its sandbox worker a half-written request or a
    closed pipe: the worker ends without a traceback in the server's log."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    worker = Path(sandbox.__file__).with_name("worker.py")  # run as the pool runs it, not imported
    child = subprocess.Popen([sys.executable, str(worker), "256"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cut == "request cut off":
        child.stdin.write(b'{"op": "eval", "co')
    else:
        child.stdout.close()
        child.stdin.write(json.dumps({"op": "eval", "code": "1+1", "data": {}, "helpers": [], "cpu": 2}).encode()
                          + b"\n")
    child.stdin.close()
    assert child.wait(30) == 0
    assert child.stderr.read() == b""
