"""Sessions played offline: sent with the phone's key, stored once however often they arrive."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from runback.core.clock import FakeClock

SLUG = "back-up-basics"


def _end_state(client: TestClient) -> dict[str, Any]:
    data = client.get(f"/api/v1/routines/{SLUG}/player").json()
    return {
        "phase_index": len(data["phases"]) - 1,
        "remaining_s": 0.0,
        "paused": False,
        "done_steps": list(range(data["steps_total"])),
        "skipped_steps": [],
    }


def _played(client: TestClient, key: str = "phone0001abc", **extra: Any) -> dict[str, Any]:
    body = {
        "client_key": key,
        "routine_slug": SLUG,
        "completed": True,
        "state": _end_state(client),
        "active_s": 300.0,
        "started_ago_s": 900.0,
        "ended_ago_s": 600.0,
        **extra,
    }
    return body


def test_a_session_sent_twice_is_stored_once(client: TestClient, clock: FakeClock) -> None:
    body = _played(client, enjoyment=4)
    first = client.post("/api/v1/sessions/played", json=body)
    assert first.status_code == 200, first.text
    clock.advance(30)
    again = client.post("/api/v1/sessions/played", json={**body, "ended_ago_s": 630.0})
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    sessions = client.get("/api/v1/sessions").json()
    assert len(sessions) == 1
    s = sessions[0]
    assert s["completed"] is True and s["enjoyment"] == 4 and s["ended_at"] is not None
    assert s["client_key"] == "phone0001abc"
    # Dated by its age when sent, not by the phone's clock.
    ended = clock.now().timestamp() - 30 - 600
    from datetime import datetime

    assert abs(datetime.fromisoformat(s["ended_at"]).timestamp() - ended) < 1


def test_started_online_then_finished_offline_is_one_session(client: TestClient) -> None:
    start = client.post(
        "/api/v1/sessions", json={"routine_slug": SLUG, "client_key": "phone0002abc"}
    )
    assert start.status_code == 201, start.text
    # The start's answer was lost: sent again, the same session comes back.
    again = client.post(
        "/api/v1/sessions", json={"routine_slug": SLUG, "client_key": "phone0002abc"}
    )
    assert again.json()["id"] == start.json()["id"]
    done = client.post("/api/v1/sessions/played", json=_played(client, "phone0002abc"))
    assert done.status_code == 200, done.text
    assert done.json()["id"] == start.json()["id"] and done.json()["completed"] is True
    assert len(client.get("/api/v1/sessions").json()) == 1


def test_two_keys_are_two_sessions_and_a_bad_key_is_refused(client: TestClient) -> None:
    assert client.post("/api/v1/sessions/played", json=_played(client, "aaaaaaaa1")).is_success
    assert client.post("/api/v1/sessions/played", json=_played(client, "bbbbbbbb2")).is_success
    assert len(client.get("/api/v1/sessions").json()) == 2
    bad = client.post("/api/v1/sessions/played", json=_played(client, "no spaces!"))
    assert bad.status_code == 422
    assert len(client.get("/api/v1/sessions").json()) == 2


def test_the_app_shell_is_served(client: TestClient) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    body = manifest.json()
    assert body["display"] == "standalone" and body["start_url"] == "/"
    for icon in body["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200, icon["src"]
    assert client.get("/icons/icon-192.png").content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/icons/icon-7.png").status_code == 404
    assert client.get("/favicon.ico").headers["content-type"] == "image/png"
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and "__VERSION__" not in sw.text and '"/player"' in sw.text
    pages = client.get("/offline-pages.json").json()["pages"]
    assert f"/player/{SLUG}" in pages
    assert client.get("/more").status_code == 200
    assert client.get("/offline").status_code == 200
