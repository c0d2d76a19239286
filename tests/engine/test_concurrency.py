"""Two people (threads, and on PostgreSQL two real connections) complete the same work item at
the same moment: exactly one succeeds, the other is refused clearly and leaves no trace."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.audit.models import AuditEntry
from engine.directives.models import ProgressUpdate
from engine.errors import AlreadyDone, Conflict
from engine.runtime.models import Incident, WorkflowInstance, WorkItem
from tests.engine.conftest import open_assignment

ROUNDS = 3  # a race may go either way; repeat to exercise both orders


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def complete_twice_at_once(engine, item: WorkItem, user) -> list[object]:
    """Both submissions start together; returns "ok" or the refusal of each."""
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def submit(note: str) -> None:
        barrier.wait()
        try:
            engine.runtime.complete(item.id, {"action": "update", "progress": "in_progress", "note": note}, user)
            outcomes.append("ok")
        except (AlreadyDone, Conflict) as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=submit, args=(f"người {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_same_work_item_completed_twice_at_once(loaded, org_tree):
    engine = loaded
    lone = open_assignment(engine, org_tree)  # what one submission writes to the audit trail
    with engine.db.session() as s:
        before = count(s, AuditEntry)
    engine.runtime.complete(lone.id, {"action": "update", "progress": "in_progress"}, org_tree["stc"])
    with engine.db.session() as s:
        entries_per_submission = count(s, AuditEntry) - before
    for _ in range(ROUNDS):
        handle = open_assignment(engine, org_tree)
        with engine.db.session() as s:
            version = s.get(WorkflowInstance, handle.instance_id).version
            audits = count(s, AuditEntry)
        outcomes = complete_twice_at_once(engine, handle, org_tree["stc"])
        assert outcomes.count("ok") == 1, outcomes
        [refusal] = [o for o in outcomes if o != "ok"]
        assert "already been completed" in str(refusal) or "at the same moment" in str(refusal)
        with engine.db.session() as s:  # the refused submission left no trace
            assert s.get(WorkflowInstance, handle.instance_id).version == version + 1
            assert count(s, ProgressUpdate, ProgressUpdate.assignment_id == handle.assignment_id) == 1
            assert count(s, AuditEntry, AuditEntry.action == "work_item.completed",
                         AuditEntry.object_id == str(handle.id)) == 1
            assert count(s, AuditEntry) - audits == entries_per_submission
            assert count(s, Incident) == 0
