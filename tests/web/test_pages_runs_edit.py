"""Runs page: the sport filter, a run's page (fix its sport), deleting with a confirmation step,
and the API's GET/PATCH/DELETE of one run."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import RunRow
from tests.web.conftest import upload

FILES = ("fit/garmin-fenix-5-run.fit", "fit/sample-activity.fit", "fit/garmin-fenix-5-walk.fit")


@pytest.fixture
def ids(client: TestClient, fixtures_dir: Path) -> dict[str, int]:
    """Import a run, the 88 km ride and a walk; return their ids by sport."""
    files = [("files", (Path(n).name, (fixtures_dir / n).read_bytes())) for n in FILES]
    assert upload(client, files)["imported"] == 3
    return {r["sport"]: r["id"] for r in client.get("/api/v1/runs").json()}


def _rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-run-id="(\d+)"', page)]


def test_page_counts_runs_only_and_lists_the_rest(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get("/runs").text
    assert "1 run · 0.2 km" in page  # not 89 km: the ride is not a run
    assert "Also 2 other activities" in page
    assert sorted(_rows(page)) == sorted(ids.values())
    assert "Ride" in page and "not a run" in page and "/km" in page
    assert '<select name="sport">' in page and 'method="get"' in page
    assert "runback runs" not in page and '/api/v1/runs"' not in page.split("data-api")[0]


@pytest.mark.parametrize(
    ("sport", "sports"),
    [
        ("runs", ["running"]),
        ("other", ["cycling", "walking"]),
        ("cycling", ["cycling"]),
        ("all", ["running", "cycling", "walking"]),
        ("nonsense", ["running", "cycling", "walking"]),
    ],
)
def test_sport_filter_without_javascript(
    client: TestClient, ids: dict[str, int], sport: str, sports: list[str]
) -> None:
    page = client.get("/runs", params={"sport": sport}).text
    assert sorted(_rows(page)) == sorted(ids[s] for s in sports)
    assert "1 run · 0.2 km" in page  # the totals never follow the filter


def test_fix_a_sport_on_the_run_page(client: TestClient, ids: dict[str, int]) -> None:
    walk = ids["walking"]
    page = client.get(f"/runs/{walk}").text
    assert '<select name="sport">' in page and f'action="/runs/{walk}"' in page
    assert "Not a run" in page
    r = client.post(
        f"/runs/{walk}", data={"sport": "running", "name": "Warm-up"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/runs?done=saved"
    listed = client.get("/runs?done=saved").text
    assert "Saved." in listed and "2 runs" in listed and "Warm-up" in listed
    bad = client.post(f"/runs/{walk}", data={"sport": "bike"})
    assert bad.status_code == 422 and "must be one of" in bad.text and "Not saved" in bad.text


def test_delete_goes_through_a_confirmation_page(client: TestClient, ids: dict[str, int]) -> None:
    ride = ids["cycling"]
    run_page = client.get(f"/runs/{ride}").text
    assert f'href="/runs/{ride}/delete"' in run_page
    confirm = client.get(f"/runs/{ride}/delete").text
    assert "Delete this activity?" in confirm and "88.80 km" in confirm
    assert f'action="/runs/{ride}/delete"' in confirm and "Keep it" in confirm
    assert ride in _rows(client.get("/runs").text)  # asking deletes nothing
    r = client.post(f"/runs/{ride}/delete", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/runs?done=deleted"
    page = client.get("/runs?done=deleted").text
    assert "Deleted." in page and ride not in _rows(page)
    missing = client.get(f"/runs/{ride}")
    assert missing.status_code == 404 and "runback runs" not in missing.text
    assert client.post(f"/runs/{ride}/delete").status_code == 404


def test_api_get_patch_delete_one_run(client: TestClient, ids: dict[str, int]) -> None:
    run = ids["running"]
    got = client.get(f"/api/v1/runs/{run}").json()
    assert got["is_run"] and got["pace_s_per_km"] > 0 and got["sport"] == "running"
    patched = client.patch(f"/api/v1/runs/{run}", json={"sport": "treadmill"})
    assert patched.status_code == 200 and patched.json()["sport"] == "treadmill"
    assert client.patch(f"/api/v1/runs/{run}", json={"sport": "bike"}).status_code == 422
    assert client.patch(f"/api/v1/runs/{run}", json={"colour": "red"}).status_code == 422
    assert [r["id"] for r in client.get("/api/v1/runs?sport=runs").json()] == [run]
    assert client.get("/api/v1/runs?sport=bike").status_code == 422
    assert client.delete(f"/api/v1/runs/{run}").status_code == 204
    assert client.delete(f"/api/v1/runs/{run}").status_code == 404
    assert client.get(f"/api/v1/runs/{run}").status_code == 404
    assert client.get("/api/v1/runs/0").status_code == 422


def test_deleting_a_run_keeps_its_pain_entries(client: TestClient, ids: dict[str, int]) -> None:
    run = ids["running"]
    logged = client.post(
        "/api/v1/pain",
        json={"region": "lower-back", "intensity": 3, "run_id": run, "red_flags": []},
    )
    assert logged.status_code in (200, 201), logged.text
    assert client.delete(f"/api/v1/runs/{run}").status_code == 204
    history = client.get("/api/v1/pain").json()
    entries = history if isinstance(history, list) else history.get("entries", [])
    assert [(e["intensity"], e["run_id"]) for e in entries] == [(3, None)]


def test_today_leaves_out_a_ride_this_morning(client: TestClient, store: Store) -> None:
    now = store.clock.now()
    for sport, minutes in (("cycling", 120), ("walking", 60)):
        with store.tx() as s:
            s.add(
                RunRow(
                    user_id=LOCAL_USER_ID,
                    started_at=now - timedelta(minutes=minutes),
                    zone="Europe/Berlin",
                    elapsed_s=1800.0,
                    moving_s=None,
                    distance_m=20_000.0,
                    ascent_m=None,
                    sport=sport,
                    name=None,
                    source_format="fit",
                    source_file=f"{sport}.fit",
                    device=None,
                    content_hash=sport.ljust(64, "0"),
                    imported_at=now,
                )
            )
    today = client.get("/api/v1/today").json()
    assert today["runs"] == []
    assert today["pain_prompt"] is None  # "You ran recently" is for runs
    slots = {d["slot"]: d["status"] for d in today["slots"]}
    assert slots["after-run"] != "due"


def test_the_new_routes_are_in_the_isolation_matrix(client: TestClient) -> None:
    from tests.web.conftest import api_routes

    routes = {(m, r.path) for r in api_routes(client.app) for m in r.methods or ()}
    assert {
        ("GET", "/runs/{run_id}"),
        ("POST", "/runs/{run_id}"),
        ("GET", "/runs/{run_id}/delete"),
        ("POST", "/runs/{run_id}/delete"),
        ("GET", "/api/v1/runs/{run_id}"),
        ("PATCH", "/api/v1/runs/{run_id}"),
        ("DELETE", "/api/v1/runs/{run_id}"),
    } <= routes
