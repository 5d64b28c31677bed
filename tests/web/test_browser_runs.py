"""The Runs page in headless Chromium: phone and desktop, the sport filter, fix and delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import SHARED_FIXTURES
from tests.web.browser import LiveServer, live_server, shot, wait_for_job

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FILES = (
    "fit/activity-small-fenix2-run.fit",
    "fit/garmin-fenix-5-run.fit",
    "fit/sample-activity.fit",
    "fit/garmin-fenix-5-walk.fit",
    "tcx/test.tcx",
    "strava-export.zip",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start a server holding four runs, the 88 km ride and a walk."""
    with live_server(tmp_path_factory.mktemp("live-runs")) as s:
        files = [("files", (Path(n).name, (SHARED_FIXTURES / n).read_bytes())) for n in FILES]
        r = httpx.post(f"{s.url}/api/v1/runs/import", files=files, timeout=60)
        assert wait_for_job(s, r)["result"]["imported"] == 6
        yield s


def _sized(browser: Any, server: LiveServer, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, viewport={"width": width, "height": height})
    pg = context.new_page()
    yield pg
    context.close()


def test_runs_page_on_a_phone_and_a_desktop(page: Page, browser: Any, server: LiveServer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/runs")
    heading = page.locator("#runs-list h2").inner_text()
    assert heading.startswith("4 runs · ")
    assert "88" not in heading.split("·")[1]  # the ride's km are not run km
    assert "2 other activities" in page.locator("#others-count").inner_text()
    # Nothing wider than the phone but the table's own scroll box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    # The TCX and the watch's FIT files recorded heart rate; the fenix 2 file did not.
    hr = page.locator("table.runs td.run-hr:not(.is-none)")
    assert hr.count() == 4  # Strava's copy of a run carries none
    assert {"160 bpm", "90 bpm"} <= set(hr.all_inner_texts())
    shot(page, "runs-phone")
    # On a phone card its label and its value stay one line each, however tall the row.
    for cell in hr.all():
        lines = cell.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return [r.getClientRects().length, e.getClientRects()[0].height,"
            " parseFloat(getComputedStyle(e, '::before').lineHeight)] }"
        )
        assert lines[0] == 1, f"the heart rate value wraps: {lines}"
    assert not page.locator("table.runs td.run-hr.is-none").first.is_visible()
    for desktop in _sized(browser, server, 1280, 800):
        desktop.goto("/runs")
        assert desktop.locator("tr[data-run-id]").count() == 6
        assert desktop.get_by_role("columnheader", name="Average heart rate").is_visible()
        assert desktop.evaluate("document.documentElement.scrollWidth") <= 1280
        shot(desktop, "runs-desktop")
    for tablet in _sized(browser, server, 800, 1000):
        # Just wide enough for the table: one line a cell must still fit, the names wrap.
        tablet.goto("/runs")
        assert tablet.evaluate("document.documentElement.scrollWidth") <= 800
        shot(tablet, "runs-tablet")


def test_filter_fix_and_delete_without_javascript_tricks(page: Page) -> None:
    page.goto("/runs")
    page.select_option("#sport-filter select", "other")
    page.click("#sport-filter button")
    page.wait_for_url("**sport=other**")
    assert page.locator("tr[data-run-id]").count() == 2
    page.locator("tr", has_text="Walk").get_by_role("link").click()  # its date
    shot(page, "run-edit")
    page.select_option("#run-edit select", "running")
    page.click("#run-edit button[type=submit]")
    page.wait_for_selector("#runs-notice")
    assert page.locator("#runs-list h2").inner_text().startswith("5 runs")
    page.locator("tr", has_text="Ride").get_by_role("link").click()
    page.click("text=Delete…")
    assert "Delete this activity?" in page.locator("h1").inner_text()
    shot(page, "runs-delete-confirm")
    page.click("#run-delete button[type=submit]")
    page.wait_for_selector("#runs-notice")
    assert "Deleted" in page.locator("#runs-notice").inner_text()
    assert page.locator("tr[data-run-id]").count() == 5
