"""The upper level's deadline of an assignment (Bạc Liêu Đ.9 k.1: hạn Chính phủ, Thủ tướng giao)

Revision ID: c3a1b2d4e5f6
Revises: b515c0e72b08
Create Date: 2026-12-03 20:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c3a1b2d4e5f6'
down_revision = 'b515c0e72b08'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assignments') as batch_op:
        batch_op.add_column(sa.Column('upstream_deadline', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('assignments') as batch_op:
        batch_op.drop_column('upstream_deadline')
