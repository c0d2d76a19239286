"""A crash between the engine step and the commit leaves the last committed state intact:
state blob, version, work items, assignments, progress and audit trail."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from engine.audit.models import AuditEntry
from engine.directives.models import Assignment, ProgressUpdate
from engine.runtime import persistence
from engine.runtime.models import WorkflowInstance, WorkItem
from tests.engine.conftest import open_assignment

SUBMISSION = {"action": "update", "progress": "done", "note": "Đã xong"}


class Crash(Exception):
    pass


def snapshot(engine, handle: WorkItem) -> dict:
    with engine.db.session() as s:
        instance = s.get(WorkflowInstance, handle.instance_id)
        assignment = s.get(Assignment, handle.assignment_id)
        return {
            "state": instance.state, "version": instance.version, "status": instance.status,
            "work_items": s.execute(select(WorkItem.id, WorkItem.element_id, WorkItem.status)
                                    .order_by(WorkItem.id)).all(),
            "assignment": (assignment.status, assignment.progress, assignment.completed_on),
            "progress": s.scalars(select(ProgressUpdate.id)).all(),
            "audit": s.scalars(select(AuditEntry.id)).all(),
        }


def crash_when_work_item_audited(monkeypatch):
    real = persistence.write_step

    def write_step(session, instance, *, entry, **kwargs):
        real(session, instance, entry=entry, **kwargs)
        if entry and entry["action"] == "work_item.completed":  # the step's last write (with its audit entry) ran
            raise Crash("disk full")

    monkeypatch.setattr(persistence, "write_step", write_step)


def crash_before_commit(engine):
    """The commit itself fails (the connection drops); returns how to stop crashing."""

    def boom(session):
        raise Crash("connection lost")

    event.listen(engine.db.sessions, "before_commit", boom)
    return lambda: event.remove(engine.db.sessions, "before_commit", boom)


@pytest.mark.parametrize("where", ["audit write", "before commit"])
def test_crash_keeps_the_previous_state(loaded, org_tree, monkeypatch, where):
    engine = loaded
    handle = open_assignment(engine, org_tree)
    before = snapshot(engine, handle)
    undo = None
    if where == "audit write":
        crash_when_work_item_audited(monkeypatch)
    else:
        undo = crash_before_commit(engine)
    with pytest.raises(Crash):
        engine.runtime.complete(handle.id, SUBMISSION, org_tree["stc"])
    if undo:
        undo()
    monkeypatch.undo()
    assert snapshot(engine, handle) == before
    # nothing was half-done: the same submission now goes through
    engine.runtime.complete(handle.id, SUBMISSION, org_tree["stc"])
    after = snapshot(engine, handle)
    assert after["version"] == before["version"] + 1 and after["assignment"][1] == "done"
