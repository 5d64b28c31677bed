"""The OpenAPI document types every page's JSON, and the player page works without JS."""

from __future__ import annotations

from fastapi.testclient import TestClient

TYPED = {
    ("/api/v1/today", "get"): "Today",
    ("/api/v1/breaks/next", "get"): "BreakNext",
    ("/api/v1/routines/{slug}/player", "get"): "PlayerOut",
    ("/api/v1/sessions", "post"): "SessionPublic",
    ("/api/v1/sessions/{session_id}/finish", "post"): "SessionPublic",
    ("/api/v1/runs/import", "post"): "JobOut",
    ("/api/v1/jobs/{job_id}", "get"): "JobOut",
    ("/api/v1/pain", "post"): "PainLogged",
    ("/api/v1/progress", "get"): "Stats",
    ("/api/v1/routines/import", "post"): "ImportResult",
}


def test_every_page_has_typed_json(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    for (path, method), model in TYPED.items():
        op = doc["paths"][path][method]
        ok = next(v for k, v in op["responses"].items() if k.startswith("2"))
        schema = ok["content"]["application/json"]["schema"]
        assert schema.get("$ref", "").endswith(f"/{model}"), (path, schema)
        assert op.get("description") or op.get("summary")
    listed = doc["paths"]["/api/v1/runs"]["get"]["responses"]["200"]["content"]
    assert listed["application/json"]["schema"]["items"]["$ref"].endswith("/Run")


def test_player_page_reads_without_javascript(client: TestClient) -> None:
    page = client.get("/player/back-up-basics").text
    assert '<section id="player-plain">' in page
    assert "<noscript>" in page and 'class="steps"' in page
    assert '<section id="player" class="player" hidden' in page
    assert "onclick" not in page and "style=" not in page  # CSP: no inline handlers/styles


def test_player_speed_is_bounded(client: TestClient) -> None:
    assert client.get("/player/back-up-basics?speed=60").status_code == 200
    assert client.get("/player/back-up-basics?speed=0").status_code == 422
    assert client.get("/player/back-up-basics?speed=5000").status_code == 422


def test_player_index_lists_routines(client: TestClient) -> None:
    page = client.get("/player").text
    assert 'href="/player/desk-break"' in page and 'href="/player/back-up-basics"' in page


def test_the_benchmark_baseline_does_not_ship(client: TestClient) -> None:
    # /api/v1/bare is mounted by bench/bare_app.py only.
    assert client.get("/api/v1/bare").status_code == 404
