"""(b) How the step cost grows with the number of stored instances: copies of one instance's
rows (instance, its work item, audit entries) are bulk-inserted with executemany. The helpers
(insert_copies, next_id, resync_sequences) serve other benches' copies too (bench/timers)."""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from bench.world import World
from engine.audit.models import AuditEntry
from engine.runtime.models import WorkflowInstance, WorkItem

CHUNK = 5000
AUDIT_PER_INSTANCE = 3


def add_copies(world: World, template_id: int, count: int) -> None:
    """Store `count` more instances like `template_id` (each with a ready work item)."""
    instances, items, audits = WorkflowInstance.__table__, WorkItem.__table__, AuditEntry.__table__
    with world.engine.db.session() as s:
        row = dict(s.execute(select(instances).where(instances.c.id == template_id)).mappings().one())
        item = without_id(s.execute(select(items).where(items.c.instance_id == template_id)).mappings().first())
        entry = without_id(s.execute(select(audits).where(audits.c.object_id == str(template_id))).mappings().first())
        first = next_id(s, instances)
        ids = range(first, first + count)
        insert_copies(s, instances, row, ({"id": i} for i in ids))
        insert_copies(s, items, item, ({"instance_id": i, "task_id": str(uuid.uuid4())} for i in ids))
        insert_copies(s, audits, entry, ({"object_id": str(i)} for i in ids for _ in range(AUDIT_PER_INSTANCE)))
    resync_sequences(world, (instances, items, audits))


def insert_copies(session: Session, table: Table, template: dict, changes: Iterable[dict]) -> None:
    """One row like `template` per dict of `changes` (what differs), CHUNK rows a statement."""
    chunk: list[dict] = []
    for change in changes:
        chunk.append({**template, **change})
        if len(chunk) == CHUNK:
            session.execute(insert(table), chunk)
            chunk = []
    if chunk:
        session.execute(insert(table), chunk)


def next_id(session: Session, table: Table) -> int:
    """The id after the highest stored one (copies are given their ids explicitly)."""
    return (session.scalar(select(table.c.id).order_by(table.c.id.desc()).limit(1)) or 0) + 1


def without_id(row) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


def resync_sequences(world: World, tables: Iterable[Table]) -> None:
    """After copies with explicit ids: keep PostgreSQL's sequences ahead of them, and give the
    planner fresh statistics, as autovacuum would on a live database."""
    with world.engine.db.session() as s:
        if not world.engine.db.is_sqlite:
            for table in tables:
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                               f"(SELECT max(id) FROM {table.name}))"))
        s.execute(text("ANALYZE"))
