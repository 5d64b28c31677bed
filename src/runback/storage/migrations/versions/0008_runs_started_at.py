"""runs.start_at becomes runs.started_at: one name for the instant something began (docs/names.md)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _rename(old: str, new: str, old_index: str, new_index: str) -> None:
    # RENAME COLUMN (SQLite 3.25+, PostgreSQL) keeps the rows and rewrites the CHECK that
    # migration 0005 put on the column; a table copy (batch mode) would lose that CHECK's text.
    op.drop_index(old_index, table_name="runs")
    op.execute(f"ALTER TABLE runs RENAME COLUMN {old} TO {new}")
    op.create_index(new_index, "runs", ["user_id", new], unique=False)


def upgrade() -> None:
    _rename("start_at", "started_at", "ix_runs_user_start", "ix_runs_user_started")


def downgrade() -> None:
    _rename("started_at", "start_at", "ix_runs_user_started", "ix_runs_user_start")
