"""due timers in claim order

The scheduler claims due instances ordered by (next_timer_due, id). The index held the first
two columns only: when many timers fall due at one moment (a burst, a catch-up after an
outage) PostgreSQL sorted every due row to claim each batch of ten, 11 ms for 10,000 due
(issue #20). With `id` in the index the claim reads its ten rows off the index.

Revision ID: a9c4e2f7b1d3
Revises: e7a3c5b9d2f4
Create Date: 2026-12-04 19:55:00.000000
"""
from alembic import op


revision = 'a9c4e2f7b1d3'
down_revision = 'e7a3c5b9d2f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_instances_due', table_name='workflow_instances')
    op.create_index('ix_instances_due', 'workflow_instances', ['status', 'next_timer_due', 'id'])


def downgrade() -> None:
    op.drop_index('ix_instances_due', table_name='workflow_instances')
    op.create_index('ix_instances_due', 'workflow_instances', ['status', 'next_timer_due'])
