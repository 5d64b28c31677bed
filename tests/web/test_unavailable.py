"""A full disk or an unreachable database: 503 with a clear body; the health check stays fast."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from runback.core.clock import FakeClock
from runback.services.store import Store, open_store
from runback.settings import Settings
from tests.pg import PgServer, pg_server_or_skip
from tests.web.pain_form import answers

PAIN = {"region": "lower-back", "intensity": 3, "red_flags": []}


def _fill_the_disk(store: Store) -> None:
    """Cap the database at the pages it has: the next write finds the disk full."""

    def cap(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    event.listen(store.engine, "connect", cap)


def test_full_disk_answers_503_on_the_api_and_on_pages(client: TestClient, store: Store) -> None:
    _fill_the_disk(store)
    blob = "x" * 2000
    statuses = []
    for _ in range(50):  # the free room left in the last pages fills up within a few entries
        r = client.post("/api/v1/pain", json={**PAIN, "notes": blob})
        statuses.append(r.status_code)
        if r.status_code != 201:
            break
    assert statuses[-1] == 503, statuses
    assert "disk is full" in r.json()["detail"]
    assert "runback.db" in r.json()["detail"]  # names the database
    form = {"region": "lower-back", "intensity": "3", **answers(), "notes": blob}
    page = client.post("/pain", data={**form, "csrf_token": _csrf(client)})
    assert page.status_code == 503, page.text[:300]
    assert "disk is full" in page.text and "Traceback" not in page.text
    assert client.get("/api/v1/health").status_code == 200  # reads still work
    assert client.get("/runs").status_code == 200


def _csrf(client: TestClient) -> str:
    token: str = client.get("/api/v1/csrf").json()["csrf_token"]
    return token


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    yield from pg_server_or_skip()


def _server_pids(server: PgServer) -> list[int]:
    first = int((server.data / "postmaster.pid").read_text().split()[0])
    pids = [first]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == first:
                pids.append(int(entry.name))
    return pids


@pytest.mark.postgres
def test_health_answers_within_a_second_while_postgresql_hangs(pg: PgServer) -> None:
    from runback.web.app import create_app

    url = pg.create_database()
    settings = Settings(database_url=url, zone="Europe/Berlin")
    store = open_store(settings, FakeClock())
    pids: list[int] = []
    try:
        with TestClient(create_app(settings, store)) as client:
            assert client.get("/api/v1/health").status_code == 200
            store.engine.dispose()  # the next check needs a new connection, as after idling
            pids = _server_pids(pg)
            for pid in pids:
                # A backend may end between listing and signalling (a closed connection).
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
            for _ in range(3):
                began = time.monotonic()
                r = client.get("/api/v1/health")
                assert time.monotonic() - began < 1.0
                assert r.status_code == 503 and "within 1 s" in r.json()["detail"]
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        store.close()
        pg.drop_database(url)


@pytest.mark.postgres
def test_stopped_postgresql_answers_503_with_a_clear_body(tmp_path: Path) -> None:
    from runback.web.app import create_app
    from tests.pg import find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed")
    server = PgServer(bin_dir)
    server.start()
    try:
        url = server.create_database()
        settings = Settings(database_url=url, zone="Europe/Berlin")
        store = open_store(settings, FakeClock())
        with TestClient(create_app(settings, store)) as client:
            assert client.get("/api/v1/runs").status_code == 200
            server._run("pg_ctl", "-D", str(server.data), "-m", "immediate", "stop")
            store.engine.dispose()
            api = client.get("/api/v1/runs")
            assert api.status_code == 503, api.text
            assert "cannot be reached" in api.json()["detail"]
            assert "RUNBACK_DATABASE_URL" in api.json()["detail"]
            page = client.get("/runs")
            assert page.status_code == 503 and "cannot be reached" in page.text
            assert client.get("/api/v1/health").status_code == 503
        store.close()
    finally:
        server.stop()
