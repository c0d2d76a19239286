"""Every status-like column takes its values from one StrEnum (tests/statuses.py lists them):
its default and every value stored, written by a diagram or shown in the API is a member."""
from __future__ import annotations

import ast
import gzip
import json
from pathlib import Path

import pytest
import yaml
from lxml import etree

from engine.directives.models import Assignment, AssignmentStatus, Directive, ExtensionRequest
from engine.directives.operators import update_assignment
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.sandbox.operators import StepContext
from tests import statuses
from tests.conftest import REPO_ROOT
from tests.engine.conftest import open_assignment

SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
# The operators a diagram sets a status with, and the column each one writes.
WRITERS = {"directive.update": Directive.status, "assignment.update": Assignment.status}
# The API's schemas (docs/openapi.yaml) that show a status column.
SCHEMAS = {("Directive", "status"): Directive.status, ("Assignment", "status"): Assignment.status,
           ("Assignment", "deadline_kind"): Assignment.deadline_kind, ("Extension", "status"): ExtensionRequest.status,
           ("WorkItem", "status"): WorkItem.status}


@pytest.mark.parametrize("column, enum", statuses.COLUMNS, ids=[statuses.name(c) for c, _ in statuses.COLUMNS])
def test_the_default_is_a_member_and_every_member_fits_the_column(column, enum):
    default = column.default.arg if column.default is not None else None
    assert default is None or default in list(enum)
    assert max(len(member) for member in enum) <= column.type.length


def test_the_diagrams_write_only_members():
    written = [(path.name, statuses.name(WRITERS[operator.get("id")]), ast.literal_eval(parameter.get("value")))
               for path in sorted((REPO_ROOT / "processes").rglob("*.bpmn"))
               for operator in etree.parse(str(path)).iter(f"{SPIFF}serviceTaskOperator")
               if operator.get("id") in WRITERS
               for parameter in operator.iter(f"{SPIFF}parameter") if parameter.get("id") == "status"]
    assert written
    assert [(file, column, value) for file, column, value in written
            if value not in list(statuses.ENUMS[column])] == []


def test_the_saved_worlds_hold_only_members():
    """The corpus of saved states (tests/fixtures/states) keeps the rows real runs wrote."""
    seen: dict[str, set] = {}
    for path in (REPO_ROOT / "tests" / "fixtures" / "states").rglob("*.json.gz"):
        if path.name == "bundles.json.gz":
            continue
        rows = json.loads(gzip.decompress(path.read_bytes()))
        for column, _ in statuses.COLUMNS:
            seen.setdefault(statuses.name(column), set()).update(
                row[column.key] for row in rows.get(column.class_.__tablename__, []))
    outside = {name: values - set(statuses.ENUMS[name]) for name, values in seen.items()}
    assert seen[statuses.name(Assignment.status)] and seen[statuses.name(WorkflowInstance.status)]
    assert {name: values for name, values in outside.items() if values} == {}


@pytest.mark.parametrize("schema, field", SCHEMAS)
def test_the_api_lists_the_members(schema, field):
    spec = yaml.safe_load(Path(REPO_ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    listed = spec["components"]["schemas"][schema]["properties"][field]["enum"]
    assert listed == [member.value for member in statuses.ENUMS[statuses.name(SCHEMAS[schema, field])]]


def test_a_status_a_diagram_mistyped_is_refused(loaded, org_tree):
    handle = open_assignment(loaded, org_tree)
    with loaded.db.session() as s:
        assignment = s.get(Assignment, handle.assignment_id)
        ctx = StepContext(s, s.get(WorkflowInstance, assignment.instance_id), None, org_tree["clerk"], loaded.runtime)
        with pytest.raises(ValueError, match="assignment.update: unknown status 'closd'"):
            update_assignment(ctx, {}, {"status": "closd"})
        update_assignment(ctx, {}, {"status": "closed"})
        assert assignment.status == AssignmentStatus.CLOSED
