"""A worker keeps the workflow its step saved for its next step of that instance (engine.runtime.kept),
used only while the row holds what that step wrote; a step that fails leaves nothing kept. Two
Engine objects on one database stand for two worker processes (each keeps its own);
tests/deployment/test_kept_workflows.py runs the real processes."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import metrics
from engine.core import Engine
from engine.errors import AlreadyDone
from engine.runtime import persistence, service
from engine.runtime.models import WorkflowInstance, WorkItem
from engine.spiff.state import dump_state, dump_state_exact, load_state
from tests.engine.conftest import open_assignment

UPDATE = {"action": "update", "progress": "in_progress"}


@pytest.fixture
def workers(loaded):
    """The test's engine (worker A) and a second worker B on the same database."""
    other = Engine(loaded.settings)
    yield loaded, other
    other.close()


def steps(source: str) -> float:
    """Steps so far whose workflow was `kept` or `loaded` (this process's counter)."""
    return metrics.events().get_sample_value("dondoc_engine_step_workflows_total", {"source": source}) or 0.0


def handle_item(engine: Engine, instance_id: int) -> int:
    with engine.db.session() as s:
        return s.scalars(select(WorkItem.id).where(WorkItem.instance_id == instance_id, WorkItem.element_id == "handle",
                                                   WorkItem.status == "ready")).one()


def report(engine: Engine, user, instance_id: int, note: str) -> None:
    """The lead unit's progress update on the waiting `handle` step (it loops back to a new one)."""
    engine.runtime.complete(handle_item(engine, instance_id), {**UPDATE, "note": note}, user)


def row(engine: Engine, instance_id: int) -> WorkflowInstance:
    with engine.db.session() as s:
        return s.get_one(WorkflowInstance, instance_id)


def notes(engine: Engine, instance_id: int) -> list[str]:
    """The notes of the progress updates recorded, in order."""
    from engine.directives.models import ProgressUpdate

    with engine.db.session() as s:
        assignment_id = s.get_one(WorkflowInstance, instance_id).assignment_id
        return list(s.scalars(select(ProgressUpdate.note).where(ProgressUpdate.assignment_id == assignment_id)
                              .order_by(ProgressUpdate.id)))


def test_the_next_step_in_the_same_worker_loads_no_state(loaded, org_tree):
    instance_id = open_assignment(loaded, org_tree).instance_id
    kept, loaded_before = steps("kept"), steps("loaded")
    for n in range(3):
        report(loaded, org_tree["stc"], instance_id, f"Lần {n}")
    assert (steps("kept") - kept, steps("loaded") - loaded_before) == (3, 0)
    assert notes(loaded, instance_id) == ["Lần 0", "Lần 1", "Lần 2"]


def assert_kept_as_loaded(engine: Engine) -> int:
    """Each workflow `engine` keeps is its row's text, and beside the tasks it holds what a load of that
    text sets: the sub-processes and the events waiting in the stored order (SpiffWorkflow fires due
    timers and delivers messages in that order). Kept again afterwards; returns how many."""
    with engine.db.session() as s:
        rows = s.scalars(select(WorkflowInstance)).all()
        compiled = {row.bundle_id: engine.cache.by_id(s, row.bundle_id) for row in rows}
    checked = 0
    for stored in rows:
        spec = compiled[stored.bundle_id].specs[stored.process_id]
        kept = engine.runtime.kept.take(stored.id, stored.version, stored.state, spec)
        if kept is None:
            continue
        fresh = load_state(stored.state, spec, compiled[stored.bundle_id].subprocess_specs(stored.process_id),
                           engine.runtime.script_engine)
        assert dump_state(kept) == dump_state(fresh) == stored.state
        assert list(kept.subprocesses) == list(fresh.subprocesses)
        assert list(kept.event_manager.tasks) == list(fresh.event_manager.tasks)
        engine.runtime.kept.keep(stored.id, stored.version, stored.state, kept)
        checked += 1
    return checked


