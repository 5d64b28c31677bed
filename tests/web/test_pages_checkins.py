"""Check-ins on the web: Today's banner on run days and after runs, answered on the pain page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from tests.web.conftest import upload
from tests.web.pain_form import answers
from tests.web.test_pages_today import GPX


def _run_monday(client: TestClient) -> None:
    r = client.patch("/api/v1/settings", json={"reminders": {"run_days": {"mon": "18:30"}}})
    assert r.status_code == 200, r.text


def test_run_day_shows_the_pre_run_check_in_until_it_is_answered(client: TestClient) -> None:
    assert 'id="checkin-pre-run"' not in client.get("/").text  # no run days yet
    _run_monday(client)
    page = client.get("/").text
    assert 'id="checkin-pre-run"' in page and 'href="/pain?checkin=pre-run"' in page
    assert "Your run is at 18:30." in page
    form = client.get("/pain?checkin=pre-run").text
    assert 'id="checkin-question"' in form and 'name="checkin" value="pre-run"' in form
    r = client.post(
        "/pain",
        data={"region": "lower-back", "intensity": "0", "checkin": "pre-run", **answers()},
    )
    assert r.status_code == 200 and "Checked in: Lower back, 0/10" in r.text
    assert "(pre-run check-in)" in r.text  # the history marks its kind
    assert 'id="checkin-pre-run"' not in client.get("/").text
    assert client.get("/api/v1/pain").json()[0]["kind"] == "pre-run"


def test_after_an_imported_run_the_after_run_check_in_replaces_the_pain_prompt(
    client: TestClient, clock: FakeClock
) -> None:
    assert upload(client, {"files": ("morning.gpx", GPX.encode())})["imported"] == 1
    # The run ended at 06:40 UTC; the clock is 08:00: inside the 1-3 h window.
    data = client.get("/api/v1/today").json()
    assert [c["kind"] for c in data["checkins"]] == ["after-run"]
    page = client.get("/").text
    assert 'id="checkin-after-run"' in page and 'id="pain-prompt"' not in page
    assert "a 0 is useful too" in page
    client.post(
        "/pain",
        data={"region": "lower-back", "intensity": "0", "checkin": "after-run", **answers()},
    )
    entry = client.get("/api/v1/pain").json()[0]
    assert (entry["kind"], entry["intensity"]) == ("after-run", 0)
    assert entry["run_id"] == data["runs"][0]["id"]
    assert client.get("/api/v1/today").json()["checkins"] == []


def test_a_bad_check_in_kind_is_refused_and_nothing_is_stored(client: TestClient) -> None:
    r = client.post(
        "/pain",
        data={"region": "lower-back", "intensity": "2", "checkin": "during", **answers()},
    )
    assert r.status_code == 422 and "pre-run or after-run" in r.text
    assert client.get("/api/v1/pain").json() == []
