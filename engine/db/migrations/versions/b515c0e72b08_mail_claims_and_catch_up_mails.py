"""mail claims and catch-up mails

A mail row being sent holds its sender's claim: a random fencing token, the wall-clock time
of the claim, and the monotonic clocks its lease is measured on. A mail digest without a day
is a catch-up mail gathering one person's backlog of immediate mails. Existing rows start
unclaimed.

Revision ID: b515c0e72b08
Revises: 54889094f125
Create Date: 2026-12-03 15:53:29.268634
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = 'b515c0e72b08'
down_revision = '54889094f125'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('mail_digests', 'notifications'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column('claimed_at', engine.db.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('claim_clocks', sa.JSON(), nullable=True))
    with op.batch_alter_table('mail_digests', schema=None) as batch_op:
        batch_op.alter_column('day', existing_type=sa.DATE(), nullable=True)


def downgrade() -> None:
    # Catch-up mails have no day: they go (their notifications stay in the in-app list).
    op.execute("DELETE FROM mail_digests WHERE day IS NULL")
    with op.batch_alter_table('mail_digests', schema=None) as batch_op:
        batch_op.alter_column('day', existing_type=sa.DATE(), nullable=False)
    for table in ('notifications', 'mail_digests'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('claim_clocks')
            batch_op.drop_column('claimed_at')
            batch_op.drop_column('claim_token')
