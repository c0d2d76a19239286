"""The statements of an engine step, built once per worker.

A step runs on every submission and every timer, so its few statements skip what the ORM
adds per call: the expressions are built here once (SQLAlchemy then reuses their compiled
form), and the step's writes (the instance row, with a version check of its own, the work
items and the step's audit entry) are Core statements instead of going through the unit of
work. On PostgreSQL they are one statement (`write_step`): each statement there is a round
trip to the server, and a step's wall-clock time was mostly those (issue #20).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache

from sqlalchemy import Select, Update, and_, bindparam, func, insert, null, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import audit
from engine.audit.models import AuditEntry
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
_SAVED_COLUMNS = ("state", "status", "next_timer_due", "waiting_messages", "updated_at")
# (No parameter is named after a column of the tables the PostgreSQL statement writes: SQLAlchemy
# would add it to their SET clauses.)
_SAVE = (update(_INSTANCES)
         .where(_INSTANCES.c.id == bindparam("saved_id"), _INSTANCES.c.version == bindparam("expected"))
         .values({**{name: bindparam(name) for name in _SAVED_COLUMNS},
                  "version": bindparam("expected") + 1}))
_ITEMS = WorkItem.__table__
_AUDIT = AuditEntry.__table__
_ADD_ITEM = insert(_ITEMS)
# A closed item keeps no draft (SQL NULL, as an item never drafted).
_CLOSING = ("status", "completed_at", "completed_by")
_CLOSE_ITEM = (update(_ITEMS).where(_ITEMS.c.id == bindparam("item_id"))
               .values({**{name: bindparam(name) for name in _CLOSING}, "draft": null()}))
# The columns of a new work item (a closed one sets the others).
_NEW_ITEM_COLUMNS = tuple(c.name for c in _ITEMS.c if c.name not in ("id", "completed_at", "completed_by", "draft"))


_KEEP_DRAFT = update(_ITEMS).where(_ITEMS.c.task_id == bindparam("kept_task_id")).values(draft=bindparam("kept"))


def keep_drafts(session: Session, drafts: dict[str, dict]) -> None:
    """Give the new items whose task id `drafts` names their draft (written after `write_step`, which
    adds items without one: a draft carried over is rare, the step's statement stays as it is)."""
    if drafts:
        session.connection().execute(_KEEP_DRAFT, [{"kept_task_id": task_id, "kept": draft}
                                                   for task_id, draft in drafts.items()])


def open_items(session: Session, instance_id: int, also: int | None = None) -> list[WorkItem]:
    """The instance's ready work items (and work item `also`, whatever its status)."""
    query = _READY if also is None else _READY_OR_ONE
    # No autoflush: a flush now would write the instance row before the step's own save.
    with session.no_autoflush:
        return list(session.scalars(query, {"instance_id": instance_id, "also": also}))


def write_step(session: Session, instance: WorkflowInstance, *, entry: dict | None, closing: list[WorkItem],
               adding: list[dict], **values) -> None:
    """Write a step's result: its audit entry (`audit.entry`, or None), the closing of `closing`
    (status, completed_at, completed_by set on the objects, by `close`), the new work items `adding`, and
    the instance row (`_SAVED_COLUMNS` in `values`) with its version bumped. Refuses with
    Conflict when the row's version is no longer the one this step loaded (then nothing of it
    may be committed: the caller's transaction rolls back). The ORM objects then hold the
    written values as committed ones, so the flush does not write them again."""
    saved = {"saved_id": instance.id, "expected": instance.version, **values}
    write = _write_together if one_statement(session) else _write_apart
    result = write(session, saved, entry, closing, adding)
    if result.rowcount != 1:
        raise Conflict("Someone else changed this at the same moment; reload and try again.")
    for name, value in values.items():
        set_committed_value(instance, name, value)
    set_committed_value(instance, "version", instance.version + 1)


def one_statement(session: Session) -> bool:
    """Whether the step's writes go as one statement (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def _write_apart(session: Session, saved: dict, entry: dict | None, closing: list[WorkItem],
                 adding: list[dict]) -> CursorResult:
    """One statement per kind of row (SQLite: no data-modifying CTEs, and a statement costs
    no round trip); returns the instance UPDATE's result."""
    if entry is not None:
        audit.write(session, entry)
    _close_work_items(session, closing)
    if adding:
        session.connection().execute(_ADD_ITEM, adding)
    return session.connection().execute(_SAVE, saved)


def _close_work_items(session: Session, items: list[WorkItem]) -> None:
    """Write the closing of `items` in one statement (SQLite)."""
    if items:
        session.connection().execute(_CLOSE_ITEM, [{"item_id": item.id, **{name: getattr(item, name)
                                                                            for name in _CLOSING}}
                                                    for item in items])


def close(item: WorkItem, status: WorkItemStatus, at: datetime, by: int | None = None) -> None:
    """Close `item` in memory (its draft dropped); `write_step` writes it. Set as if already stored, so the item is not
    left changed: the session's flushes (one after the step, one at its commit) then have nothing
    to look over, where a changed item cost them ~0.1 ms per step to find nothing to write."""
    for name, value in zip((*_CLOSING, "draft"), (status, at, by, None), strict=True):
        set_committed_value(item, name, value)


@contextmanager
def read_again_on_error(session: Session, items: list[WorkItem]) -> Iterator[None]:
    """Expire `items` if the block fails. Those `close` closed changed in memory only, unseen by
    the session: the rollback of a savepoint (a step inside its caller's transaction, a timer
    batch) would leave them closed there; expired, they are read again as stored."""
    try:
        yield
    except BaseException:
        for item in items:
            session.expire(item)
        raise


# ---------------------------------------------------------------- PostgreSQL: one statement
# Data-modifying CTEs: the audit INSERT, the UPDATE of the closed work items and the INSERT of
# the new ones ride along with the instance UPDATE, whose row count is the statement's (the
# version check). Rows go in as one array per column (unnest), so the statement's text is the
# same whatever the number of items, and is compiled once.

def _write_together(session: Session, saved: dict, entry: dict | None, closing: list[WorkItem],
                    adding: list[dict]) -> CursorResult:
    return session.connection().execute(_write_statement(entry is not None),
                                        {**saved, **_write_parameters(entry, closing, adding)})


def _write_parameters(entry: dict | None, closing: list[WorkItem], adding: list[dict]) -> dict:
    return {**{f"closed_{name}": [getattr(item, name) for item in closing] for name in ("id", *_CLOSING)},
            **{f"added_{name}": [row[name] for row in adding] for name in _NEW_ITEM_COLUMNS},
            **{f"entry_{name}": value for name, value in (entry or {}).items()}}


def _unnest(prefix: str, names: tuple[str, ...]):
    """The rows given as arrays `prefix_<column>`, as a table named `prefix`."""
    arrays = [bindparam(f"{prefix}_{name}", type_=ARRAY(_ITEMS.c[name].type)) for name in names]
    return func.unnest(*arrays).table_valued(*names).render_derived(name=prefix)


@cache  # built at first use: the types of foreign-key columns are known once all models are loaded
def _write_statement(with_entry: bool) -> Update:
    closed = _unnest("closed", ("id", *_CLOSING))
    close = (update(_ITEMS).where(_ITEMS.c.id == closed.c.id)
             .values({**{name: closed.c[name] for name in _CLOSING}, "draft": null()}).cte("closed"))
    added = _unnest("added", _NEW_ITEM_COLUMNS)
    add = insert(_ITEMS).from_select(_NEW_ITEM_COLUMNS, select(*added.c)).cte("added")
    entry = insert(_AUDIT).values({c.name: bindparam(f"entry_{c.name}", type_=c.type) for c in _AUDIT.c
                                   if c.name != "id"}).cte("entry")
    ctes = [close, add, entry] if with_entry else [close, add]
    return _SAVE.add_cte(*ctes)
