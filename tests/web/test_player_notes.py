"""Every note of a programme step and a routine step reaches the web player (data and page)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/programme.toml"


def _programme_slug(client: TestClient) -> str:
    files = {"file": ("programme.toml", EXAMPLE.read_bytes())}
    r = client.post("/api/v1/programme/import", files=files)
    assert r.status_code == 201, r.text
    slug: str = client.get("/api/v1/programme").json()["routine_slug"]
    return slug


@pytest.mark.parametrize("source", ["programme", "desk-break"])
def test_every_step_note_reaches_the_player_data_and_page(client: TestClient, source: str) -> None:
    slug = _programme_slug(client) if source == "programme" else source
    data = client.get(f"/api/v1/routines/{slug}/player").json()
    notes = {i: s["note"] for i, s in enumerate(data["routine"]["steps"]) if s["note"]}
    assert notes, "the routine should have step notes to test with"
    for step, note in notes.items():
        phases = [p for p in data["phases"] if p["step"] == step]
        # The note is on every phase of its step: get ready, each hold, switches, rests.
        assert phases and all(p["note"] == note for p in phases)
    assert all(p["note"] == "" for p in data["phases"] if p["step"] not in notes)
    page = client.get(f"/player/{slug}").text
    for note in notes.values():
        # Once in the page's player data, once in the plain list of steps.
        assert html.escape(note) in page
        assert f"Note: {html.escape(note)}" in page


def test_get_ready_carries_the_full_how_to_cautions_and_rotating_cues(client: TestClient) -> None:
    data = client.get("/api/v1/routines/back-up-basics/player").json()
    setup, hold = data["phases"][0], data["phases"][1]
    assert setup["kind"] == "setup" and len(setup["instructions"]) > 1
    assert setup["cautions"] and hold["cues"]
    # Getting a knee onto a table takes longer than stepping into a stretch; the first time
    # also brings a "new exercise" card with more time still.
    assert setup["exercise"] == "hip-table-stretch" and setup["new_exercise"]
    assert setup["duration_s"] == 12 + 10
    assert hold["side_text"] == "left knee up"
    switch = data["phases"][2]
    assert switch["kind"] == "transition" and switch["next_side"] == "right knee up"


def test_a_longer_get_ready_setting_lengthens_every_get_ready(client: TestClient) -> None:
    before = client.get("/api/v1/routines/back-up-basics/player").json()
    r = client.patch("/api/v1/settings", json={"player": {"extra_ready_s": 15}})
    assert r.status_code == 200, r.text
    assert r.json()["player"]["extra_ready_s"] == 15
    after = client.get("/api/v1/routines/back-up-basics/player").json()
    for old, new in zip(before["phases"], after["phases"], strict=True):
        assert new["duration_s"] == old["duration_s"] + (15 if old["kind"] == "setup" else 0)
    assert after["duration_s"] == before["duration_s"] + 15 * after["steps_total"]
    assert 'name="extra_ready_s"' in client.get("/settings").text


def test_the_settings_form_stores_the_extra_get_ready(client: TestClient) -> None:
    r = client.post(
        "/settings",
        data={"zone": "Europe/Berlin", "extra_ready_s": "20"},
        follow_redirects=False,
    )
    assert r.status_code in (200, 303), r.text
    assert client.get("/api/v1/settings").json()["player"]["extra_ready_s"] == 20
    r = client.post("/settings", data={"zone": "Europe/Berlin", "extra_ready_s": "99"})
    assert r.status_code == 422 and "player" in r.text
    assert client.get("/api/v1/settings").json()["player"]["extra_ready_s"] == 20


def test_the_server_times_get_ready_with_the_users_extra_seconds(client: TestClient) -> None:
    import json
    import re

    r = client.patch("/api/v1/settings", json={"player": {"extra_ready_s": 10}})
    assert r.status_code == 200, r.text
    page = client.get("/player/back-up-basics").text
    found = re.search(r'<script type="application/json" id="player-data">(.*?)</script>', page)
    assert found
    first = json.loads(found.group(1))["phases"][0]
    # 12 s for a knee onto a table, 10 s of the user's, 10 s for a first time.
    assert first["kind"] == "setup" and first["duration_s"] == 12 + 10 + 10
    started = client.post("/api/v1/sessions", json={"routine_slug": "back-up-basics"})
    assert started.status_code == 201, started.text
    assert started.json()["state"]["remaining_s"] == 12 + 10 + 10
