"""edXML status 01 (đã đến)

A document from the hub is answered 01 when it arrives, before the office registers it (or
while it waits for the office): edxml_status_outbox.directive_id may be empty, and document_id
(the sender's DocumentId) keeps 01 to one message per document whichever way it came in.

Revision ID: a3c7e5f1b9d2
Revises: a4d9e2b7c6f1
Create Date: 2026-12-06 06:20:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'a3c7e5f1b9d2'
down_revision = 'a4d9e2b7c6f1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('edxml_status_outbox') as batch:
        batch.alter_column('directive_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('document_id', sa.String(length=128), nullable=True))
        batch.create_unique_constraint('uq_edxml_status_outbox_document_id_status_code',
                                       ['document_id', 'status_code'])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM edxml_status_outbox WHERE directive_id IS NULL"))
    with op.batch_alter_table('edxml_status_outbox') as batch:
        batch.drop_constraint('uq_edxml_status_outbox_document_id_status_code', type_='unique')
        batch.drop_column('document_id')
        batch.alter_column('directive_id', existing_type=sa.Integer(), nullable=False)
