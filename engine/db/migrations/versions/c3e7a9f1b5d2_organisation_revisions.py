"""organisation revisions

One row counting the transactions that wrote `units` or `process_bundles`: each worker keeps the
organisation every request reads (the home body, a unit's body, the published rulesets' settings)
and checks this counter once a transaction instead (engine.org.kept). No row yet reads as 0: the
first write of either table inserts it (not here: `dondoc restore` wants an upgraded database empty).

Revision ID: c3e7a9f1b5d2
Revises: c4e8a2f6b1d9
Create Date: 2026-12-06 12:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'c3e7a9f1b5d2'
down_revision = 'c4e8a2f6b1d9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'organisation_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_revisions')),
    )


def downgrade() -> None:
    op.drop_table('organisation_revisions')
