"""office report bodies

An ad-hoc report is the report of the body whose office asked for it (issue #21): a commune's office
asks its own sections, consolidates and issues its report to its own leader. periodic_reports.body_id
names that body; none (every report stored before, and the periodic calendar's) is the home body's.

Revision ID: a3d7f1c9e5b2
Revises: a3c7e5f1b9d2
Create Date: 2026-12-06 06:05:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'a3d7f1c9e5b2'
down_revision = 'a3c7e5f1b9d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('periodic_reports') as batch:
        batch.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_periodic_reports_body_id_units', 'units', ['body_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('periodic_reports') as batch:
        batch.drop_constraint('fk_periodic_reports_body_id_units', type_='foreignkey')
        batch.drop_column('body_id')
