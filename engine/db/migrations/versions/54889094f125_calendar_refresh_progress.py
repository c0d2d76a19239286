"""calendar refresh progress

The scheduler recomputes running workflows' deadlines after a calendar correction saved from
the web; `refreshed` notes the revision they follow. Corrections saved before this revision
were refreshed at once, so existing rows start up to date.

Revision ID: 54889094f125
Revises: 450fabdd4272
Create Date: 2026-11-23 15:03:26.353319
"""
from alembic import op
import sqlalchemy as sa


revision = '54889094f125'
down_revision = '450fabdd4272'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calendar_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refreshed', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE calendar_revisions SET refreshed = revision")


def downgrade() -> None:
    with op.batch_alter_table('calendar_revisions', schema=None) as batch_op:
        batch_op.drop_column('refreshed')
