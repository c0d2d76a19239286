"""Many assignments waiting on the same reminder timer, fast: one real assignment of the shipped
processes (registered and classified through the engine, so that its assignment process waits
in urging.bpmn's timer), then bulk-inserted copies of its rows (bench/scale.py's helpers). Each
copy is a directive, an assignment, its lead unit and its workflow instance with its ready
work item; the copy's state is the template's with the copy's own ids and fresh task ids, so
that every copy's step reads and writes its own rows."""
from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.history import open_assignment
from bench.scale import insert_copies, next_id, resync_sequences, without_id
from bench.world import World
from engine.directives.models import Assignment, AssignmentUnit, Directive
from engine.runtime.models import WorkflowInstance, WorkItem

# What in a stored state names the template's rows: task ids, and the assignment's and
# directive's ids in task data.
_NAMES = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"(assignment|directive)_id":\d+')
CHUNK = 1000  # copies built at once (their states held in memory)
_TABLES = tuple(m.__table__ for m in (Directive, Assignment, AssignmentUnit, WorkflowInstance, WorkItem))


class StateCopier:
    """The template's state cut at every name, to be joined with a copy's own names."""

    def __init__(self, state: str):
        self.pieces, self.names = [], []
        last = 0
        for match in _NAMES.finditer(state):
            self.pieces.append(state[last:match.start()])
            self.names.append(match.group(1) or match.group(0))
            last = match.end()
        self.tail = state[last:]
        self.task_ids = sorted({n for n in self.names if "-" in n})

    def copy(self, assignment_id: int, directive_id: int) -> tuple[str, dict[str, str]]:
        """The state of a copy, and the map of the template's task ids to the copy's."""
        fresh = {task_id: str(uuid.uuid4()) for task_id in self.task_ids}
        ids = {"assignment": f'"assignment_id":{assignment_id}', "directive": f'"directive_id":{directive_id}'}
        parts = []
        for piece, name in zip(self.pieces, self.names, strict=True):
            parts.append(piece)
            parts.append(fresh.get(name) or ids[name])
        parts.append(self.tail)
        return "".join(parts), fresh


def waiting_assignment(world: World) -> int:
    """One real assignment (the shipped dak-lak processes), its urging waiting on a reminder."""
    return open_assignment(world, 0)


def add_copies(world: World, template_id: int, count: int) -> None:
    """`count` more assignments like `template_id`, each waiting on the same timer."""
    with world.engine.db.session() as s:
        template = _Template(s, template_id)
        firsts = [next_id(s, table) for table in (template.directives, template.assignments, template.instances)]
        for start in range(0, count, CHUNK):
            template.insert(s, [(firsts[0] + n, firsts[1] + n, firsts[2] + n)
                                for n in range(start, min(count, start + CHUNK))])
    resync_sequences(world, _TABLES)


class _Template:
    """The template assignment's rows, and how to insert copies of them."""

    def __init__(self, s: Session, assignment_id: int):
        self.directives, self.assignments, self.units, self.instances, self.items = _TABLES
        self.assignment = _one(s, self.assignments, self.assignments.c.id == assignment_id)
        self.directive = _one(s, self.directives, self.directives.c.id == self.assignment["directive_id"])
        self.instance = _one(s, self.instances, self.instances.c.id == self.assignment["instance_id"])
        self.unit_rows = _rows(s, self.units, self.units.c.assignment_id == assignment_id)
        self.item_rows = _rows(s, self.items, self.items.c.instance_id == self.instance["id"],
                               self.items.c.status == "ready")
        self.copier = StateCopier(self.instance["state"])

    def insert(self, s: Session, ids: list[tuple[int, int, int]]) -> None:
        """Copies numbered (directive, assignment, instance) `ids`."""
        states = [self.copier.copy(a, d) for d, a, _ in ids]
        symbol = self.directive["symbol"]
        insert_copies(s, self.directives, self.directive, ({"id": d, "symbol": f"{d}/{symbol}"} for d, _, _ in ids))
        insert_copies(s, self.instances, self.instance, (
            {"id": i, "directive_id": d, "assignment_id": a, "state": state}
            for (d, a, i), (state, _) in zip(ids, states, strict=True)))
        insert_copies(s, self.assignments, self.assignment, ({"id": a, "directive_id": d, "instance_id": i}
                                                             for d, a, i in ids))
        for unit in self.unit_rows:
            insert_copies(s, self.units, unit, ({"assignment_id": a} for _, a, _ in ids))
        for item in self.item_rows:
            insert_copies(s, self.items, item, (
                {"instance_id": i, "directive_id": d, "assignment_id": a, "task_id": fresh[item["task_id"]]}
                for (d, a, i), (_, fresh) in zip(ids, states, strict=True)))


def _one(s: Session, table, where) -> dict:
    return dict(s.execute(select(table).where(where)).mappings().one())


def _rows(s: Session, table, *where) -> list[dict]:
    return [without_id(row) for row in s.execute(select(table).where(*where)).mappings()]
