"""calendar_sources and busy_blocks: the user's own calendars, kept as free/busy only.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from runback.storage.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=True),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("full_read_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_tried_at", UTCDateTime(), nullable=True),
        sa.Column("last_ok_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_calendar_sources_user_id", "calendar_sources", ["user_id"])
    op.create_table(
        "busy_blocks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("calendar_sources.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=False),
        sa.Column("transparency", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("all_day", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index("ix_busy_blocks_user_start", "busy_blocks", ["user_id", "start_at"])
    op.create_index("ix_busy_blocks_source_id", "busy_blocks", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_busy_blocks_source_id", table_name="busy_blocks")
    op.drop_index("ix_busy_blocks_user_start", table_name="busy_blocks")
    op.drop_table("busy_blocks")
    op.drop_index("ix_calendar_sources_user_id", table_name="calendar_sources")
    op.drop_table("calendar_sources")
