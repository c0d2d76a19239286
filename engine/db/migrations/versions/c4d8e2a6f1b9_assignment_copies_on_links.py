"""assignment copies on links

A unit's registry filtered, counted and sorted from its links (issue #20, bench/scale_reads):
each link copies its assignment's filtered and sorted columns (task_*), kept by the triggers of
engine.directives.link_copies (the statements create_all runs too), filled here for the rows
already written, with the index a unit's registry reads them from.

Revision ID: c4d8e2a6f1b9
Revises: a8c4e2f6b1d3
Create Date: 2026-12-04 22:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

from engine.db import UTCDateTime
from engine.directives import link_copies

revision = 'c4d8e2a6f1b9'
down_revision = 'a8c4e2f6b1d3'
branch_labels = None
depends_on = None

COLUMNS: list[tuple[str, sa.types.TypeEngine]] = [('task_status', sa.String(16)), ('task_progress', sa.String(16)), ('task_deadline_kind', sa.String(8)),
           ('task_deadline', sa.Date()), ('task_completed_on', sa.Date()), ('task_assigned_on', sa.Date()),
           ('task_urgency', sa.String(16)), ('task_last_update_at', UTCDateTime(timezone=True))]
# The copies' triggers of this revision: those of its columns alone (link_copies.COPIED has later ones)
COPIED = tuple(name.removeprefix('task_') for name, _type in COLUMNS)


def upgrade() -> None:
    with op.batch_alter_table('assignment_units') as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    bind = op.get_bind()
    link_copies.backfill(bind, COPIED)
    link_copies.create_triggers(bind, COPIED)
    op.create_index('ix_assignment_units_unit_copies', 'assignment_units',
                    ['unit_id', 'assignment_id', 'task_status', 'task_completed_on', 'task_deadline',
                     'task_deadline_kind', 'task_progress', 'task_assigned_on', 'task_urgency', 'task_last_update_at'])


def downgrade() -> None:
    op.drop_index('ix_assignment_units_unit_copies', table_name='assignment_units')
    link_copies.drop_triggers(op.get_bind())
    with op.batch_alter_table('assignment_units') as batch:
        for name, _type in reversed(COLUMNS):
            batch.drop_column(name)
