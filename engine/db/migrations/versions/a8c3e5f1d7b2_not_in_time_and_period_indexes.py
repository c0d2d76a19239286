"""not in time and period indexes

The registry at a million assignments (issue #20, bench/scale_reads): an organisation-wide
role's overdue ones, which the capped count found by scanning ~130,000 assignments for 20,001 of
them, read from a partial index of those not done by their deadline; and a period's, counted and
its earliest deadline found (where its page's walk along the deadline order begins) through an
index on (assigned_on, deadline). Both carry what the outcome and the see-clause read.
PostgreSQL's only (the model declares them with Index.ddl_if).

Revision ID: a8c3e5f1d7b2
Revises: d2b6f9e4a7c1
Create Date: 2026-12-05 02:10:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'a8c3e5f1d7b2'
down_revision = 'd2b6f9e4a7c1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_assignments_not_in_time', 'assignments', ['deadline', 'id'],
                        postgresql_include=['status', 'completed_on', 'deadline_kind', 'secret', 'directive_id',
                                            'follow_up_officer_id'],
                        postgresql_where=sa.text('completed_on IS NULL OR completed_on > deadline'))
        op.create_index('ix_assignments_period', 'assignments', ['assigned_on', 'deadline'],
                        postgresql_include=['status', 'completed_on', 'deadline_kind', 'progress', 'secret',
                                            'directive_id', 'follow_up_officer_id'])


def downgrade() -> None:
    op.execute('DROP INDEX IF EXISTS ix_assignments_period')
    op.execute('DROP INDEX IF EXISTS ix_assignments_not_in_time')
