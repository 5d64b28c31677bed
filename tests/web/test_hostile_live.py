"""The hostile-file corpus uploaded to a live server, local (SQLite) and hosted (PostgreSQL).

Each file is its own upload: answered (2xx/4xx) and its job finished within 10 s with the
expected one-line message, while a health check polled every 200 ms never waits 1 s; the Runs
and Progress pages still answer afterwards.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.importers.hostile_corpus import BAD_UPLOAD_NAMES, EXPECTED, write_corpus
from tests.pg import PgServer, pg_server_or_skip
from tests.web.browser import live_server
from tests.web.live import hosted_env, serve_hosted, stop

# Waits of other requests are timed: run alone, not beside other tests (Makefile).
pytestmark = pytest.mark.realtime

PER_FILE_S = 10.0
MAX_HEALTH_WAIT_S = 1.0


@contextmanager
def _health_polled(base: str) -> Iterator[list[float]]:
    """Poll the health check every 200 ms while the block runs; yield the waits."""
    waits: list[float] = []
    done = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            while not done.is_set():
                t = time.perf_counter()
                assert c.get("/api/v1/health").status_code == 200
                waits.append(time.perf_counter() - t)
                done.wait(0.2)  # a real server in real time: no app clock to fake

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        yield waits
    finally:
        done.set()
        poller.join()


def _upload(c: httpx.Client, name: str, data: bytes, headers: dict[str, str]) -> dict[str, object]:
    """Upload one file and follow its job to the end; return what the user is told."""
    started = time.monotonic()
    r = c.post("/api/v1/runs/import", files={"files": (name, data)}, headers=headers)
    assert r.status_code < 500, (name, r.status_code, r.text)
    if r.status_code != 202:
        return {"status": r.status_code, "message": r.json()["detail"]}
    job_url = r.headers["location"]
    while (job := c.get(job_url).json())["status"] not in ("done", "failed"):
        assert time.monotonic() - started < PER_FILE_S, (name, job)
        time.sleep(0.1)  # polling a real server's job: real time
    assert time.monotonic() - started < PER_FILE_S, name
    return job  # type: ignore[no-any-return]


def _file_line(job: dict[str, object]) -> tuple[str, str]:
    result = job["result"]
    assert isinstance(result, dict)
    [only] = result["files"]
    return str(only["status"]), str(only.get("message") or only.get("reason") or "")


def _run_corpus(base: str, corpus: list[Path], headers: dict[str, str], c: httpx.Client) -> None:
    with _health_polled(base) as waits:
        for path in corpus:
            if path.name not in EXPECTED:
                continue  # routine files go to the routine import, not here
            job = _upload(c, path.name, path.read_bytes(), headers)
            expected = EXPECTED[path.name]
            status, message = _file_line(job)
            if expected.status == "imported":
                assert status == "imported", (path.name, job)
            else:
                assert status != "imported" and expected.reason in message, (path.name, job)
            assert "Traceback" not in str(job)
        for name in BAD_UPLOAD_NAMES:
            answer = _upload(c, name, b"<gpx/>", headers)
            assert "Traceback" not in str(answer)
    assert len(waits) >= 5
    assert max(waits) < MAX_HEALTH_WAIT_S, f"the health check waited {max(waits):.2f} s"
    for page in ("/runs", "/progress", "/api/v1/progress", "/"):
        assert c.get(page).status_code == 200, page


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Write the hostile corpus once for this module."""
    return write_corpus(tmp_path_factory.mktemp("hostile"))


def test_hostile_uploads_on_a_local_server(tmp_path: Path, corpus: list[Path]) -> None:
    with live_server(tmp_path) as server, httpx.Client(base_url=server.url, timeout=60) as c:
        headers = {"X-CSRF-Token": c.get("/api/v1/csrf").json()["csrf_token"]}
        _run_corpus(server.url, corpus, headers, c)


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    """Start one PostgreSQL server for this module (skip when none is installed)."""
    yield from pg_server_or_skip()


@pytest.mark.postgres
def test_hostile_uploads_on_a_hosted_server(
    tmp_path: Path, corpus: list[Path], pg: PgServer
) -> None:
    url = pg.create_database()
    # A one-host installation: the web worker imports uploads in its own thread.
    env = hosted_env(url, RUNBACK_JOB_THREAD="true")
    server, base = serve_hosted(env, tmp_path / "serve.log")
    try:
        with httpx.Client(base_url=base, timeout=60) as c:

            def carry(response: httpx.Response) -> None:
                # Hosted cookies are Secure: carried by hand over plain http to loopback.
                for name, value in response.cookies.items():
                    c.cookies.set(name, value)

            c.event_hooks["response"] = [carry]
            token = c.get("/api/v1/csrf").json()["csrf_token"]
            body = {
                "email": "hostile@example.org",
                "password": "a long passphrase 1",
                "zone": "UTC",
            }
            r = c.post("/api/v1/register", json=body, headers={"X-CSRF-Token": token})
            assert r.status_code == 201, r.text
            # The CSRF token is bound to the login: take the new one.
            headers = {"X-CSRF-Token": c.get("/api/v1/csrf").json()["csrf_token"]}
            _run_corpus(base, corpus, headers, c)
    finally:
        stop(server)
        pg.drop_database(url)
