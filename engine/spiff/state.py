"""Workflow state without its spec, and what a step prunes from it before it is saved.

SpiffWorkflow's serializer writes the whole spec into every blob and rebuilds it on every
load. Our specs live once per process version (the bundle), parsed once per worker; the
instance row holds only the state. The stored format is SpiffWorkflow's own (serializer 1.5)
with the spec's name instead of the spec and `format` ("dondoc-1/1.5") instead of
`serializer_version`: the stock serializer with our converter for BpmnWorkflow registered in
its registry (BpmnWorkflowSerializer.configure), which writes and reads everything else (task
data, sub-processes, events) as SpiffWorkflow does. States written before the converter carry
no "typename" key; they load the same. Tasks and sub-processes go through our converters too
(_TaskConverter, _SubWorkflowConverter): SpiffWorkflow's dictionaries for less CPU, a sub-process's
first task stored as what differs from its caller's data.
The JSON text is written and read by orjson wherever that reads back the same as json's
(_json_text, _json_value).
"""
from __future__ import annotations

import json
from copy import copy, deepcopy
from functools import lru_cache
from uuid import UUID, SafeUUID

import orjson
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_FORMAT
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task

from engine.spiff.workflow import index_tasks, tasks_in

STATE_FORMAT = f"dondoc-1/{SPIFF_FORMAT}"


class _StateConverter(BpmnWorkflowConverter):
    """BpmnWorkflow as state only: the spec is written as its name and given back on load."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)  # what BpmnWorkflowConverter adds is the spec
        dct["spec"] = workflow.spec.name
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict, spec, subprocess_specs: dict) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        _restore_tasks(self, workflow, dct)
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


class _SubWorkflowConverter(BpmnSubWorkflowConverter):
    """The stock converter with the tasks restored as `_restore_tasks` does."""

    def from_dict(self, dct, task, top_workflow):
        spec = top_workflow.subprocess_specs.get(task.task_spec.spec)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        _restore_tasks(self, subprocess, dct, caller_data=task.data)
        self.set_default_attributes(subprocess, dct)
        return subprocess


def _restore_tasks(converter, workflow, dct: dict, caller_data: dict | None = None) -> None:
    """The task table and tree of `dct`. Each restored task enters `workflow.tasks` itself (Task's
    constructor), in the stored order, under its own id: the stock `mapping_from_dict` parses every
    id a second time from its key and builds the same table again. A sub-process's first task is
    stored as what it changed of its caller's data (`caller_data`)."""
    workflow.tasks = {}
    restore = converter.registry.restore
    caller = {"caller_data": caller_data} if caller_data is not None else {}  # SpiffWorkflow's converter takes none
    for task in dct["tasks"].values():
        restore(task, workflow=workflow, **caller)
    workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))


_UNKNOWN = SafeUUID.unknown


@lru_cache(maxsize=4096)
def _uuid(text: str) -> UUID:
    """UUID(text), for the canonical form states hold, at a third of UUID()'s cost (its parser
    tries every other form first); what it stores is what UUID.__init__ stores. Cached: a state
    names each task three times (its id, its children's parent, its parent's child), and one
    (immutable) object for the three is found in the task tables by identity, without UUID.__eq__."""
    digits = text.replace("-", "")
    if len(text) != 36 or len(digits) != 32 or not digits.isalnum():  # not canonical: UUID's parser decides
        return UUID(text)
    value = object.__new__(UUID)
    object.__setattr__(value, "int", int(digits, 16))
    object.__setattr__(value, "is_safe", _UNKNOWN)
    return value


_PLAIN = {str, int, float, bool, type(None)}


def _shallow_copy(value):
    """What DeepMerge.merge({}, data) puts in for each of data's values."""
    kind = type(value)
    if kind is dict or kind is list or kind is set:
        return value.copy()
    return copy(value) if isinstance(value, (dict, list, set)) else value


def _tree_copy(value):
    """deepcopy(value), as a sub-process's first task got its caller's data, quicker for the lists and
    dictionaries of plain values task data holds."""
    kind = type(value)
    if kind is list:
        return [item if type(item) in _PLAIN else _tree_copy(item) for item in value]
    if kind is dict:
        return {key: item if type(item) in _PLAIN else _tree_copy(item) for key, item in value.items()}
    return deepcopy(value)


def _caller_data(workflow) -> dict | None:
    """The data of the task that called `workflow`, if it is a sub-process whose caller is still there."""
    if not isinstance(workflow, BpmnSubWorkflow):
        return None
    try:
        return workflow.top_workflow.get_task_from_id(workflow.parent_task_id).data
    except TaskNotFoundException:  # left behind by its caller: `prune` drops it before a step's save
        return None


