"""directive and text copies on links

A unit's registry by text and by origin read from its links (issue #20, bench/scale_reads, "Seventh
pass"): each link copies its assignment's directive and folded content (cut at 500
characters) too, the triggers of engine.directives.link_copies replaced by
ones that copy them (with this revision's column list: a later revision may copy more), the copies
filled for the rows already written; the index a unit's registry reads carries the directive and
(PostgreSQL) the content's copy, and the few longer contents have an index of their own.

Revision ID: e21f7c3a9b04
Revises: a8c3e5f1d7b2
Create Date: 2026-12-05 04:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

from engine.directives import link_copies

revision = 'e21f7c3a9b04'
down_revision = 'a8c3e5f1d7b2'
branch_labels = None
depends_on = None

BEFORE = ('status', 'progress', 'deadline_kind', 'deadline', 'completed_on', 'assigned_on', 'urgency',
          'last_update_at')
ADDED = ('directive_id', 'search_text')
TEXT_CUT = 500  # the content's copy, in characters (link_copies.TEXT_CUT when written)
COLUMNS: list[tuple[str, sa.types.TypeEngine]] = [('task_directive_id', sa.Integer()), ('task_search_text', sa.Text())]
INDEXED = ['unit_id', 'assignment_id', 'task_status', 'task_completed_on', 'task_deadline', 'task_deadline_kind',
           'task_progress', 'task_assigned_on', 'task_urgency', 'task_last_update_at']


def upgrade() -> None:
    with op.batch_alter_table('assignment_units') as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
    bind = op.get_bind()
    link_copies.backfill(bind, ADDED, TEXT_CUT)
    link_copies.drop_triggers(bind)
    link_copies.create_triggers(bind, BEFORE + ADDED, TEXT_CUT)
    op.drop_index('ix_assignment_units_unit_copies', table_name='assignment_units')
    op.create_index('ix_assignment_units_unit_copies', 'assignment_units', [*INDEXED, 'task_directive_id'],
                    postgresql_include=['task_search_text'])
    longer = sa.text(f'length(search_text) > {TEXT_CUT}')
    op.create_index('ix_assignments_long_text', 'assignments', ['id'], postgresql_where=longer, sqlite_where=longer)


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index('ix_assignments_long_text', table_name='assignments')
    op.drop_index('ix_assignment_units_unit_copies', table_name='assignment_units')
    link_copies.drop_triggers(bind)
    with op.batch_alter_table('assignment_units') as batch:
        for name, _type in reversed(COLUMNS):
            batch.drop_column(name)
    link_copies.create_triggers(bind, BEFORE)
    op.create_index('ix_assignment_units_unit_copies', 'assignment_units', INDEXED)
