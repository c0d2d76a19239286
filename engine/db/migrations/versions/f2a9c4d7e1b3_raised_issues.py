"""raised issues

A unit's request for the leader's direction, or its flag about another unit not doing its part
(issue #16).

Revision ID: f2a9c4d7e1b3
Revises: d4e8a1c6f0b7
Create Date: 2026-12-04 05:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = 'f2a9c4d7e1b3'
down_revision = 'd4e8a1c6f0b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'raised_issues',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('about_unit_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('raised_by', sa.Integer(), nullable=True),
        sa.Column('raised_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('office_opinion', sa.Text(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by', sa.Integer(), nullable=True),
        sa.Column('answered_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['about_unit_id'], ['units.id'], ),
        sa.ForeignKeyConstraint(['answered_by'], ['users.id'], ),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ),
        sa.ForeignKeyConstraint(['raised_by'], ['users.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_raised_issues_assignment_id'), 'raised_issues', ['assignment_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_raised_issues_assignment_id'), table_name='raised_issues')
    op.drop_table('raised_issues')
