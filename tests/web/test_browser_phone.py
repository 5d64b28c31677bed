"""The app on a phone (real Chromium): the tab bar, no sideways scroll, keys on the player."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import SHARED_FIXTURES
from tests.web.browser import LiveServer, live_server, phone_page, shot, wait_for_job

pytestmark = pytest.mark.browser

START = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
PAGES = [
    "/",
    "/player",
    "/player/back-up-basics",
    "/runs",
    "/pain",
    "/progress",
    "/more",
    "/settings",
    "/history",
    "/routines",
    "/plan",
    "/slots",
    "/welcome",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with a run whose file name is long (it once widened the page)."""
    with live_server(tmp_path_factory.mktemp("phone"), start_at=START) as s:
        gpx = (SHARED_FIXTURES / "gpx/cerknicko-jezero.gpx").read_bytes()
        name = "a-very-long-file-name-from-a-watch-export-without-any-spaces-in-it.gpx"
        wait_for_job(s, httpx.post(s.url + "/api/v1/runs/import", files=[("files", (name, gpx))]))
        yield s


@pytest.mark.parametrize("width", [320, 375, 430])
def test_no_page_scrolls_sideways_and_the_tab_bar_is_in_reach(
    browser: Any, server: LiveServer, width: int
) -> None:
    for page in phone_page(browser, server):
        page.set_viewport_size({"width": width, "height": 740})
        for path in PAGES:
            page.goto(path)
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide} px wide at {width}"
            tabs = page.locator("nav.nav a.tab:visible")
            assert [t.inner_text().strip() for t in tabs.all()] == [
                "Today",
                "Play",
                "Runs",
                "Pain",
                "More",
            ], path
            for tab in tabs.all():
                box = tab.bounding_box()
                assert box is not None and box["width"] >= 44 and box["height"] >= 44, path
                # At the bottom of the screen, where a thumb is.
                assert box["y"] + box["height"] <= 740 + 1 and box["y"] >= 740 - 80, path
        page.goto("/runs")
        cards = page.locator("table.runs tr[data-run-id]")
        assert cards.count() == 1
        assert cards.first.evaluate("e => getComputedStyle(e).display") == "grid"
        if width == 320:
            shot(page, "phone-runs-cards-320")


def test_desktop_keeps_the_top_bar(browser: Any, server: LiveServer) -> None:
    for page in phone_page(browser, server):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto("/progress")
        nav = page.locator("nav.nav")
        assert nav.evaluate("e => getComputedStyle(e).position") != "fixed"
        labels = [t.inner_text().strip() for t in page.locator("nav.nav a.tab:visible").all()]
        assert labels[:2] == ["Today", "Play"] and "Settings" in labels and "More" in labels
        current = page.locator("nav.nav a[aria-current=page]")
        assert current.inner_text().strip() == "Progress"


def test_chart_text_is_at_least_12_px_on_a_phone(browser: Any, server: LiveServer) -> None:
    for page in phone_page(browser, server):
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/progress")
        smallest = page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(t => {
                const m = t.getScreenCTM();
                return parseFloat(getComputedStyle(t).fontSize) * (m ? m.a : 1);
            }))"""
        )
        assert smallest >= 12, smallest


def test_space_and_enter_press_the_focused_player_button(browser: Any, server: LiveServer) -> None:
    for page in phone_page(browser, server):
        page.goto("/player/back-up-basics?speed=2")
        page.focus("#pl-start")
        page.keyboard.press("Enter")
        page.wait_for_selector("#player[data-state=running]")
        phase = int(page.locator("#player").get_attribute("data-phase") or "0")
        page.focus("#pl-skip")
        page.keyboard.press(" ")  # Space on Skip skips; it does not pause
        page.wait_for_function(
            f"() => Number(document.querySelector('#player').dataset.phase) > {phase}"
        )
        assert page.locator("#player").get_attribute("data-state") == "running"
        page.focus("#pl-pause")
        page.keyboard.press("Enter")
        page.wait_for_selector("#player[data-state=paused]")
        page.keyboard.press(" ")  # Space again on the same button: resume
        page.wait_for_selector("#player[data-state=running]")
        page.focus("#pl-stop")
        page.once("dialog", lambda d: d.accept())
        page.keyboard.press("Enter")
        page.wait_for_selector("#player[data-state=done]")
