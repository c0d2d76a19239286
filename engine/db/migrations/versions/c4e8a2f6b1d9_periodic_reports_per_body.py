"""periodic reports per body

The report calendar opens each period's report for the home body and for each commune marked an issuing
body with tasks of its own directives in hand (issue #21): one calendar instance records several reports
of one period, one per body. The unique key of a period's report gains the body; the home body's reports
have none (NULL, counted as 0 in the key, as NULLs never clash). The rows in place keep theirs.

Revision ID: c4e8a2f6b1d9
Revises: c5e1a7d3f9b2
Create Date: 2026-12-06 12:50:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'c4e8a2f6b1d9'
down_revision = "c5e1a7d3f9b2"
branch_labels = None
depends_on = None

KEY = ('ruleset', 'period', 'period_start', 'instance_id')


def upgrade() -> None:
    with op.batch_alter_table('periodic_reports') as batch:
        batch.drop_constraint('uq_periodic_reports_ruleset_period_period_start_instance_id', type_='unique')
    op.create_index('uq_periodic_reports_period_body', 'periodic_reports',
                    [*KEY, sa.text('coalesce(body_id, 0)')], unique=True)


def downgrade() -> None:
    op.drop_index('uq_periodic_reports_period_body', table_name='periodic_reports')
    with op.batch_alter_table('periodic_reports') as batch:
        batch.create_unique_constraint('uq_periodic_reports_ruleset_period_period_start_instance_id', list(KEY))
