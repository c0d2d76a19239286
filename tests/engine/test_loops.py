"""Many return-for-correction loops on one assignment: the flow still runs and its state stays
small and quick to load (SpiffWorkflow's task tree used to overflow after ~330 loops).
500+ loops are measured in bench (python -m bench --only loops)."""
from __future__ import annotations

import time

from sqlalchemy import select

from engine.directives.models import Assignment
from engine.runtime.models import WorkflowInstance, WorkItem
from tests.engine.conftest import open_assignment

LOOPS = 350


def ready(engine, form_key: str) -> WorkItem:
    with engine.db.session() as s:
        return s.scalars(select(WorkItem).where(WorkItem.form_key == form_key, WorkItem.status == "ready",
                                                WorkItem.assignment_id.is_not(None))).one()


def state_of(engine, instance_id: int) -> tuple[int, float]:
    with engine.db.session() as s:
        instance = s.get(WorkflowInstance, instance_id)
        began = time.perf_counter()
        engine.runtime._load(s, instance)
        return len(instance.state), time.perf_counter() - began


def test_many_return_for_correction_loops(loaded, org_tree):
    engine = loaded
    handle = open_assignment(engine, org_tree)
    size_after_one = None
    for n in range(1, LOOPS + 1):
        engine.runtime.complete(ready(engine, "update_progress").id,
                                {"action": "return", "return_reason": f"Không đúng chức năng (lần {n})"},
                                org_tree["stc"])
        engine.runtime.complete(ready(engine, "correct_assignment").id,
                                {"correction_note": f"Giao lại (lần {n})"}, org_tree["clerk"])
        if n == 1:
            size_after_one = state_of(engine, handle.instance_id)[0]
    size, load_seconds = state_of(engine, handle.instance_id)
    assert size < 2 * size_after_one, (size_after_one, size)  # the state does not grow with the loops
    assert load_seconds < 0.2
    engine.runtime.complete(ready(engine, "update_progress").id,
                            {"action": "update", "progress": "done", "note": "Xong"}, org_tree["stc"])
    engine.runtime.complete(ready(engine, "review_assignment").id, {"decision": "close"}, org_tree["clerk"])
    with engine.db.session() as s:
        assert s.get(Assignment, handle.assignment_id).status == "closed"
        assert s.get(WorkflowInstance, handle.instance_id).status == "completed"
