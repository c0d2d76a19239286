"""Texts of dmn-js's decision-table editor (its `translate` service: context menu, hit policy,
column headers), translated here so that they live in this feature's catalogue; the page
passes them to dmn-js (webui/static/decision-table.js)."""
from __future__ import annotations

from flask_babel import gettext as _

# English texts of dmn-js's decision-table view, as it spells them.
_DMN_JS_TEXTS = (
    # context menu of a rule, a column, a cell
    "Add rule above", "Add rule below", "Remove rule", "Copy rule", "Cut rule", "Paste rule above",
    "Paste rule below", "Add input column left", "Add input column right", "Remove input column",
    "Copy input column", "Cut input column", "Paste input column left", "Paste input column right",
    "Add output column left", "Add output column right", "Remove output column", "Copy output column",
    "Cut output column", "Paste output column left", "Paste output column right", "Add cell description",
    "Remove cell description", "Add rule", "Add input", "Add output", "Move rule",
    "Move Input", "Move Output",
    # head of the table
    "Hit policy:", "Hit policy", "When", "And", "Then", "Annotation", "Annotations", "Input", "Output",
    "Decision name", "Decision name: ", "View DRD", "Input label", "Input expression", "Input type",
    "Output label", "Output name", "Output type", "Input values", "Output values", "Expression language",
    "Enter expression", "Predefined values", "Add values", "Add predefined values", "Clear predefined values",
    "No values", "Strings must be in double quotes", "Expression", "Type", "Edit", "Edit input", "Edit output",
    "Input label: ", "Output label: ", "Input expression: ", "Output name: ", "Resize",
    # hit policies and what they mean (SpiffWorkflow 3.2.0 reads every one but COLLECT as "first match")
    "Unique", "First", "Priority", "Any", "Collect", "Collect (Sum)", "Collect (Min)", "Collect (Max)",
    "Collect (Count)", "Rule order", "Output order",
    "No overlap is possible and all rules are disjoint. Only a single rule can be matched",
    "Rules may overlap. The first matching rule will be chosen",
    "Rules may overlap. The one with the highest priority will be chosen",
    "Rules may overlap. Their output have to match",
    "Collects the values of all matching rules",
    "Collects the values of all matching rules and sums up to a single value",
    "Collects the values of all matching rules and uses the lowest value",
    "Collects the values of all matching rules and uses the highest value",
    "Collects the values of all matching rules and counts the number of them",
    "Collects the values of all matching rules in rule order",
    "Collects the values of all matching rules in decreasing output priority order",
    # column types as dmn-js shows them
    "string", "integer", "boolean", "number", "date",
)


# dmn-js words whose msgid elsewhere means something else ("When" is a time column in other features).
_OWN_MSGIDS = {"When": "When (the first condition of a rule)"}


def dmn_texts() -> dict[str, str]:
    return {text: _(_OWN_MSGIDS.get(text, text)) for text in _DMN_JS_TEXTS}
