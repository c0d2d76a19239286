"""edxml receipts

Each edXML message received, by the SHA-256 digest of its bytes, written with what receiving it
did: a message imported again (a scheduler killed between importing a file and moving it, the
hub delivering it twice, a message without a DocumentId) is known as received and not applied
twice (engine.exchange.received). edxml_status_outbox.reply_to ties a reply (15, đồng ý lấy lại /
cập nhật) to the recall or update it answers, by that digest: one reply per message.

Revision ID: b8e4d2f6a1c3
Revises: d2f6b8a4c9e3
Create Date: 2026-12-06 09:05:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'b8e4d2f6a1c3'
down_revision = 'd2f6b8a4c9e3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'edxml_receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=16), nullable=False),
        sa.Column('directive_id', sa.Integer(), nullable=True),
        sa.Column('received_id', sa.Integer(), nullable=True),
        sa.Column('received_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['directive_id'], ['directives.id'], ),
        sa.ForeignKeyConstraint(['received_id'], ['edxml_received.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('digest'),
    )
    with op.batch_alter_table('edxml_status_outbox') as batch:
        batch.add_column(sa.Column('reply_to', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_edxml_status_outbox_reply_to', ['reply_to'])


def downgrade() -> None:
    with op.batch_alter_table('edxml_status_outbox') as batch:
        batch.drop_constraint('uq_edxml_status_outbox_reply_to', type_='unique')
        batch.drop_column('reply_to')
    op.drop_table('edxml_receipts')
