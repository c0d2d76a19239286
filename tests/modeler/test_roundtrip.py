"""The shipped diagrams survive the editor untouched: what bpmn-js reads and writes back
(webui/modeler/js/roundtrip.mjs, the same code as the page) still compiles, and the only
difference is layout — also for migration, which compares the compiled specs."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from sqlalchemy import select

from engine.config import REPO_ROOT
from engine.rulesets import drafts, migration
from engine.rulesets.diff import diff_files
from engine.rulesets.loader import compile_bundle, read_ruleset
from engine.rulesets.models import ProcessBundle
from engine.runtime.models import WorkItem
from tests.modeler.conftest import ASSIGNMENT, NEW_TIMER, OLD_TIMER, start_assignment

JS = REPO_ROOT / "webui" / "modeler" / "js"


def roundtrip(*paths) -> dict[str, str]:
    """{path: the XML the editor writes back} for diagram files opened and saved untouched."""
    if shutil.which("node") is None or not (JS / "node_modules" / "bpmn-moddle").is_dir():
        pytest.fail("node and the modeler's npm packages are needed: run `make assets`")
    result = subprocess.run(["node", str(JS / "roundtrip.mjs"), *map(str, paths)], cwd=JS,
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def test_every_shipped_diagram_round_trips_through_the_editor():
    source = read_ruleset(REPO_ROOT / "processes", "dak-lak")
    paths = {p: REPO_ROOT / "processes" / ("dak-lak" if (REPO_ROOT / "processes" / "dak-lak" / p).exists()
                                           else "common") / p for p in source.files if p.endswith(".bpmn")}
    written = roundtrip(*paths.values())
    edited = {**source.files, **{p: written[str(path)] for p, path in paths.items()}}
    for change in diff_files(source.files, edited):
        assert not (change.added or change.removed or change.changed), change
    compile_bundle(type(source)(source.ruleset, edited, source.settings))
    # the user task property `urging` (the panel's «Đôn đốc khi quá hạn») is written back as it was read
    urged = {p: text.count('name="urging" value="diagram"') for p, text in source.files.items() if p in paths}
    assert urged["inspection.bpmn"] == 3 and urged == {
        p: written[str(paths[p])].count('name="urging" value="diagram"') for p in urged}


def test_editor_output_does_not_block_migration_by_reordering_flows(loaded, org_tree, processes_dir):
    """bpmn-js writes a gateway's flows in another order; an instance that already passed that
    gateway can still move when only a timer changed."""
    running = start_assignment(loaded, org_tree, "1/2026/QĐ-UBND")
    with loaded.db.session() as s:
        handle = s.scalars(select(WorkItem).where(WorkItem.element_id == "handle")).one()
    loaded.runtime.complete(handle.id, {"action": "update", "progress": "in_progress", "note": "Đang làm"},
                            org_tree["stc"])  # passes is_done and loops back to handle
    path = processes_dir / "common" / ASSIGNMENT
    edited = roundtrip(path)[str(path)].replace(OLD_TIMER, NEW_TIMER)
    with loaded.db.session() as s:
        bundle = s.scalars(select(ProcessBundle)).one()
        draft = drafts.open_draft(s, processes_dir, bundle, ASSIGNMENT, org_tree["admin"])
        version = drafts.save_version(s, processes_dir, loaded.cache, draft, edited, "x", org_tree["admin"]).bundle
    [plan] = migration.migrate_instances(loaded, [running.id], version.id, org_tree["admin"], dry_run=True)
    assert plan.ok and plan.changed == {"reminder": ["event_definition"]}, plan
