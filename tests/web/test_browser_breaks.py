"""A Desk break counts as a taken break whichever button starts it (real Chromium, marked)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from tests.web.browser import LiveServer, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# Monday 11:35 in Berlin (the morning slot is over): the 09:30 break is overdue, so Today
# suggests the Desk break and the
# open tab shows the reminder banner (and the notification, when allowed).
START = datetime(2026, 1, 5, 11, 35, tzinfo=ZoneInfo("Europe/Berlin"))

# The web notification is the browser's own: record it, so the test can click it.
FAKE_NOTIFICATION = """
window.__notes = [];
window.Notification = function (title, options) {
  this.title = title; this.options = options; this.close = function () {};
  window.__notes.push(this);
};
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """Start a fresh server on the fixed clock for each button (no break taken yet)."""
    with live_server(tmp_path, start_at=START) as s:
        yield s


def _today(page: Page) -> str | None:
    page.goto("/")
    assert page.locator("#today-due").get_attribute("data-kind") == "slot"
    return page.locator("#start-suggested").get_attribute("href")


def _player(page: Page) -> str | None:
    page.goto("/player")
    return page.locator("a[href^='/player/desk-break']").first.get_attribute("href")


def _routines(page: Page) -> str | None:
    page.goto("/routines")
    return page.get_by_label("Start Desk break").get_attribute("href")


def _banner(page: Page) -> str | None:
    page.goto("/progress")
    return page.locator("#break-banner a").get_attribute("href")


def _notification(page: Page) -> str | None:
    page.add_init_script(FAKE_NOTIFICATION)
    page.goto("/progress")
    page.wait_for_function("() => window.__notes.length === 1")
    with page.expect_navigation():
        page.evaluate("() => window.__notes[0].onclick()")
    return page.url.removeprefix(page.url.split("/player")[0])


BUTTONS: dict[str, Callable[[Page], str | None]] = {
    "today": _today,
    "player": _player,
    "routines": _routines,
    "banner": _banner,
    "notification": _notification,
}


def _taken(page: Page) -> int:
    page.goto("/")
    return int(page.locator("#breaks-taken").inner_text())


@pytest.mark.parametrize("button", list(BUTTONS))
def test_each_button_adds_one_taken_break(page: Page, button: str) -> None:
    # Asked without opening a page: the first page opened shows the reminder (once per break).
    assert page.request.get("/api/v1/today").json()["breaks"]["taken"] == 0
    href = BUTTONS[button](page)
    assert href is not None and href.startswith("/player/desk-break"), href
    # The button's own link, with the clock sped up so the routine runs in a second or two.
    page.goto(href + ("&" if "?" in href else "?") + "speed=300")
    page.click("#pl-start")
    page.wait_for_selector("#player[data-state=done]")
    assert _taken(page) == 1
    item = page.locator(".session-item", has_text="Desk break")
    assert "completed" in item.inner_text()
    shot(page, f"today-after-{button}-break")
    if button == "today":
        page.set_viewport_size({"width": 1280, "height": 900})
        shot(page, "today-after-break-desktop")
