"""Programme import over the web (page and API): stored, or every problem shown."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

EXAMPLE = Path(__file__).resolve().parents[2] / "docs/examples/programme.toml"


def test_the_api_imports_a_programme_file(client: TestClient) -> None:
    files = {"file": ("programme.toml", EXAMPLE.read_bytes())}
    r = client.post("/api/v1/programme/import", files=files)
    assert r.status_code == 201, r.text
    assert (
        client.get("/api/v1/programme").json()["programme"]["name"] == r.json()["programme"]["name"]
    )


def test_the_page_shows_every_problem_of_a_bad_file(client: TestClient) -> None:
    files = {"file": ("mine.toml", b"name = 3\n")}
    r = client.post("/programme/import", files=files)
    assert r.status_code == 422
    assert "mine.toml" in r.text
    files = {"file": ("programme.toml", EXAMPLE.read_bytes())}
    r = client.post("/programme/import", files=files, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/programme?imported=1"
