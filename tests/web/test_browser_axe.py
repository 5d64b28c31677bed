"""axe-core over every page: phone and desktop, light and dark, empty and with data (issue 16).

Also saves a screenshot of every page in each of those looks (test-artifacts/screenshots/).
axe-core comes inside the axe-playwright-python package (no CDN).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.web.browser import WAIT_MS, LiveServer, live_server, shot, wait_for_job
from tests.web.pain_form import answers

pytestmark = pytest.mark.browser

START = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
LOOKS = [
    ("phone", {"width": 390, "height": 844}, "light"),
    ("phone", {"width": 390, "height": 844}, "dark"),
    ("desktop", {"width": 1280, "height": 800}, "light"),
    ("desktop", {"width": 1280, "height": 800}, "dark"),
]
# Pages with no id in their address (the same list empty and with data).
PLAIN_PAGES = [
    "/",
    "/player",
    "/player/back-up-basics",
    "/routines",
    "/routines/new",
    "/routines/back-up-basics",
    "/routines/back-up-basics/edit",
    "/runs",
    "/pain",
    "/progress",
    "/history",
    "/plan",
    "/programme",
    "/slots",
    "/settings",
    "/settings/share",
    "/settings/profile",
    "/welcome",
    "/more",
    "/offline",
    "/no-such-page",
    "/player/back-up-basics?speed=0",
]
ID_PAGES = [
    "/runs/{run_id}",
    "/runs/{run_id}/delete",
    "/pain/{entry_id}/edit",
    "/pain/{entry_id}/delete",
    "/history/sessions/{session_id}/edit",
    "/history/sessions/{session_id}/delete",
]


def seed(server: LiveServer, fixtures_dir: Path) -> dict[str, str]:
    """Give the user a run (with a long file name), a pain note and a session."""
    gpx = (fixtures_dir / "gpx/cerknicko-jezero.gpx").read_bytes()
    name = "2026-01-04-long-sunday-run-around-the-lake-with-hills-export.gpx"
    reply = httpx.post(
        server.url + "/api/v1/runs/import", files=[("files", (name, gpx))], timeout=30
    )
    job = wait_for_job(server, reply)
    run_id = str(job["result"]["files"][0]["run_id"])
    httpx.post(
        server.url + "/pain",
        data={"region": "lower-back", "intensity": "3", **answers()},
        timeout=30,
    )
    entry_id = str(httpx.get(server.url + "/api/v1/pain").json()[0]["id"])
    start = httpx.post(server.url + "/api/v1/sessions", json={"routine_slug": "desk-break"})
    session_id = str(start.json()["id"])
    httpx.post(
        server.url + f"/api/v1/sessions/{session_id}/finish",
        json={"completed": False, "enjoyment": 4},
    )
    return {"run_id": run_id, "entry_id": entry_id, "session_id": session_id}


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("?", "-").replace("=", "") or "today"


def sweep(
    browser: Any, server: LiveServer, paths: list[str], tag: str, look: tuple[str, Any, str]
) -> list[str]:
    """Run axe on every page in one look; save a screenshot of each; return violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: list[str] = []
    size, viewport, scheme = look
    context = browser.new_context(
        base_url=server.url, viewport=viewport, color_scheme=scheme, device_scale_factor=1
    )
    # No service worker here: each page as the server renders it.
    context.add_init_script("delete Navigator.prototype.serviceWorker;")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("load")
        results = axe.run(page)
        for v in results.response["violations"]:
            targets = [n["target"] for n in v["nodes"]][:3]
            found.append(f"{tag} {size} {scheme} {path}: {v['id']} {v['help']} {targets}")
        # No page may scroll sideways on a phone.
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > viewport["width"]:
            found.append(f"{tag} {size} {scheme} {path}: {width} px wide")
        shot(page, f"all-{tag}-{_name(path)}-{viewport['width']}-{scheme}")
    context.close()
    return found


@pytest.mark.parametrize("look", LOOKS, ids=[f"{size}-{scheme}" for size, _, scheme in LOOKS])
def test_every_page_has_no_axe_violations(
    browser: Any, tmp_path: Path, fixtures_dir: Path, look: tuple[str, Any, str]
) -> None:
    # A server of its own per look: every page empty first, then with data.
    with live_server(tmp_path, start_at=START) as server:
        found = sweep(browser, server, PLAIN_PAGES, "empty", look)
        ids = seed(server, fixtures_dir)
        pages = PLAIN_PAGES + [p.format(**ids) for p in ID_PAGES]
        found += sweep(browser, server, pages, "data", look)
    assert not found, "\n".join(found)
