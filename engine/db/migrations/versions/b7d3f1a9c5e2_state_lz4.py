"""the workflow states compressed with lz4

Every step rewrites its instance's state (~30-50 kB of JSON); PostgreSQL compresses it out of line,
with pglz by default. lz4 takes half the server's CPU or less for the UPDATE (engine.db.compression).
Only the column's setting changes: states written before stay as they are (read the same) and take
lz4 at their next step. Nothing on SQLite, nor on a server without lz4.

Revision ID: b7d3f1a9c5e2
Revises: e5b9d3a7c1f4
Create Date: 2026-12-06 16:40:00.000000
"""
from alembic import op

from engine.db.compression import STATE_LZ4, lz4_offered

revision = 'b7d3f1a9c5e2'
down_revision = 'e5b9d3a7c1f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if lz4_offered(op.get_bind()):
        op.execute(STATE_LZ4)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE workflow_instances ALTER COLUMN state SET COMPRESSION default")
