"""registry walk indexes

The registry at a million assignments (issue #20, bench/scale_reads): its deadline and update
orders walked along an index to the page asked for, those meeting difficulties found
through an index, and an organisation-wide role's reads leave out
the secret directives and find the ones it registered through indexes (each was a scan of
every directive).

Revision ID: a8c4e2f6b1d3
Revises: a9c4e2f7b1d3
Create Date: 2026-12-04 20:00:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'a8c4e2f6b1d3'
down_revision = 'a9c4e2f7b1d3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_assignments_deadline_order', 'assignments',
                    [sa.text('(deadline IS NULL)'), 'deadline', 'id'])
    op.create_index('ix_assignments_updated_order', 'assignments',
                    [sa.text('(last_update_at IS NULL)'), sa.text('last_update_at DESC'), sa.text('id DESC')])
    op.create_index('ix_assignments_blocked', 'assignments', ['id'],
                    postgresql_where=sa.text("progress = 'blocked'"), sqlite_where=sa.text("progress = 'blocked'"))
    op.create_index('ix_directives_secret', 'directives', ['id'],
                    postgresql_where=sa.text('secrecy IS NOT NULL'), sqlite_where=sa.text('secrecy IS NOT NULL'))
    op.create_index('ix_directives_created_by', 'directives', ['created_by'])


def downgrade() -> None:
    op.drop_index('ix_directives_created_by', table_name='directives')
    op.drop_index('ix_directives_secret', table_name='directives')
    op.drop_index('ix_assignments_blocked', table_name='assignments')
    op.drop_index('ix_assignments_updated_order', table_name='assignments')
    op.drop_index('ix_assignments_deadline_order', table_name='assignments')
