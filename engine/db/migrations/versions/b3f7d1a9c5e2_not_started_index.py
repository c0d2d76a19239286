"""not started index

The registry at a million assignments (issue #20, bench/scale_reads): the not-started ones,
which an organisation-wide role counted and sorted by scanning every assignment, read from a
partial index carrying what their outcome and its see-clause read.

Revision ID: b3f7d1a9c5e2
Revises: c4d8e2a6f1b9
Create Date: 2026-12-04 23:10:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'b3f7d1a9c5e2'
down_revision = 'c4d8e2a6f1b9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_assignments_not_started', 'assignments', ['deadline', 'id'],
                    postgresql_include=['progress', 'deadline_kind', 'status', 'completed_on', 'secret', 'directive_id',
                                        'follow_up_officer_id'],
                    postgresql_where=sa.text("progress = 'not_started'"),
                    sqlite_where=sa.text("progress = 'not_started'"))


def downgrade() -> None:
    op.drop_index('ix_assignments_not_started', table_name='assignments')
