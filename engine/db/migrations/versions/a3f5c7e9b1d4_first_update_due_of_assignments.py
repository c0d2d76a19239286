"""The day the lead unit's first progress report is due, while it is owed (chậm báo cáo lần đầu)

The assignment process computes first_update_due ([deadlines] first_update: Đắk Lắk Đ.7 k.2a,
Quỳnh Nhai Đ.7 k.2) in its data only, where no list or report could read it: the office's day and
the dashboard said no unit was late on its first report. The column holds it while the report is
owed. Backfill: each running assignment instance's latest first_update_due (and first_update_since,
set when a correction gave the task to a new lead unit), unless its lead unit has reported since.

Revision ID: a3f5c7e9b1d4
Revises: b7d3f1a9c5e2
Create Date: 2026-12-06 23:20:00.000000
"""
import json
from datetime import date, datetime, UTC

import sqlalchemy as sa
from alembic import op

revision = 'a3f5c7e9b1d4'
down_revision = 'b7d3f1a9c5e2'
branch_labels = None
depends_on = None

_KEYS = ("first_update_due", "first_update_since")


def upgrade() -> None:
    op.add_column('assignments', sa.Column('first_update_due', sa.Date(), nullable=True))
    op.create_index('ix_assignments_first_update_owed', 'assignments', ['first_update_due', 'id'],
                    postgresql_where=sa.text("first_update_due IS NOT NULL"),
                    sqlite_where=sa.text("first_update_due IS NOT NULL"))
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_assignments_first_update_owed', table_name='assignments')
    # not in batch mode: SQLite's copy of the table would break the link copies' triggers on it
    op.drop_column('assignments', 'first_update_due')


_PAGE = 500  # instances' states read at a time: a province's running instances do not fit in memory at once


def _backfill(conn) -> None:
    after = 0
    while rows := conn.execute(sa.text(
            "SELECT a.id, a.lead_unit_id, i.state FROM assignments a JOIN workflow_instances i ON i.id = a.instance_id "
            "WHERE i.purpose = 'assignment' AND i.status IN ('running', 'error', 'suspended') "
            "AND a.status NOT IN ('closed', 'cancelled') AND a.id > :after ORDER BY a.id LIMIT :page"),
            {"after": after, "page": _PAGE}).all():
        for assignment_id, lead_unit_id, state in rows:
            due, since = latest_values(json.loads(state))
            day = _day(due)
            if day is not None and not _reported(conn, assignment_id, lead_unit_id, since):
                conn.execute(sa.text("UPDATE assignments SET first_update_due = :day WHERE id = :id"),
                             {"day": day, "id": assignment_id})
        after = rows[-1][0]


def latest_values(state: dict) -> tuple:
    """(first_update_due, first_update_since) as the instance's data last set them: the values of the
    task that last changed them, among the workflow's and its sub-processes' tasks (a task stores its
    whole data, or what it changed of its parent's)."""
    found: dict[str, tuple[float, object]] = {}
    for task in _tasks(state):
        written = {**(task.get("data") or {}), **((task.get("delta") or {}).get("updates") or {})}
        for key in _KEYS:
            if key in written and (key not in found or task["last_state_change"] >= found[key][0]):
                found[key] = (task["last_state_change"], written[key])
    return tuple(found[key][1] if key in found else None for key in _KEYS)


def _tasks(state: dict):
    yield from (state.get("tasks") or {}).values()
    for sub in (state.get("subprocesses") or {}).values():
        yield from _tasks(sub)


def _day(value) -> date | None:
    """The day of a due date as task data holds it: an ISO day, or a working-day deadline's dict."""
    if isinstance(value, dict):
        value = value.get("date")
    return date.fromisoformat(str(value)[:10]) if value else None


def _reported(conn, assignment_id: int, lead_unit_id, since) -> bool:
    """The lead unit made a progress update on the assignment (since `since`, when given)."""
    query = "SELECT 1 FROM progress_updates WHERE assignment_id = :id AND unit_id = :unit"
    params = {"id": assignment_id, "unit": lead_unit_id}
    if since:
        query += " AND created_at >= :since"
        moment = datetime.fromisoformat(since).astimezone(UTC)
        # as the models' UTCDateTime binds it: SQLite keeps UTC without the offset
        params["since"] = moment.replace(tzinfo=None) if conn.dialect.name == "sqlite" else moment
    return conn.execute(sa.text(query + " LIMIT 1"), params).first() is not None
