"""extension requests keep the day granted

The decider may grant another day than the one asked for (the asked one may have passed on the
day of the decision). Requests decided before this revision granted the day asked for.

Revision ID: b7e2c41d9a53
Revises: 64bc0a6a959b
Create Date: 2026-12-05 23:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e2c41d9a53'
down_revision = '64bc0a6a959b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('granted_deadline', sa.Date(), nullable=True))
    op.execute("UPDATE extension_requests SET granted_deadline = new_deadline WHERE status = 'approved'")


def downgrade() -> None:
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.drop_column('granted_deadline')
