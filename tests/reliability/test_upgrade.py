"""Upgrades: a database made by every released schema migrates to head with its data intact."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect

from runback.core.clock import FakeClock
from runback.services import breaks, pain, programmes, routines, runs, sessions
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from runback.storage.db import make_engine
from runback.storage.migrate import current_revision, head_revision, upgrade
from tests.storage.make_fixture_db import FIXTURES

STORED = sorted(FIXTURES.glob("rev_*.sqlite"))
TABLES = ("users", "routines", "programmes", "runs", "sessions", "pain_entries", "breaks")
# Columns a migration renamed, by their old name: the value is still there, under the new one.
RENAMED = {("runs", "start_at"): "started_at"}


def _dump(path: Path) -> dict[str, list[dict[str, object]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {
            t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in TABLES
        }
    finally:
        conn.close()


def _columns(url: str) -> dict[str, set[str]]:
    engine = make_engine(url)
    try:
        found = inspect(engine)
        return {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}
    finally:
        engine.dispose()


def test_there_is_a_fixture_for_the_first_release() -> None:
    assert FIXTURES / "rev_0001.sqlite" in STORED


@pytest.mark.parametrize("fixture", STORED, ids=lambda p: p.stem)
def test_stored_database_upgrades_with_data_intact(fixture: Path, tmp_path: Path) -> None:
    copy = tmp_path / fixture.name
    shutil.copyfile(fixture, copy)
    before = _dump(copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    revision = current_revision(engine)
    assert revision is not None and fixture.stem == f"rev_{revision}"
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    engine.dispose()

    # The upgraded schema is exactly what a new database gets: a column added to an already
    # released migration (instead of a new migration) shows up here.
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh_engine = make_engine(fresh)
    upgrade(fresh_engine)
    fresh_engine.dispose()
    assert _columns(url) == _columns(fresh), (
        f"{fixture.name}: migrating it does not give the head schema; a released migration "
        "was changed: add a new migration instead"
    )

    # Every value that was there is still there, unchanged.
    after = _dump(copy)
    for table, rows in before.items():
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            kept = {k: new[RENAMED.get((table, k), k)] for k in old}
            assert kept == old, f"{table} row {old['id']} changed"

    # And the services read it and write to it.
    clock = FakeClock(datetime(2026, 1, 20, 9, 0, tzinfo=UTC))
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), clock)
    try:
        assert len(runs.list_runs(store, sport="all", user_id=LOCAL_USER_ID)) == len(before["runs"])
        history = pain.pain_history(store, days=None, user_id=LOCAL_USER_ID)
        assert len(history) == len(before["pain_entries"])
        assert any("😐" in p.notes for p in history)
        assert len(sessions.list_sessions(store, user_id=LOCAL_USER_ID)) == len(before["sessions"])
        unfinished = [
            s for s in sessions.list_sessions(store, user_id=LOCAL_USER_ID) if s.ended_at is None
        ]
        assert len(unfinished) == 1 and unfinished[0].state == {"step": 1}
        assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).interval_min == 45
        assert "lunch-desk-reset" in {
            r.slug for r in routines.list_routines(store, user_id=LOCAL_USER_ID)
        }
        active = programmes.active_programme(store, user_id=LOCAL_USER_ID)
        assert active is not None and active.programme.name.startswith("Back, phase 1")
        assert pain.log_pain(
            store, region="hips", intensity=1, user_id=LOCAL_USER_ID
        ).entry.id == 1 + len(history)
    finally:
        store.close()


@pytest.mark.parametrize("fixture", STORED, ids=lambda p: p.stem)
def test_old_sessions_keep_counting_after_hold_time_is_added(fixture: Path, tmp_path: Path) -> None:
    from runback.services.progress import gather_stats

    copy = tmp_path / fixture.name
    shutil.copyfile(fixture, copy)
    before = _dump(copy)["sessions"]
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    after = _dump(copy)["sessions"]
    # What an old routine planned is unknown: planned_s stays NULL, done_s is the active time.
    assert [(r["planned_s"], r["done_s"]) for r in after] == [(None, r["active_s"]) for r in before]
    clock = FakeClock(datetime(2026, 1, 20, 9, 0, tzinfo=UTC))
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), clock)
    try:
        # The old rule for such rows, a step held to the end, still decides.
        held = {r["id"] for r in before if r["steps_done"] not in (None, "[]", "null")}
        assert held and len(held) == len(before)
        assert gather_stats(store, user_id=LOCAL_USER_ID).streaks.practice_days == len(
            {str(r["started_at"])[:10] for r in before}
        )
    finally:
        store.close()
