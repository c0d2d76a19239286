"""At run time an escape attempt in a script becomes an incident, never code execution: both one
the load-time lint cannot see, and ones that only a bypassed lint would let through."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.rulesets import loader
from engine.runtime.models import Incident
from tests.engine.conftest import instance_row, mini_engine, ready_item, start_mini
from tests.fixtures import PROCESSES, processes_with


def run_with_script(database_url, clock, tmp_path, script: str) -> Incident:
    good = (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8")
    root = processes_with(tmp_path, good.replace("ratio = 100 / divisor", script))
    world = mini_engine(database_url, clock, tmp_path, processes_dir=root)
    try:
        instance_id = start_mini(world.engine)
        enter = ready_item(world.engine, instance_id, "enter")
        world.engine.runtime.complete(enter.id, {"divisor": "1", "unit_code": "VP"}, world.clerk)
        assert instance_row(world.engine, instance_id).status == "error"
        with world.engine.db.session() as s:
            return s.scalars(select(Incident)).one()
    finally:
        world.engine.close()


def test_escape_hidden_from_the_lint_is_stopped_at_run_time(database_url, clock, tmp_path):
    # str.format reaches attributes by name inside the string: no attribute in the code itself.
    script = "ratio = '{0.__class__.__base__.__subclasses__}'.format(divisor)"
    assert loader.check_code(script, "exec") == []
    incident = run_with_script(database_url, clock, tmp_path, script)
    assert incident.element_id == "compute"
    assert "format" in incident.error and "subclasses" not in incident.error.split(":", 1)[0]


@pytest.mark.parametrize(("script", "refusal"), [
    ("ratio = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0](['touch', '{sentinel}'])",
     'ScriptRefused:Line 1: "__subclasses__" is an invalid attribute name'),
    ("ratio = __import__('os').system('touch {sentinel}')", '"__import__" is an invalid variable name'),
    ("import os\nratio = os.system('touch {sentinel}')", "ImportError:__import__ not found"),
])
def test_escape_past_a_bypassed_lint_becomes_an_incident(database_url, clock, tmp_path, monkeypatch, script, refusal):
    sentinel = tmp_path / "escaped"
    monkeypatch.setattr(loader, "check_code", lambda source, mode: [])  # as if the lint had a hole
    incident = run_with_script(database_url, clock, tmp_path, script.format(sentinel=sentinel))
    assert incident.element_id == "compute" and refusal in incident.error
    assert not sentinel.exists()
