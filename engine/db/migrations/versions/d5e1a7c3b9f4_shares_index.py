"""shares index

Reports count the tasks given, not the shares a unit passed down to its sections
(directives.models.tasks_given): the shares' few ids are read from a partial index.

Revision ID: d5e1a7c3b9f4
Revises: b7e2c41d9a53
Create Date: 2026-12-05 23:40:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'd5e1a7c3b9f4'
down_revision = 'b7e2c41d9a53'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_assignments_shares', 'assignments', ['id'],
                    postgresql_where=sa.text("parent_id IS NOT NULL"),
                    sqlite_where=sa.text("parent_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index('ix_assignments_shares', table_name='assignments')
