"""Breaks around meetings on the web: why a break moved, strict mode, 1-minute breaks, the feed."""

from __future__ import annotations

import re

import icalendar
from fastapi.testclient import TestClient

from runback.core.busy import BusyBlock
from runback.core.clock import FakeClock
from runback.services import accounts, breaks
from runback.services.store import LOCAL_USER_ID, Store
from tests.remind.test_daemon import local
from tests.remind.test_daemon_busy import busy_calendar

MEETING = [BusyBlock(local(10), local(11, 30))]


def test_today_and_next_break_say_why(client: TestClient, store: Store, clock: FakeClock) -> None:
    busy_calendar(store, MEETING)
    clock.advance(31 * 60)  # 09:31: the 09:30 break is due, the next moves before 10:00
    breaks.log_break(store, local(9, 30), "taken", local(9, 31), user_id=LOCAL_USER_ID)
    nxt = client.get("/api/v1/breaks/next").json()
    assert nxt["reason"] == "moved before your 10:00 meeting"
    assert nxt["message"].startswith("Moved before your 10:00 meeting. Time for a movement break")
    assert (nxt["strict"], nxt["short_offered"]) == (False, False)
    page = client.get("/").text
    assert "moved before your 10:00 meeting" in page and 'id="breaks-moved"' in page
    assert "after your 10:00–11:30 meeting: walk a little longer, then stretch" in page
    today = client.get("/api/v1/today").json()["breaks"]
    assert today["next_reason"] == "moved before your 10:00 meeting"
    assert [m["reason"] for m in today["moved"]] == [
        "moved before your 10:00 meeting",
        "after your 10:00–11:30 meeting",
    ]
    clock.advance(60 * 60)  # 10:31, in the meeting: a 1-minute break is offered
    assert client.get("/api/v1/breaks/next").json()["short_offered"] is True


def test_strict_mode_refuses_snooze_and_a_skip_without_why(
    client: TestClient, store: Store, clock: FakeClock
) -> None:
    form = {"zone": "Europe/Berlin", "enabled": "on", "mon_start": "09:00", "mon_end": "17:30"}
    r = client.post("/settings", data={**form, "strict": "on", "focus": "on"})
    assert r.status_code in (200, 303), r.text
    prefs = breaks.get_prefs(store, user_id=LOCAL_USER_ID)
    assert prefs.strict and prefs.focus
    html = client.get("/settings").text
    assert re.search(r'name="strict"[^>]* checked', html) and re.search(
        r'name="focus"[^>]* checked', html
    )
    clock.advance(30 * 60)
    nxt = client.get("/api/v1/breaks/next").json()
    assert (nxt["strict"], nxt["short_offered"]) == (True, True)
    due = nxt["due_at"]
    assert due
    snooze = client.post("/api/v1/breaks", json={"due_at": due, "outcome": "snoozed"})
    assert snooze.status_code == 422
    assert "strict mode is on: a break cannot be snoozed" in snooze.text
    skip = client.post("/api/v1/breaks", json={"due_at": due, "outcome": "skipped"})
    assert skip.status_code == 422 and "say why you skip" in skip.text
    assert breaks.list_breaks(store, user_id=LOCAL_USER_ID) == []
    ok = client.post(
        "/api/v1/breaks", json={"due_at": due, "outcome": "skipped", "reason": "on a call"}
    )
    assert ok.status_code == 201
    short = client.post("/api/v1/breaks", json={"due_at": due, "outcome": "taken", "short": True})
    assert short.status_code == 201
    rows = breaks.list_breaks(store, user_id=LOCAL_USER_ID)
    assert [(b.outcome, b.reason, b.short) for b in reversed(rows)] == [
        ("skipped", "on a call", False),
        ("taken", None, True),
    ]
    bad = client.post("/api/v1/breaks", json={"due_at": due, "outcome": "snoozed", "short": True})
    assert bad.status_code == 422 and "a 1-minute break is a taken break" in bad.text


def test_feed_puts_breaks_after_the_meeting_and_links_the_guided_break(
    client: TestClient, store: Store
) -> None:
    busy_calendar(store, MEETING)
    token = accounts.new_calendar_token(store, user_id=LOCAL_USER_ID)
    r = client.get(f"/calendar/{token}.ics")
    assert r.status_code == 200
    cal = icalendar.Calendar.from_ical(r.content)
    uids = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    after = uids["break-20260105-1130@runback"]
    assert str(after["URL"]) == "http://testserver/player/desk-break?context=desk-break"
    assert "break-20260105-1000@runback" not in uids and "break-20260105-0955@runback" in uids
    weekly = uids[next(u for u in uids if u.startswith("break-1000-"))]
    assert "20260105T100000" in weekly.to_ical().decode()  # EXDATE of the busy Monday
