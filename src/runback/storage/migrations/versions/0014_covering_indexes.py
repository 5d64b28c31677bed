"""Covering indexes for the reads of Today and /progress on PostgreSQL (index-only scans)

The breaks of the last 400 days (habit strength) and of the week (Today), and the runs of the
last year (/progress), were each a range scan on (user_id, at) or (user_id, started_at)
followed by one heap block per row: ~1,150 block reads for a year of breaks. With the columns
those reads select carried in the index (PostgreSQL's INCLUDE), they read the index alone.
SQLite has no INCLUDE: there the indexes stay as they were.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# (table, index, columns, carried columns): the same names as in storage/models.py.
_INDEXES = [
    ("breaks", "ix_breaks_user_at", ["user_id", "at"], ["id", "outcome", "due_at"]),
    ("runs", "ix_runs_user_started", ["user_id", "started_at"], ["id", "sport", "distance_m"]),
]


def _on_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _on_postgres():
        return
    for table, name, columns, carried in _INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, postgresql_include=carried)


def downgrade() -> None:
    if not _on_postgres():
        return
    for table, name, columns, _carried in _INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