def test_a_kept_workflow_is_what_a_load_of_its_saved_state_rebuilds(loaded, org_tree, clock):
    """Updates day after day, the reminders and the deadline's timers firing between them."""
    instances = [open_assignment(loaded, org_tree).instance_id for _ in range(2)]
    assert assert_kept_as_loaded(loaded) >= 2  # as started
    fired = 0
    for day in range(15):
        for instance_id in instances:
            report(loaded, org_tree["stc"], instance_id, f"Ngày {day}")
            assert_kept_as_loaded(loaded)
        clock.advance(timedelta(days=1))
        fired += loaded.runtime.run_due_timers()
        assert_kept_as_loaded(loaded)
    assert fired


def test_a_step_of_another_worker_is_seen(workers, org_tree):
    a, b = workers
    instance_id = open_assignment(a, org_tree).instance_id
    report(a, org_tree["stc"], instance_id, "A1")
    report(b, org_tree["stc"], instance_id, "B1")
    loaded_before = steps("loaded")
    report(a, org_tree["stc"], instance_id, "A2")  # A kept its workflow of before B's step: it loads
    report(b, org_tree["stc"], instance_id, "B2")
    assert steps("loaded") - loaded_before == 2
    assert notes(a, instance_id) == ["A1", "B1", "A2", "B2"]


def test_a_rolled_back_step_is_not_taken_for_another_workers_step_of_the_same_version(workers, org_tree):
    """A's step rolls back with its caller's transaction after A kept its workflow; B then takes the
    same step, so the row reaches the version A kept, with B's text: A loads B's."""
    a, b = workers
    instance_id = open_assignment(a, org_tree).instance_id
    with pytest.raises(RuntimeError, match="caller failed"), a.db.session():
        report(a, org_tree["stc"], instance_id, "bỏ")  # a savepoint of the caller's transaction
        raise RuntimeError("the caller failed")
    report(b, org_tree["stc"], instance_id, "B1")
    report(a, org_tree["stc"], instance_id, "A1")  # B's new `handle` is unknown to A's kept workflow
    assert notes(a, instance_id) == ["B1", "A1"]


@pytest.mark.parametrize("failing", [(service, "dump_state_exact"), (persistence, "keep_drafts")],
                         ids=["before the save", "after the save"])
def test_a_step_that_fails_leaves_no_workflow_to_take(loaded, org_tree, monkeypatch, failing):
    """The failed step had run the user task on the workflow it took: the same item is completed
    again on the state as stored."""
    instance_id = open_assignment(loaded, org_tree).instance_id
    report(loaded, org_tree["stc"], instance_id, "Lần 1")  # now kept
    item_id = handle_item(loaded, instance_id)

    def fail(*_args, **_kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patched:
        patched.setattr(*failing, fail)
        with pytest.raises(RuntimeError, match="disk is full"):
            loaded.runtime.complete(item_id, {**UPDATE, "note": "hỏng"}, org_tree["stc"])
    loaded.runtime.complete(item_id, {**UPDATE, "note": "Lần 2"}, org_tree["stc"])
    assert notes(loaded, instance_id) == ["Lần 1", "Lần 2"]
    with pytest.raises(AlreadyDone):
        loaded.runtime.complete(item_id, {**UPDATE, "note": "lần nữa"}, org_tree["stc"])


def test_a_worker_keeps_at_most_workflow_cache_size(loaded, org_tree):
    small = Engine(dataclasses.replace(loaded.settings, workflow_cache_size=1))
    try:
        first, second = (open_assignment(loaded, org_tree).instance_id for _ in range(2))
        loaded_before = steps("loaded")
        for instance_id in (first, second, first, first):  # the second's save drops the first's
            report(small, org_tree["stc"], instance_id, "x")
        assert steps("loaded") - loaded_before == 3 and len(small.runtime.kept) == 1
    finally:
        small.close()


def test_a_state_that_reads_back_as_other_values_is_not_exact(loaded, org_tree):
    instance_id = open_assignment(loaded, org_tree).instance_id
    with loaded.db.session() as s:
        workflow = loaded.runtime.workflow_of(s, s.get_one(WorkflowInstance, instance_id))
    assert dump_state_exact(workflow)[1]
    workflow.task_tree.data["pair"] = (1, 2)  # written as a list: a load gives a list back
    assert not dump_state_exact(workflow)[1]
