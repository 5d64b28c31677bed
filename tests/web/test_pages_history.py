"""Edit and delete on the web without JavaScript: a page confirms a delete, plain words follow."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from runback.core.catalog import RoutineStep
from runback.core.clock import FakeClock
from runback.services import breaks
from runback.services.catalog import load_builtin
from runback.services.pain import log_pain
from runback.services.routines import create_routine, get_routine
from runback.services.sessions import finish_session, get_session, start_session
from runback.services.slots import change_slot
from runback.services.store import LOCAL_USER_ID, Store

# Pages speak plain words: no API paths, CLI commands or ids in what people read.
_TECHNICAL = re.compile(r"/api/v1|runback \w|session_id|entry_id")


def _visible(html: str) -> str:
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", body)


def _session(store: Store, slug: str = "back-up-basics", context: str = "other") -> int:
    routine = load_builtin().routines[slug]
    sid = start_session(store, routine, context, user_id=LOCAL_USER_ID)
    finish_session(
        store,
        sid,
        completed=True,
        steps_done=[s.exercise for s in routine.steps],
        user_id=LOCAL_USER_ID,
    )
    return sid


def test_history_lists_sessions_and_breaks_with_edit_and_delete(
    client: TestClient, store: Store
) -> None:
    sid = _session(store, "desk-break", "desk-break")
    page = client.get("/history")
    assert page.status_code == 200
    assert f'href="/history/sessions/{sid}/edit"' in page.text
    assert f'href="/history/sessions/{sid}/delete"' in page.text
    assert "Desk break" in page.text and "Mon 5 Jan 2026, 09:00" in page.text
    assert "with a Desk break session" in page.text
    assert re.search(r'href="/history" [^>]*aria-current="page"', page.text)
    assert not _TECHNICAL.search(_visible(page.text))


def test_deleting_a_session_is_confirmed_first_and_the_streak_follows(
    client: TestClient, store: Store
) -> None:
    sid = _session(store)
    assert 'id="streak-current">1<' in client.get("/progress").text
    confirm = client.get(f"/history/sessions/{sid}/delete")
    assert confirm.status_code == 200
    assert "Delete this session?" in confirm.text and "Back-up basics" in confirm.text
    assert f'action="/history/sessions/{sid}/delete"' in confirm.text
    assert "No, keep it" in confirm.text
    assert get_session(store, sid, user_id=LOCAL_USER_ID).id == sid  # asking deletes nothing
    done = client.post(f"/history/sessions/{sid}/delete")
    assert done.status_code == 200 and done.url.path == "/history"
    assert "Session deleted. Your streak and charts no longer count it." in done.text
    assert 'id="streak-current">0<' in client.get("/progress").text
    again = client.post(f"/history/sessions/{sid}/delete")
    assert again.status_code == 404 and "may have been deleted already" in again.text


def test_editing_a_session_saves_and_says_so(client: TestClient, store: Store) -> None:
    sid = _session(store)
    form = client.get(f"/history/sessions/{sid}/edit").text
    assert 'value="2026-01-05T09:00"' in form  # local time, Europe/Berlin
    r = client.post(
        f"/history/sessions/{sid}/edit",
        data={"enjoyment": "4", "context": "after-run", "started": "2026-01-05T09:00"},
    )
    assert r.status_code == 200 and "Session changed." in r.text
    s = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert (s.enjoyment, s.context) == (4, "after-run")
    assert s.started_at.second == 0 and s.started_at.hour == 8  # unchanged: not moved
    moved = client.post(
        f"/history/sessions/{sid}/edit", data={"context": "other", "started": "2026-01-05T07:15"}
    )
    assert moved.status_code == 200
    assert get_session(store, sid, user_id=LOCAL_USER_ID).started_at.isoformat() == (
        "2026-01-05T06:15:00+00:00"
    )
    future = client.post(f"/history/sessions/{sid}/edit", data={"started": "2026-01-06T07:15"})
    assert future.status_code == 422 and "Nothing was saved" in future.text


def test_history_says_why_a_break_was_skipped_and_which_were_short(
    client: TestClient, store: Store, clock: FakeClock
) -> None:
    at = clock.now()
    skipped = breaks.log_break(store, at, "skipped", user_id=LOCAL_USER_ID, reason="in a meeting")
    breaks.log_break(store, at, "taken", user_id=LOCAL_USER_ID, short=True)
    breaks.log_break(store, at, "skipped", user_id=LOCAL_USER_ID, reason="<b>boss</b> & co")
    text = " ".join(_visible(client.get("/history").text).split())
    assert "Skipped — in a meeting" in text and "Taken — 1-minute break" in text
    assert "Skipped — &lt;b&gt;boss&lt;/b&gt; &amp; co" in text  # the user's text, never markup
    confirm = client.get(f"/history/breaks/{skipped}/delete").text
    assert "Skipped — in a meeting" in confirm
    assert not _TECHNICAL.search(text)


def test_a_break_is_edited_and_deleted_and_counts_follow(
    client: TestClient, store: Store, clock: FakeClock
) -> None:
    break_id = breaks.log_break(store, clock.now(), "taken", user_id=LOCAL_USER_ID)
    assert f'href="/history/breaks/{break_id}/edit"' in client.get("/history").text
    r = client.post(f"/history/breaks/{break_id}/edit", data={"outcome": "skipped"})
    assert "Break changed." in r.text
    assert breaks.summary(store, user_id=LOCAL_USER_ID).today.skipped == 1
    assert "Delete this break?" in client.get(f"/history/breaks/{break_id}/delete").text
    done = client.post(f"/history/breaks/{break_id}/delete")
    assert "Break deleted." in done.text
    assert breaks.summary(store, user_id=LOCAL_USER_ID).today.skipped == 0


def test_pain_entries_are_edited_with_fresh_advice_and_deleted(
    client: TestClient, store: Store
) -> None:
    entry = log_pain(
        store, region="lower-back", intensity=3, notes="hills", user_id=LOCAL_USER_ID
    ).entry
    page = client.get("/pain").text
    assert f'href="/pain/{entry.id}/edit"' in page and f'href="/pain/{entry.id}/delete"' in page
    form = client.get(f"/pain/{entry.id}/edit").text
    assert ">hills</textarea>" in form
    changed = client.post(
        f"/pain/{entry.id}/edit",
        data={"region": "hips", "intensity": "6", "red_flags": ["saddle-numbness"], "notes": ""},
    )
    assert changed.status_code == 200
    assert 'id="pain-changed"' in changed.text and "Get emergency care now" in changed.text
    bad = client.post(f"/pain/{entry.id}/edit", data={"region": "hips"})
    assert bad.status_code == 422 and "intensity" in bad.text
    assert "Delete this pain entry?" in client.get(f"/pain/{entry.id}/delete").text
    done = client.post(f"/pain/{entry.id}/delete")
    assert done.url.path == "/pain" and "Pain entry deleted." in done.text
    assert client.get("/api/v1/pain").json() == []
    assert client.get(f"/pain/{entry.id}/edit").status_code == 404


def test_routine_delete_is_refused_on_its_page_naming_the_slot(
    client: TestClient, store: Store
) -> None:
    create_routine(
        store, "Lunch stretch", [RoutineStep(exercise="roll-down")], user_id=LOCAL_USER_ID
    )
    change_slot(store, "desk-break", routine="lunch-stretch", user_id=LOCAL_USER_ID)
    r = client.post("/routines/lunch-stretch/delete")
    assert r.status_code == 409
    assert "Desk breaks slot uses &#39;Lunch stretch&#39;: pick another routine" in r.text
    assert 'href="/slots"' in r.text
    assert get_routine(store, "lunch-stretch", user_id=LOCAL_USER_ID).name == "Lunch stretch"
    api = client.delete("/api/v1/routines/lunch-stretch")
    assert api.status_code == 409 and "Desk breaks slot" in api.json()["detail"]


def test_a_refused_routine_delete_offers_to_switch_the_slot(
    client: TestClient, store: Store
) -> None:
    create_routine(
        store, "Lunch stretch", [RoutineStep(exercise="roll-down")], user_id=LOCAL_USER_ID
    )
    change_slot(store, "desk-break", routine="lunch-stretch", user_id=LOCAL_USER_ID)
    refused = client.post("/routines/lunch-stretch/delete").text
    assert 'id="reassign-form"' in refused and 'name="reassign_to"' in refused
    assert '<option value="lunch-stretch">' not in refused
    done = client.post("/routines/lunch-stretch/delete", data={"reassign_to": "desk-break"})
    assert done.status_code == 200 and done.url.path == "/routines"
    assert client.get("/routines/lunch-stretch").status_code == 404
