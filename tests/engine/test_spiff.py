"""SpiffWorkflow behind engine/spiff: the stored state without its spec, the pruning of what
finished rounds leave behind, and no other engine module reaching past the library's plain
API."""
from __future__ import annotations

import ast
import json
import math
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

import engine
from engine.spiff import state
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


def assert_loads_as_spiffworkflow_does(text: str, spec, subprocess_specs: dict, script_engine) -> None:
    """Our task and sub-process converters read and write what SpiffWorkflow's own do, but for a
    sub-process's first task, which ours store as what differs from its caller's data: the state
    loaded by ours, written by SpiffWorkflow's serializer (a registry without ours) and read back
    by it, is written by ours as ours wrote it, and ours read both texts (SpiffWorkflow's: states
    stored before) to the same (but for the order of keys); every task holds equal data, of its
    own, and the same tasks wait for events."""
    stock_registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    stock_converter = state._StateConverter(BpmnWorkflow, stock_registry)
    stock = state._StateSerializer(stock_registry, version=STATE_FORMAT, json_encoder_cls=state._CompactEncoder)
    ours = load_state(text, spec, subprocess_specs, script_engine)
    stock_text = stock.serialize_json(ours)
    dct = json.loads(stock_text)
    del dct["format"]
    theirs = stock_converter.from_dict(dct, spec, subprocess_specs)
    assert stock.serialize_json(theirs) == stock_text
    written = dump_state(ours)
    assert dump_state(theirs) == written
    for again in (stock_text, written):
        assert _unordered(dump_state(load_state(again, spec, subprocess_specs, script_engine))) == _unordered(written)
    for mine, other in zip(_all_tasks(ours), _all_tasks(theirs), strict=True):
        assert (mine.id, mine.data) == (other.id, other.data)  # internal data: in the dumps
        if mine.parent is not None:
            assert mine.data is not mine.parent.data
    assert _waiting(ours) == _waiting(theirs)


def _unordered(text: str) -> dict:
    """A state's dictionary with each task's deletions as a set: a sub-process's first task read from
    its caller's data holds the caller's keys in the caller's order, an order nothing reads."""
    dct = json.loads(text)
    for owner in (dct, *dct["subprocesses"].values()):
        for task in owner["tasks"].values():
            if task["delta"]:
                task["delta"]["deletions"] = set(task["delta"]["deletions"])
    return dct


def _all_tasks(workflow) -> list:
    return [task for owner in (workflow, *workflow.subprocesses.values()) for task in owner.tasks.values()]


def _waiting(workflow) -> list:  # the tasks its event manager holds
    return list(workflow.event_manager.tasks)


def test_tasks_load_and_dump_as_spiffworkflows_own_converters(returned_twice):
    engine, instance = returned_twice
    with engine.db.reading() as session:
        compiled = engine.cache.by_id(session, instance.bundle_id)
    assert_loads_as_spiffworkflow_does(instance.state, compiled.specs[instance.process_id],
                                       compiled.subprocess_specs(instance.process_id), engine.runtime.script_engine)


def test_a_sub_process_first_task_is_stored_as_what_differs_from_its_callers_data(returned_twice):
    """SpiffWorkflow stores each sub-process's first task with the whole data its caller gave it (a
    quarter of the state of an assignment coordinated by 135 communes). Ours store what differs,
    and a loaded one holds copies of its own, as the deepcopy SpiffWorkflow gave it."""
    engine, instance = returned_twice
    stored = json.loads(instance.state)
    firsts = [task for sub in stored["subprocesses"].values() for task in sub["tasks"].values()
              if task["parent"] is None]
    assert firsts and all(task["from_caller"] and task["data"] == {} for task in firsts)
    workflow = loaded_workflow(engine, instance)
    mutable = 0
    for sub in workflow.subprocesses.values():
        caller = workflow.get_task_from_id(sub.parent_task_id)
        for key, value in sub.task_tree.data.items():
            if isinstance(value, (list, dict)):
                mutable += 1
                assert value == caller.data[key] and value is not caller.data[key]
    assert mutable


