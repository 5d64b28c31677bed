"""The Settings page's "Your calendars" in real Chromium, on a phone and a laptop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runback.core.clock import FakeClock
from runback.errors import CalendarError
from runback.services.calendar_fetch import Fetched
from runback.services.calendars import add_source, sync_source
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings
from tests.web.browser import LiveServer, live_server, phone_page, shot

pytestmark = pytest.mark.browser

START = datetime(2026, 1, 5, 11, 0, tzinfo=UTC)
FEED = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTART;TZID=Europe/Berlin:20260105T140000\r\nDTEND;TZID=Europe/Berlin:20260105T150000\r\n"
    b"RRULE:FREQ=DAILY;COUNT=6\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class Canned:
    """A fetcher that answers the work feed and fails every other address."""

    def fetch_ics(self, url: str, *, etag: str | None, last_modified: str | None) -> Fetched:
        """Return the feed for the work address."""
        if "work" in url:
            return Fetched(FEED)
        raise CalendarError("the address did not answer within 10 seconds")

    def fetch_caldav(
        self, url: str, *, username: str, password: str, start: datetime, end: datetime
    ) -> list[bytes]:
        """Fail like a server that refuses the password."""
        raise CalendarError("the server refused the user name or password")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose user has a calendar that reads, one that fails, and one on a server."""
    folder: Path = tmp_path_factory.mktemp("calendars")
    clock = FakeClock(START - timedelta(minutes=10))
    st = open_store(Settings(database_url=f"sqlite:///{folder / 'runback.db'}"), clock)
    try:
        u = LOCAL_USER_ID
        for name, address in [
            ("Work", "https://calendar.example.com/private-3f9a/work.ics"),
            ("Football club", "https://club.example.org/fixtures.ics"),
        ]:
            s = add_source(st, user_id=u, name=name, kind="ics-url", location=address)
            sync_source(st, user_id=u, source_id=s.id, fetcher=Canned())
        s = add_source(
            st,
            user_id=u,
            name="Family",
            kind="caldav",
            location="https://dav.example.net/cal/family/",
            username="me",
            password="x",
        )
        sync_source(st, user_id=u, source_id=s.id, fetcher=Canned())
    finally:
        st.close()
    with live_server(folder, start_at=START) as srv:
        yield srv


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_your_calendars_section(browser: Any, server: LiveServer, width: int, height: int) -> None:
    for page in phone_page(browser, server):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/settings#calendars")
        section = page.locator("#calendars")
        text = section.inner_text()
        assert "Work" in text and "Last read 10 min ago." in text
        assert "Could not read: the address did not answer within 10 seconds" in text
        assert "private-3f9a" not in text  # the secret part of an address is never shown
        items = page.locator(".calendar-item")
        assert items.count() == 3
        # Nothing sticks out of the card on a phone.
        box = section.bounding_box()
        assert box is not None
        for i in range(items.count()):
            item = items.nth(i).bounding_box()
            assert item is not None and item["x"] + item["width"] <= box["x"] + box["width"] + 1
        section.scroll_into_view_if_needed()
        section.screenshot(
            path=str(Path(__file__).resolve().parents[2] / "test-artifacts/screenshots"
                     / f"settings-calendars-{width}.png")
        )  # fmt: skip
        shot(page, f"settings-calendars-{width}-full")
        page.locator("#calendar-add summary").click()
        assert page.locator("#calendar-add input[name=password]").is_visible()
        page.locator("#calendar-add").screenshot(
            path=str(Path(__file__).resolve().parents[2] / "test-artifacts/screenshots"
                     / f"settings-calendars-add-{width}.png")
        )  # fmt: skip
