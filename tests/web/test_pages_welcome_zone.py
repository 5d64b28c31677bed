"""The first-day form takes the zone the browser filled in; a wrong one changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_welcome_form_offers_the_zone_for_the_browser_to_fill(client: TestClient) -> None:
    page = client.get("/welcome").text
    assert 'name="zone" value="" data-autofill' in page


def test_the_zone_from_the_browser_is_saved_with_the_answers(client: TestClient) -> None:
    form = {"zone": "America/Toronto", "sitting_hours": "8"}
    r = client.post("/welcome", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/v1/settings").json()["zone"] == "America/Toronto"


def test_a_wrong_zone_is_refused_and_nothing_is_stored(client: TestClient) -> None:
    before = client.get("/api/v1/settings").json()["zone"]
    r = client.post("/welcome", data={"zone": "Mars/Olympus", "sitting_hours": "8"})
    assert r.status_code == 422
    assert 'value="Mars/Olympus"' in r.text and "Mars/Olympus" in r.text
    assert client.get("/api/v1/settings").json()["zone"] == before
    assert "welcome-prompt" in client.get("/").text  # the answers were not stored either
