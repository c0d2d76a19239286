"""issuing bodies

A commune or ward of the two-tier government tracks its own committee's directives (issue #21):
units.is_issuing_body marks such a body, directives.issuing_body_id names the body whose office
tracks a directive. Existing directives are the tracking office's body's: the top of its tree.

Revision ID: f8b2d6a4c1e7
Revises: c8f3a6d2e9b1
Create Date: 2026-12-06 02:40:00.000000
"""
import sqlalchemy as sa
from alembic import op


revision = 'f8b2d6a4c1e7'
down_revision = 'c8f3a6d2e9b1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('is_issuing_body', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('directives') as batch:
        batch.add_column(sa.Column('issuing_body_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_directives_issuing_body_id_units', 'units', ['issuing_body_id'], ['id'])
        batch.create_index('ix_directives_issuing_body_id', ['issuing_body_id'])
    body = _office_body(op.get_bind())
    if body is not None:
        op.execute(sa.text("UPDATE directives SET issuing_body_id = :body").bindparams(body=body))


def _office_body(connection) -> int | None:
    """The top of the tracking office's tree (no unit is an issuing body yet), else the first root."""
    unit = connection.scalar(sa.text("SELECT id FROM units WHERE is_tracking_office ORDER BY id LIMIT 1"))
    if unit is None:
        return connection.scalar(sa.text("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1"))
    seen = set()
    while unit not in seen:
        seen.add(unit)
        parent = connection.scalar(sa.text("SELECT parent_id FROM units WHERE id = :id").bindparams(id=unit))
        if parent is None:
            return unit
        unit = parent
    return unit


def downgrade() -> None:
    with op.batch_alter_table('directives') as batch:
        batch.drop_index('ix_directives_issuing_body_id')
        batch.drop_constraint('fk_directives_issuing_body_id_units', type_='foreignkey')
        batch.drop_column('issuing_body_id')
    with op.batch_alter_table('units') as batch:
        batch.drop_column('is_issuing_body')
