"""Slots: the editor page and JSON round-trip, and each slot's state on the Today page."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.services.routines import get_routine
from runback.services.sessions import finish_session, start_session
from runback.services.slots import get_slots
from runback.services.store import LOCAL_USER_ID, Store

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "programme.toml"


def editor_form(client: TestClient) -> dict[str, Any]:
    """Return the editor's current form values as a browser would submit them."""
    slots = client.get("/api/v1/slots").json()
    form: dict[str, Any] = {}
    for s in slots:
        n = s["name"]
        if s["enabled"]:
            form[f"{n}-enabled"] = "true"
        form[f"{n}-kind"] = "routine" if s["routine"] else "plan"
        form[f"{n}-routine"] = s["routine"] or "back-up-basics"
        plan = s["plan"] or {"minutes": 5, "areas": [], "where": "anywhere"}
        form[f"{n}-minutes"] = str(plan["minutes"])
        form[f"{n}-areas"] = plan["areas"]
        form[f"{n}-where"] = plan["where"]
        form[f"{n}-times"] = str(s["times"])
        if s["start"]:
            form[f"{n}-start"], form[f"{n}-end"] = s["start"][:5], s["end"][:5]
        if s["weekdays_only"]:
            form[f"{n}-weekdays_only"] = "true"
    return form


def test_slots_json_round_trips(client: TestClient, store: Store) -> None:
    slots = client.get("/api/v1/slots").json()
    assert [s["name"] for s in slots] == ["morning", "desk-break", "before-run", "after-run"]
    slots[0] = {**slots[0], "routine": None, "plan": {"minutes": 6, "areas": ["hips"]}}
    slots[1] = {**slots[1], "enabled": False, "times": 4, "start": "10:00", "end": "16:00"}
    r = client.put("/api/v1/slots", json=slots)
    assert r.status_code == 200, r.text
    back = client.get("/api/v1/slots").json()
    assert back == r.json()
    assert back[0]["plan"] == {"minutes": 6.0, "areas": ["hips"], "where": "anywhere"}
    assert back[0]["routine"] is None
    assert back[1]["enabled"] is False and back[1]["times"] == 4
    assert (back[1]["start"], back[1]["end"]) == ("10:00:00", "16:00:00")
    # Stored for the user, so the CLI and the reminders see the same.
    assert get_slots(store, user_id=LOCAL_USER_ID)[1].times == 4
    # A slot left out goes back to its default.
    r = client.put("/api/v1/slots", json=[back[0]])
    assert r.json()[1]["enabled"] is True and r.json()[1]["times"] == 3


def test_slots_json_refuses_bad_slots_and_stores_nothing(client: TestClient) -> None:
    before = client.get("/api/v1/slots").json()
    bad = [
        {"name": "morning", "routine": "back-up-basic", "start": "06:00", "end": "11:00"},
        {"name": "desk-break", "routine": "desk-break"},
        {"name": "after-run", "plan": {"minutes": 5, "areas": ["elbows"]}},
    ]
    r = client.put("/api/v1/slots", json=bad)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "slots.morning.routine: no routine 'back-up-basic'; did you mean 'back-up-basics'?" in (
        detail
    )
    assert "slots.desk-break: needs a time window" in detail
    assert "slots.after-run.plan.areas: unknown area(s) elbows" in detail
    both = [{"name": "morning", "routine": "desk-break", "plan": {"minutes": 5}}]
    r = client.put("/api/v1/slots", json=both)
    assert r.status_code == 422 and "either a routine or a plan" in r.text
    assert client.get("/api/v1/slots").json() == before


def test_editor_page_saves_the_form(client: TestClient) -> None:
    page = client.get("/slots").text
    for name in ("morning", "desk-break", "before-run", "after-run"):
        assert f'id="slot-{name}"' in page
    form = editor_form(client)
    form.update(
        {
            "after-run-kind": "routine",
            "after-run-routine": "desk-break",
            "morning-start": "07:00",
            "morning-times": "2",
        }
    )
    form.pop("before-run-enabled")
    r = client.post("/slots", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/slots?saved=1"
    slots = {s["name"]: s for s in client.get("/api/v1/slots").json()}
    assert slots["after-run"]["routine"] == "desk-break" and slots["after-run"]["plan"] is None
    assert slots["morning"]["start"] == "07:00:00" and slots["morning"]["times"] == 2
    assert slots["before-run"]["enabled"] is False
    assert 'id="slots-saved"' in client.get("/slots?saved=1").text


def test_editor_page_shows_problems_keeps_what_was_typed_and_stores_nothing(
    client: TestClient,
) -> None:
    before = client.get("/api/v1/slots").json()
    form = editor_form(client)
    form.update({"morning-start": "12:00", "morning-end": "08:00", "desk-break-times": "40"})
    form.update({"after-run-kind": "plan", "after-run-minutes": "0.2", "after-run-areas": ["hips"]})
    r = client.post("/slots", data=form)
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "slots.desk-break.times" in text
    assert 'value="12:00"' in r.text and 'value="40"' in r.text  # as typed
    r = client.post("/slots", data={**form, "desk-break-times": "3"})
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "slots.morning: start 12:00 is not before end 08:00" in text
    assert "slots.after-run.plan: 0.2 min is too short" in text
    assert client.get("/api/v1/slots").json() == before


def test_today_shows_each_slot_with_a_play_button_in_its_context(
    client: TestClient, store: Store, clock: FakeClock
) -> None:
    # Monday 09:31 in Berlin: the morning and the first desk break (09:30) are due.
    clock.advance(31 * 60)
    due = {d["slot"]: d for d in client.get("/api/v1/slots/due").json()}
    assert due["morning"]["status"] == "due" and due["desk-break"]["status"] == "due"
    page = client.get("/").text
    assert 'id="today-slots"' in page
    assert 'data-slot="morning" data-status="due"' in page
    assert 'href="/player/back-up-basics?context=other"' in page
    assert 'href="/player/desk-break?context=desk-break"' in page
    # The after-run slot holds a plan: it links to the planner with the slot's request.
    assert "/plan?minutes=8&amp;where=home&amp;context=after-run&amp;areas=lower-back" in page
    # Doing the desk break (started from any button: no context given) is a taken break.
    routine = get_routine(store, "desk-break", user_id=LOCAL_USER_ID)
    sid = start_session(store, routine, user_id=LOCAL_USER_ID)
    clock.advance(120)
    every = [step.exercise for step in routine.steps]
    finish_session(store, sid, completed=True, steps_done=every, user_id=LOCAL_USER_ID)
    page = client.get("/").text
    assert "1 of 16 taken" in page
    # The editor's link is on the page.
    assert 'href="/slots"' in page


def test_today_shows_the_programme_in_the_day(client: TestClient) -> None:
    files = {"file": ("programme.toml", EXAMPLE.read_bytes())}
    assert client.post("/api/v1/programme/import", files=files).status_code == 201
    page = html.unescape(client.get("/").text)
    assert 'data-slot="programme" data-status="due"' in page
    assert "prescribed 2×/day, done 0 today" in page
    assert 'href="/player/physio-lower-back-phase-1?context=other"' in page
