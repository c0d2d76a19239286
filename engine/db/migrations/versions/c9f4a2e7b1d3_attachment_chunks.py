"""attachment chunks

The bytes of attachments kept in the database (setting attachment_store = "database"), so that
several application hosts sharing the database reach every file (issue #20).

Revision ID: c9f4a2e7b1d3
Revises: a7c3e9d1b5f2
Create Date: 2026-12-04 10:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'c9f4a2e7b1d3'
down_revision = 'a7c3e9d1b5f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachment_chunks',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['sha256'], ['attachments.sha256']),
        sa.PrimaryKeyConstraint('sha256', 'seq'),
    )


def downgrade() -> None:
    op.drop_table('attachment_chunks')
