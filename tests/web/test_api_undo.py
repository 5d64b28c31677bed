"""PATCH and DELETE for sessions, pain entries and breaks; another user's id is a 404."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.services import breaks
from runback.services.catalog import load_builtin
from runback.services.pain import log_pain
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, Store
from tests.web.conftest import HostedClient, signup


def _session(store: Store, user_id: int = LOCAL_USER_ID) -> int:
    routine = load_builtin().routines["back-up-basics"]
    sid = start_session(store, routine, "other", user_id=user_id)
    every = [step.exercise for step in routine.steps]
    finish_session(store, sid, completed=True, steps_done=every, user_id=user_id)
    return sid


def test_session_patch_and_delete(client: TestClient, store: Store) -> None:
    sid = _session(store)
    r = client.patch(f"/api/v1/sessions/{sid}", json={"enjoyment": 5, "context": "after-run"})
    assert r.status_code == 200, r.text
    assert (r.json()["enjoyment"], r.json()["context"]) == (5, "after-run")
    moved = client.patch(f"/api/v1/sessions/{sid}", json={"started_at": "2026-01-05T07:00:00Z"})
    assert moved.json()["started_at"] == "2026-01-05T07:00:00Z"
    assert client.patch(f"/api/v1/sessions/{sid}", json={"enjoyment": 6}).status_code == 422
    assert client.patch(f"/api/v1/sessions/{sid}", json={"colour": "red"}).status_code == 422
    assert client.get("/api/v1/progress").json()["streaks"]["current"] == 1
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 204
    assert client.get(f"/api/v1/sessions/{sid}").status_code == 404
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 404
    assert client.get("/api/v1/progress").json()["streaks"]["current"] == 0


def test_pain_patch_triages_again_and_delete(client: TestClient, store: Store) -> None:
    entry_id = log_pain(store, region="lower-back", intensity=3, user_id=LOCAL_USER_ID).entry.id
    r = client.patch(f"/api/v1/pain/{entry_id}", json={"red_flags": ["saddle-numbness"]})
    assert r.status_code == 200, r.text
    assert r.json()["advice"]["level"] == "emergency"
    assert r.json()["entry"]["intensity"] == 3  # left out: unchanged
    bad = client.patch(f"/api/v1/pain/{entry_id}", json={"region": "elbow"})
    assert bad.status_code == 422 and "region" in bad.json()["detail"]
    assert client.delete(f"/api/v1/pain/{entry_id}").status_code == 204
    assert client.get("/api/v1/pain").json() == []


def test_break_list_patch_and_delete(client: TestClient, store: Store, clock: FakeClock) -> None:
    break_id = breaks.log_break(store, clock.now(), "taken", user_id=LOCAL_USER_ID)
    assert [b["id"] for b in client.get("/api/v1/breaks").json()] == [break_id]
    r = client.patch(f"/api/v1/breaks/{break_id}", json={"outcome": "natural"})
    assert r.status_code == 200 and r.json()["outcome"] == "natural"
    assert client.patch(f"/api/v1/breaks/{break_id}", json={"outcome": "nap"}).status_code == 422
    assert client.delete(f"/api/v1/breaks/{break_id}").status_code == 204
    assert client.get("/api/v1/breaks").json() == []


def test_another_users_ids_are_404_and_untouched(
    db_url: str, hosted_client: Callable[..., HostedClient], clock: FakeClock
) -> None:
    a = hosted_client(db_url)
    a_id = signup(a, "a@example.org")
    store: Store = a.app.state.store  # type: ignore[attr-defined]
    sid = _session(store, a_id)
    entry_id = log_pain(store, region="hips", intensity=4, user_id=a_id).entry.id
    break_id = breaks.log_break(store, clock.now(), "taken", user_id=a_id)
    b = hosted_client(db_url)
    signup(b, "b@example.org")
    for url, body in (
        (f"/api/v1/sessions/{sid}", {"enjoyment": 1}),
        (f"/api/v1/pain/{entry_id}", {"intensity": 0}),
        (f"/api/v1/breaks/{break_id}", {"outcome": "skipped"}),
    ):
        assert b.unsafe("PATCH", url, json=body).status_code == 404, url
        assert b.unsafe("DELETE", url).status_code == 404, url
        assert b.request("DELETE", url).status_code == 403, url  # no CSRF token: refused
    for path in (
        f"/history/sessions/{sid}/delete",
        f"/pain/{entry_id}/delete",
        f"/history/breaks/{break_id}/delete",
    ):
        assert b.get(path).status_code == 404
        assert b.unsafe("POST", path).status_code == 404
    assert a.get(f"/api/v1/sessions/{sid}").json()["enjoyment"] is None
    assert [e["intensity"] for e in a.get("/api/v1/pain").json()] == [4]
    assert [x["outcome"] for x in a.get("/api/v1/breaks").json()] == ["taken"]


def test_hosted_confirm_form_carries_the_csrf_token(
    db_url: str, hosted_client: Callable[..., HostedClient]
) -> None:
    import re

    a = hosted_client(db_url)
    a_id = signup(a, "a@example.org")
    store: Store = a.app.state.store  # type: ignore[attr-defined]
    sid = _session(store, a_id)
    confirm = a.get(f"/history/sessions/{sid}/delete").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', confirm)
    assert found is not None
    path = f"/history/sessions/{sid}/delete"
    assert a.post(path, data={}, follow_redirects=False).status_code == 403
    done = a.post(path, data={"csrf_token": found.group(1)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/history?done=session-deleted"
    assert a.get(f"/api/v1/sessions/{sid}").status_code == 404
