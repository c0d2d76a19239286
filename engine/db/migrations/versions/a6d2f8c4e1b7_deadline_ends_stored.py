"""deadline ends stored

"Done late" compares two columns instead of reading calendar_days_off per row: each assignment
stores the day its deadline ends (deadline_ends: the deadline, or when it is a day off the working
day after, Bộ luật Dân sự 2015, Đ.148 k.5), filled here from calendar_days_off for the rows already
written and kept from then on by the triggers of engine.directives.link_copies (and by the
calendar's corrections, engine.working_days.sync_days_off); each link copies it (the links' copy
triggers replaced by ones with this revision's column list). The indexes the outcome is read from
carry it, so that they still answer alone.

Revision ID: a6d2f8c4e1b7
Revises: f3b9d7a1c5e8
Create Date: 2026-12-07 19:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

from engine.directives import link_copies

revision = 'a6d2f8c4e1b7'
down_revision = 'f3b9d7a1c5e8'
branch_labels = None
depends_on = None

BEFORE = ('status', 'progress', 'deadline_kind', 'deadline', 'completed_on', 'assigned_on', 'urgency',
          'last_update_at', 'directive_id', 'search_text', 'directive_search_text')
ADDED = ('deadline_ends',)
TEXT_CUT = 500  # the texts' copies, in characters (link_copies.TEXT_CUT when written)
UNIT_COPIES = ['unit_id', 'assignment_id', 'task_status', 'task_completed_on', 'task_deadline', 'task_deadline_kind',
               'task_progress', 'task_assigned_on', 'task_urgency', 'task_last_update_at', 'task_directive_id']
OUTCOME = ['lead_unit_id', 'assigned_on', 'status', 'deadline_kind', 'deadline', 'completed_on', 'secret',
           'directive_id']
# the PostgreSQL indexes that carry what the outcome reads: (name, columns, carried, condition)
CARRYING = [
    ('ix_assignments_not_started', ['deadline', 'id'],
     ['progress', 'deadline_kind', 'status', 'completed_on', 'secret', 'directive_id', 'follow_up_officer_id'],
     "progress = 'not_started'"),
    ('ix_assignments_not_in_time', ['deadline', 'id'],
     ['status', 'completed_on', 'deadline_kind', 'secret', 'directive_id', 'follow_up_officer_id'],
     'completed_on IS NULL OR completed_on > deadline'),
    ('ix_assignments_period', ['assigned_on', 'deadline'],
     ['status', 'completed_on', 'deadline_kind', 'progress', 'secret', 'directive_id', 'follow_up_officer_id'], None),
]


def _drop_indexes() -> None:
    op.drop_index('ix_assignment_units_unit_copies', table_name='assignment_units')
    op.drop_index('ix_assignments_outcome', table_name='assignments')
    if op.get_bind().dialect.name == 'postgresql':
        for name, *_rest in CARRYING:
            op.drop_index(name, table_name='assignments')


def _create_indexes(ends: list[str]) -> None:
    """The indexes, carrying `ends` (the stored end, or nothing)."""
    op.create_index('ix_assignment_units_unit_copies', 'assignment_units', UNIT_COPIES + [f'task_{c}' for c in ends],
                    postgresql_include=['task_search_text', 'task_directive_search_text'])
    op.create_index('ix_assignments_outcome', 'assignments', OUTCOME + ends)
    if op.get_bind().dialect.name == 'postgresql':
        for name, columns, carried, condition in CARRYING:
            op.create_index(name, 'assignments', columns, postgresql_include=carried + ends,
                            postgresql_where=sa.text(condition) if condition else None)


def upgrade() -> None:
    # the indexes first: a million rows written once, not their entries too
    _drop_indexes()
    op.add_column('assignments', sa.Column('deadline_ends', sa.Date(), nullable=True))
    op.add_column('assignment_units', sa.Column('task_deadline_ends', sa.Date(), nullable=True))
    bind = op.get_bind()
    link_copies.backfill_ends(bind)  # before the links' triggers watch the column: each link written once
    link_copies.create_ends_triggers(bind)
    link_copies.backfill(bind, ADDED, TEXT_CUT)
    link_copies.drop_triggers(bind)
    link_copies.create_triggers(bind, BEFORE + ADDED, TEXT_CUT)
    _create_indexes(list(ADDED))


def downgrade() -> None:
    bind = op.get_bind()
    _drop_indexes()
    link_copies.drop_ends_triggers(bind)
    link_copies.drop_triggers(bind)
    # not a batch: on SQLite it would build the assignments anew, without their indexes on expressions
    op.execute('ALTER TABLE assignment_units DROP COLUMN task_deadline_ends')
    op.execute('ALTER TABLE assignments DROP COLUMN deadline_ends')
    link_copies.create_triggers(bind, BEFORE, TEXT_CUT)
    _create_indexes([])
