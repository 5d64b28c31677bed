"""One Today: `runback today --json` and `/api/v1/today` say the same thing about the same day."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from runback.core.clock import FakeClock
from runback.services.breaks import log_break
from runback.services.catalog import load_builtin
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import RunRow
from tests.conftest import Cli


def _seed(store: Store, clock: FakeClock) -> None:
    """A morning run, Back-up basics after it, a Desk break and an answered reminder."""
    catalog = load_builtin()
    clock.advance(-60 * 60)  # 08:00 Berlin
    with store.tx() as s:
        s.add(
            RunRow(
                user_id=LOCAL_USER_ID,
                started_at=clock.now(),
                zone="Europe/Berlin",
                elapsed_s=1800,
                moving_s=1750,
                distance_m=5200,
                ascent_m=40,
                sport="running",
                name="Morning run",
                source_format="gpx",
                source_file="morning.gpx",
                device=None,
                content_hash="run-1",
                imported_at=clock.now(),
            )
        )
    clock.advance(40 * 60)
    for slug in ("back-up-basics", "desk-break"):
        routine = catalog.routines[slug]
        sid = start_session(store, routine, user_id=LOCAL_USER_ID)
        clock.advance(5 * 60)
        finish_session(
            store,
            sid,
            completed=True,
            enjoyment=4,
            steps_done=[st.exercise for st in routine.steps],
            active_s=300,
            user_id=LOCAL_USER_ID,
        )
        clock.advance(60 * 60)
    log_break(store, clock.now() - timedelta(minutes=5), "snoozed", user_id=LOCAL_USER_ID)


def test_cli_json_and_api_are_the_same_model(
    cli: Cli, client: TestClient, store: Store, clock: FakeClock
) -> None:
    _seed(store, clock)
    result = cli("today", "--json")
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.output)
    from_api = client.get("/api/v1/today").json()
    assert from_cli == from_api
    # And the fixture data is all there: something to compare.
    assert [s["context"] for s in from_api["sessions"]] == ["after-run", "desk-break"]
    assert from_api["breaks"]["taken"] == 1 and len(from_api["runs"]) == 1
    assert from_api["pain_prompt"]["run_id"] == from_api["runs"][0]["id"]
    assert from_api["practiced_today"] and from_api["current_streak"] == 1
    desk = next(d for d in from_api["slots"] if d["slot"] == "desk-break")
    assert desk["done"] == 1 and desk["wanted"] == 16


def test_the_page_shows_what_the_model_says(
    client: TestClient, store: Store, clock: FakeClock
) -> None:
    _seed(store, clock)
    data = client.get("/api/v1/today").json()
    page = client.get("/").text
    assert f'id="streak-current">{data["current_streak"]}<' in page
    assert f'id="breaks-taken">{data["breaks"]["taken"]}<' in page
    assert 'id="runs-today">1<' in page
    # Words, not commands or API paths.
    assert "runback session" not in page and "/api/v1" not in page.split("<script")[0]
