"""A readable difference between two versions of a ruleset (so sánh phiên bản).

BPMN/DMN files are compared by element id: each element with an id is flattened into
"what → value" facts (its attributes, and the text and attributes of its child elements
that have no id of their own: conditions, timer expressions, properties, parameters), so a
change reads like `timeDate: reminder_at → working_days_before(deadline, 3)`. Diagram
layout (BPMN DI) is reported only as "layout changed". A decision table's changes are told by
rule and column instead (decisions.table_changes); forms are compared field by field, in words
(form_diff). Other files are compared as lines.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from lxml import etree

from engine.forms import Message
from engine.rulesets.decisions import TableChange, table_changes
from engine.rulesets.disk import is_form_path
from engine.rulesets.form_diff import form_changes
from engine.rulesets.loader import SAFE_XML
from engine.rulesets.settings_labels import change_words

DI_NAMESPACES = ("http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DI",
                 "http://www.omg.org/spec/DD/20100524/DC", "https://www.omg.org/spec/DMN/20191111/DMNDI/")

# xsi:type="bpmn:tFormalExpression" is how an editor spells what was implied, and an attribute
# set to the BPMN default is the same as one left out (bpmn-js drops them): not changes.
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
BPMN_DEFAULTS = {"isSequential": "false", "cancelActivity": "true", "isInterrupting": "true",
                 "isForCompensation": "false", "triggeredByEvent": "false", "parallelMultiple": "false",
                 "instantiate": "false", "isImmediate": "false", "isClosed": "false", "isCollection": "false",
                 "completionQuantity": "1", "startQuantity": "1", "gatewayDirection": "Unspecified",
                 "eventGatewayType": "Exclusive"}


@dataclass(frozen=True)
class ElementChange:
    element: str
    kind: str  # BPMN element type, e.g. "userTask"
    name: str | None
    changes: tuple[tuple[str, str | None, str | None], ...] = ()  # (fact, before, after)


@dataclass
class FileDiff:
    path: str
    status: str  # added | removed | changed
    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)
    layout_changed: bool = False
    text_diff: list[str] = field(default_factory=list)  # non-XML files
    table: list[TableChange] = field(default_factory=list)  # a DMN file's changes in words (these alone)
    words: list[Message] = field(default_factory=list)  # a form's changes in words (form_diff)


def diff_files(old: dict[str, str], new: dict[str, str]) -> list[FileDiff]:
    """Every file that differs between two versions' `files` mappings."""
    result = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        if path.endswith(".dmn") and before and after and (table := _diff_table(path, before, after)):
            result.append(table)
        elif path.endswith((".bpmn", ".dmn")):
            result.append(_diff_xml(path, status, before, after))
        elif is_form_path(path):
            result.append(FileDiff(path, status, words=form_changes(before, after)))
        else:
            lines = difflib.unified_diff((before or "").splitlines(), (after or "").splitlines(),
                                         lineterm="", n=1)
            result.append(FileDiff(path, status, text_diff=list(lines)[2:]))
    return result


def _diff_table(path: str, before: str, after: str) -> FileDiff | None:
    """A changed decision table told by rule and column; None when nothing in the table changed."""
    table = table_changes(*(etree.fromstring(text.encode("utf-8"), SAFE_XML) for text in (before, after)))
    return FileDiff(path, "changed", layout_changed=_elements(before)[1] != _elements(after)[1],
                    table=table) if table else None


def _diff_xml(path: str, status: str, before: str | None, after: str | None) -> FileDiff:
    old, old_layout = _elements(before)
    new, new_layout = _elements(after)
    diff = FileDiff(path, status, layout_changed=old_layout != new_layout)
    for element_id in sorted(new.keys() - old.keys()):
        now = new[element_id]
        diff.added.append(ElementChange(element_id, now[0], now[1]))
    for element_id in sorted(old.keys() - new.keys()):
        was = old[element_id]
        diff.removed.append(ElementChange(element_id, was[0], was[1]))
    for element_id in sorted(old.keys() & new.keys()):
        was, now = old[element_id], new[element_id]
        if was != now:
            facts = sorted(set(was[2]) | set(now[2]))
            changes = tuple((f, was[2].get(f), now[2].get(f)) for f in facts if was[2].get(f) != now[2].get(f))
            diff.changed.append(ElementChange(element_id, now[0], now[1], changes))
    return diff


