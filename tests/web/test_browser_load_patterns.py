"""Training load and personal patterns on Progress, for the 12-week simulated runner (Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from runback.core.clock import FakeClock
from runback.services.store import open_store
from runback.settings import Settings
from tests.simulated_runner import simulate_runner
from tests.web.browser import SCREENSHOTS, LiveServer, live_server, shot
from tests.web.plain_words import problems, visible_text

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo(BERLIN))  # a Monday morning


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server on the simulated runner's 12 weeks."""
    folder = tmp_path_factory.mktemp("live-load")
    store = open_store(
        Settings(database_url=f"sqlite:///{folder / 'runback.db'}", zone=BERLIN), FakeClock(NOW)
    )
    try:
        simulate_runner(store, NOW.date(), zone=BERLIN)
    finally:
        store.close()
    with live_server(folder, start_at=NOW) as s:
        yield s


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 800)])
def test_progress_shows_the_load_nudge_and_patterns(
    page: Page, name: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/progress")
    nudge = page.locator("#load-nudge")
    assert "hold the volume this week" in nudge.inner_text()
    assert page.locator("#load-ratio").inner_text() == "1.60"
    assert page.locator("#load-ramp").inner_text().startswith("+100%")
    assert page.locator("#training-load svg.chart-load").count() == 1
    items = page.locator("#patterns li")
    assert items.count() >= 3
    texts = items.all_inner_texts()
    assert all(t.startswith("In your own log") and "This is not proof" in t for t in texts)
    # The weekly pain chart is drawn beside the patterns, and says it is not a comparison.
    assert page.locator("#chart-pain svg").count() == 1
    assert "not a comparison" in page.locator("#pain-note").inner_text()
    assert problems(visible_text(page.content())) == []
    # Nothing sticks out sideways on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.locator("#training-load").scroll_into_view_if_needed()
    shot(page, f"progress-load-{name}")
    for part in ("training-load", "patterns", "chart-pain"):
        page.locator(f"#{part}").screenshot(path=str(SCREENSHOTS / f"progress-{part}-{name}.png"))
