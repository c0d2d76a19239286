"""A unit's report carries its signed document: the files sent with it, and whether it is secret (mật)

unit_reports.attachments holds the digests of the files (as progress_updates.attachments does), and
unit_reports.secret marks a report whose files only the readers of secret records open
(engine.reports.operators.may_read_unit_report). Reports sent before carry none and are not secret.

Revision ID: d4a8e2c6f1b9
Revises: c2e8f4a6b9d1
Create Date: 2026-12-07 06:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'd4a8e2c6f1b9'
down_revision = 'c2e8f4a6b9d1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('unit_reports', sa.Column('attachments', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('unit_reports', sa.Column('secret', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('unit_reports') as batch:
        batch.drop_column('secret')
        batch.drop_column('attachments')