def _elements(text: str | None) -> tuple[dict[str, tuple[str, str | None, dict]], bytes]:
    """id -> (type, name, facts) for the semantic elements, and the layout as canonical bytes."""
    if text is None:
        return {}, b""
    root = etree.fromstring(text.encode("utf-8"), SAFE_XML)
    elements: dict[str, tuple[str, str | None, dict]] = {}
    layout = []
    for node in root.iter(etree.Element):
        parent = node.getparent()
        if etree.QName(node).namespace in DI_NAMESPACES:
            if parent is not None and etree.QName(parent).namespace not in DI_NAMESPACES:
                layout.append(etree.tostring(node, method="c14n"))
            continue
        if (element_id := node.get("id")) and node is not root:
            name = node.get("name") or (parent.get("name") if parent is not None else None)
            elements[element_id] = (etree.QName(node).localname, name, _facts(node))
    return elements, b"".join(layout)


def _facts(node) -> dict[str, str]:
    facts = {f"@{_local(k)}": v for k, v in node.attrib.items() if _counts(k, v) and _local(k) != "id"}
    for child in node:
        _child_facts(child, "", facts)
    return facts


def _child_facts(node, prefix: str, facts: dict[str, str]) -> None:
    if not isinstance(node.tag, str):  # comments, processing instructions
        return
    if node.get("id") and _local(node.tag) not in ("parameter",):
        facts[f"{prefix}{_local(node.tag)}#{node.get('id')}"] = "(element)"
        return
    key = prefix + _local(node.tag)
    label = node.get("name") if _local(node.tag) == "property" else node.get("id")
    if label:
        key += f"[{label}]"
    for attr, value in node.attrib.items():
        if _local(attr) not in ("name", "id") and _counts(attr, value):
            facts[f"{key}@{_local(attr)}"] = value
    text = (node.text or "").strip()
    if text:  # repeated children (incoming, outgoing) add up
        facts[key] = f"{facts[key]}, {text}" if key in facts else text
    for child in node:
        _child_facts(child, key + "/", facts)


def _counts(attr: str, value: str) -> bool:
    return not attr.startswith(XSI) and BPMN_DEFAULTS.get(_local(attr)) != value


def _local(tag: str) -> str:
    return etree.QName(tag).localname


@dataclass(frozen=True)
class SettingChange:
    """One value of ruleset.toml that differs: `path` as "deadlines.registration", a row of an
    array of tables numbered from 1 ("report_calendar.2.day"); None where the key is absent."""

    path: str
    before: object
    after: object

    @property
    def words(self) -> str:
        """In the regulation's words: "Hạn phân loại: 2 → 3 ngày làm việc"."""
        return change_words(self.path, self.before, self.after)


def diff_settings(old: dict, new: dict) -> list[SettingChange]:
    """Every value of the settings that differs, in the order of the new file."""
    before, after = _flatten(old), _flatten(new)
    paths = [*after, *(path for path in before if path not in after)]
    return [SettingChange(path, before.get(path), after.get(path)) for path in paths
            if before.get(path) != after.get(path)]


def _flatten(value, prefix: str = "") -> dict[str, object]:
    """Leaf values by path: tables are walked into, as are arrays of tables; other lists are values."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
        items = [(str(index), row) for index, row in enumerate(value, start=1)]
    else:
        return {prefix: value}
    flat: dict[str, object] = {}
    for key, item in items:
        flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return flat
