"""Today: what is due, streak, breaks, today's run and the pain prompt; break reminder API."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from tests.web.conftest import upload

# Our own tiny recording: a 2 km run that ended an hour before the FakeClock's "now".
GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="runback-test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>Morning run</name><type>running</type><trkseg>
<trkpt lat="46.0000" lon="14.5000"><time>2026-01-05T06:30:00Z</time></trkpt>
<trkpt lat="46.0090" lon="14.5000"><time>2026-01-05T06:35:00Z</time></trkpt>
<trkpt lat="46.0180" lon="14.5000"><time>2026-01-05T06:40:00Z</time></trkpt>
</trkseg></trk></gpx>
"""


def test_fresh_day_shows_what_is_due(client: TestClient) -> None:
    page = client.get("/").text
    assert 'href="/player/back-up-basics?context=other"' in page
    assert "Start Back-up basics" in page
    assert 'id="streak-current">0<' in page
    assert 'id="pain-prompt"' not in page
    # Each slot names its routine as the catalog does and plays it in the slot's context.
    assert 'aria-label="Play Desk break (Desk breaks)"' in page
    assert 'href="/player/desk-break?context=desk-break"' in page
    data = client.get("/api/v1/today").json()
    assert data["practiced_today"] is False
    assert data["runs"] == [] and data["pain_prompt"] is None


def test_after_a_run_today_asks_about_pain_until_it_is_logged(client: TestClient) -> None:
    assert upload(client, {"files": ("morning.gpx", GPX.encode())})["imported"] == 1
    data = client.get("/api/v1/today").json()
    assert len(data["runs"]) == 1
    assert data["pain_prompt"]["run_id"] == data["runs"][0]["id"]
    page = client.get("/").text
    # 1-3 h after the run the after-run check-in asks instead (it takes a 0 as an answer too).
    assert 'id="checkin-after-run"' in page and 'href="/pain?checkin=after-run"' in page
    assert 'id="runs-today">1<' in page
    client.post("/api/v1/pain", json={"region": "lower-back", "intensity": 1, "red_flags": []})
    assert client.get("/api/v1/today").json()["pain_prompt"] is None


def test_next_break_follows_the_schedule_and_answers(client: TestClient, clock: FakeClock) -> None:
    # Monday 09:00 in Berlin: active hours just began, the first break is 30 minutes in.
    nxt = client.get("/api/v1/breaks/next").json()
    assert nxt["enabled"] is True
    due = datetime.fromisoformat(nxt["due_at"])
    assert nxt["seconds_until"] == (due - clock.now()).total_seconds() == 30 * 60
    assert nxt["routine_slug"] == "desk-break"
    clock.advance(31 * 60)
    late = client.get("/api/v1/breaks/next").json()
    assert late["seconds_until"] < 0  # overdue: the open tab reminds now
    after = client.post("/api/v1/breaks", json={"due_at": late["due_at"], "outcome": "taken"})
    assert after.status_code == 201, after.text
    assert after.json()["seconds_until"] > 0
    assert client.get("/api/v1/today").json()["breaks"]["taken"] == 1
    r = client.post("/api/v1/breaks", json={"due_at": "2026-01-05T09:00:00", "outcome": "taken"})
    assert r.status_code == 422  # a time without a zone is ambiguous


def test_pages_load_the_break_reminder_script(client: TestClient) -> None:
    page = client.get("/").text
    assert '<script src="/static/breaks.js" defer></script>' in page
    assert 'id="break-notify" hidden' in page
    assert client.get("/static/breaks.js").status_code == 200


def test_today_reads_through_one_connection_and_not_the_user_again(
    client: TestClient,
) -> None:
    from typing import Any

    from sqlalchemy import event

    from runback.web.view_cache import ViewCache

    upload(client, {"files": ("morning.gpx", GPX.encode())})
    client.app.state.views = ViewCache(0)  # type: ignore[attr-defined]  # every request a miss
    client.get("/api/v1/today")  # the data version's own connection is made
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    statements: list[str] = []
    checkouts: list[int] = []

    def statement(*args: Any) -> None:
        statements.append(str(args[2]).lstrip())

    def checkout(*args: Any) -> None:
        checkouts.append(1)

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine.pool, "checkout", checkout)
    try:
        for path in ("/api/v1/today", "/"):
            statements.clear()
            checkouts.clear()
            assert client.get(path).status_code == 200
            assert len(checkouts) == 1, path
            # The user row is the one the login check read (storage/stamps.py): not read again.
            assert sum(s.startswith("SELECT users.") for s in statements) == 0, statements
            # BEGIN, runs, today's sessions, streaks, programme, breaks, pain after the run;
            # habit strength's sessions and breaks of the last 400 days; the open concern; the
            # page also reads the first-day profile (whether to offer its questions); the
            # check-ins read which were answered; the busy times the breaks are planned around
            assert len(statements) <= (12 if path.startswith("/api") else 13), statements
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine.pool, "checkout", checkout)
