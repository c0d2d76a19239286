"""attachment upload names

Each upload of a file keeps its own name, sender and time: an attachment row is one upload, and
the bytes it shares with other uploads of the same content are stored under `content_sha256`.
A row written before is the first upload of its bytes: its id is their digest.

Revision ID: a3f6c8e2d4b1
Revises: d5e1a7c3b9f4
Create Date: 2026-12-06 02:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3f6c8e2d4b1'
down_revision = 'd5e1a7c3b9f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
    op.execute("UPDATE attachments SET content_sha256 = sha256")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.alter_column('content_sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index('ix_attachments_content_sha256', ['content_sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_content_sha256')
        batch_op.drop_column('content_sha256')
