"""Decision tables (bảng quyết định) as a process admin sees them: columns by their labels,
rules by their description (or number), cells at a rule and a column. The loader checks every
cell with it, naming the rule and the column; the version diff says what changed in the same
words ("Rule «Thông thường», Số ngày làm việc: setting("deadlines.registration") → 3").

Cells are Python, as SpiffWorkflow 3.2.0 evaluates them (engine/sandbox): an output cell is an
expression; an input cell is `-` or empty (any value), an expression the column's value must
equal, a comparison missing its left side (`>= 5`, `in ["a", "b"]`), or an expression where `?`
stands for the column's value (`? in setting("registration.urgent_levels", [])`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from engine.rulesets.errors import Problem
from engine.sandbox import check_code

# SpiffWorkflow's DMNEngine replaces `?` outside quotes by a name bound to the column's value.
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")
# SpiffWorkflow reads every hit policy, and for COLLECT lists every match; it never aggregates.
_AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")


@dataclass(frozen=True)
class Column:
    id: str
    kind: str  # "input" | "output"
    label: str
    expression: str  # an input's expression; an output's name (the task-data key it sets)
    type_ref: str
    line: int | None


@dataclass(frozen=True)
class Cell:
    id: str | None
    column: Column
    text: str
    line: int | None


@dataclass(frozen=True)
class Rule:
    id: str
    number: int  # 1-based, as dmn-js numbers the rows
    description: str
    cells: tuple[Cell, ...]

    @property
    def label(self) -> str:
        return f"«{self.description}»" if self.description else str(self.number)


@dataclass(frozen=True)
class Table:
    name: str
    hit_policy: str
    aggregation: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class TableChange:
    """One change in words: `message` is an English msgid filled by `params` (the modeler
    translates it); `kind` is added, removed or changed."""

    kind: str
    message: str
    params: dict[str, str]


def read_table(tree) -> Table | None:
    """The first decision table of a parsed DMN file (the one SpiffWorkflow runs), any DMN version."""
    table = next(iter(tree.xpath("//*[local-name()='decision']/*[local-name()='decisionTable']")), None)
    if table is None:
        return None
    columns = tuple(_column(node) for node in table if _local(node) in ("input", "output"))
    rules = tuple(_rule(node, number, columns)
                  for number, node in enumerate((n for n in table if _local(n) == "rule"), start=1))
    decision = table.getparent()
    return Table(decision.get("name") or decision.get("id") or "", (table.get("hitPolicy") or "UNIQUE").upper(),
                 (table.get("aggregation") or "").upper(), columns, rules)


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _child(node, name: str):
    return next((child for child in node if _local(child) == name), None)


def _text(node) -> str:
    text = _child(node, "text") if node is not None else None
    return (text.text or "").strip() if text is not None else ""


def _column(node) -> Column:
    if _local(node) == "input":
        expression = _child(node, "inputExpression")
        text = _text(expression)
        return Column(node.get("id") or "", "input", node.get("label") or text, text,
                      expression.get("typeRef", "") if expression is not None else "", node.sourceline)
    name = node.get("name") or ""
    return Column(node.get("id") or "", "output", node.get("label") or name, name, node.get("typeRef", ""),
                  node.sourceline)


def _rule(node, number: int, columns: tuple[Column, ...]) -> Rule:
    description = _child(node, "description")
    entries: dict[str, list] = {"input": [], "output": []}
    for child in node:
        if _local(child) in ("inputEntry", "outputEntry"):
            entries[_local(child).removesuffix("Entry")].append(child)
    cells = []
    for kind in ("input", "output"):
        # a rule with more entries than columns is SpiffWorkflow's to refuse
        for column, entry in zip((c for c in columns if c.kind == kind), entries[kind], strict=False):
            cells.append(Cell(entry.get("id"), column, _text(entry), entry.sourceline))
    return Rule(node.get("id") or "", number, (description.text or "").strip() if description is not None else "",
                tuple(cells))


# ---------------------------------------------------------------------------- checks
_MESSAGES = ("Column %(column)s, input expression: %(detail)s", "Rule %(rule)s, column %(column)s: %(detail)s")


def lint(path: str, tree) -> list[Problem]:
    """Every input expression and cell must run in the sandbox; a problem names the column
    and the rule, and is at the cell's element (the editor outlines it)."""
    table = read_table(tree)
    if table is None:
        return []
    problems = [Problem(path, column.id, _MESSAGES[0],
                        column.line, {"column": column.label, "detail": detail})
                for column in table.columns if column.kind == "input"
                for detail in check_code(column.expression or "None", "eval")]
    problems += [Problem(path, cell.id or rule.id, _MESSAGES[1], cell.line,
                         {"rule": rule.label, "column": cell.column.label, "detail": detail})
                 for rule in table.rules for cell in rule.cells for detail in _cell_problems(cell)]
    if table.aggregation in _AGGREGATIONS:
        node = tree.xpath("//*[local-name()='decisionTable']")[0]
        problems.append(Problem(path, node.get("id"), "Hit policy Collect (%(aggregation)s) is not supported: "
                                "dondoc lists the values of all matching rules and does not add them up, count "
                                "or compare them", node.sourceline, {"aggregation": table.aggregation}))
    return problems


