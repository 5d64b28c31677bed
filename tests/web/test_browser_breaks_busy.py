"""Today, the break reminder and Settings around meetings and in strict mode (real Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from runback.core.busy import BusyBlock
from runback.core.clock import FakeClock
from runback.services import breaks
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from tests.remind.test_daemon_busy import busy_calendar
from tests.web.browser import LiveServer, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

TZ = ZoneInfo("Europe/Berlin")
# Monday 09:35: the 09:30 break is overdue; the next moves before the 10:00 meeting.
START = datetime(2026, 1, 5, 9, 35, tzinfo=TZ)


def _at(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 1, 5, hh, mm, tzinfo=TZ).astimezone(UTC)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose user has a 10:00–11:30 and a 14:00–14:20 meeting and strict mode on."""
    folder: Path = tmp_path_factory.mktemp("busy")
    with live_server(folder, start_at=START) as s:
        url = f"sqlite:///{folder / 'runback.db'}"
        store = open_store(Settings(database_url=url, zone="Europe/Berlin"), FakeClock(_at(9)))
        busy_calendar(store, [BusyBlock(_at(10), _at(11, 30)), BusyBlock(_at(14), _at(14, 20))])
        breaks.set_prefs(store, {"strict": True}, merge=True, user_id=LOCAL_USER_ID)
        store.close()
        yield s


def test_today_says_why_and_strict_banner_asks_why(page: Page) -> None:
    page.goto("/")
    moved = page.locator("#breaks-moved")
    assert "09:55 moved before your 10:00 meeting" in moved.inner_text()
    assert "11:30 after your 10:00–11:30 meeting" in moved.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "today-busy-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "today-busy-1280")
    # A new user's Today is the welcome: the reminder shows on the next page.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/progress")
    banner = page.locator("#break-banner")
    banner.wait_for()
    labels = [b.inner_text() for b in banner.locator("button").all()]
    assert labels == ["I moved", "1-minute break", "Skip…"]  # no snooze in strict mode
    shot(page, "banner-strict-390")
    banner.get_by_role("button", name="Skip…").click()
    field = banner.get_by_label("Why skip this break?")
    field.fill("on a call")
    shot(page, "banner-strict-skip-reason-390")
    banner.get_by_role("button", name="Skip", exact=True).click()
    page.wait_for_function("() => !document.getElementById('break-banner')")
    page.wait_for_timeout(300)  # the answer is posted in the background
    rows = page.request.get("/api/v1/breaks").json()
    assert [(r["outcome"], r["reason"]) for r in rows] == [("skipped", "on a call")]


def test_settings_show_focus_and_strict(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/settings")
    assert page.get_by_label("Strict breaks").is_checked()
    assert not page.get_by_label("Keep my meetings whole").is_checked()
    page.locator("#break-strict").scroll_into_view_if_needed()
    shot(page, "settings-busy-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "settings-busy-1280")
