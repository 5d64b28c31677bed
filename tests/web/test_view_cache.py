"""The per-worker cache of Today: current after any write from any process, a minute old at most."""

from __future__ import annotations

from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.services.catalog import load_builtin
from runback.services.sessions import start_session
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from runback.web.view_cache import ViewCache


def test_the_cache_keeps_the_newest_entries_up_to_its_bound() -> None:
    views = ViewCache(2)
    views.put("a", b"1")
    views.put("b", b"2")
    assert views.get("a") == b"1"  # "a" is now the most recently used
    views.put("c", b"3")
    assert (views.get("a"), views.get("b"), views.get("c")) == (b"1", None, b"3")
    off = ViewCache(0)
    off.put("a", b"1")
    assert off.get("a") is None and len(off) == 0


def _sessions_today(client: TestClient) -> int:
    return len(client.get("/api/v1/today").json()["sessions"])


def test_today_is_current_after_a_write_from_another_process(
    client: TestClient, settings: Settings, clock: FakeClock
) -> None:
    views: ViewCache = client.app.state.views  # type: ignore[attr-defined]
    assert _sessions_today(client) == 0
    assert _sessions_today(client) == 0
    assert (views.misses, views.hits) == (1, 1)
    # Another process (the CLI, another web worker) writes through its own engine.
    other = open_store(settings, clock)
    try:
        start_session(other, load_builtin().routines["desk-break"], user_id=LOCAL_USER_ID)
    finally:
        other.close()
    assert _sessions_today(client) == 1
    assert views.misses == 2


def test_an_entry_serves_for_the_rest_of_its_minute_only(
    client: TestClient, clock: FakeClock
) -> None:
    views: ViewCache = client.app.state.views  # type: ignore[attr-defined]
    first = client.get("/api/v1/today").json()
    clock.advance(30)
    client.get("/api/v1/today")
    clock.advance(60)
    later = client.get("/api/v1/today").json()
    assert views.misses == 2 and views.hits == 1
    assert later == first  # nothing happened, so nothing changed


def test_cached_and_fresh_answers_are_the_same(client: TestClient) -> None:
    fresh = client.get("/api/v1/today")
    cached = client.get("/api/v1/today")
    assert fresh.content == cached.content
    assert cached.headers["content-type"] == "application/json"
    page, again = client.get("/"), client.get("/")
    assert page.text == again.text and again.headers["cache-control"] == "no-store"


def test_each_browser_gets_its_own_csrf_token_in_the_page(client: TestClient) -> None:
    client.get("/")  # the first visit sets the CSRF cookie
    mine = client.get("/").text
    with TestClient(client.app) as other:
        other.get("/")
        theirs = other.get("/").text
    assert mine != theirs  # the token in the page is each browser's own
    assert client.get("/").text == mine


def test_a_browser_without_its_csrf_cookie_yet_is_not_cached(client: TestClient) -> None:
    views: ViewCache = client.app.state.views  # type: ignore[attr-defined]
    client.cookies.clear()
    client.get("/", headers={"cookie": ""})
    assert len(views) == 0
