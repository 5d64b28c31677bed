"""The pain page without JavaScript: the form, the advice (emergency first), the history."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_form_lists_every_red_flag_question(client: TestClient) -> None:
    page = client.get("/pain").text
    assert page.count('name="red_flags"') == 10
    assert 'name="intensity" value="10"' in page
    assert "No warning signs" in page  # the advice from the (empty) log
    assert "Nothing logged yet." in page


def test_red_flag_answer_shows_emergency_advice_above_the_form(client: TestClient) -> None:
    r = client.post(
        "/pain",
        data={"region": "lower-back", "intensity": "5", "red_flags": ["bladder-bowel"]},
    )
    assert r.status_code == 200
    page = r.text
    advice = page.index('class="advice advice-emergency"')
    assert 'role="alert"' in page[advice : advice + 200]
    assert advice < page.index('id="pain-form"')
    assert "Get emergency care now" in page
    assert "new trouble peeing" in page
    assert 'id="pain-logged"' in page


def test_missing_intensity_is_explained_and_nothing_stored(client: TestClient) -> None:
    r = client.post("/pain", data={"region": "lower-back", "notes": "kept"})
    assert r.status_code == 422
    assert "Nothing was saved" in r.text and "intensity" in r.text
    assert ">kept</textarea>" in r.text  # what was typed is kept
    assert client.get("/api/v1/pain").json() == []


def test_history_shows_logged_entries_in_local_time(client: TestClient) -> None:
    client.post("/pain", data={"region": "hips", "intensity": "3", "notes": "after intervals"})
    page = client.get("/pain").text
    # FakeClock: Monday 2026-01-05 08:00 UTC is 09:00 in Berlin.
    assert "Mon 5 Jan 2026, 09:00" in page
    assert "after intervals" in page