def said_in_words(problems: list[Problem]) -> list[Problem]:
    """`problems` without SpiffWorkflow's own report of a DMN element that `lint` named in words
    (its "Malformed Output Expression" repeats a cell's syntax error)."""
    named = {(p.file, p.element) for p in problems if p.message in _MESSAGES}
    return [p for p in problems if p.message in _MESSAGES or (p.file, p.element) not in named]


def _cell_problems(cell: Cell) -> list[str]:
    text = cell.text
    if cell.column.kind == "output":
        return check_code(text, "eval") if text else []
    if text in ("", "-"):
        return []
    if _QUESTION_MARK.search(text):
        return check_code(_QUESTION_MARK.sub("dmninputexpr", text), "eval")
    problems = check_code(text, "eval")  # a value the column must equal
    return problems if problems and check_code(f"v {text}", "eval") else []  # else a comparison (`>= 5`)


# ---------------------------------------------------------------------------- differences
def table_changes(before, after) -> list[TableChange]:
    """What changed between two versions of a parsed DMN file, in the admin's words; empty
    when the tables are the same (layout, comments and formatting aside)."""
    old, new = read_table(before), read_table(after)
    if old is None or new is None:
        return []
    changes = _header_changes(old, new) + _column_changes(old, new)
    old_rules, new_rules = {r.id: r for r in old.rules}, {r.id: r for r in new.rules}
    for rule in new.rules:
        if rule.id not in old_rules:
            changes.append(TableChange("added", "Rule %(rule)s added: %(cells)s",
                                       {"rule": rule.label, "cells": _cells_text(rule)}))
    changes += [TableChange("removed", "Rule %(rule)s removed", {"rule": rule.label})
                for rule in old.rules if rule.id not in new_rules]
    changes += _moves(old, new)
    for rule in new.rules:
        if rule.id in old_rules:
            changes += _rule_changes(old_rules[rule.id], rule)
    return changes


def _changed(message: str, before: str, after: str, **params: str) -> TableChange:
    return TableChange("changed", message, {**params, "before": before or "—", "after": after or "—"})


def _header_changes(old: Table, new: Table) -> list[TableChange]:
    changes = []
    if old.name != new.name:
        changes.append(_changed("Decision name: %(before)s → %(after)s", old.name, new.name))
    if (old.hit_policy, old.aggregation) != (new.hit_policy, new.aggregation):
        changes.append(_changed("Hit policy: %(before)s → %(after)s", _policy(old), _policy(new)))
    return changes


def _policy(table: Table) -> str:
    return f"{table.hit_policy} {table.aggregation}".strip()


_COLUMN_FACTS = (("label", "Column %(column)s renamed: %(before)s → %(after)s"),
                 ("expression", "Column %(column)s, expression: %(before)s → %(after)s"),
                 ("type_ref", "Column %(column)s, type: %(before)s → %(after)s"))


def _column_changes(old: Table, new: Table) -> list[TableChange]:
    before = {c.id: c for c in old.columns}
    after = {c.id: c for c in new.columns}
    changes = [TableChange("added", "Column %(column)s added", {"column": c.label})
               for c in new.columns if c.id not in before]
    changes += [TableChange("removed", "Column %(column)s removed", {"column": c.label})
                for c in old.columns if c.id not in after]
    for column in new.columns:
        if (was := before.get(column.id)) is not None:
            changes += [_changed(message, getattr(was, fact), getattr(column, fact), column=was.label)
                        for fact, message in _COLUMN_FACTS if getattr(was, fact) != getattr(column, fact)]
    return changes


def _moves(old: Table, new: Table) -> list[TableChange]:
    """Rules whose order among the rules of both versions changed (the first match wins), with
    their row numbers before and after."""
    before = {r.id: r for r in old.rules}
    kept = [r for r in new.rules if r.id in before]
    was = [r.id for r in old.rules if r.id in {k.id for k in kept}]
    return [_changed("Rule %(rule)s moved: row %(before)s → %(after)s", str(before[rule.id].number),
                     str(rule.number), rule=rule.label)
            for place, rule in enumerate(kept) if was[place] != rule.id]


def _rule_changes(old: Rule, new: Rule) -> list[TableChange]:
    changes = []
    if old.description != new.description:
        changes.append(_changed("Rule %(rule)s, description: %(before)s → %(after)s", old.description,
                                new.description, rule=old.label))
    before = {cell.column.id: cell.text for cell in old.cells}
    changes += [_changed("Rule %(rule)s, %(column)s: %(before)s → %(after)s", before[cell.column.id], cell.text,
                         rule=new.label, column=cell.column.label)
                for cell in new.cells if cell.column.id in before and before[cell.column.id] != cell.text]
    return changes


def _cells_text(rule: Rule) -> str:
    return "; ".join(f"{cell.column.label}: {cell.text or '—'}" for cell in rule.cells)
