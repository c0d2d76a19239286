"""inspections people use: internal inspections, invited experts, published conclusions,
follow-up directives

Revision ID: a7c3e9d1b5f2
Revises: b7c3e9a2d5f1
Create Date: 2026-12-04 04:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3e9d1b5f2'
down_revision = 'b7c3e9a2d5f1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposing_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('experts', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('follow_up_directive_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_inspections_proposing_unit_id_units', 'units', ['proposing_unit_id'], ['id'])
        batch_op.create_foreign_key('fk_inspections_follow_up_directive_id_directives', 'directives',
                                    ['follow_up_directive_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_constraint('fk_inspections_follow_up_directive_id_directives', type_='foreignkey')
        batch_op.drop_constraint('fk_inspections_proposing_unit_id_units', type_='foreignkey')
        batch_op.drop_column('follow_up_directive_id')
        batch_op.drop_column('published')
        batch_op.drop_column('experts')
        batch_op.drop_column('proposing_unit_id')
