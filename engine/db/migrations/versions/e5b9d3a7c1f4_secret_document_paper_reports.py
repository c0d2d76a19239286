"""secret documents keep their paper reports' days

A line of the secret-document register keeps the next paper report's day, the one last reminded of, and
the last report its keeper recorded as sent (the day, who recorded it): the register's page reads them in
its one query instead of loading each line's reminder process (~5 ms a line). Lines written before hold
NULL: their days are read from their process, as before, until it plans a report on a diagram that
stores them.

Revision ID: e5b9d3a7c1f4
Revises: c3e7a9f1b5d2
Create Date: 2026-12-06 16:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = 'e5b9d3a7c1f4'
down_revision = 'c3e7a9f1b5d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('secret_documents') as batch:
        batch.add_column(sa.Column('paper_due', sa.Date(), nullable=True))
        batch.add_column(sa.Column('paper_reminded', sa.Date(), nullable=True))
        batch.add_column(sa.Column('paper_sent_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('paper_sent_by', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_secret_documents_paper_sent_by_users', 'users', ['paper_sent_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('secret_documents') as batch:
        batch.drop_constraint('fk_secret_documents_paper_sent_by_users', type_='foreignkey')
        for column in ('paper_sent_by', 'paper_sent_on', 'paper_reminded', 'paper_due'):
            batch.drop_column(column)
