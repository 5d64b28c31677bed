"""Web fixtures: the app on SQLite (local mode), and hosted mode on SQLite or real PostgreSQL.

- `app` / `client`: local mode on the per-test SQLite store (FakeClock), no login.
- `hosted_client(db_url)`: a factory for hosted-mode clients on that database; use
  `signup(client, email)` to register and log in, and `client.csrf` for unsafe requests.
- `any_db_url`: the per-test SQLite URL and a fresh PostgreSQL database (marked `postgres`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.services.store import Store, open_store
from runback.settings import Settings
from tests.pg import PgServer, pg_server_or_skip

SECRET = "test-secret-key-0123456789abcdef0123456789"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Use a cheap argon2 cost in tests (the real cost is for real passwords)."""
    from runback.services import passwords

    monkeypatch.setattr(
        passwords, "HASH_PARAMS", {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    )
    passwords.hasher.cache_clear()


@pytest.fixture
def app(settings: Settings, store: Store) -> FastAPI:
    """Return the app in local mode over the per-test store."""
    from runback.web.app import create_app

    return create_app(settings, store)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """Return a test client for the local-mode app."""
    with TestClient(app) as c:
        yield c


class HostedClient(TestClient):
    """A TestClient over https that knows its CSRF token."""

    @property
    def csrf(self) -> str:
        """Return the CSRF token for this client's cookie (fetching one if needed)."""
        token: str = self.get("/api/v1/csrf").json()["csrf_token"]
        return token

    def unsafe(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send an unsafe request with the CSRF header."""
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.request(method, url, headers=headers, **kwargs)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Start one real PostgreSQL server for the whole session (skip if none installed)."""
    yield from pg_server_or_skip()


@pytest.fixture(scope="session")
def pg_url(pg_server: PgServer) -> str:
    """Return the URL of the session's PostgreSQL template database."""
    return pg_server.url("postgres")


@pytest.fixture
def pg_db_url(pg_server: PgServer) -> Iterator[str]:
    """Return the URL of a fresh PostgreSQL database for this test, dropped afterwards."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """Return a fresh database URL: the SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        return db_url
    url: str = request.getfixturevalue("pg_db_url")
    return url


@pytest.fixture
def hosted_client(
    clock: FakeClock,
) -> Iterator[Callable[..., HostedClient]]:
    """Return a factory: hosted_client(db_url) gives an https client of a hosted app."""
    from runback.web.app import create_app

    opened: list[tuple[Store, HostedClient]] = []

    def make(db_url: str, **overrides: Any) -> HostedClient:
        options: dict[str, Any] = {"mode": "hosted", "secret_key": SECRET, "zone": "UTC"}
        settings = Settings(database_url=db_url, **{**options, **overrides})
        store = open_store(settings, clock)
        c = HostedClient(create_app(settings, store), base_url="https://testserver")
        c.__enter__()
        opened.append((store, c))
        return c

    yield make
    for store, c in opened:
        c.__exit__(None, None, None)
        store.close()


def api_routes(app: Any) -> list[APIRoute]:
    """Return every APIRoute of the app, looking inside included routers (lazy in new FastAPI)."""
    out: list[APIRoute] = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            out.extend(
                c.original_route for c in contexts() if isinstance(c.original_route, APIRoute)
            )
        elif isinstance(route, APIRoute):
            out.append(route)
    return out


def signup(c: HostedClient, email: str, password: str = PASSWORD, zone: str = "UTC") -> int:
    """Register and log in through the JSON API; return the new user id."""
    r = c.unsafe(
        "POST", "/api/v1/register", json={"email": email, "password": password, "zone": zone}
    )
    assert r.status_code == 201, r.text
    user_id: int = r.json()["id"]
    return user_id


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Launch Debian's Chromium headless (for the browser tests; each module has a `server`)."""
    from tests.web.browser import launch_chromium

    yield from launch_chromium()


@pytest.fixture
def page(browser: Any, server: Any) -> Iterator[Any]:
    """Open a phone-sized page on the module's server; any script error fails the test."""
    from tests.web.browser import phone_page

    yield from phone_page(browser, server)


def finished_job(client: TestClient, response: Any) -> dict[str, Any]:
    """Wait for the import job an upload answered with (202); return the finished job."""
    from threading import Event

    from runback.services.jobs import work

    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    runner = client.app.state.jobs  # type: ignore[attr-defined]
    if runner is not None:
        # The upload woke the app's job thread before it answered: wait for it, not for time.
        assert runner.wait_idle(60), "the import job did not finish within 60 s"
    else:  # hosted mode without a job thread: be the worker
        work(client.app.state.store, stop=Event(), once=True)  # type: ignore[attr-defined]
    job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] in ("done", "failed"), job
    return job


def upload(client: TestClient, files: Any, **kwargs: Any) -> dict[str, Any]:
    """Upload files to /api/v1/runs/import and return the per-file result once imported."""
    post = getattr(client, "unsafe", None)
    r = (
        post("POST", "/api/v1/runs/import", files=files, **kwargs)
        if post
        else client.post("/api/v1/runs/import", files=files, **kwargs)
    )
    result: dict[str, Any] = finished_job(client, r)["result"]
    return result
