"""office report review, issue and ad-hoc reports

The leader reviews the office's consolidated report (sends it back or approves it), which is
then issued with a number and date and may be published; ad-hoc reports share the table, one
per process instance; a unit's explanation carries its proposal (issue #16).

Revision ID: b7c3e9a2d5f1
Revises: b7c3e9a1f2d5
Create Date: 2026-12-04 05:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c3e9a2d5f1'
down_revision = 'b7c3e9a1f2d5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('periodic_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('asked_units', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('requested_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('number', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('issued_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_periodic_reports_requested_by_users'), 'users',
                                    ['requested_by'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_periodic_reports_reviewed_by_users'), 'users',
                                    ['reviewed_by'], ['id'])
        batch_op.drop_constraint('uq_periodic_reports_ruleset_period_period_start', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_periodic_reports_ruleset_period_period_start_instance_id'),
                                          ['ruleset', 'period', 'period_start', 'instance_id'])
    with op.batch_alter_table('periodic_reports', schema=None) as batch_op:
        batch_op.alter_column('published', server_default=None)
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposal', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.drop_column('proposal')
    with op.batch_alter_table('periodic_reports', schema=None) as batch_op:
        batch_op.drop_constraint('uq_periodic_reports_ruleset_period_period_start_instance_id', type_='unique')
        batch_op.create_unique_constraint('uq_periodic_reports_ruleset_period_period_start',
                                          ['ruleset', 'period', 'period_start'])
        batch_op.drop_constraint('fk_periodic_reports_reviewed_by_users', type_='foreignkey')
        batch_op.drop_constraint('fk_periodic_reports_requested_by_users', type_='foreignkey')
        for column in ('published', 'issued_on', 'number', 'reviewed_by', 'review_note', 'requested_by',
                       'asked_units', 'topic'):
            batch_op.drop_column(column)
