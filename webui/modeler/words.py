"""Words instead of ids in the modeler's pages: BPMN element kinds and the facts of a version's
diff (engine/rulesets/diff.py), the steps and changes of a migration plan
(engine/rulesets/migration.py), role, form and process names for the editor, Python's syntax
errors. Anything without a word here is shown as it is (a diff fact in code type)."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from engine.rulesets.foreign import FOREIGN_EXPRESSIONS
from engine.rulesets.loader import CompiledBundle
from webui.formatting import INSTANCE_STATUS_LABELS, ROLE_LABELS

KINDS = {
    "process": _l("process"), "userTask": _l("work item step"), "serviceTask": _l("automatic step"),
    "scriptTask": _l("script step"), "callActivity": _l("called process"), "subProcess": _l("sub-process"),
    "startEvent": _l("start event"), "endEvent": _l("end event"), "boundaryEvent": _l("boundary event"),
    "intermediateCatchEvent": _l("waiting event"), "intermediateThrowEvent": _l("sending event"),
    "timerEventDefinition": _l("timer"), "messageEventDefinition": _l("message"),
    "exclusiveGateway": _l("exclusive gateway"), "parallelGateway": _l("parallel gateway"),
    "inclusiveGateway": _l("inclusive gateway"), "sequenceFlow": _l("flow"), "lane": _l("lane"),
    "laneSet": _l("lanes"), "message": _l("message"), "decision": _l("decision"),
    "decisionTable": _l("decision table"), "input": _l("table input"), "output": _l("table output"),
    "rule": _l("table rule"), "inputEntry": _l("rule input"), "outputEntry": _l("rule output"),
    "parameter": _l("service parameter"), "serviceTaskOperator": _l("service call"),
    "multiInstanceLoopCharacteristics": _l("repetition"), "standardLoopCharacteristics": _l("loop"),
    "businessRuleTask": _l("decision table step"), "manualTask": _l("manual step"), "sendTask": _l("sending step"),
    "receiveTask": _l("receiving step"), "task": _l("step"), "eventBasedGateway": _l("event-based gateway"),
    "complexGateway": _l("complex gateway"), "terminateEventDefinition": _l("end of everything"),
    "signalEventDefinition": _l("signal"), "errorEventDefinition": _l("error"),
    "escalationEventDefinition": _l("escalation"), "conditionalEventDefinition": _l("condition"),
    "inputDataItem": _l("item taken by each round"), "outputDataItem": _l("item given by each round"),
    "dataObject": _l("data object"), "dataObjectReference": _l("data object"), "dataInput": _l("data input"),
    "dataOutput": _l("data output"), "ioSpecification": _l("data inputs and outputs"),
    "textAnnotation": _l("note"), "association": _l("note link"), "participant": _l("participant"),
    "collaboration": _l("collaboration"), "messageFlow": _l("message flow"), "signal": _l("signal"),
    "error": _l("error"), "escalation": _l("escalation"),
}
FACTS = {
    "@name": _l("Name"), "@default": _l("Default flow of the gateway"), "@calledElement": _l("Called process"),
    "@attachedToRef": _l("Attached to the step"), "@sourceRef": _l("Flow from"), "@targetRef": _l("Flow to"),
    "@cancelActivity": _l("Interrupts the step"), "@scriptFormat": _l("Script language"),
    "@isExecutable": _l("Run by dondoc"), "@messageRef": _l("Message"), "timeDate": _l("Timer: when"),
    "timeDuration": _l("Timer: after how long"), "timeCycle": _l("Timer: how often"),
    "conditionExpression": _l("Condition (Python)"), "script": _l("Script (Python, sandboxed)"),
    "incoming": _l("Incoming flows"), "outgoing": _l("Outgoing flows"), "documentation": _l("Documentation"),
    "flowNodeRef": _l("Steps in the lane"), "extensionElements/instructionsForEndUser":
        _l("Instructions for the person"), "text": _l("Expression"),
}
PROPERTIES = {"formKey": _l("Form"), "due": _l("Due date"), "unit": _l("Unit (expression)"),
              "urging": _l("Urging past the due date")}
_PROPERTY = re.compile(r"extensionElements/properties/property\[(?P<name>[^\]]+)\]@value$")
_CHILD = re.compile(r"(?P<kind>\w+)#(?P<id>.+)$")
# What SpiffWorkflow's serializer says changed in a step (migration plans).
SPEC_CHANGES = {
    "extensions": _l("properties (form, due date, unit)"), "event_definition": _l("event (timer, message)"),
    "cond_task_specs": _l("gateway conditions"), "script": _l("script"), "inputs": _l("incoming flows"),
    "outputs": _l("outgoing flows"), "bpmn_name": _l("name"), "lane": _l("lane"),
    "default_task_spec": _l("default flow"), "prescript": _l("script before"), "postscript": _l("script after"),
}


def kind_word(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def place_words(place: dict[str, str], element: str | None) -> str:
    """A problem's element as people find it on the canvas (engine.rulesets.places): its kind and name, or
    "cổng chọn một nhánh không tên sau “Tiếp nhận”" for one drawn without a name (another tool's id,
    "Gateway_0x7f3k2", tells nobody where it is); the id where the file holds no such element."""
    if not place:
        return element or ""
    kind = kind_word(place["kind"])
    if place.get("name"):
        return _("%(kind)s “%(name)s”", kind=kind, name=place["name"])
    if place.get("after"):
        return _("%(kind)s without a name after “%(name)s”", kind=kind, name=place["after"])
    if place.get("before"):
        return _("%(kind)s without a name before “%(name)s”", kind=kind, name=place["before"])
    return _("%(kind)s without a name", kind=kind)


def fact_word(fact: str) -> Markup:
    """A diff fact ("@name", "extensionElements/properties/property[due]@value", …) in words."""
    if fact in FACTS:
        return escape(FACTS[fact])
    if (found := _PROPERTY.match(fact)) is not None:
        name = found["name"]
        return escape(PROPERTIES[name]) if name in PROPERTIES else Markup("{} <code>{}</code>").format(
            _l("Property"), name)
    if (found := _CHILD.match(fact)) is not None and found["kind"] in KINDS:
        return Markup("{} <code>{}</code>").format(KINDS[found["kind"]], found["id"])
    return Markup("<code>{}</code>").format(fact)


def step_names(*bundles: CompiledBundle) -> dict[str, str]:
    """BPMN id -> the step's name in these versions (the later one wins)."""
    names: dict[str, str] = {}
    for bundle in bundles:
        for spec in bundle.specs.values():
            for task_spec in spec.task_specs.values():
                if task_spec.bpmn_id:
                    names[task_spec.bpmn_id] = task_spec.bpmn_name or names.get(task_spec.bpmn_id, task_spec.bpmn_id)
    return names


