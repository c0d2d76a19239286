"""Folded search text of directives and assignments (search without diacritics or case)

Revision ID: d5e8f1a2b3c4
Revises: c7d1e4a9b2f3
Create Date: 2026-12-04 00:10:00
"""
import sqlalchemy as sa
from alembic import op

from engine.text import fold

revision = 'd5e8f1a2b3c4'
down_revision = 'c7d1e4a9b2f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('directives', 'assignments'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    bind = op.get_bind()
    directives = sa.table('directives', sa.column('id'), sa.column('symbol'), sa.column('summary'),
                          sa.column('issuer'), sa.column('search_text'))
    assignments = sa.table('assignments', sa.column('id'), sa.column('content'), sa.column('search_text'))
    header = sa.select(directives.c.id, directives.c.symbol, directives.c.summary, directives.c.issuer)
    for id_, symbol, summary, issuer in bind.execute(header).all():
        bind.execute(directives.update().where(directives.c.id == id_).values(search_text=fold(symbol, summary, issuer)))
    for id_, content in bind.execute(sa.select(assignments.c.id, assignments.c.content)).all():
        bind.execute(assignments.update().where(assignments.c.id == id_).values(search_text=fold(content)))


def downgrade() -> None:
    for table in ('directives', 'assignments'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('search_text')
