"""Every scenario file shipped with a ruleset (processes/<ruleset>/scenarios/*.toml) passes
against that ruleset as it is on disk; a failing one names its file, step and expectation."""
from functools import cache

import pytest

from engine.config import REPO_ROOT
from engine.rulesets.loader import read_ruleset
from engine.scenarios import runner
from engine.scenarios.runner import compile_for_scenarios, run_file
from tests.link_copies import stale_copies

PROCESSES = REPO_ROOT / "processes"
SHIPPED = sorted(PROCESSES.glob("*/scenarios/*.toml"))


@cache
def _ruleset(name: str):
    source = read_ruleset(PROCESSES, name)
    return source, compile_for_scenarios(source)


def test_every_shipped_ruleset_has_scenario_files():
    rulesets = {p.parent.name for p in PROCESSES.glob("*/ruleset.toml")}
    assert rulesets == {p.parent.parent.name for p in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_scenario_file(path, monkeypatch):
    """… and leaves every link's copy of its assignment as the assignment is (tests/link_copies.py)."""
    play = runner._Run.play

    def play_and_check(run):
        failure = play(run)
        assert stale_copies(run.engine) == [], "a step left the links' copies behind"
        return failure

    monkeypatch.setattr(runner._Run, "play", play_and_check)
    source, compiled = _ruleset(path.parent.parent.name)
    relative = path.relative_to(path.parent.parent).as_posix()
    result = run_file(source, relative, source.files[relative], compiled)
    assert result.ok, f"{path.parent.parent.name}/{result.message}"
