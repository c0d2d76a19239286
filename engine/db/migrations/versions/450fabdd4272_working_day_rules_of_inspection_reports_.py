"""working-day rules of inspection reports and explanation requests

A calendar correction moves these due dates as it moves assignment deadlines. Rows written
before this revision have no rule and keep their date.

Revision ID: 450fabdd4272
Revises: 31a635badca7
Create Date: 2026-11-23 14:31:18.356532
"""
from alembic import op
import sqlalchemy as sa


revision = '450fabdd4272'
down_revision = '31a635badca7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_rule', sa.JSON(), nullable=True))
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_due_rule', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_column('report_due_rule')
    with op.batch_alter_table('explanation_requests', schema=None) as batch_op:
        batch_op.drop_column('due_rule')
