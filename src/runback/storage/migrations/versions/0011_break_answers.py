"""breaks.reason and breaks.short: why a break was skipped, and a 1-minute break taken instead.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("breaks") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column("short", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("breaks") as batch:
        batch.drop_column("short")
        batch.drop_column("reason")
