"""The working-day rule of the first report's due day, so that a calendar correction moves it at once

assignments.first_update_due changed only when the urging timer next woke: a holiday the admin added
left /today and the registry calling a unit late (or not) by the old calendar for days. The rule column
beside it (as deadline_rule beside deadline) lets the correction count it again in its own transaction
(engine.directives.models.FIRST_UPDATE_DUE). Backfill: each owed row takes the rule of the due day its
running instance holds (a3f5c7e9b1d4's reading of the state), when that day is the column's.

Revision ID: c2e8f4a6b9d1
Revises: a3f5c7e9b1d4
Create Date: 2026-12-07 03:00:00.000000
"""
import json

import sqlalchemy as sa
from alembic import context, op

revision = 'c2e8f4a6b9d1'
down_revision = 'a3f5c7e9b1d4'
branch_labels = None
depends_on = None

_PAGE = 500  # instances' states read at a time, as a3f5c7e9b1d4 reads them
_RULE_KEYS = {"date", "start", "working_days"}


def upgrade() -> None:
    op.add_column('assignments', sa.Column('first_update_due_rule', sa.JSON(), nullable=True))
    _backfill(op.get_bind(), context.script.get_revision('a3f5c7e9b1d4').module.latest_values)


def downgrade() -> None:
    # not in batch mode: SQLite's copy of the table would break the link copies' triggers on it
    op.drop_column('assignments', 'first_update_due_rule')


def _backfill(conn, latest_values) -> None:
    """`latest_values(state)`: (first_update_due, first_update_since) as the instance's data last set them."""
    write = sa.text("UPDATE assignments SET first_update_due_rule = :rule WHERE id = :id").bindparams(
        sa.bindparam("rule", type_=sa.JSON))
    after = 0
    while rows := conn.execute(sa.text(
            "SELECT a.id, a.first_update_due, i.state FROM assignments a JOIN workflow_instances i "
            "ON i.id = a.instance_id WHERE a.first_update_due IS NOT NULL AND a.id > :after ORDER BY a.id LIMIT :page"),
            {"after": after, "page": _PAGE}).all():
        for assignment_id, due, state in rows:
            rule = latest_values(json.loads(state))[0]
            if isinstance(rule, dict) and rule.keys() >= _RULE_KEYS and str(rule["date"])[:10] == str(due)[:10]:
                conn.execute(write, {"rule": {key: rule[key] for key in _RULE_KEYS}, "id": assignment_id})
        after = rows[-1][0]
