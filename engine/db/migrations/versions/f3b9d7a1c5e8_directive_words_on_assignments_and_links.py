"""directive words on assignments and links

A text is matched on the rows a registry view reads (issue #20, bench/scale_reads, "Eleventh
pass"): each assignment copies its directive's folded words (directives.search_text) and each link
its assignment's copy (cut at 500 characters), kept by the triggers of engine.directives.link_copies
(the links' replaced by ones that copy them too, with this revision's column list), filled for the
rows already written; the index a unit's registry reads carries the copy (PostgreSQL), and the few
assignments whose directive's words are longer than it join those with a longer content in
ix_assignments_long_text.

Revision ID: f3b9d7a1c5e8
Revises: b7d3f9a1c5e2
Create Date: 2026-12-07 09:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

from engine.directives import link_copies

revision = 'f3b9d7a1c5e8'
down_revision = 'b7d3f9a1c5e2'
branch_labels = None
depends_on = None

BEFORE = ('status', 'progress', 'deadline_kind', 'deadline', 'completed_on', 'assigned_on', 'urgency',
          'last_update_at', 'directive_id', 'search_text')
ADDED = ('directive_search_text',)
TEXT_CUT = 500  # the texts' copies, in characters (link_copies.TEXT_CUT when written)
INDEXED = ['unit_id', 'assignment_id', 'task_status', 'task_completed_on', 'task_deadline', 'task_deadline_kind',
           'task_progress', 'task_assigned_on', 'task_urgency', 'task_last_update_at', 'task_directive_id']
LONGER = f'length(search_text) > {TEXT_CUT}'
LONGER_NOW = f'({LONGER} OR length(directive_search_text) > {TEXT_CUT})'


def _long_text_index(predicate: str) -> None:
    op.create_index('ix_assignments_long_text', 'assignments', ['id'], postgresql_where=sa.text(predicate),
                    sqlite_where=sa.text(predicate))


def upgrade() -> None:
    # the indexes the copies change are dropped first: a million rows written once, not their entries too
    op.drop_index('ix_assignment_units_unit_copies', table_name='assignment_units')
    op.drop_index('ix_assignments_long_text', table_name='assignments')
    op.add_column('assignments', sa.Column('directive_search_text', sa.Text(), nullable=True))
    op.add_column('assignment_units', sa.Column('task_directive_search_text', sa.Text(), nullable=True))
    bind = op.get_bind()
    link_copies.backfill_words(bind)  # before the links' triggers watch the column: each link written once
    link_copies.create_word_triggers(bind)
    link_copies.backfill(bind, ADDED, TEXT_CUT)
    link_copies.drop_triggers(bind)
    link_copies.create_triggers(bind, BEFORE + ADDED, TEXT_CUT)
    op.create_index('ix_assignment_units_unit_copies', 'assignment_units', INDEXED,
                    postgresql_include=['task_search_text', 'task_directive_search_text'])
    _long_text_index(LONGER_NOW)


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index('ix_assignments_long_text', table_name='assignments')
    op.drop_index('ix_assignment_units_unit_copies', table_name='assignment_units')
    link_copies.drop_word_triggers(bind)
    link_copies.drop_triggers(bind)
    # not a batch: on SQLite it would build the assignments anew, without their indexes on expressions
    op.execute('ALTER TABLE assignment_units DROP COLUMN task_directive_search_text')
    op.execute('ALTER TABLE assignments DROP COLUMN directive_search_text')
    link_copies.create_triggers(bind, BEFORE, TEXT_CUT)
    op.create_index('ix_assignment_units_unit_copies', 'assignment_units', INDEXED,
                    postgresql_include=['task_search_text'])
    _long_text_index(LONGER)
