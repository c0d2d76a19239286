"""directive search and day indexes

The registry at a million assignments (issue #20, bench/scale_reads): the directives a search's
words are in, found through a GIN index of their folded text's trigrams (pg_trgm) instead of
reading all of them, only where the server has pg_trgm (engine.db.trigrams: elsewhere, and on
SQLite, searches read every directive as before); and the directives registered on a day (the
office's day, GET /today), through an index on their registration time instead of reading all.

Revision ID: d2b6f9e4a7c1
Revises: b3f7d1a9c5e2
Create Date: 2026-12-05 01:40:00.000000
"""
from alembic import op

from engine.db import trigrams

revision = 'd2b6f9e4a7c1'
down_revision = 'b3f7d1a9c5e2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_directives_created_at', 'directives', ['created_at'])
    if trigrams.installed(op.get_bind()):
        op.create_index('ix_directives_search_trigrams', 'directives', ['search_text'], postgresql_using='gin',
                        postgresql_ops={'search_text': trigrams.OPERATOR_CLASS})


def downgrade() -> None:
    op.execute('DROP INDEX IF EXISTS ix_directives_search_trigrams')
    op.drop_index('ix_directives_created_at', table_name='directives')
