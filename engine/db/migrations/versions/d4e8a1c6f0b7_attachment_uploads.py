"""attachment uploads

Who has sent each file's bytes: a file's digest is no longer enough to attach or download it
(issue #15). Each stored file counts as sent by the person who first uploaded it.

Revision ID: d4e8a1c6f0b7
Revises: e4b8a1c2d9f7
Create Date: 2026-12-12 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'd4e8a1c6f0b7'
down_revision = 'e4b8a1c2d9f7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachment_uploads',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['sha256'], ['attachments.sha256'], ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('sha256', 'user_id'),
    )
    op.execute("INSERT INTO attachment_uploads (sha256, user_id, uploaded_at) "
               "SELECT sha256, uploaded_by, uploaded_at FROM attachments WHERE uploaded_by IS NOT NULL")


def downgrade() -> None:
    op.drop_table('attachment_uploads')
