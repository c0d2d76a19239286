"""Texts the modeler's JavaScript shows (properties panel, lint, status line), translated
here so that they live in this feature's catalogue like every other UI text. `bpmn_texts`
translates the most visible texts of bpmn-js itself (its `translate` service)."""
from __future__ import annotations

from flask_babel import gettext as _

from engine.rulesets.loader import BY_DIAGRAM
from webui.modeler.bpmn_texts import BPMN_JS_TEXTS, MSGIDS


def editor_labels() -> dict[str, str]:
    return {
        "lane": _("Lane (role)"),
        "laneHelp": _("The lane decides which role does this step (ruleset.toml [lanes])."),
        "noLaneOption": _("— no lane —"),
        "noRole": _("no role!"),
        "formKey": _("Form"),
        "formKeyHelp": _("The form the person fills in (forms/<key>.toml)."),
        "unit": _("Unit (expression)"),
        "unitHelp": _("Python expression giving the code of the unit that must do it, e.g. lead_unit."),
        "urging": _("Urging past the due date"),
        "urgingHelp": _("By the diagram: the diagram's own timers urge this step; the late-step rule leaves it."),
        "urgingByRule": _("By the late-step rule"),
        "instructions": _("Instructions for the person"),
        "instructionsHelp": _("Shown with the work item; may use {{ task data }}."),
        "condition": _("Condition (Python)"),
        "conditionHelp": _("Taken when true, e.g. action == \"return\"."),
        "defaultFlow": _("Default flow of the gateway"),
        "script": _("Script (Python, sandboxed)"),
        "scriptHelp": _("No imports; helpers such as working_days_before(deadline, 2)."),
        "calledProcess": _("Called process"),
        "userTaskGroup": _("Work item (dondoc)"),
        "conditionGroup": _("Condition"),
        "scriptGroup": _("Script"),
        "callGroup": _("Called process"),
        "noLane": _("User task is in no lane: put it in a lane mapped to a role."),
        "laneNoRole": _("Lane has no role in ruleset.toml [lanes]:"),
        "noFormKey": _("User task has no form (formKey)."),
        "unknownForm": _("Form not found:"),
        "unknownUrging": _("Urging past the due date takes no such value, choose one from the list:"),
        "gatewayDefault": _("Exclusive gateway with several outgoing flows needs a default flow."),
        "noCondition": _("Flow out of an exclusive gateway needs a condition, or must be the default."),
        "noTimer": _("Timer has no expression."),
        "noImport": _("Imports are not allowed in process scripts."),
        "unknownProcess": _("Called process not found:"),
        "draftKept": _("Draft kept."),
        "saveFailed": _("Could not keep the draft."),
        "checking": _("Checking…"),
        "savedAs": _("Saved as version"),
        "refused": _("Not saved: see the problems."),
        "unsaved": _("Changed (draft is kept automatically)."),
        "lintIssues": _("problems while editing"),
        "lintClean": _("No problems found while editing."),
        "ready": _("Ready."),
        "openFailed": _("The diagram could not be opened"),
        "uploading": _("Uploading and checking…"),
        "uploadFailed": _("The file could not be uploaded."),
    }


def urging_choices() -> dict[str, str]:
    """The values of the user task property `urging` the server accepts (engine/rulesets/loader.py), each in
    words: the panel offers these alone and the editor's lint flags any other, so the page never keeps a list
    of its own that could drift from the server's check."""
    return {BY_DIAGRAM: _("By the diagram")}


# English texts of bpmn-js, its properties panel and bpmnlint overlay, as they spell them.
_BPMN_JS_TEXTS = (
    "General", "Name", "ID", "Documentation", "Element documentation", "Process documentation", "Timer", "Type",
    "Value", "Date", "Duration", "Cycle", "Message", "Executable", "<none>", "<empty>", "Create new ...",
    "Issues for child elements", "Toggle linting overlays", "Process", "Signal",
) + BPMN_JS_TEXTS


def bpmn_texts() -> dict[str, str]:
    return {text: _(MSGIDS.get(text, text)) for text in _BPMN_JS_TEXTS}
