"""sessions.planned_s and sessions.done_s: seconds of holding planned and counted down

Old sessions keep planned_s NULL (what their routine planned is not known any more), which
means "counts when a step was held to the end"; their done_s starts as their active time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_s", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("done_s", sa.Float(), nullable=False, server_default="0"))
    op.execute("UPDATE sessions SET done_s = active_s WHERE active_s IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("done_s")
        batch_op.drop_column("planned_s")
