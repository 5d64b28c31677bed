"""Concurrency: service writers, the reminder daemon and the web app (2 workers) write at once.

Every write a process was told succeeded must be in the database afterwards (no lost writes),
and no process may see an error ("database is locked" or any other). `make test` runs 8
writers × 100 writes; `make check-all` (the slow marker) 8 × 500, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from runback.core.clock import SystemClock
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.settings import Settings
from runback.storage.models import BreakRow, PainEntryRow, SessionRow, UserRow
from tests.pg import PgServer
from tests.reliability.conftest import serve, stop

ROOT = Path(__file__).resolve().parents[2]
CLI_USERS = (2, 3, 4)
DAEMON_USERS = (5, 6)
WEB_CLIENTS = ("w0", "w1", "w2")


def _add_users(store: Store) -> None:
    with store.tx() as s:
        for uid in (*CLI_USERS, *DAEMON_USERS):
            s.add(UserRow(id=uid, zone="Europe/Berlin", prefs={}, created_at=store.clock.now()))


def _spawn(kind: str, target: str, who: object, n: int, seed: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.reliability.workers",
            kind,
            target,
            str(who),
            str(n),
            str(seed),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(store: Store, table: Any, user_id: int, *where: Any) -> int:
    with store.factory() as s:
        query = select(func.count()).select_from(table).where(table.user_id == user_id, *where)
        return int(s.scalar(query) or 0)


def _hammer(url: str, tmp_path: Path, n: int) -> dict[str, float]:
    """Run 8 writers of n writes each (plus a 2-worker web server); check every write landed."""
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), SystemClock())
    _add_users(store)
    server, base = serve(url, tmp_path / "serve.log")
    try:
        started = time.monotonic()
        procs = [_spawn("cli", url, uid, n, uid) for uid in CLI_USERS]
        procs += [_spawn("daemon", url, uid, n, uid) for uid in DAEMON_USERS]
        procs += [_spawn("web", base, m, n, i) for i, m in enumerate(WEB_CLIENTS)]
        reports = []
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
            reports.append(json.loads(out.strip().splitlines()[-1]))
        elapsed = time.monotonic() - started
    finally:
        stop(server)
    errors = [f"{r['kind']} {r['who']}: {e}" for r in reports for e in r["errors"]]
    assert errors == [], "\n".join(errors[:10])
    assert b"database is locked" not in (tmp_path / "serve.log").read_bytes()

    try:
        web_pain = web_sessions = 0
        for r in reports:
            wrote = r["wrote"]
            if r["kind"] == "web":
                web_pain += wrote["pain"]
                web_sessions += wrote["sessions"]
                continue
            uid = int(r["who"])
            assert _count(store, BreakRow, uid) == wrote.get("breaks", 0), r
            if r["kind"] == "cli":
                assert _count(store, PainEntryRow, uid) == wrote["pain"], r
                assert _count(store, SessionRow, uid) == wrote["sessions"], r
                assert _count(store, SessionRow, uid, SessionRow.completed.is_(False)) == 0
            else:
                assert wrote["breaks"] == n
        with store.factory() as s:
            notes = Counter(
                s.scalars(select(PainEntryRow.notes).where(PainEntryRow.user_id == LOCAL_USER_ID))
            )
        assert sum(notes.values()) == web_pain and max(notes.values(), default=1) == 1
        assert _count(store, SessionRow, LOCAL_USER_ID) == web_sessions
        assert _count(store, SessionRow, LOCAL_USER_ID, SessionRow.ended_at.is_(None)) == 0
        if url.startswith("sqlite"):
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.close()
    writes = len(procs) * n
    figures = {
        "writers": len(procs),
        "writes": writes,
        "seconds": elapsed,
        "per_s": writes / elapsed,
    }
    print(f"\nconcurrency {url.split(':')[0]}: {json.dumps(figures)}")
    return figures


def test_sqlite_bounded(db_url: str, tmp_path: Path) -> None:
    _hammer(db_url, tmp_path, 100)


@pytest.mark.postgres
def test_postgresql_bounded(pg: PgServer, tmp_path: Path) -> None:
    url = pg.create_database()
    try:
        _hammer(url, tmp_path, 100)
    finally:
        pg.drop_database(url)


@pytest.mark.slow
def test_sqlite_full(db_url: str, tmp_path: Path) -> None:
    _hammer(db_url, tmp_path, 500)


@pytest.mark.slow
@pytest.mark.postgres
def test_postgresql_full(pg: PgServer, tmp_path: Path) -> None:
    url = pg.create_database()
    try:
        _hammer(url, tmp_path, 500)
    finally:
        pg.drop_database(url)
