"""pain_entries.kind: how an entry came, so patterns can keep to the unbiased check-ins.

"logged" (the user chose to log: older entries too), "pre-run" or "after-run" (a check-in runback
asked for, answered even when nothing hurt).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pain_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="logged", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("pain_entries", schema=None) as batch_op:
        batch_op.drop_column("kind")
