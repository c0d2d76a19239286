"""schedules index

The scheduler looks for the deployment's report calendar at every tick, to move it to a newly
published version (engine.reports.service.move_schedule): a partial index on its few rows, not a
scan of every workflow instance.

Revision ID: b8d2f4a6c1e3
Revises: a3c7e9d1f5b2
Create Date: 2026-12-06 03:00:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'b8d2f4a6c1e3'
down_revision = 'a3c7e9d1f5b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_instances_schedules', 'workflow_instances', ['status'],
                    postgresql_where=sa.text("purpose = 'periodic_report'"),
                    sqlite_where=sa.text("purpose = 'periodic_report'"))


def downgrade() -> None:
    op.drop_index('ix_instances_schedules', table_name='workflow_instances')
