"""difficulties reported with progress

A progress update "in progress with difficulties" keeps the difficulties the unit named
(khó khăn, vướng mắc; Quỳnh Nhai Đ.5 k.1g, Đ.17 k.2). Existing updates have none.

Revision ID: c7d1e4a9b2f3
Revises: c3a1b2d4e5f6
Create Date: 2026-12-10 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'c7d1e4a9b2f3'
down_revision = 'c3a1b2d4e5f6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.drop_column('blocked_reason')
