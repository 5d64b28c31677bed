"""Crash safety: kill -9 mid-import, mid-session (terminal and web player), mid-migration.

At seeded random points; afterwards the SQLite file passes integrity_check, no run is
half-imported (every row complete, its hash that of a full parse of its file), a cut session
is recorded as partial, and running the same work again completes it. `make test` runs a few
kill points of each; `make check-all` (slow) many more.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from runback.importers.files import parse_activity
from runback.storage import web_models  # noqa: F401  (its tables are in the schema too)
from runback.storage.migrate import head_revision
from runback.storage.models import Base
from tests.conftest import SHARED_FIXTURES
from tests.reliability.conftest import serve, stop

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    "fit/garmin-fenix-5-run.fit",
    "fit/activity-small-fenix2-run.fit",
    "fit/garmin-fenix-5-walk.fit",
    "gpx/cerknicko-jezero.gpx",
    "gpx/korita-zbevnica.gpx",
    "tcx/test.tcx",
]
COPIES = 5
BOUNDED, FULL = 3, 25


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RUNBACK_DATABASE_URL": f"sqlite:///{db}",
        "RUNBACK_ZONE": "Europe/Berlin",
    }


def _kill_after(cmd: list[str], env: dict[str, str], seconds: float) -> int | None:
    """Run cmd, SIGKILL it after `seconds` (real time); return its exit code if it ended first."""
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def _db(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return conn


def _runback(*args: str) -> list[str]:
    return [sys.executable, "-m", "runback", *args]


# --- import --------------------------------------------------------------------------------


@pytest.fixture
def activity_folder(tmp_path: Path) -> tuple[Path, int]:
    """Return a folder of many copies of real activity files, and how many distinct runs."""
    folder = tmp_path / "activities"
    for copy in range(COPIES):
        sub = folder / f"copy{copy}"
        sub.mkdir(parents=True)
        for name in FILES:
            shutil.copyfile(SHARED_FIXTURES / name, sub / Path(name).name)
    # How many runs a clean import of one copy stores (dedup may merge or skip some files).
    reference = tmp_path / "reference.db"
    done = subprocess.run(
        _runback("import", str(folder / "copy0")),
        env=_env(reference),
        capture_output=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return folder, _check_runs(reference)


def _check_runs(db: Path) -> int:
    """Check every stored run is whole: all fields there, and the same as a full parse."""
    conn = _db(db)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "runs" not in tables:
            # Killed while the first migration ran: it is one transaction, so none of it is there.
            assert not tables & set(Base.metadata.tables), tables
            if "alembic_version" in tables:
                assert conn.execute("SELECT * FROM alembic_version").fetchall() == []
            return 0
        rows = conn.execute("SELECT * FROM runs").fetchall()
    finally:
        conn.close()
    required = [c.name for c in Base.metadata.tables["runs"].columns if not c.nullable]
    for row in rows:
        assert all(row[name] is not None for name in required), dict(row)
        path = Path(row["source_file"])
        activity = parse_activity(str(path), path.read_bytes())
        assert row["content_hash"] == activity.content_hash, dict(row)
        assert row["distance_m"] == pytest.approx(activity.distance_m)
        assert row["elapsed_s"] == pytest.approx(activity.elapsed_s)
    assert len({row["content_hash"] for row in rows}) == len(rows)
    return len(rows)


def _import_kills(tmp_path: Path, folder: Path, distinct: int, points: int, seed: int) -> None:
    rng = random.Random(seed)
    db = tmp_path / "import.db"
    env = _env(db)
    for _ in range(points):
        _kill_after(_runback("import", str(folder)), env, rng.uniform(0.3, 2.5))
        if db.exists():
            assert _check_runs(db) <= distinct
    done = subprocess.run(_runback("import", str(folder)), env=env, capture_output=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert _check_runs(db) == distinct


def test_kill_mid_import(tmp_path: Path, activity_folder: tuple[Path, int]) -> None:
    _import_kills(tmp_path, *activity_folder, BOUNDED, seed=1)


@pytest.mark.slow
def test_kill_mid_import_many(tmp_path: Path, activity_folder: tuple[Path, int]) -> None:
    _import_kills(tmp_path, *activity_folder, FULL, seed=2)


# --- terminal session ----------------------------------------------------------------------

SESSION = ("session", "desk-break", "--speed", "200", "--record", "--enjoyment", "3", "--no-sound")


def _sessions(db: Path) -> list[sqlite3.Row]:
    if not db.exists():
        return []
    conn = _db(db)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sessions'").fetchone():
            return []  # killed before the first migration committed
        return conn.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    finally:
        conn.close()


def _check_sessions(db: Path) -> None:
    for row in _sessions(db):
        assert row["routine_slug"] == "desk-break" and row["steps_total"] == 3
        if row["ended_at"] is None:
            assert not row["completed"]  # cut short: kept as a partial session
        assert row["completed"] == (row["ended_at"] is not None and row["enjoyment"] == 3)


def _session_kills(tmp_path: Path, points: int, seed: int) -> None:
    rng = random.Random(seed)
    db = tmp_path / "session.db"
    env = _env(db)
    cut = 0
    for _ in range(points):
        if _kill_after(_runback(*SESSION), env, rng.uniform(0.4, 2.5)) is None:
            cut += 1
        _check_sessions(db)
    partial = [r for r in _sessions(db) if r["ended_at"] is None]
    assert len(partial) <= cut
    done = subprocess.run(_runback(*SESSION), env=env, capture_output=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = _sessions(db)
    assert rows[-1]["completed"] and rows[-1]["enjoyment"] == 3
    _check_sessions(db)


def test_kill_mid_terminal_session(tmp_path: Path) -> None:
    _session_kills(tmp_path, BOUNDED, seed=3)


@pytest.mark.slow
def test_kill_mid_terminal_session_many(tmp_path: Path) -> None:
    _session_kills(tmp_path, FULL, seed=4)


# --- web player ----------------------------------------------------------------------------

WEB_CLIENT = """
import sys, httpx
base = sys.argv[1]
with httpx.Client(base_url=base, timeout=30) as c:
    h = {"X-CSRF-Token": c.get("/api/v1/csrf").json()["csrf_token"]}
    sid = c.post("/api/v1/sessions", json={"routine_slug": "desk-break"}, headers=h).json()["id"]
    for i in range(200):
        state = {"phase_index": i % 5, "remaining_s": 10.0, "done_steps": [0] if i > 50 else []}
        c.post(f"/api/v1/sessions/{sid}/progress", json={"state": state, "active_s": i}, headers=h)
    c.post(f"/api/v1/sessions/{sid}/finish", json={"completed": True, "enjoyment": 4}, headers=h)
