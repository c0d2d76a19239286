"""pending imports

A sheet uploaded for import, kept between the preview page and its confirmation (issue #17).

Revision ID: b7c3e9a1f2d5
Revises: b7e2c9d4a1f3
Create Date: 2026-12-04 04:45:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'b7c3e9a1f2d5'
down_revision = 'b7e2c9d4a1f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pending_imports',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('token'),
    )
    op.create_index(op.f('ix_pending_imports_user_id'), 'pending_imports', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_pending_imports_user_id'), table_name='pending_imports')
    op.drop_table('pending_imports')
