"""edxml recall requests

A sender's request to have a registered document back (edXML status 13, yêu cầu lấy lại), kept
until the tracking office's clerk accepts it (the directive recalled, 15 sent) or refuses it
(16 with the reason) (engine.exchange.recalls).

Revision ID: c5e1a7d3f9b2
Revises: b8e4d2f6a1c3
Create Date: 2026-12-06 12:45:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'c5e1a7d3f9b2'
down_revision = 'b8e4d2f6a1c3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'edxml_recall_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('directive_id', sa.Integer(), nullable=False),
        sa.Column('sender_organ_id', sa.String(length=64), nullable=False),
        sa.Column('sender_name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('received_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], ),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('digest'),
    )
    op.create_index(op.f('ix_edxml_recall_requests_directive_id'), 'edxml_recall_requests', ['directive_id'])
    op.create_index(op.f('ix_edxml_recall_requests_status'), 'edxml_recall_requests', ['status'])


def downgrade() -> None:
    op.drop_index(op.f('ix_edxml_recall_requests_status'), table_name='edxml_recall_requests')
    op.drop_index(op.f('ix_edxml_recall_requests_directive_id'), table_name='edxml_recall_requests')
    op.drop_table('edxml_recall_requests')
