"""The shipped diagrams survive the editor untouched: what bpmn-js reads and writes back
(webui/modeler/js/roundtrip.mjs, the same code as the page) still compiles, and the only
difference is layout."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from engine.config import REPO_ROOT
from engine.rulesets.diff import diff_files
from engine.rulesets.loader import compile_bundle, read_ruleset

JS = REPO_ROOT / "webui" / "modeler" / "js"


def test_every_shipped_diagram_round_trips_through_the_editor():
    if shutil.which("node") is None or not (JS / "node_modules" / "bpmn-moddle").is_dir():
        pytest.fail("node and the modeler's npm packages are needed: run `make assets`")
    source = read_ruleset(REPO_ROOT / "processes", "dak-lak")
    paths = {p: REPO_ROOT / "processes" / ("dak-lak" if (REPO_ROOT / "processes" / "dak-lak" / p).exists()
                                           else "common") / p for p in source.files if p.endswith(".bpmn")}
    result = subprocess.run(["node", str(JS / "roundtrip.mjs"), *map(str, paths.values())], cwd=JS,
                            capture_output=True, text=True, timeout=60, check=True)
    written = json.loads(result.stdout)
    edited = {**source.files, **{p: written[str(path)] for p, path in paths.items()}}
    for change in diff_files(source.files, edited):
        assert not (change.added or change.removed or change.changed), change
    compile_bundle(type(source)(source.ruleset, edited, source.settings))