def step_word(step: str, names: dict[str, str]) -> str:
    """A step of a plan by its name; SpiffWorkflow's own start and end points say what they are."""
    if step in names:
        return names[step]
    if step == "Start":
        return str(_l("start of the process"))
    if step == "End" or step.endswith(".EndJoin"):
        return str(_l("end of the process"))
    return step


def readable_refusal(refusal: str, params: dict, names: dict[str, str]) -> tuple[str, dict]:
    """A plan's refusal with its steps named, and the instance's status in words."""
    if "steps" in params:
        params = {**params, "steps": ", ".join(step_word(s.strip(), names) for s in params["steps"].split(","))}
    if "status" in params:
        params = {**params, "status": str(INSTANCE_STATUS_LABELS.get(params["status"], params["status"]))}
    return refusal, params


def editor_names(compiled: CompiledBundle) -> dict[str, dict[str, str]]:
    """For the properties panel: each role's name, each form's title, each process's name."""
    return {"roleNames": {role: str(ROLE_LABELS.get(role, role)) for role in compiled.lanes.values()},
            "formTitles": {key: form.title for key, form in compiled.forms.items()},
            "processNames": {pid: spec.description or pid for pid, spec in compiled.specs.items()}}


# The sandbox's check (engine/sandbox check_code) and Python's own syntax messages, in words.
_SYNTAX = re.compile(r"syntax error at line (?P<line>\d+): (?P<message>.*)$")
_IMPORT = re.compile(r"line (?P<line>\d+): import is not allowed in process scripts$")
PYTHON_SYNTAX = {
    "invalid syntax": _l("invalid syntax"),
    "invalid syntax. Perhaps you forgot a comma?": _l("invalid syntax: a comma may be missing"),
    "unexpected EOF while parsing": _l("the expression ends too early"),
    "unexpected indent": _l("unexpected indent"),
    "expected an indented block": _l("an indented block is missing"),
    "expected ':'": _l("a colon (:) is missing"),
    "invalid decimal literal": _l("a number is followed by letters"),
}
FOREIGN_DETAILS = frozenset(detail for _pattern, detail in FOREIGN_EXPRESSIONS)
_UNCLOSED = re.compile(r"'(?P<bracket>[(\[{])' was never closed$")
_UNMATCHED = re.compile(r"unmatched '(?P<bracket>[)\]}])'$")
_UNTERMINATED = re.compile(r"unterminated (triple-quoted )?string literal")


def code_detail(detail: str) -> str:
    """A check_code message for people: the line and Python's complaint in words (unknown ones
    keep Python's words); another engine's expression, named."""
    if detail in FOREIGN_DETAILS:
        return str(_l(detail))
    if (found := _IMPORT.match(detail)) is not None:
        return str(_l("line %(line)s: import is not allowed in process scripts", line=found["line"]))
    if (found := _SYNTAX.match(detail)) is None:
        return detail
    message = found["message"]
    if (bracket := _UNCLOSED.match(message)) is not None:
        words = _l("the bracket %(bracket)s is never closed", bracket=bracket["bracket"])
    elif (bracket := _UNMATCHED.match(message)) is not None:
        words = _l("the bracket %(bracket)s closes nothing", bracket=bracket["bracket"])
    elif _UNTERMINATED.match(message):
        words = _l("a text in quotes is not closed")
    else:
        words = PYTHON_SYNTAX.get(message, message)
    return str(_l("syntax error at line %(line)s: %(message)s", line=found["line"], message=str(words)))


def problem_params(params: dict) -> dict:
    """A problem's parameters in words: the code detail, the property's name."""
    words = dict(params)
    if isinstance(params.get("detail"), str):
        words["detail"] = code_detail(params["detail"])
    if params.get("property") in PROPERTIES:
        words["property"] = str(PROPERTIES[params["property"]])
    return words
