"""day_rollups: one row per user and local day of the totals Today, streaks and progress read.

Filled here from the raw rows (storage/rollups.py, the code every write uses since), so a
database upgraded from an older runback answers from rollups at once.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from runback.storage.types import UTCDateTime

revision = "0015"
# Chained after 0010 (another change's migration); on a branch without it, after 0009, so this
# file works both before and after the merge.
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_rollups",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("practice", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=False),
        sa.Column("done_s", sa.Float(), nullable=False),
        sa.Column("first_practice_end", UTCDateTime(), nullable=True),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("breaks_taken", sa.Integer(), nullable=False),
        sa.Column("breaks_skipped", sa.Integer(), nullable=False),
        sa.Column("breaks_missed", sa.Integer(), nullable=False),
        sa.Column("breaks_snoozed", sa.Integer(), nullable=False),
        sa.Column("breaks_away", sa.Integer(), nullable=False),
        sa.Column("pain_entries", sa.Integer(), nullable=False),
        sa.Column("worst_pain", sa.Integer(), nullable=True),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("run_m", sa.Float(), nullable=False),
        sa.Column("run_s", sa.Float(), nullable=False),
        sa.Column("first_run_at", UTCDateTime(), nullable=True),
        sa.Column("worst_run_pain", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "day"),
    )
    op.create_index(
        "ix_day_rollups_user_streak", "day_rollups", ["user_id", "streak", "day"], unique=False
    )
    from runback.storage.rollups import rebuild_all

    rebuild_all(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_day_rollups_user_streak", table_name="day_rollups")
    op.drop_table("day_rollups")
