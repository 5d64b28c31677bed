"""share_links, share_views, share_uploads: a read-only, expiring link to the report for a physio.

Only a hash of each link's token is stored. Every view is logged for the user; a programme the
physio uploads waits for the user to accept or reject it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from runback.storage.types import UTCDateTime

revision = "0013"
# Chained after 0013 on this branch (one head); the lead re-chains both after 0010's successors.
down_revision = "0012"
branch_labels = None
depends_on = None


def _user() -> sa.Column[int]:
    return sa.Column(
        "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )


def _link() -> sa.Column[int]:
    return sa.Column(
        "link_id", sa.Integer(), sa.ForeignKey("share_links.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_share_links_user_id", "share_links", ["user_id"])
    op.create_table(
        "share_views",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        _link(),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("part", sa.String(length=16), nullable=False),
    )
    op.create_index("ix_share_views_link_at", "share_views", ["link_id", "at"])
    op.create_index("ix_share_views_user_id", "share_views", ["user_id"])
    op.create_table(
        "share_uploads",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user(),
        _link(),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("programme_name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_share_uploads_user_id", "share_uploads", ["user_id"])
    op.create_index("ix_share_uploads_link_id", "share_uploads", ["link_id"])


def downgrade() -> None:
    op.drop_index("ix_share_uploads_link_id", table_name="share_uploads")
    op.drop_index("ix_share_uploads_user_id", table_name="share_uploads")
    op.drop_table("share_uploads")
    op.drop_index("ix_share_views_user_id", table_name="share_views")
    op.drop_index("ix_share_views_link_at", table_name="share_views")
    op.drop_table("share_views")
    op.drop_index("ix_share_links_user_id", table_name="share_links")
    op.drop_table("share_links")
