"""The pain page without JavaScript: the form, the advice (emergency first), the history."""

from __future__ import annotations

from fastapi.testclient import TestClient

from runback.core.triage import QUESTIONS
from tests.web.pain_form import answers


def test_form_lists_every_red_flag_question(client: TestClient) -> None:
    page = client.get("/pain").text
    for q in QUESTIONS:
        assert f'name="q-{q.id}" value="yes"' in page and f'name="q-{q.id}" value="no"' in page
    assert 'name="stops_activities" value="yes"' in page
    assert 'id="same-as-last"' not in page  # nothing answered before
    assert 'name="intensity" value="10"' in page
    assert "No warning signs" in page  # the advice from the (empty) log
    assert "Nothing logged yet." in page


def test_red_flag_answer_shows_emergency_advice_above_the_form(client: TestClient) -> None:
    r = client.post(
        "/pain",
        data={"region": "lower-back", "intensity": "5", **answers(["bladder-bowel"])},
    )
    assert r.status_code == 200
    page = r.text
    advice = page.index('advice advice-emergency"')
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
    client.post(
        "/pain",
        data={"region": "hips", "intensity": "3", "notes": "after intervals", **answers()},
    )
    page = client.get("/pain").text
    # FakeClock: Monday 2026-01-05 08:00 UTC is 09:00 in Berlin.
    assert "Mon 5 Jan 2026, 09:00" in page
    assert "after intervals" in page


def test_unanswered_questions_are_refused_and_same_as_last_shows_its_date(
    client: TestClient,
) -> None:
    partial = answers()
    del partial["q-chest-pain"]
    r = client.post("/pain", data={"region": "hips", "intensity": "3", **partial})
    assert r.status_code == 422
    assert "answer yes or no to each (1 not answered)" in r.text
    assert client.get("/api/v1/pain").json() == []
    client.post("/pain", data={"region": "hips", "intensity": "3", **answers(["night-pain"])})
    page = client.get("/pain").text
    assert "Nothing changed since my answers of Mon 5 Jan 2026, 09:00" in page
    r = client.post(
        "/pain",
        data={"region": "hips", "intensity": "4", "same_as_last": "yes", "stops_activities": "no"},
    )
    assert r.status_code == 200, r.text
    latest = client.get("/api/v1/pain").json()[0]
    assert latest["same_as_last"] and latest["red_flags"] == ["night-pain"]
    assert 'id="concern"' in r.text  # the urgent sign is still open


def test_the_concern_panel_calls_and_closes(client: TestClient) -> None:
    client.post("/pain", data={"region": "hips", "intensity": "3", **answers(["chest-spreading"])})
    page = client.get("/pain").text
    assert 'href="tel:112"' in page and "I have been checked" in page
    r = client.post("/pain/checked", data={"on": "2026-01-05"}, follow_redirects=True)
    assert r.status_code == 200 and "Noted that you have been checked" in r.text
    assert 'id="concern"' not in r.text
    r = client.post("/pain/checked", data={"on": "2026-01-05"})
    assert r.status_code == 404


def test_the_emergency_number_is_a_setting(client: TestClient) -> None:
    assert 'name="number" value="112"' in client.get("/settings").text
    r = client.post("/settings/emergency-number", data={"number": "999"}, follow_redirects=True)
    assert r.status_code == 200 and 'name="number" value="999"' in r.text
    client.post("/pain", data={"region": "hips", "intensity": "3", **answers(["both-legs"])})
    assert 'href="tel:999"' in client.get("/pain").text
    r = client.post("/settings/emergency-number", data={"number": "nine"})
    assert r.status_code == 422 and "2 to 6 digits" in r.text
