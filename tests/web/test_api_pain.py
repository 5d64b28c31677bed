"""The pain API: log with red-flag answers, advice, history, and refusals that store nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_a_red_flag_gives_emergency_advice(client: TestClient) -> None:
    r = client.post(
        "/api/v1/pain",
        json={"region": "lower-back", "intensity": 6, "red_flags": ["saddle-numbness"]},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["advice"]["level"] == "emergency"
    assert "emergency" in body["advice"]["headline"].lower()
    assert body["entry"]["red_flags"] == ["saddle-numbness"]
    history = client.get("/api/v1/pain").json()
    assert [e["id"] for e in history] == [body["entry"]["id"]]


def test_no_red_flag_gives_self_care(client: TestClient) -> None:
    r = client.post(
        "/api/v1/pain", json={"region": "hips", "intensity": 2, "notes": "stiff", "red_flags": []}
    )
    assert r.json()["advice"]["level"] == "self-care"
    advice = client.get("/api/v1/pain/advice", params={"red_flags": ["fever-unwell"]}).json()
    assert advice["level"] == "urgent"


def test_bad_entries_are_refused_and_nothing_is_stored(client: TestClient) -> None:
    r = client.post("/api/v1/pain", json={"region": "knee", "intensity": 11, "red_flags": ["nope"]})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "region: 'knee' is not a pain region" in detail
    assert "intensity" in detail and "'nope'" in detail
    assert client.get("/api/v1/pain").json() == []


def test_questions_are_listed_most_serious_first(client: TestClient) -> None:
    qs = client.get("/api/v1/pain/questions").json()
    levels = [q["level"] for q in qs]
    assert levels[0] == "emergency"
    assert levels == sorted(levels, key=["emergency", "urgent", "see-physio"].index)
    assert all(q["question"].endswith("?") for q in qs)
