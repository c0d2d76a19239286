"""The calendar's days off, each with the working day a deadline on it ends on (Bộ luật Dân sự 2015,
Đ.148 k.5), so that the SQL form of "done late" reads a row's effective deadline
(engine.outcomes.finished_late). Derived from the calendar: filled here from the shipped corrections,
the `holidays` package and the deployment's calendar_overrides, kept in step by
engine.working_days.sync_days_off.

Revision ID: b7d3f9a1c5e2
Revises: d4a8e2c6f1b9
Create Date: 2026-12-07 09:40:00.000000
"""
import sqlalchemy as sa
from alembic import op

from engine.working_days import WorkingCalendar, days_off

revision = 'b7d3f9a1c5e2'
down_revision = 'd4a8e2c6f1b9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('calendar_days_off',
                            sa.Column('day', sa.Date(), nullable=False),
                            sa.Column('ends_on', sa.Date(), nullable=False),
                            sa.PrimaryKeyConstraint('day'))
    overrides = sa.table('calendar_overrides', sa.column('day', sa.Date()), sa.column('working', sa.Boolean()))
    calendar = WorkingCalendar(dict(op.get_bind().execute(sa.select(overrides.c.day, overrides.c.working)).all()))
    op.bulk_insert(table, [{"day": day, "ends_on": ends_on} for day, ends_on in days_off(calendar).items()])


def downgrade() -> None:
    op.drop_table('calendar_days_off')
