"""The statements of an engine step, built once per worker.

A step runs on every submission and every timer, so its few statements skip what the ORM
adds per call: the expressions are built here once (SQLAlchemy then reuses their compiled
form), and the step's writes (the instance row, with a version check of its own, and the work
items) are Core statements instead of going through the unit of work.
"""
from __future__ import annotations

from sqlalchemy import Select, and_, bindparam, insert, null, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.errors import Conflict
from engine.runtime.models import Incident, WorkflowInstance, WorkItem, WorkItemStatus
from engine.working_days import revision_column


def _locking(where) -> Select:
    """The instance row (to lock) and the calendar revision the step will use (see
    engine.working_days.remember_revision)."""
    return select(WorkflowInstance, revision_column()).where(where).execution_options(populate_existing=True)


LOCK_BY_ID = _locking(WorkflowInstance.id == bindparam("instance_id"))
LOCK_OF_WORK_ITEM = _locking(WorkflowInstance.id == select(WorkItem.instance_id)
                             .where(WorkItem.id == bindparam("work_item_id")).scalar_subquery())
LOCK_OF_INCIDENT = _locking(WorkflowInstance.id == select(Incident.instance_id)
                            .where(Incident.id == bindparam("incident_id")).scalar_subquery())
_READY = select(WorkItem).where(WorkItem.instance_id == bindparam("instance_id"),
                                WorkItem.status == WorkItemStatus.READY)
# Each branch of the OR names an index (instance and status; the id), so the closed items an
# instance piles up loop after loop are not scanned (issue #20).
_READY_OR_ONE = select(WorkItem).where(or_(
    and_(WorkItem.instance_id == bindparam("instance_id"), WorkItem.status == WorkItemStatus.READY),
    and_(WorkItem.id == bindparam("also"), WorkItem.instance_id == bindparam("instance_id"))))
_INSTANCES = WorkflowInstance.__table__
_SAVED_COLUMNS = ("state", "status", "next_timer_due", "updated_at")
_SAVE = (update(_INSTANCES)
         .where(_INSTANCES.c.id == bindparam("instance_id"), _INSTANCES.c.version == bindparam("expected"))
         .values({**{name: bindparam(name) for name in _SAVED_COLUMNS},
                  "version": bindparam("expected") + 1}))
_ITEMS = WorkItem.__table__
_ADD_ITEM = insert(_ITEMS)
# A closed item keeps no draft (SQL NULL, as an item never drafted).
_CLOSE_ITEM = (update(_ITEMS).where(_ITEMS.c.id == bindparam("item_id"))
               .values(status=bindparam("status"), completed_at=bindparam("completed_at"),
                       completed_by=bindparam("completed_by"), draft=null()))
_CLOSED_COLUMNS = ("status", "completed_at", "completed_by", "draft")


def open_items(session: Session, instance_id: int, also: int | None = None) -> list[WorkItem]:
    """The instance's ready work items (and work item `also`, whatever its status)."""
    query = _READY if also is None else _READY_OR_ONE
    # No autoflush: a flush now would write the instance row before the step's own save.
    with session.no_autoflush:
        return list(session.scalars(query, {"instance_id": instance_id, "also": also}))


def add_work_items(session: Session, rows: list[dict]) -> None:
    """Insert new work_items rows (one statement, whatever their number)."""
    if rows:
        session.connection().execute(_ADD_ITEM, rows)


def close_work_items(session: Session, items: list[WorkItem]) -> None:
    """Write the closing of `items` (status, completed_at, completed_by set on the objects)
    in one statement; the objects then hold these values as committed ones."""
    if not items:
        return
    session.connection().execute(_CLOSE_ITEM, [{"item_id": item.id, "status": item.status,
                                                "completed_at": item.completed_at,
                                                "completed_by": item.completed_by} for item in items])
    for item in items:
        item.draft = None
        for name in _CLOSED_COLUMNS:
            set_committed_value(item, name, getattr(item, name))


def save_instance(session: Session, instance: WorkflowInstance, **values) -> None:
    """Write the step's result (`_SAVED_COLUMNS`) and bump the version, refusing with
    Conflict when the row's version is no longer the one this step loaded. The ORM object
    then holds the written values as committed ones, so the flush does not write them again."""
    result = session.connection().execute(_SAVE, {"instance_id": instance.id, "expected": instance.version,
                                                  **values})
    if result.rowcount != 1:
        raise Conflict("Someone else changed this at the same moment; reload and try again.")
    for name, value in values.items():
        set_committed_value(instance, name, value)
    set_committed_value(instance, "version", instance.version + 1)
