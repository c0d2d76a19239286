"""instances keep their waiting messages

An assignment's page asks which messages its instance waits for (an extension's request, an
explanation, an issue raised): each step now writes them beside the state, so that the page need not
read a state that weighs megabytes for a task coordinated by every commune (bench/README.md, "A task
coordinated by every commune"). Rows written before hold NULL: read from their state, as before,
until their next step.

Revision ID: 64bc0a6a959b
Revises: e21f7c3a9b04
Create Date: 2026-12-05 14:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '64bc0a6a959b'
down_revision = 'e21f7c3a9b04'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('workflow_instances') as batch:
        batch.add_column(sa.Column('waiting_messages', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workflow_instances') as batch:
        batch.drop_column('waiting_messages')
