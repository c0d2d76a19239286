"""units successor index

org.carried_select walks the organisation down by the parent and the successor links; the successor link had no
index, so each step of its recursion scanned the units. From the ~440 staffed units of a province of 600 units
(permissions.receiving_units, on the pages marking the units nobody receives: bench/receiving.py) it took 120–280 ms
on SQLite, 3.5 ms with this index.

Revision ID: c4e8a2f6d1b9
Revises: a6d2f8c4e1b7
Create Date: 2026-12-07 22:50:00.000000
"""
from alembic import op


revision = 'c4e8a2f6d1b9'
down_revision = 'a6d2f8c4e1b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_units_successor_id', 'units', ['successor_id'])


def downgrade() -> None:
    op.drop_index('ix_units_successor_id', table_name='units')
