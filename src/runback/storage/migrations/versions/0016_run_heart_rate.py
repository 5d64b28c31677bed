"""runs.avg_hr and runs.max_hr: the heart rate a file recorded (bpm), for training load.

Older runs keep NULL: their files were read before heart rate was, and import them again to
fill it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("avg_hr", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_hr", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("max_hr")
        batch_op.drop_column("avg_hr")
