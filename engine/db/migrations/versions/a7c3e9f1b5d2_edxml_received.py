"""edxml received

Documents from the national hub that came without assignments, waiting for the office to
register them with their tasks or to dismiss them (engine.exchange.received).

Revision ID: a7c3e9f1b5d2
Revises: a3f6c8e2d4b1
Create Date: 2026-12-06 03:20:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'a7c3e9f1b5d2'
down_revision = 'a3f6c8e2d4b1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'edxml_received',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.String(length=128), nullable=True),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('business', sa.String(length=1), nullable=False),
        sa.Column('header', sa.JSON(), nullable=False),
        sa.Column('received_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('directive_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ),
        sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('document_id'),
    )
    op.create_index(op.f('ix_edxml_received_status'), 'edxml_received', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_edxml_received_status'), table_name='edxml_received')
    op.drop_table('edxml_received')
