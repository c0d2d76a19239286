"""history indexes

An assignment's open work items and its history a page at a time, without reading the rows
that pile up with every loop of its process (issue #20, flat in history): the single-column
indexes become the leading column of composite ones.

Revision ID: b6d2f8a4c1e9
Revises: c9f4a2e7b1d3
Create Date: 2026-12-04 13:45:00.000000
"""
from alembic import op


revision = 'b6d2f8a4c1e9'
down_revision = 'c9f4a2e7b1d3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_work_items_instance_status', 'work_items', ['instance_id', 'status'])
    op.create_index('ix_work_items_assignment_status', 'work_items', ['assignment_id', 'status'])
    op.create_index('ix_audit_log_assignment_at', 'audit_log', ['assignment_id', 'at', 'id'])
    op.drop_index('ix_work_items_instance_id', table_name='work_items')
    op.drop_index('ix_work_items_assignment_id', table_name='work_items')
    op.drop_index('ix_audit_log_assignment_id', table_name='audit_log')


def downgrade() -> None:
    op.create_index('ix_audit_log_assignment_id', 'audit_log', ['assignment_id'])
    op.create_index('ix_work_items_assignment_id', 'work_items', ['assignment_id'])
    op.create_index('ix_work_items_instance_id', 'work_items', ['instance_id'])
    op.drop_index('ix_audit_log_assignment_at', table_name='audit_log')
    op.drop_index('ix_work_items_assignment_status', table_name='work_items')
    op.drop_index('ix_work_items_instance_status', table_name='work_items')