"""


def _web_kills(tmp_path: Path, points: int, seed: int) -> None:
    rng = random.Random(seed)
    db = tmp_path / "web.db"
    for point in range(points):
        server, base = serve(f"sqlite:///{db}", tmp_path / f"serve{point}.log", workers=1)
        client = subprocess.Popen([sys.executable, "-c", WEB_CLIENT, base], cwd=ROOT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            client.wait(timeout=rng.uniform(0.2, 1.5))
        os.killpg(server.pid, signal.SIGKILL)  # the server dies mid-request
        server.wait()
        client.kill()
        client.wait()
        for row in _sessions(db):
            if row["ended_at"] is None:
                assert not row["completed"] and row["state"] is not None
    # Serve again: the player offers the unfinished session to resume; finishing it completes it.
    server, base = serve(f"sqlite:///{db}", tmp_path / "serve-final.log", workers=1)
    try:
        with httpx.Client(base_url=base, timeout=30) as c:
            headers = {"X-CSRF-Token": c.get("/api/v1/csrf").json()["csrf_token"]}
            player = c.get("/api/v1/routines/desk-break/player").json()
            resume = player.get("resume") or player.get("session")
            unfinished = [r for r in _sessions(db) if r["ended_at"] is None]
            if unfinished:
                assert resume is not None and resume["id"] == unfinished[-1]["id"]
                sid = resume["id"]
            else:
                sid = c.post(
                    "/api/v1/sessions", json={"routine_slug": "desk-break"}, headers=headers
                )
                sid = sid.json()["id"]
            phases = player["phases"]
            state = {
                "phase_index": len(phases) - 1,
                "remaining_s": 0,
                "done_steps": sorted({p["step"] for p in phases}),
            }
            done = c.post(
                f"/api/v1/sessions/{sid}/finish",
                json={"completed": True, "state": state},
                headers=headers,
            )
            assert done.status_code == 200, done.text
    finally:
        stop(server)
    # The session finished here (an earlier client may have finished its own with skipped steps:
    # "completed" means every step done, whatever the client said).
    assert next(r for r in _sessions(db) if r["id"] == sid)["completed"]


def test_kill_mid_web_session(tmp_path: Path) -> None:
    _web_kills(tmp_path, BOUNDED, seed=5)


@pytest.mark.slow
def test_kill_mid_web_session_many(tmp_path: Path) -> None:
    _web_kills(tmp_path, FULL // 2, seed=6)


# --- migration -----------------------------------------------------------------------------

MIGRATE = """
import sys
from runback.storage.db import make_engine
from runback.storage.migrate import upgrade
engine = make_engine(sys.argv[1])
import alembic.command, alembic.script  # loaded before the kill window starts
print("ready", flush=True)
upgrade(engine)
print("done", flush=True)
"""


def _migration_kills(tmp_path: Path, points: int, seed: int) -> int:
    rng = random.Random(seed)
    expected = {t.name for t in Base.metadata.sorted_tables} | {"alembic_version"}
    completed = 0
    for point in range(points):
        db = tmp_path / f"migrate{point}.db"
        proc = subprocess.Popen(
            [sys.executable, "-c", MIGRATE, f"sqlite:///{db}"], cwd=ROOT, stdout=subprocess.PIPE,
            text=True, start_new_session=True,
        )  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        try:
            proc.wait(timeout=rng.uniform(0.0, 0.4))
            completed += 1
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        conn = _db(db)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            version = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
        finally:
            conn.close()
        # All or nothing: the migration is one transaction.
        if version is None:
            assert tables <= {"alembic_version"}, tables
        else:
            assert version[0] == head_revision() and tables == expected
        again = subprocess.run([sys.executable, "-c", MIGRATE, f"sqlite:///{db}"], cwd=ROOT)
        assert again.returncode == 0
        conn = _db(db)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            assert tables == expected
        finally:
            conn.close()
    return completed


def test_kill_mid_migration(tmp_path: Path) -> None:
    _migration_kills(tmp_path, BOUNDED, seed=7)


@pytest.mark.slow
def test_kill_mid_migration_many(tmp_path: Path) -> None:
    _migration_kills(tmp_path, FULL, seed=8)
