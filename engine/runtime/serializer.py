"""Workflow state without its spec.

SpiffWorkflow's serializer writes the whole spec into every blob and rebuilds it on every
load. Our specs live once per process version (the bundle), parsed once per worker; the
instance row holds only the state. The format is SpiffWorkflow's own (serializer 1.5) minus
`spec`/`subprocess_specs`, so a blob can always be completed and read by the stock
serializer as well.
"""
from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
_REGISTRY = SERIALIZER.registry
_WORKFLOW_TYPENAME = _REGISTRY.typenames[BpmnWorkflow]
_WORKFLOW_CONVERTER = _REGISTRY.convert_to_dict[_WORKFLOW_TYPENAME].args[1].__self__
STATE_FORMAT = f"dondoc-1/{SERIALIZER.VERSION}"


def dump_state(workflow: BpmnWorkflow) -> str:
    conv = _WORKFLOW_CONVERTER
    _REGISTRY._encoder_mode = True
    try:
        dct = super(type(conv), conv).to_dict(workflow)  # WorkflowConverter: data, tasks, root…
        dct["spec"] = workflow.spec.name
        dct["subprocesses"] = conv.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = _REGISTRY.convert(workflow.bpmn_events)
        dct["format"] = STATE_FORMAT
        return json.dumps(dct, cls=SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        _REGISTRY._encoder_mode = False


def load_state(text: str, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
    conv = _WORKFLOW_CONVERTER
    dct = json.loads(text)
    fmt = dct.pop("format", None)
    if fmt != STATE_FORMAT:
        raise ValueError(f"unsupported workflow state format {fmt!r} (expected {STATE_FORMAT})")
    dct.pop("spec", None)
    workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
    workflow.tasks = conv.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
    workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
    conv.set_default_attributes(workflow, dct)
    conv.subprocesses_from_dict(dct["subprocesses"], workflow)
    workflow.bpmn_events = _REGISTRY.restore(dct.pop("bpmn_events", []))
    workflow.script_engine = script_engine
    return workflow


def to_stock_json(state: str, spec, subprocess_specs: dict) -> str:
    """The same state as SpiffWorkflow's own serializer would write it (for export/tools)."""
    dct = json.loads(state)
    dct.pop("format")
    dct["spec"] = _REGISTRY.convert(spec)
    dct["subprocess_specs"] = {k: _REGISTRY.convert(v) for k, v in subprocess_specs.items()}
    dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return json.dumps(dct)
