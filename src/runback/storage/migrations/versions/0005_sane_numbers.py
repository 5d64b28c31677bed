"""CHECK constraints keep stored numbers finite and plausible; bad rows already stored are repaired

A run with a distance, moving time or ascent that is not a finite, plausible number gets 0 (the
distance) or NULL (the others); an elapsed time that is not gets the moving time, else 1 s; a
start outside 1990–2100 gets the time it was imported. Each repaired run says what was changed in
`runs.repair_note`, so nothing is lost silently. Sessions and pain entries are clamped the same way.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Far beyond any real activity, yet they refuse inf (and NaN on PostgreSQL, where NaN sorts
# above every number; SQLite stores NaN as NULL).
MAX_SECONDS = 1e9
MAX_METRES = 1e9
EARLIEST = "1990-01-01"
LATEST = "2100-01-01"
LABELS = {"moving_s": "moving time", "ascent_m": "ascent"}


def _ok(column: str, low: str, high: float) -> str:
    return f"({column} {low} AND {column} < {high:g})"


def _nullable_ok(column: str, low: str, high: float) -> str:
    return f"({column} IS NULL OR {_ok(column, low, high)})"


def _start_ok(dialect: str) -> str:
    if dialect == "postgresql":
        return (
            f"(start_at >= TIMESTAMPTZ '{EARLIEST} 00:00:00+00' "
            f"AND start_at < TIMESTAMPTZ '{LATEST} 00:00:00+00')"
        )
    # SQLite keeps naive UTC text that sorts like the instant (storage/types.py).
    return f"(start_at >= '{EARLIEST}' AND start_at < '{LATEST}')"


def _checks(dialect: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "runs": [
            ("ck_runs_elapsed_s", _ok("elapsed_s", "> 0", MAX_SECONDS)),
            ("ck_runs_moving_s", _nullable_ok("moving_s", ">= 0", MAX_SECONDS)),
            ("ck_runs_distance_m", _ok("distance_m", ">= 0", MAX_METRES)),
            ("ck_runs_ascent_m", _nullable_ok("ascent_m", ">= 0", MAX_METRES)),
            ("ck_runs_start_at", _start_ok(dialect)),
        ],
        "sessions": [
            ("ck_sessions_active_s", _ok("active_s", ">= 0", MAX_SECONDS)),
            ("ck_sessions_done_s", _ok("done_s", ">= 0", MAX_SECONDS)),
            ("ck_sessions_planned_s", _nullable_ok("planned_s", ">= 0", MAX_SECONDS)),
            ("ck_sessions_steps_total", "(steps_total >= 0 AND steps_total < 100000)"),
            ("ck_sessions_enjoyment", "(enjoyment IS NULL OR enjoyment BETWEEN 1 AND 5)"),
        ],
        "pain_entries": [("ck_pain_entries_intensity", "(intensity BETWEEN 0 AND 10)")],
    }


def _repair_runs(dialect: str) -> None:
    def note(text: str, where: str) -> None:
        op.execute(
            "UPDATE runs SET repair_note = "
            f"CASE WHEN repair_note IS NULL THEN '{text}' ELSE repair_note || '; {text}' END "
            f"WHERE {where}"
        )

    bad_distance = f"NOT {_ok('distance_m', '>= 0', MAX_METRES)} OR distance_m IS NULL"
    note("distance was not a plausible number: set to 0", bad_distance)
    op.execute(f"UPDATE runs SET distance_m = 0 WHERE {bad_distance}")
    for column in ("moving_s", "ascent_m"):
        bad = f"{column} IS NOT NULL AND NOT {_ok(column, '>= 0', MAX_SECONDS)}"
        note(f"{LABELS[column]} was not a plausible number: removed", bad)
        op.execute(f"UPDATE runs SET {column} = NULL WHERE {bad}")
    bad_elapsed = f"NOT {_ok('elapsed_s', '> 0', MAX_SECONDS)} OR elapsed_s IS NULL"
    note("elapsed time was not a plausible number: set to the moving time", bad_elapsed)
    op.execute(
        "UPDATE runs SET elapsed_s = CASE WHEN moving_s > 0 THEN moving_s ELSE 1 END "
        f"WHERE {bad_elapsed}"
    )
    bad_start = f"NOT {_start_ok(dialect)}"
    note("start was outside 1990–2100: set to the import time", bad_start)
    op.execute(f"UPDATE runs SET start_at = imported_at WHERE {bad_start}")
    # An import time that is itself implausible (a wrong clock) still must pass the check.
    op.execute(
        f"UPDATE runs SET start_at = {_literal_start(dialect)} WHERE NOT {_start_ok(dialect)}"
    )


def _literal_start(dialect: str) -> str:
    if dialect == "postgresql":
        return f"TIMESTAMPTZ '{EARLIEST} 00:00:00+00'"
    return f"'{EARLIEST} 00:00:00.000000'"


def _repair_others() -> None:
    for column in ("active_s", "done_s"):
        op.execute(
            f"UPDATE sessions SET {column} = 0 "
            f"WHERE {column} IS NULL OR NOT {_ok(column, '>= 0', MAX_SECONDS)}"
        )
    op.execute(
        "UPDATE sessions SET planned_s = NULL "
        f"WHERE planned_s IS NOT NULL AND NOT {_ok('planned_s', '>= 0', MAX_SECONDS)}"
    )
    op.execute("UPDATE sessions SET steps_total = 0 WHERE steps_total < 0")
    op.execute("UPDATE sessions SET steps_total = 99999 WHERE steps_total >= 100000")
    op.execute("UPDATE sessions SET enjoyment = NULL WHERE enjoyment NOT BETWEEN 1 AND 5")
    op.execute("UPDATE pain_entries SET intensity = 0 WHERE intensity < 0")
    op.execute("UPDATE pain_entries SET intensity = 10 WHERE intensity > 10")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("repair_note", sa.String(300), nullable=True))
    _repair_runs(dialect)
    _repair_others()
    for table, checks in _checks(dialect).items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, sa.text(condition))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, checks in _checks(dialect).items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _condition in checks:
                batch_op.drop_constraint(name, type_="check")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("repair_note")
