"""the version a process version was made from

process_bundles.based_on_id: the version whose files a new version carries on (the version in
force a modeler draft or a disk load started from, the admin's working version a settings or
scenario save started from). A version's page compares it with that one, not with the number
before it, which may be another admin's unrelated version. Versions stored before have none:
their page still compares with the number before.

Revision ID: a4d9e2b7c6f1
Revises: a6d3f9c2e8b4
Create Date: 2026-12-06 06:40:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'a4d9e2b7c6f1'
down_revision = 'a6d3f9c2e8b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_bundles') as batch:
        batch.add_column(sa.Column('based_on_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_process_bundles_based_on_id_process_bundles', 'process_bundles',
                                 ['based_on_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('process_bundles') as batch:
        batch.drop_constraint('fk_process_bundles_based_on_id_process_bundles', type_='foreignkey')
        batch.drop_column('based_on_id')
