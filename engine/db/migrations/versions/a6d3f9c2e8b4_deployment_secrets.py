"""deployment secrets

The key signing web sessions and form tokens, when the settings give none, is made once and kept
here (engine/org/session_key.py) instead of made afresh by each process at each start: a restart
signed everyone out and failed every form opened before it.

Revision ID: a6d3f9c2e8b4
Revises: f8b2d6a4c1e7
Create Date: 2026-12-06 06:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'a6d3f9c2e8b4'
down_revision = 'f8b2d6a4c1e7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deployment_secrets',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_deployment_secrets'))
    )


def downgrade() -> None:
    op.drop_table('deployment_secrets')
