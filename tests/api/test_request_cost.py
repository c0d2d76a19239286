"""What one progress update through the API costs in SQL statements, pinned so that it cannot
silently grow back (issue #20: 40 on SQLite before the request path was trimmed, 13 of them the
engine step's; bench/README.md "Where a request's CPU went")."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.api.test_api import DIRECTIVE, register_and_classify
from tests.api.test_idempotency import first_assignment, report

# Token, key, visibility, waiting item, the step with its savepoint, the answer's unit codes,
# the answer stored: 23 on SQLite (with BEGIN), 19 on PostgreSQL (whose step writes in one
# statement); a little room, but not for a second read of the token or the assignment.
MOST_STATEMENTS = {"sqlite": 25, "postgresql": 21}


@contextmanager
def statements(engine) -> Iterator[list[str]]:
    """The SQL statements `engine` sends while the block runs (BEGIN and savepoints included)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine.db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", note)


def test_a_progress_update_runs_a_pinned_number_of_statements(as_user, loaded):
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = first_assignment(stc)
    assert report(stc, assignment_id, "first").status_code == 201  # the token's last use is written once
    with statements(loaded) as keyed:
        assert report(stc, assignment_id, "second").status_code == 201
    with statements(loaded) as plain:
        assert stc("POST", f"/assignments/{assignment_id}/progress", json={"progress": "in_progress"}
                   ).status_code == 201
    most = MOST_STATEMENTS[loaded.db.engine.dialect.name]
    assert len(keyed) <= most, "\n".join(keyed)
    assert len(plain) <= most, "\n".join(plain)


def test_completing_a_work_item_adds_no_savepoint_and_reads_only_the_units_it_names(as_user, loaded):
    """The call's reads and its answer join a keyed call's transaction: the step's savepoint and,
    inside it, the one making the directive's tasks all or none (tests/engine/test_bulk_classify.py)
    are the only ones (the reads and the answer added two more once); the answer and the inbox read
    the codes of the units they name, not every unit of the province."""
    clerk = as_user("clerk")
    created = clerk("POST", "/directives", json=DIRECTIVE).get_json()
    with statements(loaded) as listed:
        items = clerk("GET", "/work-items").get_json()["items"]
    item = next(i for i in items if i["directive_id"] == created["id"])
    with statements(loaded) as keyed:
        done = clerk("POST", f"/work-items/{item['id']}/complete", headers={"Idempotency-Key": "classify"},
                     json={"tracked": True})
    assert done.status_code == 200 and done.get_json()["unit"] == "VP"
    whole_tree = [s for s in listed + keyed if s.split() == ["SELECT", "units.id,", "units.code", "FROM", "units"]]
    assert whole_tree == []
    assert len([s for s in keyed if s.startswith("SAVEPOINT")]) == 2, "\n".join(keyed)


def test_a_directive_reads_its_assignments_unit_links_in_one_statement(as_user, loaded):
    """GET /directives/{id} read each assignment's unit links with a statement of its own, and
    every unit's code."""
    clerk = as_user("clerk")
    tasks = [{"content": f"Nhiệm vụ {n}", "lead_unit": "STC", "deadline_days": 5, "coordinating_units": ["SXD"]}
             for n in range(3)]
    directive_id = register_and_classify(clerk, {**DIRECTIVE, "assignments": tasks})
    with statements(loaded) as seen:
        body = clerk("GET", f"/directives/{directive_id}").get_json()
    assert [(a["lead_unit"], a["coordinating_units"]) for a in body["assignments"]] == [("STC", ["SXD"])] * 3
    assert len([s for s in seen if "FROM assignment_units" in s]) == 1, "\n".join(seen)
    assert not [s for s in seen if s.split() == ["SELECT", "units.id,", "units.code", "FROM", "units"]]


def test_a_progress_update_locks_and_reads_its_instance_once(as_user, loaded):
    """The call locks the assignment's instance before it looks for the waiting work item (the step
    waiting now, not one a concurrent report completes); the step locked it again and read its row,
    the whole saved state, a second time (bench/README.md "a progress update's profile")."""
    clerk, stc = as_user("clerk"), as_user("stc")
    register_and_classify(clerk)
    assignment_id = first_assignment(stc)
    assert report(stc, assignment_id, "first").status_code == 201
    with statements(loaded) as seen:
        assert report(stc, assignment_id, "second").status_code == 201
    assert len([s for s in seen if s.startswith("SELECT workflow_instances.id")]) == 1, "\n".join(seen)
