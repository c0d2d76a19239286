"""sign-in throttles and session epochs

Failed sign-ins are counted per client address and username (login_throttles) instead of
locking the account (failed_logins, locked_until go); every user gets a session epoch that
ends their sessions when raised; an API token keeps the reason it was made for someone else.

Revision ID: e4b8a1c2d9f7
Revises: d5e8f1a2b3c4
Create Date: 2026-12-03 23:45:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'e4b8a1c2d9f7'
down_revision = 'd5e8f1a2b3c4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
    sa.UniqueConstraint('address', 'username', name=op.f('uq_login_throttles_address_username'))
    )
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_username'), ['username'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('locked_until')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', engine.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_column('session_epoch')
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_username'))
    op.drop_table('login_throttles')
