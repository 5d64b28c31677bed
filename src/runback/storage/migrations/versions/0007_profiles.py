"""profiles: the first-day profile (sitting, back-pain history, risk context, contraindications)

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from runback.storage.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sitting_hours", sa.Float(), nullable=True),
        sa.Column("back_pain_history", sa.Boolean(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("cancer_history", sa.Boolean(), nullable=False),
        sa.Column("steroids_or_immunosuppression", sa.Boolean(), nullable=False),
        sa.Column("contraindications", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("profiles")
