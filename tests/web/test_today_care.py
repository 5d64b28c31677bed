"""An open emergency removes every stretching suggestion from Today: CLI, web and API alike."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.errors import PlanError
from runback.services.plans import make_plan
from runback.services.store import LOCAL_USER_ID, Store
from tests.conftest import Cli

STRETCHING = ("/player/", "Start ", "Play", "Plan it", "runback session", "back-up-basics")


def _report_emergency(client: TestClient) -> None:
    r = client.post(
        "/api/v1/pain",
        json={"region": "lower-back", "intensity": 6, "flags": ["saddle-numbness"]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["advice"]["level"] == "emergency"


def test_the_api_needs_the_answers(client: TestClient) -> None:
    r = client.post("/api/v1/pain", json={"region": "hips", "intensity": 5})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and detail.startswith("red_flags:")
    assert "same_as_last: true" in detail
    assert client.get("/api/v1/pain").json() == []
    r = client.post("/api/v1/pain", json={"region": "hips", "intensity": 5, "same_as_last": True})
    assert r.status_code == 422 and "no earlier answers" in r.text
    ok = client.post("/api/v1/pain", json={"region": "hips", "intensity": 8, "red_flags": []})
    assert ok.status_code == 201
    assert ok.json()["advice"]["level"] == "see-physio"  # a single 8/10
    assert "severe-pain" in ok.json()["advice"]["rules"]


@pytest.mark.parametrize("days_later", [0, 14])
def test_an_open_emergency_removes_stretching_from_today_everywhere(
    cli: Cli, client: TestClient, store: Store, clock: FakeClock, days_later: int
) -> None:
    _report_emergency(client)
    clock.advance(days_later * 86400)
    data = client.get("/api/v1/today").json()
    assert data["suggestion"]["kind"] == "care"
    assert data["suggestion"]["routine"] is None
    assert data["suggestion"]["advice"]["level"] == "emergency"
    assert data["concern"]["flags"] == ["saddle-numbness"]
    assert all(d["status"] == "paused" and d["routine"] is None for d in data["slots"])
    assert all(d["plan"] is None for d in data["slots"])

    page = client.get("/").text.split("<footer")[0]
    main = page.split("<main", 1)[-1]
    for word in STRETCHING:
        assert word not in main, word
    assert 'href="tel:112"' in main and "Get emergency care now" in main
    assert 'id="breaks-paused"' in main and 'id="break-notify"' not in main
    tabs = client.get("/api/v1/breaks/next").json()  # what open tabs remind from
    assert tabs["enabled"] is False and tabs["due_at"] is None
    assert "paused" in tabs["message"]

    out = cli("today").output
    assert "runback session" not in out and "care first" in out
    assert "Get emergency care now" in out

    with pytest.raises(PlanError, match="warning sign is open"):
        make_plan(store, 10, user_id=LOCAL_USER_ID)

    # Checked: the suggestions come back.
    assert client.post("/api/v1/pain/checked", json={}).status_code == 200
    assert client.get("/api/v1/pain/concern").json() is None
    assert client.get("/api/v1/today").json()["suggestion"]["kind"] != "care"
    assert "runback session" in cli("today").output


def test_the_player_and_report_show_the_open_concern(client: TestClient) -> None:
    _report_emergency(client)
    page = client.get("/player/back-up-basics").text
    assert 'id="concern"' in page and 'href="tel:112"' in page
