"""Progress: streaks and the four charts as inline SVG, the same numbers as JSON."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient


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
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 4
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
    assert set(charts) == {"heatmap", "adherence", "pain", "distance"}
    assert all(v.startswith("<svg") for v in charts.values())


def test_progress_page_has_no_script_of_its_own(client: TestClient) -> None:
    page = client.get("/progress").text
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in body


def test_habit_strength_sits_beside_the_streak(client: TestClient) -> None:
    page = client.get("/progress").text
    assert 'id="habit-routine">0%<' in page and 'id="habit-breaks">–<' in page
    _complete(client)
    page = client.get("/progress").text
    # One day done, today: 1 - m of a daily habit, about 5 %.
    assert 'id="habit-routine">5%<' in page
    assert page.index('id="streak-current"') < page.index('id="habit-routine"')
    habit = client.get("/api/v1/progress").json()["habit"]
    assert habit["routine_percent"] == 5 and habit["breaks"] is None
