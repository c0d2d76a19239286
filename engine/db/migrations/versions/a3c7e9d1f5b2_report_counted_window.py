"""report counted window

A periodic report counts the tasks of its data window (chốt số liệu), from the day after the
previous period's cut-off to its own, not its calendar period: the tasks assigned after a
report's day and before its period ended fell into no report.

Revision ID: a3c7e9d1f5b2
Revises: a7c3e9f1b5d2
Create Date: 2026-12-06 02:40:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'a3c7e9d1f5b2'
down_revision = 'a7c3e9f1b5d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('periodic_reports') as batch:
        batch.add_column(sa.Column('counted_from', sa.Date(), nullable=True))
        batch.add_column(sa.Column('counted_to', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('periodic_reports') as batch:
        batch.drop_column('counted_to')
        batch.drop_column('counted_from')
