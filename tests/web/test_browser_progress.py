"""Habit strength beside the streak on Progress, and held time on the player (Chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from runback.core.clock import FakeClock
from runback.services import breaks, sessions
from runback.services.catalog import load_builtin
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from tests.web.browser import LiveServer, live_server, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 20, 12, 0, tzinfo=BERLIN)  # a Tuesday noon
# Days ago with back-up work: a fortnight with two misses, and half-held sessions among them.
DONE = [1, 2, 3, 4, 5, 6, 7, 9, 10, 12, 13, 14]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start one server on a database with two weeks of sessions and breaks."""
    folder = tmp_path_factory.mktemp("live-progress")
    with live_server(folder, start_at=NOW) as s:
        # The server's clock starts at NOW (tests/web/clocked_app.py), so "today" is fixed.
        _seed(folder / "runback.db", NOW.date())
        yield s


def _seed(db: Path, today: date) -> None:
    routine = load_builtin().routines["back-up-basics"]
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=UTC))
    store = open_store(Settings(database_url=f"sqlite:///{db}", zone="Europe/Berlin"), clock)
    try:
        for ago in range(15, 0, -1):
            noon = datetime.combine(today - timedelta(days=ago), time(12), BERLIN)
            clock.advance((noon - clock.now()).total_seconds())
            for n, outcome in enumerate(("taken", "taken", "missed", "taken")[: 2 + ago % 3]):
                due = noon + timedelta(hours=n)
                breaks.log_break(store, due, outcome, at=due, user_id=LOCAL_USER_ID)  # type: ignore[arg-type]
            if ago in DONE:
                sid = sessions.start_session(store, routine, "after-run", user_id=LOCAL_USER_ID)
                held = 240.0 if ago % 4 else 120.0
                clock.advance(held + 60)
                sessions.finish_session(
                    store,
                    sid,
                    completed=False,
                    done_s=held,
                    active_s=held + 60,
                    user_id=LOCAL_USER_ID,
                )
    finally:
        store.close()


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 390, 844), ("desktop", 1280, 900)])
def test_progress_shows_habit_strength_beside_the_streak(
    page: Page, name: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/progress")
    assert page.locator("#streak-current").inner_text() == "7"
    routine = page.locator("#habit-routine").inner_text()
    assert routine.endswith("%") and 30 < int(routine[:-1]) < 70
    assert page.locator("#habit-breaks").inner_text().endswith("%")
    # Both boxes in one measure, once the page is settled: a banner the page's script adds
    # (a break falling due on the server's running clock) must not land between two reads.
    page.wait_for_load_state("networkidle")
    streak_y, habit_y = page.evaluate(
        "['#streak-current', '#habit-routine']"
        ".map(s => document.querySelector(s).getBoundingClientRect().top)"
    )
    assert abs(streak_y - habit_y) < 2  # on the same row
    shot(page, f"progress-habit-{name}")


def test_player_says_how_much_was_held(page: Page) -> None:
    page.goto("/player/desk-break?speed=80")
    page.click("#pl-start")
    page.wait_for_selector("#player[data-state=running]")
    for _ in range(3):
        page.click("#pl-skip")
    page.wait_for_selector("#player[data-state=done]")
    assert page.locator("#player").get_attribute("data-held") == "0"
    assert "hold half of it for the session to count" in page.locator("#pl-next").inner_text()
    assert page.locator("#pl-kind").inner_text().lower() == "finished"  # skips: not "done"
    shot(page, "player-skipped-through")