def test_a_task_of_a_sub_process_is_found_through_the_index_not_a_walk(returned_twice):
    """SpiffWorkflow finds a sub-process's task by asking each sub-process in turn, many times a step:
    the index answers for every task, of the state loaded and made since, and forgets what is gone."""
    engine, instance = returned_twice
    workflow = loaded_workflow(engine, instance)
    walked = []
    for sub in workflow.subprocesses.values():
        sub.get_task_from_id = lambda task_id, sub=sub: walked.append(task_id) or sub.tasks.get(task_id)
    assert [workflow.get_task_from_id(task.id) for task in _all_tasks(workflow)] == _all_tasks(workflow)
    assert walked == []
    sub = next(iter(workflow.subprocesses.values()))
    made = Task(sub, sub.task_tree.task_spec)  # enters sub.tasks, as a task made by a step does
    assert workflow.get_task_from_id(made.id) is made
    task_id, sub = next((task_id, sub) for sub in workflow.subprocesses.values() for task_id in sub.tasks)
    del workflow.subprocesses[sub.parent_task_id]
    with pytest.raises(TaskNotFoundException):
        workflow.get_task_from_id(task_id)


def test_loading_a_state_parses_no_task_id_with_uuids_own_parser(returned_twice, monkeypatch):
    """Ids are read by engine.spiff.state._uuid: UUID's parser (which tries every other form of
    a UUID first) cost a fifth of a load, four times a task."""
    engine, instance = returned_twice
    parsed, parse = [], uuid.UUID.__init__
    monkeypatch.setattr(uuid.UUID, "__init__", lambda self, *a, **k: parsed.append(a) or parse(self, *a, **k))
    workflow = loaded_workflow(engine, instance)
    assert len(_all_tasks(workflow)) > 50
    assert len(parsed) <= 1 + len(workflow.subprocesses)  # each workflow's last task


def test_a_task_id_not_in_canonical_form_is_read_by_uuids_parser():
    canonical = uuid.uuid4()
    assert state._uuid(str(canonical)) == canonical and state._uuid(canonical.hex) == canonical
    assert state._uuid(str(canonical)).is_safe == canonical.is_safe
    with pytest.raises(ValueError):
        state._uuid(str(canonical).replace("-", "_"))


def json_written(workflow, monkeypatch) -> str:
    """The state as json alone writes it (the code before orjson, issue #20)."""
    with monkeypatch.context() as patched:
        patched.setattr(state, "_json_text", lambda dct, encoder: (encoder.encode(dct), False))
        return dump_state(workflow)


def test_orjson_writes_the_state_and_it_reads_back_as_jsons_text_does(returned_twice, monkeypatch):
    engine, instance = returned_twice
    workflow = loaded_workflow(engine, instance)
    text, before = dump_state(workflow), json_written(workflow, monkeypatch)
    assert "Không thuộc chức năng" in text and "Không thuộc chức năng" not in before  # UTF-8, not \u escapes
    assert json.loads(text) == json.loads(before)
    assert dump_state(loaded_workflow(engine, instance, text)) == text


@pytest.mark.parametrize("value", [uuid.UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f1"), float("nan"), float("-inf"),
                                   datetime(2026, 3, 2, 9, 30), 2**70, -(2**63) - 1, {1: "một"}, "\ud800"],
                         ids=["uuid", "nan", "infinity", "datetime", "int past 64 bits", "int below 64 bits",
                              "int key", "lone surrogate"])
def test_what_orjson_writes_or_reads_otherwise_goes_through_json(returned_twice, monkeypatch, value):
    """orjson writes a UUID as a bare string, NaN as null, a datetime itself, and refuses the rest;
    it reads a big integer as a float: those states are written and read by json, as before."""
    engine, instance = returned_twice
    workflow = loaded_workflow(engine, instance)
    workflow.task_tree.data["value"] = value  # the root task's data is stored whole
    text = dump_state(workflow)
    assert text == json_written(workflow, monkeypatch)
    again = loaded_workflow(engine, instance, text).task_tree.data["value"]
    if isinstance(value, float) and math.isnan(value):
        assert math.isnan(again)
    else:
        assert again == ({"1": "một"} if isinstance(value, dict) else value) and type(again) is type(value)


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
