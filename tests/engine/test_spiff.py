"""SpiffWorkflow behind engine/spiff: the stored state without its spec, the pruning of what
finished rounds leave behind, and no other engine module reaching past the library's plain
API."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask

import engine
from engine.spiff.state import STATE_FORMAT, dump_state, load_state
from engine.spiff.workflow import tasks_in
from tests.engine.conftest import instance_row, open_assignment, ready_item

ENGINE = Path(engine.__file__).resolve().parent
# Where SpiffWorkflow may be used beyond its plain API: the adapter, the script sandbox, and
# compiling and migrating rulesets (its parser and diff).
MAY_REACH_IN = ("spiff/", "sandbox/", "rulesets/")
PLAIN = {"SpiffWorkflow": {"TaskState"}, "SpiffWorkflow.bpmn": {"BpmnWorkflow"},
         "SpiffWorkflow.exceptions": {"WorkflowException"}}


RETURN = {"action": "return", "return_reason": "Không thuộc chức năng của Sở"}


@pytest.fixture
def returned_twice(loaded, org_tree):
    """An assignment its unit returned twice, corrected twice by the office."""
    engine, users = loaded, org_tree
    handle = open_assignment(engine, users)
    for _ in range(2):
        engine.runtime.complete(handle.id, RETURN, users["stc"])
        correct = ready_item(engine, handle.instance_id, "correct")
        engine.runtime.complete(correct.id, {"correction_note": "Giữ nguyên"}, users["clerk"])
        handle = ready_item(engine, handle.instance_id, "handle")
    return engine, instance_row(engine, handle.instance_id)


def loaded_workflow(engine, instance, state: str | None = None):
    with engine.db.reading() as session:
        compiled = engine.cache.by_id(session, instance.bundle_id)
    return load_state(state or instance.state, compiled.specs[instance.process_id],
                      compiled.subprocess_specs(instance.process_id), engine.runtime.script_engine)


def test_the_stored_state_names_its_spec_and_reads_back_the_same(returned_twice):
    engine, instance = returned_twice
    stored = json.loads(instance.state)
    assert stored["format"] == STATE_FORMAT == "dondoc-1/1.5"
    assert stored["spec"] == "assignment" and "subprocess_specs" not in stored
    assert all(isinstance(sub["spec"], str) for sub in stored["subprocesses"].values())
    assert json.loads(dump_state(loaded_workflow(engine, instance))) == stored


def test_a_state_written_before_the_registered_converter_loads_the_same(returned_twice):
    """States stored before the serializer used SpiffWorkflow's registry carry no typename."""
    engine, instance = returned_twice
    older = json.loads(instance.state)
    del older["typename"]
    workflow = loaded_workflow(engine, instance, json.dumps(older))
    assert json.loads(dump_state(workflow)) == json.loads(instance.state)


def test_a_state_of_another_format_is_refused(returned_twice):
    engine, instance = returned_twice
    other = {**json.loads(instance.state), "format": "dondoc-1/1.4"}
    with pytest.raises(ValueError, match="dondoc-1/1.4"):
        loaded_workflow(engine, instance, json.dumps(other))


def test_finished_rounds_and_call_activities_are_pruned(returned_twice):
    engine, instance = returned_twice
    workflow = loaded_workflow(engine, instance)
    [loop] = [t for t in tasks_in(workflow, TaskState.STARTED) if isinstance(t.task_spec, StandardLoopTask)]
    assert loop.task_spec.task_info(loop)["iterations_completed"] == 2  # two rounds merged…
    rounds = [child for child in loop.children if child.task_spec.name == loop.task_spec.task_spec]
    # …and gone, but the running one and the one just finished (the workflow's last task)
    assert [r.state for r in rounds] == [TaskState.COMPLETED, TaskState.STARTED]
    assert rounds[0] is workflow.last_task
    running = {task.id for task in tasks_in(workflow, TaskState.STARTED)}
    assert set(workflow.subprocesses) <= running  # no finished call activity keeps its inner state


def test_only_engine_spiff_reaches_past_spiffworkflows_plain_api():
    reaching = []
    for path in sorted(ENGINE.rglob("*.py")):
        relative = path.relative_to(ENGINE).as_posix()
        if relative.startswith(MAY_REACH_IN):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("SpiffWorkflow"):
                names = {alias.name for alias in node.names}
                if not names <= PLAIN.get(node.module, set()):
                    reaching.append(f"{relative}: from {node.module} import {', '.join(sorted(names))}")
            elif isinstance(node, ast.Import) and any(a.name.startswith("SpiffWorkflow") for a in node.names):
                reaching.append(f"{relative}: import {node.names[0].name}")
    assert reaching == []
