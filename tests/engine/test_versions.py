"""An instance keeps the ruleset version it started on; new ones start on the newest."""
from __future__ import annotations

from sqlalchemy import select

from engine.rulesets.models import ProcessBundle
from engine.runtime.models import WorkflowInstance
from tests.engine.conftest import mini_engine, ready_item, start_mini
from tests.fixtures import PROCESSES, processes_with


def ratio_after_enter(world, instance_id: int) -> float:
    engine = world.engine
    engine.runtime.complete(ready_item(engine, instance_id, "enter").id, {"divisor": "5", "unit_code": "VP"},
                            world.clerk)
    with engine.db.session() as s:
        instance = s.get(WorkflowInstance, instance_id)
        _, workflow = engine.runtime._load(s, instance)
    return next(t.data["ratio"] for t in workflow.get_tasks() if t.task_spec.bpmn_id == "confirm")


def test_instance_keeps_its_version(database_url, clock, tmp_path):
    good = (PROCESSES / "common" / "mini.bpmn").read_text(encoding="utf-8")
    root = processes_with(tmp_path, good)
    world = mini_engine(database_url, clock, tmp_path, processes_dir=root)
    engine = world.engine
    try:
        old = start_mini(engine)
        processes_with(tmp_path, good.replace("ratio = 100 / divisor", "ratio = 1000 / divisor"))
        with engine.db.session() as s:
            second = engine.load_ruleset(s)
            assert engine.load_ruleset(s).id == second.id  # same content: no third version
        new = start_mini(engine)
        with engine.db.session() as s:
            bundles = {b.number: (b.id, b.status) for b in s.scalars(select(ProcessBundle))}
            assert [bundles[1][1], bundles[2][1]] == ["retired", "published"]
            assert s.get(WorkflowInstance, old).bundle_id == bundles[1][0]
            assert s.get(WorkflowInstance, new).bundle_id == bundles[2][0]
        engine.cache._compiled.clear()  # a fresh worker: the old version is rebuilt from its stored files
        assert ratio_after_enter(world, old) == 20
        assert ratio_after_enter(world, new) == 200
    finally:
        engine.close()
