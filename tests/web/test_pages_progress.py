"""Progress: streaks and the four charts as inline SVG, the same numbers as JSON."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from runback.services.store import Store
from tests.services.test_progress import add_pain, add_run, add_session


def _complete(client: TestClient, slug: str = "desk-break") -> None:
    phases = client.get(f"/api/v1/routines/{slug}/player").json()["phases"]
    sid = client.post("/api/v1/sessions", json={"routine_slug": slug}).json()["id"]
    state = {
        "phase_index": len(phases) - 1,
        "remaining_s": 0,
        "done_steps": sorted({p["step"] for p in phases}),
    }
    r = client.post(
        f"/api/v1/sessions/{sid}/finish",
        json={"completed": True, "state": state, "active_s": 190},
    )
    assert r.status_code == 200, r.text


def test_progress_shows_todays_work_in_every_chart(client: TestClient) -> None:
    _complete(client)
    r = client.get("/progress")
    assert r.status_code == 200
    page = r.text
    assert 'id="streak-current">1<' in page
    svgs = re.findall(r"<svg [^>]*class=\"chart .*?</svg>", page, re.S)
    assert len(svgs) == 3  # no pain-vs-habit chart without run days to compare
    assert 'id="chart-pain"' not in page
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    heat = ET.fromstring(svgs[0])
    cells = heat.findall("{http://www.w3.org/2000/svg}rect")
    today = cells[-1]
    assert today.get("data-date") == "2026-01-05"
    assert today.get("class") != "cell l0"
    assert "3 min back-up work" in (today.findtext("{http://www.w3.org/2000/svg}title") or "")
    data = client.get("/api/v1/progress").json()
    assert data["streaks"]["current"] == 1
    assert data["heatmap"]["days"][-1]["minutes"] > 0


def test_charts_endpoint_returns_the_same_svg(client: TestClient) -> None:
    charts = client.get("/api/v1/progress/charts").json()
    assert set(charts) == {"heatmap", "adherence", "pain", "distance", "load"}
    assert all(v.startswith("<svg") for v in charts.values())


def test_progress_page_has_no_script_of_its_own(client: TestClient) -> None:
    page = client.get("/progress").text
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in body


def _seed_comparable_runs(store: Store) -> None:
    """Eight run days with back-up work first (pain 3, 3, 4, 2, 2, 6, 2, 3), eight without (4s)."""
    start = datetime(2025, 12, 20, 7, 0, tzinfo=UTC)
    for i, value in enumerate([3, 3, 4, 2, 2, 6, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4]):
        at = start + timedelta(days=i)
        if i < 8:
            add_session(store, at - timedelta(minutes=30))
        add_pain(store, at + timedelta(hours=2), value, add_run(store, at, 5))


def test_progress_compares_pain_once_as_a_pattern(client: TestClient, store: Store) -> None:
    _seed_comparable_runs(store)
    page = client.get("/progress").text
    assert len(re.findall(r"<svg [^>]*class=\"chart .*?</svg>", page, re.S)) == 5  # load too
    # One comparison of pain with and without a habit: the pattern, with n and an interval.
    assert "pain-comparison" not in page and "Pain vs back-up work" not in page
    card = page.split('id="patterns"', 1)[1].split("</section>", 1)[0]
    assert (
        "In your own log, pain after the run was 0.9 points lower on average on days with "
        "back-up work before the run than on days without (n = 8 and 8 days; difference -0.9, "
        "95 % interval"
    ) in card
    assert "This is not proof" in card
    assert "Side by side they are not a comparison" in page
    data = client.get("/api/v1/progress").json()
    assert "pain_after_runs" not in data
    first = data["patterns"]["patterns"][0]
    assert (first["key"], first["outcome"]) == ("backup-before-run", "after-run")
    c = first["comparison"]
    assert (c["shown"], c["with_n"], c["without_n"], c["with_mean"]) == (True, 8, 8, 3.12)
    assert c["difference"] == -0.88 and c["low"] < -0.88 < c["high"]
    assert "3333" not in client.get("/api/v1/progress").text


def test_too_few_days_give_no_pain_chart_and_say_what_is_needed(client: TestClient) -> None:
    page = client.get("/progress").text
    assert 'id="chart-pain"' not in page  # no pain-beside-habit chart without a pattern
    assert "Not enough days yet to compare pain after the run" in page
    charts = client.get("/api/v1/progress/charts").json()
    assert "chart-placeholder" in charts["pain"]


def test_habit_strength_sits_beside_the_streak(client: TestClient) -> None:
    page = client.get("/progress").text
    assert 'id="habit-routine">0%<' in page and 'id="habit-breaks">–<' in page
    _complete(client)
    page = client.get("/progress").text
    # One day done, today: 1 - m of a daily habit, about 5 %.
    assert 'id="habit-routine">5%<' in page
    assert page.index('id="streak-current"') < page.index('id="habit-routine"')
    habit = client.get("/api/v1/progress").json()["habit"]
    # The Desk break is a taken break too (whichever button started it): the breaks' habit starts.
    assert habit["routine_percent"] == 5 and habit["breaks_percent"] == 5
