"""Migration 0005: bad numbers already stored are repaired and flagged; CHECKs refuse new ones."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from runback.core.clock import FakeClock
from runback.services.store import open_store
from runback.settings import Settings
from runback.storage.db import make_engine
from runback.storage.migrate import current_revision, upgrade
from tests.conftest import Cli
from tests.pg import PgServer, pg_server_or_skip
from tests.storage.make_fixture_db import BAD_NUMBERS


@pytest.fixture
def bad_db(tmp_path: Path) -> Path:
    copy = tmp_path / "bad.db"
    shutil.copyfile(BAD_NUMBERS, copy)
    return copy


def test_the_fixture_is_at_0003_with_bad_rows(bad_db: Path) -> None:
    engine = make_engine(f"sqlite:///{bad_db}")
    assert current_revision(engine) == "0003"
    engine.dispose()
    with sqlite3.connect(bad_db) as conn:
        starts = {r[0][:4] for r in conn.execute("SELECT start_at FROM runs")}
        assert {"9999", "0001"} <= starts
        assert conn.execute("SELECT count(*) FROM runs WHERE distance_m > 1e308").fetchone()[0]


def test_upgrade_repairs_and_flags_every_bad_run(bad_db: Path) -> None:
    engine = make_engine(f"sqlite:///{bad_db}")
    upgrade(engine)
    with engine.connect() as conn:
        rows = {
            r.name: r
            for r in conn.execute(
                text(
                    "SELECT name, started_at, elapsed_s, moving_s, distance_m, ascent_m, "
                    "repair_note FROM runs"
                )
            )
        }
    engine.dispose()
    assert rows["good"].repair_note is None and rows["good"].distance_m == 10000.0
    assert rows["inf distance"].distance_m == 0 and "distance" in rows["inf distance"].repair_note
    assert rows["inf elapsed"].elapsed_s == 1 and "elapsed" in rows["inf elapsed"].repair_note
    assert rows["year 9999"].started_at.startswith("2026-01-05")
    assert rows["year 1"].started_at.startswith("2026-01-05")
    assert "1990–2100" in rows["year 1"].repair_note
    assert rows["huge"].moving_s is None and rows["huge"].ascent_m is None
    assert rows["negative"].elapsed_s == 1 and rows["negative"].distance_m == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("elapsed_s", "9e999"),
        ("elapsed_s", "0"),
        ("distance_m", "-1"),
        ("distance_m", "9e999"),
        ("started_at", "'9999-01-01 00:00:00.000000'"),
        ("started_at", "'1900-01-01 00:00:00.000000'"),
    ],
)
def test_checks_refuse_new_bad_runs(bad_db: Path, column: str, value: str) -> None:
    engine = make_engine(f"sqlite:///{bad_db}")
    upgrade(engine)
    values = {
        "elapsed_s": "60",
        "distance_m": "100",
        "started_at": "'2026-01-01 00:00:00.000000'",
        column: value,
    }
    with pytest.raises(IntegrityError, match="CHECK"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO runs (user_id, started_at, zone, elapsed_s, distance_m, sport, "
                "source_format, source_file, content_hash, imported_at) VALUES (1, "
                f"{values['started_at']}, 'UTC', {values['elapsed_s']}, {values['distance_m']}, "
                "'running', 'tcx', 'x.tcx', 'new', '2026-01-01 00:00:00.000000')"
            )
        )
    engine.dispose()


def test_sessions_and_pain_are_clamped(bad_db: Path) -> None:
    engine = make_engine(f"sqlite:///{bad_db}")
    upgrade(engine)
    with engine.connect() as conn:
        session = conn.execute(
            text("SELECT steps_total, active_s, done_s, planned_s, enjoyment FROM sessions")
        ).one()
        intensity = conn.execute(text("SELECT intensity FROM pain_entries")).scalar_one()
    engine.dispose()
    assert tuple(session) == (0, 0.0, 0.0, None, None)
    assert intensity == 10


def test_pages_and_commands_answer_after_the_upgrade(bad_db: Path, tmp_path: Path) -> None:
    from runback.web.app import create_app

    clock = FakeClock()
    settings = Settings(database_url=f"sqlite:///{bad_db}", zone="Europe/Berlin")
    store = open_store(settings, clock)
    try:
        with TestClient(create_app(settings, store)) as client:
            for path in ("/runs", "/progress", "/api/v1/progress", "/api/v1/runs"):
                assert client.get(path).status_code == 200, path
    finally:
        store.close()
    cli = Cli(settings, clock)
    for args in (
        ["runs"],
        ["stats"],
        ["runs", "--json"],
        ["report", "--out", str(tmp_path / "r.pdf")],
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output


def test_reading_tolerates_a_bad_row_that_slipped_in(bad_db: Path) -> None:
    from runback.services.runs import Run
    from runback.storage.models import RunRow

    engine = make_engine(f"sqlite:///{bad_db}")
    engine.dispose()  # stays at 0003, with no CHECKs: rows as a database without them holds
    with sqlite3.connect(bad_db) as conn:
        conn.execute("ALTER TABLE runs ADD COLUMN repair_note VARCHAR(300)")
        conn.execute("ALTER TABLE runs RENAME COLUMN start_at TO started_at")  # as 0008 does
        conn.execute("ALTER TABLE runs ADD COLUMN avg_hr INTEGER")  # as 0016 does
        conn.execute("ALTER TABLE runs ADD COLUMN max_hr INTEGER")
    from sqlalchemy.orm import Session

    engine = make_engine(f"sqlite:///{bad_db}")
    with Session(engine) as session:
        runs = [Run.from_row(r) for r in session.query(RunRow)]
    engine.dispose()
    assert all(1990 <= r.start.year < 2100 for r in runs)
    assert all(r.distance_m < 1e9 and r.elapsed_s < 1e9 for r in runs)
    assert all(r.to_json() for r in runs)


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    yield from pg_server_or_skip()


@pytest.mark.postgres
def test_postgresql_nan_and_infinity_are_repaired_then_refused(pg: PgServer) -> None:
    url = pg.create_database(migrated=False)
    engine = make_engine(url)
    try:
        upgrade(engine, "0003")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, zone, prefs, created_at, data_version) "
                    "VALUES (1, 'UTC', '{}', now(), 0)"
                )
            )
            for i, (elapsed, distance, start) in enumerate(
                [
                    ("'NaN'", "'NaN'", "'2026-01-01T07:00:00Z'"),
                    ("'Infinity'", "'-Infinity'", "'9999-01-01T07:00:00Z'"),
                    ("3600", "10000", "'2026-01-02T07:00:00Z'"),
                ]
            ):
                conn.execute(
                    text(
                        "INSERT INTO runs (user_id, start_at, zone, elapsed_s, distance_m, "
                        "sport, source_format, source_file, content_hash, imported_at) VALUES "
                        f"(1, {start}, 'UTC', {elapsed}, {distance}, 'running', 'tcx', 'f', "
                        f"'h{i}', '2026-01-05T07:30:00Z')"
                    )
                )
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT elapsed_s, distance_m, started_at, repair_note FROM runs ORDER BY id")
            ).all()
        assert [(r.elapsed_s, r.distance_m) for r in rows] == [(1, 0), (1, 0), (3600, 10000)]
        assert rows[1].started_at.year == 2026 and rows[2].repair_note is None
        assert all("plausible" in (r.repair_note or "") for r in rows[:2])
        with pytest.raises(IntegrityError, match="ck_runs_elapsed_s"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO runs (user_id, started_at, zone, elapsed_s, distance_m, sport, "
                    "source_format, source_file, content_hash, imported_at) VALUES (1, now(), "
                    "'UTC', 'NaN', 1, 'running', 'tcx', 'f', 'new', now())"
                )
            )
    finally:
        engine.dispose()
        pg.drop_database(url)
