"""sessions.client_key: a phone's own name for a session played offline, so a resend is one

Unique per user (NULL for sessions started online, which any number of rows may share).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ux_sessions_user_client_key", ["user_id", "client_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ux_sessions_user_client_key")
        batch_op.drop_column("client_key")
