"""Every page and form, empty, with data and with bad input, speaks plain words (issue 16)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import api_routes, finished_job
from tests.web.pain_form import answers
from tests.web.plain_words import problems, visible_text

# Not pages: files, feeds and machinery a person never reads as a page.
NOT_PAGES = re.compile(
    r"\.(toml|ics|pdf|png|js|webmanifest|json|ico)$|^/(login|register|logout|calendar)\b"
)


def page_paths(client: TestClient, ids: dict[str, str]) -> list[str]:
    """Return every HTML page path of the app, with its ids filled from `ids`."""
    out = []
    for route in api_routes(client.app):
        if "GET" not in (route.methods or ()) or route.path.startswith("/api/"):
            continue
        if NOT_PAGES.search(route.path):
            continue
        path = route.path
        for name in re.findall(r"\{(\w+)\}", path):
            if name not in ids:
                break
            path = path.replace("{" + name + "}", ids[name])
        else:
            out.append(path)
    return sorted(set(out))


def seed(client: TestClient, fixtures_dir: Path) -> dict[str, str]:
    """Give the user a run, a pain note, a session, a break and a routine of their own."""
    gpx = (fixtures_dir / "gpx/cerknicko-jezero.gpx").read_bytes()
    job = finished_job(
        client,
        client.post("/api/v1/runs/import", files=[("files", ("a-run.gpx", gpx))]),
    )
    run_id = str(job["result"]["files"][0]["run_id"])
    client.post("/pain", data={"region": "lower-back", "intensity": "3", **answers()})
    entry_id = str(client.get("/api/v1/pain").json()[0]["id"])
    start = client.post("/api/v1/sessions", json={"routine_slug": "back-up-basics"})
    session_id = str(start.json()["id"])
    client.post(f"/api/v1/sessions/{session_id}/finish", json={"completed": False})
    return {
        "slug": "back-up-basics",
        "run_id": run_id,
        "entry_id": entry_id,
        "session_id": session_id,
    }


def check(client: TestClient, path: str, html: str, seen: dict[str, list[str]]) -> None:
    """Note what a page should not say."""
    found = problems(visible_text(html))
    if found:
        seen[path] = found


BAD_FORMS: list[tuple[str, dict[str, Any]]] = [
    ("/settings", {"zone": "Mars/Olympus", "daily_minutes": "-5", "work_start": "25:00"}),
    ("/pain", {"region": "", "intensity": "14"}),
    ("/slots", {"break_every_min": "0"}),
    ("/plan", {"minutes": "0", "where": "moon"}),
    ("/plan/save", {"slug": "Not A Name!", "minutes": "8"}),
    ("/routines/save", {"name": "", "slug": "BAD NAME", "step-0-exercise": "nope"}),
    ("/welcome", {"sitting_hours": "30", "birth_year": "1700", "run_time": "99:99"}),
    ("/settings/profile", {"sitting_hours": "-1"}),
    ("/settings/emergency-number", {"number": "call me maybe"}),
    ("/pain/checked", {"on": "not-a-day"}),
]
BAD_PAGES = [
    "/player/no-such-routine",
    "/player/back-up-basics?speed=0",
    "/player/back-up-basics?context=nonsense",
    "/routines/no-such-routine",
    "/runs/99999",
    "/pain/99999/edit",
    "/history/sessions/99999/edit",
    "/no-such-page",
    "/runs?page=-3",
    "/history?day=yesterday-ish",
]


def test_every_page_speaks_plain_words_empty_and_with_data(
    client: TestClient, fixtures_dir: Path
) -> None:
    seen: dict[str, list[str]] = {}
    for path in page_paths(client, {"slug": "back-up-basics"}):
        r = client.get(path)
        assert r.status_code < 500, (path, r.text[:300])
        if "text/html" in r.headers.get("content-type", ""):
            check(client, "empty " + path, r.text, seen)
    ids = seed(client, fixtures_dir)
    paths = page_paths(client, ids)
    assert len(paths) >= 20, paths
    for path in paths:
        r = client.get(path)
        assert r.status_code < 500, (path, r.text[:300])
        if "text/html" in r.headers.get("content-type", ""):
            check(client, "data " + path, r.text, seen)
    assert not seen, "\n".join(f"{p}: {x}" for p, xs in seen.items() for x in xs)


def test_bad_input_and_bad_addresses_answer_in_plain_words(
    client: TestClient, fixtures_dir: Path
) -> None:
    seed(client, fixtures_dir)
    seen: dict[str, list[str]] = {}
    for path, form in BAD_FORMS:
        r = client.post(path, data=form)
        assert r.status_code < 500, (path, r.text[:300])
        assert "text/html" in r.headers.get("content-type", ""), (path, r.text[:300])
        check(client, "POST " + path, r.text, seen)
    for path in BAD_PAGES:
        r = client.get(path)
        assert r.status_code < 500, (path, r.text[:300])
        # A page address answers a page, never raw JSON, even for a bad query.
        assert "text/html" in r.headers.get("content-type", ""), (path, r.text[:300])
        check(client, "GET " + path, r.text, seen)
    # A file that is not a routine, and one that is not a run.
    r = client.post(
        "/routines/import", files=[("file", ("mine.toml", b"this is = not [ a routine"))]
    )
    check(client, "import routine", r.text, seen)
    r = client.post("/programme/import", files=[("file", ("p.toml", b"[[nope"))])
    check(client, "import programme", r.text, seen)
    assert not seen, "\n".join(f"{p}: {x}" for p, xs in seen.items() for x in xs)


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("see (runback routine list)", True),
        ("Same as JSON: POST /api/v1/plans", True),
        ("Slug", True),
        ("an IANA name", True),
        ("already imported as run #12", True),
        ("start: Value error, start 17:00", True),
        ("1 entries", True),
        ("15 minute(s)", True),
        ("imported a other activity", True),
        ("runback never diagnoses; a user; an hour; a unique one", False),
        ("runback uses these answers", False),
    ],
)
def test_the_checker_itself(text: str, bad: bool) -> None:
    assert bool(problems(text)) is bad


def test_a_refused_settings_form_keeps_what_was_typed_with_each_problem_beside_it(
    client: TestClient,
) -> None:
    form = {
        "zone": "Mars/Olympus",
        "minutes_per_day": "12",
        "mon_start": "17:00",
        "mon_end": "09:00",
        "interval_min": "45",
    }
    r = client.post("/settings", data=form)
    assert r.status_code == 422
    html = r.text
    assert 'value="Mars/Olympus"' in html and 'value="17:00"' in html and 'value="12"' in html
    zone = html.index('name="zone"')
    assert 'aria-describedby="err-zone"' in html[zone : zone + 200]
    assert re.search(r'id="err-zone">unknown time zone [^<]*Europe/Berlin', html)
    assert re.search(r'id="err-mon_start">start 17:00 must be before end 09:00', html)
    assert not problems(visible_text(html))
    # Nothing was stored: the saved settings are as before.
    assert client.get("/api/v1/settings").json()["zone"] != "Mars/Olympus"


def test_json_errors_are_one_line_with_field_paths(client: TestClient) -> None:
    body = {"region": "lower-back", "intensity": 14, "red_flags": []}
    r = client.post("/api/v1/pain", json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert "intensity: " in detail and "problem(s)" not in detail
    typed = client.post("/api/v1/pain", json={**body, "intensity": "lots"})
    assert typed.json()["detail"].startswith("intensity: should be ")
    assert typed.json()["problems"][0]["loc"] == ["body", "intensity"]
    bad = client.patch(
        "/api/v1/settings",
        json={"reminders": {"active_hours": {"mon": {"start": "17:00", "end": "09:00"}}}},
    )
    assert bad.status_code == 422
    assert "\n" not in bad.json()["detail"] and "active_hours.mon" in bad.json()["detail"]


def test_the_phone_feed_has_copy_webcal_download_and_a_qr_when_reachable(
    client: TestClient,
) -> None:
    client.post("/settings/calendar", data={"action": "new"})
    local = client.get("/settings").text
    assert 'id="calendar-copy"' in local and 'href="webcal://' in local
    assert 'download="runback-breaks.ics"' in local
    # The test client's address is no loopback one: the QR code is offered, as on a server.
    assert 'id="calendar-qr"' in local and 'aria-label="QR code of the address"' in local
    from runback.web.qr import webcal

    assert webcal("https://example.org/calendar/x.ics") == "webcal://example.org/calendar/x.ics"
