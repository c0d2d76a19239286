"""secret document bodies

A line of the secret-document register is the line of the body whose office registered the document
(issue #21): a commune's register is read by the roles the ruleset names in that commune, the
province's by those in the province. secret_documents.body_id names that body; none (every line stored
before) is the home body's.

Revision ID: d2f6b8a4c9e3
Revises: c5e9a2d7f3b1
Create Date: 2026-12-06 06:35:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'd2f6b8a4c9e3'
down_revision = 'c5e9a2d7f3b1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('secret_documents') as batch:
        batch.add_column(sa.Column('body_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_secret_documents_body_id_units', 'units', ['body_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('secret_documents') as batch:
        batch.drop_constraint('fk_secret_documents_body_id_units', type_='foreignkey')
        batch.drop_column('body_id')
