"""The sessions API the player logs through: start, progress (resume state), finish, rating."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.services.store import LOCAL_USER_ID, Store

SLUG = "back-up-basics"


def _player(client: TestClient, slug: str = SLUG) -> dict:  # type: ignore[type-arg]
    r = client.get(f"/api/v1/routines/{slug}/player")
    assert r.status_code == 200, r.text
    data: dict = r.json()  # type: ignore[type-arg]
    return data


def _state(phase: int, remaining: float, done: list[int], skipped: list[int] | None = None) -> dict:  # type: ignore[type-arg]
    return {
        "phase_index": phase,
        "remaining_s": remaining,
        "paused": False,
        "done_steps": done,
        "skipped_steps": skipped or [],
    }


def test_player_data_has_every_phase_with_sides_and_durations(client: TestClient) -> None:
    data = _player(client)
    phases = data["phases"]
    assert sum(p["duration_s"] for p in phases) == data["duration_s"]
    assert phases[0]["kind"] == "setup" and phases[0]["title"] == "Get ready"
    assert [p["index"] for p in phases] == list(range(len(phases)))
    assert {p["step"] for p in phases} == set(range(data["steps_total"]))
    assert sum(1 for p in phases if p["last_hold"]) == data["steps_total"]
    assert data["session"] is None


def test_a_whole_session_is_logged_and_counts_today(client: TestClient, clock: FakeClock) -> None:
    data = _player(client)
    r = client.post("/api/v1/sessions", json={"routine_slug": SLUG, "context": "before-run"})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    assert r.json()["ended_at"] is None and r.json()["state"]["phase_index"] == 0
    last = len(data["phases"]) - 1
    clock.advance(60)
    r = client.post(
        f"/api/v1/sessions/{sid}/progress",
        json={"state": _state(3, 10.0, [0]), "active_s": 60},
    )
    assert r.status_code == 200, r.text
    first_slug = data["phases"][0]["exercise"]
    assert r.json()["steps_done"] == [first_slug]
    clock.advance(data["duration_s"] - 60)
    done = list(range(data["steps_total"]))
    r = client.post(
        f"/api/v1/sessions/{sid}/finish",
        json={"completed": True, "state": _state(last, 0, done), "active_s": data["duration_s"]},
    )
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["completed"] is True and s["ended_at"] is not None and s["state"] is None
    assert len(s["steps_done"]) == data["steps_total"]
    assert s["context"] == "before-run"
    r = client.post(f"/api/v1/sessions/{sid}/enjoyment", json={"enjoyment": 4})
    assert r.json()["enjoyment"] == 4
    today = client.get("/api/v1/today").json()
    assert today["practiced_today"] is True
    assert today["current_streak"] == 1
    assert [x["id"] for x in today["sessions"]] == [sid]
    assert [x["id"] for x in client.get("/api/v1/sessions").json()] == [sid]


def test_reload_mid_session_offers_the_saved_state(client: TestClient) -> None:
    sid = client.post("/api/v1/sessions", json={"routine_slug": SLUG}).json()["id"]
    state = _state(4, 12.5, [0], [1])
    client.post(f"/api/v1/sessions/{sid}/progress", json={"state": state, "active_s": 42})
    data = _player(client)
    assert data["session"]["id"] == sid
    assert data["session"]["state"] == state
    # The page embeds the same, for the player script.
    page = client.get(f"/player/{SLUG}").text
    embedded = re.search(
        r'<script type="application/json" id="player-data">(.*?)</script>', page, re.S
    )
    assert embedded is not None
    client_data = json.loads(embedded.group(1))
    assert client_data["session"]["id"] == sid
    assert client_data["session"]["state"] == state
    # Once finished (even stopped early) it is no longer offered.
    r = client.post(f"/api/v1/sessions/{sid}/finish", json={"completed": False})
    assert r.json()["completed"] is False
    assert r.json()["steps_done"] == [data["phases"][0]["exercise"]]
    assert _player(client)["session"] is None


def test_impossible_progress_is_refused_and_changes_nothing(client: TestClient) -> None:
    sid = client.post("/api/v1/sessions", json={"routine_slug": SLUG}).json()["id"]
    steps = _player(client)["steps_total"]
    r = client.post(
        f"/api/v1/sessions/{sid}/progress", json={"state": _state(0, 5, [steps]), "active_s": 1}
    )
    assert r.status_code == 422
    assert f"step {steps} is outside" in r.json()["detail"]
    r = client.post(
        f"/api/v1/sessions/{sid}/progress", json={"state": _state(9999, 5, []), "active_s": 1}
    )
    assert r.status_code == 422 and "phase_index" in r.json()["detail"]
    s = client.get(f"/api/v1/sessions/{sid}").json()
    assert s["steps_done"] == [] and s["state"]["phase_index"] == 0


def test_bad_requests_name_what_is_wrong(client: TestClient) -> None:
    r = client.post("/api/v1/sessions", json={"routine_slug": "back-up-basic"})
    assert r.status_code == 404
    assert "did you mean 'back-up-basics'" in r.json()["detail"]
    r = client.post("/api/v1/sessions", json={"routine_slug": SLUG, "context": "lunch"})
    assert r.status_code == 422
    assert client.post("/api/v1/sessions/999/finish", json={"completed": True}).status_code == 404
    sid = client.post("/api/v1/sessions", json={"routine_slug": SLUG}).json()["id"]
    r = client.post(f"/api/v1/sessions/{sid}/enjoyment", json={"enjoyment": 6})
    assert r.status_code == 422
    client.post(f"/api/v1/sessions/{sid}/finish", json={"completed": True})
    r = client.post(
        f"/api/v1/sessions/{sid}/progress", json={"state": _state(0, 5, []), "active_s": 1}
    )
    assert r.status_code == 422 and "already ended" in r.json()["detail"]


def test_cross_site_posts_are_refused(client: TestClient, store: Store) -> None:
    r = client.post(
        "/api/v1/sessions",
        json={"routine_slug": SLUG},
        headers={"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert r.status_code == 403
    assert client.get("/api/v1/sessions").json() == []


def test_skipping_through_is_not_completed_and_does_not_count(client: TestClient) -> None:
    data = _player(client)
    sid = client.post("/api/v1/sessions", json={"routine_slug": SLUG}).json()["id"]
    every = list(range(data["steps_total"]))
    last = len(data["phases"]) - 1
    r = client.post(
        f"/api/v1/sessions/{sid}/finish",
        json={"completed": True, "state": _state(last, 0, [], every)},
    )
    s = r.json()
    assert s["completed"] is False and s["done_s"] == 0
    assert s["planned_s"] == sum(p["duration_s"] for p in data["phases"] if p["kind"] == "hold")
    assert client.get("/api/v1/today").json()["practiced_today"] is False


def test_hold_seconds_come_from_the_snapshot(client: TestClient) -> None:
    data = _player(client)
    phases = data["phases"]
    sid = client.post("/api/v1/sessions", json={"routine_slug": SLUG}).json()["id"]
    planned = client.get(f"/api/v1/sessions/{sid}").json()["planned_s"]
    # Stopped inside the step holding past half of the routine: what it held so far counts.
    acc, at = 0.0, -1
    for i, p in enumerate(phases):
        if p["kind"] == "hold" and acc + p["duration_s"] >= planned / 2:
            at = i
            break
        acc += p["duration_s"] if p["kind"] == "hold" else 0
    hold = phases[at]
    need = planned / 2 - acc
    earlier = sorted({q["step"] for q in phases[:at] if q["step"] != hold["step"]})
    state = _state(at, hold["duration_s"] - need, earlier)
    r = client.post(f"/api/v1/sessions/{sid}/finish", json={"completed": False, "state": state})
    s = r.json()
    assert s["done_s"] == pytest.approx(planned / 2) and s["completed"] is False
    assert client.get("/api/v1/today").json()["practiced_today"] is True


def test_desk_break_player_is_dosed_and_takes_the_context(client: TestClient, store: Store) -> None:
    from runback.services import breaks

    walk = [p for p in _player(client, "desk-break")["phases"] if p["exercise"] == "walk-around"]
    assert sum(p["duration_s"] for p in walk if p["kind"] == "hold") == 240
    breaks.set_prefs(store, {"break_min": 10}, merge=True, user_id=LOCAL_USER_ID)
    walk = [p for p in _player(client, "desk-break")["phases"] if p["exercise"] == "walk-around"]
    assert sum(p["duration_s"] for p in walk if p["kind"] == "hold") == 540
    # The address the reminder's Start opens when there is no terminal.
    page = client.get("/player/desk-break?context=desk-break")
    assert page.status_code == 200 and '"context": "desk-break"' in page.text
