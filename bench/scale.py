"""(b) How the step cost grows with the number of stored instances: copies of one instance's
rows (instance, its work item, audit entries) are bulk-inserted with executemany."""
from __future__ import annotations

import uuid

from sqlalchemy import insert, select, text

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
        item = _without_id(s.execute(select(items).where(items.c.instance_id == template_id)).mappings().first())
        entry = _without_id(s.execute(select(audits).where(audits.c.object_id == str(template_id))).mappings().first())
        first_id = s.scalar(select(instances.c.id).order_by(instances.c.id.desc()).limit(1)) + 1
        for start in range(0, count, CHUNK):
            ids = range(first_id + start, first_id + min(count, start + CHUNK))
            s.execute(insert(instances), [{**row, "id": i} for i in ids])
            s.execute(insert(items), [{**item, "instance_id": i, "task_id": str(uuid.uuid4())} for i in ids])
            s.execute(insert(audits), [{**entry, "object_id": str(i)} for i in ids for _ in range(AUDIT_PER_INSTANCE)])
    for table in (instances, items, audits):  # ids given explicitly: keep PostgreSQL's sequences ahead
        _resync_sequence(world, table)
    with world.engine.db.session() as s:  # fresh planner statistics, as autovacuum would give a live database
        s.execute(text("ANALYZE"))


def _without_id(row) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


def _resync_sequence(world: World, table) -> None:
    if world.engine.db.is_sqlite:
        return
    with world.engine.db.session() as s:
        s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                       f"(SELECT max(id) FROM {table.name}))"))