class _TaskConverter(TaskConverter):
    """SpiffWorkflow's task converter without its detours: a task's parent is looked up once, ids
    are parsed by `_uuid`, empty values are not walked, and the parent's data is copied as
    DeepMerge.merge({}, data) copies it (each mutable value shallowly), without its per-key
    comparisons. A state is ~60 tasks; these run on every step. One difference in what is stored:
    a sub-process's first task, which SpiffWorkflow stores with the whole data its caller gave it,
    is stored as what differs from its caller's ("from_caller"): an assignment coordinated by
    135 communes keeps 407 sub-processes, and their copies were a quarter of its state."""

    def to_dict(self, task: Task) -> dict:
        parent = task.parent
        base = parent.data if parent is not None else _caller_data(task.workflow)
        if base is None:
            data, delta = task.data, {}
        else:
            data, own = {}, task.data
            delta = {"updates": {key: value for key, value in own.items() if key not in base or value != base[key]},
                     "deletions": [key for key in base if key not in own]}
        internal = task.internal_data
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(internal) if internal else {},
            "data": data,
            "delta": delta,
            **({"from_caller": True} if parent is None and base is not None else {}),
        }

    def from_dict(self, dct: dict, workflow, caller_data: dict | None = None) -> Task:
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = Task(workflow, task_spec, state=dct["state"], id=_uuid(dct["id"]))
        task._parent = _uuid(dct["parent"]) if dct["parent"] is not None else None
        task._children = [_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = self.registry.restore(internal) if internal else {}
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta") or {}
        parent = task.parent if delta else None
        if dct.get("from_caller"):  # a sub-process's first task: a copy of its calling task's data, as it began
            assert caller_data is not None  # _SubWorkflowConverter gives it
            data = {key: value if type(value) in _PLAIN else _tree_copy(value) for key, value in caller_data.items()}
        elif parent is None:
            task.data = self.registry.restore(dct["data"])
            return task
        else:
            data = {key: value if type(value) in _PLAIN else _shallow_copy(value)
                    for key, value in parent.data.items()}
        if delta:
            updates = delta.get("updates")
            if updates:
                data.update(self.registry.restore(updates))
            for key in delta.get("deletions", ()):
                data.pop(key, None)
        task.data = data
        return task


class _StateSerializer(BpmnWorkflowSerializer):
    VERSION_KEY = "format"  # the key dondoc's stored states have always carried

    def serialize_json(self, workflow: BpmnWorkflow) -> str:  # type: ignore[override]  # never gzipped
        """SpiffWorkflow's serialize_json, the text written by `_json_text`."""
        return self.serialize_exact(workflow)[0]

    def serialize_exact(self, workflow: BpmnWorkflow) -> tuple[str, bool]:
        """serialize_json, and `_json_text`'s `exact`."""
        self.registry._encoder_mode = True  # as SpiffWorkflow's: converters see it while the text is written
        try:
            dct = self.to_dict(workflow)
            dct[self.VERSION_KEY] = self.VERSION
            return _json_text(dct, self._encoder_cls())
        finally:
            self.registry._encoder_mode = False


class _CompactEncoder(json.JSONEncoder):
    """No blanks after separators: the state is stored on every step."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "separators": (",", ":")})


# Values orjson would write itself but json hands to the encoder's `default` (the registry's converters).
_ORJSON_DEFAULTS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _json_text(dct: dict, encoder: json.JSONEncoder) -> tuple[str, bool]:
    """`dct` as JSON text, written by orjson (a tenth of json's time on a step's state) when what it
    wrote reads back equal to `dct`, else by `encoder` as before; and whether it was orjson's (`exact`:
    the text then reads back as the very values, of the very types, `dct` holds). The check catches
    every value orjson writes otherwise than json: a UUID or an enum as a bare string (json asks the registry),
    NaN as null, and values the registry converts (a datetime reads back as a dict: json writes
    those states, as before). Either text reads back the same; orjson's writes non-ASCII as UTF-8
    rather than \\u escapes."""
    try:
        text = orjson.dumps(dct, default=encoder.default, option=_ORJSON_DEFAULTS)
        if orjson.loads(text) == dct:
            return text.decode(), True
    except TypeError:  # orjson.JSONEncodeError: an int past 64 bits, a non-string key, a lone surrogate
        pass
    return encoder.encode(dct), False


# Where orjson reads a number otherwise than json: an integer past 64 bits (19 digits or more) comes
# back as a float. Digits map to "0", everything else to a blank, and a run of 19 is looked for.
_DIGITS = bytes(ord("0") if chr(i).isdigit() else ord(" ") for i in range(128)) + b" " * 128
_LONG_NUMBER = b"0" * 19


def _json_value(text: str):
    """json.loads(text), read by orjson (a third of json's time) unless the text holds what orjson
    reads otherwise (a run of 19 digits) or refuses (NaN, Infinity, a lone surrogate)."""
    if _LONG_NUMBER not in text.encode(errors="surrogatepass").translate(_DIGITS):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)  # also converts specs (engine.rulesets.migration)
_CONVERTER = _StateConverter(BpmnWorkflow, REGISTRY)  # registered in place of the stock BpmnWorkflowConverter
_TaskConverter(Task, REGISTRY)  # each registers itself in place of the stock one
_SubWorkflowConverter(BpmnSubWorkflow, REGISTRY)
_SERIALIZER = _StateSerializer(REGISTRY, version=STATE_FORMAT, json_encoder_cls=_CompactEncoder)


def dump_state(workflow: BpmnWorkflow) -> str:
    return _SERIALIZER.serialize_json(workflow)


def dump_state_exact(workflow: BpmnWorkflow) -> tuple[str, bool]:
    """dump_state, and whether the text loads back to values of the very types the workflow holds
    (not so for a tuple, a set or a NaN in task data): only then may the workflow stand for its text."""
    return _SERIALIZER.serialize_exact(workflow)


def as_loaded(workflow: BpmnWorkflow) -> bool:
    """Order what a step leaves as `load_state` rebuilds it, so that the workflow a worker keeps runs its
    next step as a load of its text would: the sub-processes each after the workflow whose task calls
    it, in that workflow's task order (SpiffWorkflow's `subprocesses_from_dict`; a run keeps them in
    the order they began), and the catching events waiting in that order too (a run keeps them in the
    order they began to wait; SpiffWorkflow fires due timers and delivers messages in this order).
    Called before the save, so that the stored text is in that order as well. False when a
    sub-process has no calling task left (`prune` drops those): a load would drop it."""
    order: dict = {}

    def visit(owner) -> None:
        for task in owner.tasks.values():
            sub = workflow.subprocesses.get(task.id)
            if sub is not None and task.id not in order and isinstance(task.task_spec, SubWorkflowTask):
                order[task.id] = sub
                visit(sub)

    visit(workflow)
    if len(order) != len(workflow.subprocesses):
        return False
    workflow.subprocesses = order
    workflow.event_manager.tasks = {task.id: task for task in tasks_in(workflow, TaskState.WAITING)
                                    if isinstance(task.task_spec, CatchingEvent)}
    index_tasks(workflow)
    return True


def load_state(text: str, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
    """The workflow stored as `text`, on the compiled `spec` it runs on."""
    dct = _json_value(text)
    found = dct.pop(_SERIALIZER.VERSION_KEY, None)
    if found != STATE_FORMAT:
        raise ValueError(f"unsupported workflow state format {found!r} (expected {STATE_FORMAT})")
    workflow = _CONVERTER.from_dict(dct, spec, subprocess_specs)
    workflow.script_engine = script_engine  # never stored: a restored workflow gets a default one
    index_tasks(workflow)
    return workflow


# ---------------------------------------------------------------- pruning
def prune(workflow: BpmnWorkflow) -> None:
    """Drop what finished call activities and loop rounds leave behind: a round costs the same
    at loop 500 as at loop 1, and the stored state does not grow with every round."""
    _drop_finished_subprocesses(workflow)
    _drop_finished_loop_rounds(workflow)


def _drop_finished_subprocesses(workflow: BpmnWorkflow) -> None:
    """Forget the inner state of call activities and sub-processes whose calling task has
    finished: their result is already in that task's data. (BpmnWorkflow.delete_subprocess
    needs the calling task, which may be gone, and walks every task of the sub-process.)"""
    finished = [task_id for task_id, sub in workflow.subprocesses.items()
                if (task := _calling_task(workflow, sub)) is None or task.state & TaskState.FINISHED_MASK]
    for task_id in finished:
        if task_id in workflow.subprocesses:
            _drop_subprocess(workflow, task_id)


def _calling_task(workflow: BpmnWorkflow, sub):
    owner = workflow if sub.parent_task_id in workflow.tasks else next(
        (s for s in workflow.subprocesses.values() if sub.parent_task_id in s.tasks), None)
    return owner.tasks[sub.parent_task_id] if owner is not None else None


def _drop_subprocess(workflow: BpmnWorkflow, task_id) -> None:
    dropped = workflow.subprocesses.pop(task_id)
    for inner_id in [i for i, inner in workflow.subprocesses.items() if inner.parent_task_id in dropped.tasks]:
        if inner_id in workflow.subprocesses:
            _drop_subprocess(workflow, inner_id)


def _drop_finished_loop_rounds(workflow: BpmnWorkflow) -> None:
    """A standard loop keeps each finished round as a child task although the round's data
    is already merged into the loop task (and the loop counts rounds in its internal data):
    drop them."""
    for loop in [t for t in tasks_in(workflow, TaskState.STARTED) if isinstance(t.task_spec, StandardLoopTask)]:
        finished = {child.id for child in loop.children if child.state == TaskState.COMPLETED
                    and not child.children and child is not child.workflow.last_task}
        if finished:
            loop.children = [child for child in loop.children if child.id not in finished]
            for task_id in finished:
                loop.workflow.tasks.pop(task_id, None)
            _forget_merged_ids(loop)


def _forget_merged_ids(loop) -> None:
    """The loop lists every merged round's id but reads only the list's length (rounds done,
    loopMaximum): the id of a round no longer in the tree becomes a 0, so a round leaves two
    bytes in the stored state instead of forty (states saved before this shrink at their next round)."""
    present = {str(child.id) for child in loop.children}
    merged = loop.internal_data.get("merged", [])
    loop.internal_data["merged"] = [round_id if round_id in present else 0 for round_id in merged]
