"""The first-day profile on the web: offered on Today once, skippable, editable in Settings."""

from __future__ import annotations

from fastapi.testclient import TestClient

from runback.services.profile import get_profile, profile_status
from runback.services.store import LOCAL_USER_ID, Store

ANSWERS = {
    "run_days": ["tue", "sat"],
    "run_time": "18:30",
    "sitting_hours": "8",
    "back_pain_history": "yes",
    "birth_year": "1970",
    "cancer_history": "no",
    "steroids_or_immunosuppression": "no",
    "contraindications": ["osteoporosis"],
}


def test_today_offers_the_questions_until_answered(client: TestClient, store: Store) -> None:
    page = client.get("/").text
    assert 'id="welcome-prompt"' in page and 'href="/welcome"' in page
    form = client.get("/welcome").text
    assert "Welcome to runback" in form and 'id="profile-skip"' in form
    r = client.post("/welcome", data=ANSWERS, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    page = client.get("/").text
    assert 'id="welcome-prompt"' not in page
    # A history of back pain: Today suggests a physio and links the programme import.
    assert 'id="physio-advice"' in page and "physiotherapist or osteopath" in page
    assert 'href="/programme"' in page
    profile = get_profile(store, user_id=LOCAL_USER_ID)
    assert profile.birth_year == 1970 and profile.contraindications == {"osteoporosis"}
    data = client.get("/api/v1/profile").json()
    assert data["run_days"] == {"tue": "18:30:00", "sat": "18:30:00"}
    assert data["age"] == 56 and data["status"] == "answered"


def test_skipping_is_remembered_and_settings_still_edits(client: TestClient, store: Store) -> None:
    r = client.post("/welcome/skip", follow_redirects=False)
    assert r.status_code == 303
    assert profile_status(store, user_id=LOCAL_USER_ID) == "skipped"
    assert 'id="welcome-prompt"' not in client.get("/").text
    assert 'href="/settings/profile"' in client.get("/settings").text
    r = client.post("/settings/profile", data={**ANSWERS, "back_pain_history": "no"})
    assert r.status_code == 200 and "Saved." in r.text
    assert profile_status(store, user_id=LOCAL_USER_ID) == "answered"
    assert 'id="physio-advice"' not in client.get("/").text


def test_bad_answer_names_the_field_and_stores_nothing(client: TestClient, store: Store) -> None:
    r = client.post("/welcome", data={**ANSWERS, "sitting_hours": "30"})
    assert r.status_code == 422
    assert "sitting hours: &#39;30&#39; is not a number of hours" in r.text
    assert 'value="30"' in r.text  # the answer given is kept in the form to correct
    r = client.post("/welcome", data={**ANSWERS, "run_time": ""})
    assert r.status_code == 422 and "usual run time" in r.text
    assert profile_status(store, user_id=LOCAL_USER_ID) == "new"
    assert client.get("/api/v1/profile").json()["run_days"] == {}


def test_a_day_keeps_its_own_time_unless_the_usual_time_changes(client: TestClient) -> None:
    client.post(
        "/api/v1/profile", json={"run_days": {"tue": "18:30", "sun": "08:00", "thu": "18:30"}}
    )
    client.post("/settings/profile", data={**ANSWERS, "run_days": ["tue", "sun", "fri"]})
    days = client.get("/api/v1/profile").json()["run_days"]
    assert days == {"tue": "18:30:00", "fri": "18:30:00", "sun": "08:00:00"}
    client.post(
        "/settings/profile", data={**ANSWERS, "run_days": ["tue", "sun"], "run_time": "07:00"}
    )
    days = client.get("/api/v1/profile").json()["run_days"]
    assert days == {"tue": "07:00:00", "sun": "07:00:00"}


def test_api_refuses_an_unknown_contraindication(client: TestClient) -> None:
    r = client.post("/api/v1/profile", json={"contraindications": ["knees"]})
    assert r.status_code == 422
    assert client.get("/api/v1/profile").json()["status"] == "new"


def test_routine_and_player_pages_carry_the_disclaimer_and_flags(client: TestClient) -> None:
    from runback.core.profile import EXERCISE_DISCLAIMER

    for path in ("/routines/back-up-basics", "/player/back-up-basics", "/player/desk-break"):
        page = client.get(path).text
        assert 'id="exercise-care"' in page and EXERCISE_DISCLAIMER in page, path
        assert "Check with your physio first" not in page
    client.post("/settings/profile", data={**ANSWERS, "contraindications": ["osteoporosis"]})
    for path in ("/routines/back-up-basics", "/player/back-up-basics"):
        page = client.get(path).text
        assert "Check with your physio first: your profile mentions osteoporosis." in page, path
    data = client.get("/api/v1/routines/back-up-basics/player").json()
    roll = next(p for p in data["phases"] if p["exercise"] == "roll-down")
    assert roll["cautions"][0].startswith("Check with your physio first")
