"""concerns (red flags remembered until checked) and pain entries' day-to-day and same-as-last

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from runback.storage.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pain_entries") as batch:
        batch.add_column(
            sa.Column("stops_activities", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("same_as_last", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_how", sa.String(length=16), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["pain_entries.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_concerns_user_closed", "concerns", ["user_id", "closed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_concerns_user_closed", table_name="concerns")
    op.drop_table("concerns")
    with op.batch_alter_table("pain_entries") as batch:
        batch.drop_column("same_as_last")
        batch.drop_column("stops_activities")
