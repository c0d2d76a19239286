"""What one progress update through the API costs in SQL statements, pinned so that it cannot
silently grow back (issue #20: 40 on SQLite before the request path was trimmed, 13 of them the
engine step's; bench/README.md "Where a request's CPU went")."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.api.test_api import register_and_classify
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
