"""work given by name

A work item may be given to named people (work_items.performers, ",12,15,"): an inspection's
team records its findings and writes its report, an inspected unit's own officers hand over its
papers (engine/inspections/service.py `_performers`). The items of running inspections already
waiting get theirs here, as the engine gives them to new ones; the partial index keeps the inbox's
search for them apart from the role-and-unit one.

Revision ID: c8f3a6d2e9b1
Revises: b8d2f4a6c1e3
Create Date: 2026-12-06 03:00:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'c8f3a6d2e9b1'
down_revision = 'b8d2f4a6c1e3'
branch_labels = None
depends_on = None

_ITEMS = sa.table('work_items', sa.column('id', sa.Integer), sa.column('instance_id', sa.Integer),
                  sa.column('form_key', sa.String), sa.column('status', sa.String), sa.column('unit_id', sa.Integer),
                  sa.column('role', sa.String), sa.column('performers', sa.Text))
_INSPECTIONS = sa.table('inspections', sa.column('id', sa.Integer), sa.column('instance_id', sa.Integer))
_MEMBERS = sa.table('inspection_members', sa.column('inspection_id', sa.Integer), sa.column('user_id', sa.Integer))
_USERS = sa.table('users', sa.column('id', sa.Integer), sa.column('unit_id', sa.Integer),
                  sa.column('roles', sa.JSON), sa.column('active', sa.Boolean))


def upgrade() -> None:
    op.add_column('work_items', sa.Column('performers', sa.Text(), nullable=True))
    op.create_index('ix_work_items_named', 'work_items', ['status'],
                    postgresql_where=sa.text("performers IS NOT NULL"),
                    sqlite_where=sa.text("performers IS NOT NULL"))
    conn = op.get_bind()
    waiting = conn.execute(sa.select(_ITEMS.c.id, _ITEMS.c.form_key, _ITEMS.c.unit_id, _ITEMS.c.role,
                                     _INSPECTIONS.c.id.label('inspection_id'))
                           .join(_INSPECTIONS, _INSPECTIONS.c.instance_id == _ITEMS.c.instance_id)
                           .where(_ITEMS.c.status == 'ready', _ITEMS.c.form_key.in_(
                               ('inspection_findings', 'inspection_report', 'inspection_hand_over')))).all()
    users = conn.execute(sa.select(_USERS.c.id, _USERS.c.unit_id, _USERS.c.roles)
                         .where(_USERS.c.active.is_(True))).all()
    for item in waiting:
        if item.form_key == 'inspection_hand_over':  # the unit's holders of the role, else its head
            named = ([u.id for u in users if u.unit_id == item.unit_id and item.role in (u.roles or [])]
                     or [u.id for u in users if u.unit_id == item.unit_id and 'unit_head' in (u.roles or [])])
        else:
            named = list(conn.scalars(sa.select(_MEMBERS.c.user_id)
                                      .where(_MEMBERS.c.inspection_id == item.inspection_id)))
        conn.execute(sa.update(_ITEMS).where(_ITEMS.c.id == item.id)
                     .values(performers="," + "".join(f"{user_id}," for user_id in named)))


def downgrade() -> None:
    op.drop_index('ix_work_items_named', table_name='work_items')
    op.drop_column('work_items', 'performers')
