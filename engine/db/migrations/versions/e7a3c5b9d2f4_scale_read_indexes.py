"""scale read indexes

What people read at a million assignments (issue #20, bench/scale_reads): an assignment's
progress reports a page at a time, a unit's assignments read from an index alone, the inbox
counted through indexes. The single-column indexes become the leading column of composite ones.

Revision ID: e7a3c5b9d2f4
Revises: b6d2f8a4c1e9
Create Date: 2026-12-04 16:30:00.000000
"""
from alembic import op


revision = 'e7a3c5b9d2f4'
down_revision = 'b6d2f8a4c1e9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_progress_updates_assignment_at', 'progress_updates', ['assignment_id', 'created_at', 'id'])
    op.create_index('ix_assignment_units_unit_assignment', 'assignment_units', ['unit_id', 'assignment_id'])
    op.create_index('ix_work_items_unit_status', 'work_items', ['unit_id', 'status', 'role'])
    op.create_index('ix_work_items_completed_by', 'work_items', ['completed_by', 'status'])
    op.drop_index('ix_progress_updates_assignment_id', table_name='progress_updates')
    op.drop_index('ix_assignment_units_unit_id', table_name='assignment_units')


def downgrade() -> None:
    op.create_index('ix_assignment_units_unit_id', 'assignment_units', ['unit_id'])
    op.create_index('ix_progress_updates_assignment_id', 'progress_updates', ['assignment_id'])
    op.drop_index('ix_work_items_completed_by', table_name='work_items')
    op.drop_index('ix_work_items_unit_status', table_name='work_items')
    op.drop_index('ix_assignment_units_unit_assignment', table_name='assignment_units')
    op.drop_index('ix_progress_updates_assignment_at', table_name='progress_updates')
