"""Migration 0015 fills day_rollups from the rows already stored."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from runback.storage.migrate import upgrade
from tests.storage.old_schema import database_at


def test_0015_fills_the_rollups_of_stored_rows(tmp_path: Path) -> None:
    engine = database_at(tmp_path / "old.db", "0014", zone="Europe/Berlin")
    with engine.begin() as conn:
        # 23:30 UTC on the 4th is the 5th in Berlin; both are practice (half the hold held).
        for started in ("2026-01-04 23:30:00.000000", "2026-01-06 08:00:00.000000"):
            conn.execute(
                text(
                    "INSERT INTO sessions (user_id, routine_slug, routine_name, started_at,"
                    " zone, steps_total, steps_done, steps_skipped, completed, context,"
                    " active_s, planned_s, done_s)"
                    f" VALUES (1, 'r', 'R', '{started}', 'UTC', 3, '[\"a\"]', '[]', 1,"
                    " 'other', 60, 100, 50)"
                )
            )
        conn.execute(
            text(
                "INSERT INTO breaks (user_id, due_at, at, zone, outcome) VALUES"
                " (1, '2026-01-05 09:00:00.000000', '2026-01-05 09:00:00.000000', 'UTC',"
                " 'taken')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT day, practice, streak, breaks_taken FROM day_rollups ORDER BY day")
        ).all()
    assert [tuple(r) for r in rows] == [("2026-01-05", 1, 1, 1), ("2026-01-06", 1, 2, 0)]
    engine.dispose()
