"""Migrations apply on an empty database and refuse one from a newer runback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from runback.errors import SchemaVersionError
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.db import make_engine
from runback.storage.migrate import (
    HEAD_REVISION,
    current_revision,
    head_revision,
    stored_revision,
    upgrade,
)
from runback.storage.models import SessionRow
from tests.storage.old_schema import database_at


def test_migrations_apply_on_empty_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"users", "routines", "sessions", "runs", "pain_entries", "breaks"} <= tables
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    upgrade(engine)  # idempotent
    engine.dispose()


def test_head_constant_is_alembics_head() -> None:
    # The fast start-up check compares against the constant: a new migration must bump it.
    assert head_revision() == HEAD_REVISION


def test_current_database_is_not_migrated_nor_alembic_imported(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'current.db'}"
    engine = make_engine(url)
    assert stored_revision(engine) is None
    upgrade(engine)
    assert stored_revision(engine) == HEAD_REVISION
    engine.dispose()
    # A fresh interpreter, so the check sees only what opening a current store imports.
    code = (
        "import sys\n"
        "from runback.storage.db import make_engine\n"
        "from runback.storage.migrate import upgrade\n"
        f"upgrade(make_engine({url!r}))\n"
        "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'newer.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    with pytest.raises(SchemaVersionError, match="newer than this runback"):
        upgrade(engine)
    engine.dispose()


def test_times_round_trip_as_aware_utc(store: Store) -> None:
    started = datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=1)))
    with store.tx() as s:
        row = SessionRow(
            user_id=LOCAL_USER_ID,
            routine_slug="back-up-basics",
            routine_name="Back-up basics",
            started_at=started,
            zone="Europe/Berlin",
            steps_total=3,
            steps_done=["a"],
        )
        s.add(row)
    with store.factory() as s:
        got = s.get(SessionRow, row.id)
        assert got is not None
        assert got.started_at == started
        assert got.started_at.tzinfo == UTC
        assert got.steps_done == ["a"]


def test_naive_datetimes_are_refused(store: Store) -> None:
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError, match="timezone-aware"), store.tx() as s:
        s.add(
            SessionRow(
                user_id=LOCAL_USER_ID,
                routine_slug="x",
                routine_name="x",
                started_at=datetime(2026, 1, 1),
                zone="UTC",
                steps_total=1,
            )
        )


def test_0003_backfills_hold_seconds_from_active_time(tmp_path: Path) -> None:
    engine = database_at(tmp_path / "old.db", "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sessions (user_id, routine_slug, routine_name, started_at, zone,"
                " steps_total, steps_done, steps_skipped, completed, context, active_s)"
                " VALUES (1, 'r', 'R', '2026-01-05 08:00:00.000000', 'UTC', 3, '[\"a\"]', '[]',"
                " 1, 'other', 61.5)"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT planned_s, done_s, active_s FROM sessions")).one()
    assert row == (None, 61.5, 61.5)
    engine.dispose()


def test_0016_adds_heart_rate_empty_for_stored_runs_and_goes_back(tmp_path: Path) -> None:
    from alembic import command

    from runback.storage.migrate import _config

    engine = database_at(tmp_path / "old.db", "0015")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO runs (user_id, started_at, zone, elapsed_s, distance_m, sport,"
                " source_format, source_file, content_hash, imported_at) VALUES (1,"
                " '2026-01-05 08:00:00.000000', 'UTC', 1800, 5000, 'running', 'gpx', 'r.gpx',"
                " 'h', '2026-01-05 09:00:00.000000')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT avg_hr, max_hr FROM runs")).one() == (None, None)
    with engine.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn  # type: ignore[attr-defined]
        command.downgrade(config, "0015")  # type: ignore[arg-type]
    columns = {c["name"] for c in inspect(engine).get_columns("runs")}
    assert "avg_hr" not in columns and "max_hr" not in columns
    engine.dispose()
