"""edXML exchange

Units get their agency identifier on the document hub (QĐ 20/2020); the outbox of edXML
status messages sent back to a document's sender (issue #17).

Revision ID: b7e2c9d4a1f3
Revises: f2a9c4d7e1b3
Create Date: 2026-12-04 05:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'b7e2c9d4a1f3'
down_revision = 'f2a9c4d7e1b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('agency_code', sa.String(length=32), nullable=True))
        batch.create_unique_constraint('uq_units_agency_code', ['agency_code'])
    op.create_table(
        'edxml_status_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('directive_id', sa.Integer(), nullable=False),
        sa.Column('status_code', sa.String(length=2), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('leased_until', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('directive_id', 'status_code'),
        sa.UniqueConstraint('message_id'),
    )
    op.create_index('ix_edxml_status_outbox_directive_id', 'edxml_status_outbox', ['directive_id'])
    op.create_index('ix_edxml_status_outbox_next_attempt_at', 'edxml_status_outbox', ['next_attempt_at'])


def downgrade() -> None:
    op.drop_table('edxml_status_outbox')
    with op.batch_alter_table('units') as batch:
        batch.drop_constraint('uq_units_agency_code', type_='unique')
        batch.drop_column('agency_code')
