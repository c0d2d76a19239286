"""inspection bodies

An inspection is the inspection of the body whose office (or unit head) proposed it (issue #21): a
commune's office inspects its own sections, and the province's office does not open it, nor the
commune's the province's. inspections.body_id names that body; none (every inspection stored before)
is the home body's.

Revision ID: c5e9a2d7f3b1
Revises: a3d7f1c9e5b2
Create Date: 2026-12-06 06:25:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'c5e9a2d7f3b1'
down_revision = 'a3d7f1c9e5b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_inspections_body_id_units', 'units', ['body_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.drop_constraint('fk_inspections_body_id_units', type_='foreignkey')
        batch.drop_column('body_id')
