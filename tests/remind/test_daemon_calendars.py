"""The daemon reads your calendars when due, through a fake fetcher: no network, no real sleep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from runback.core.clock import FakeClock
from runback.errors import CalendarError
from runback.remind.daemon import Daemon
from runback.remind.notify import FakeNotifier
from runback.services.busy import busy_between
from runback.services.calendar_fetch import Fetched
from runback.services.calendars import add_source, list_sources
from runback.services.store import LOCAL_USER_ID, Store

U = LOCAL_USER_ID
START = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # Monday 08:00 in Berlin

FEED = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTART;TZID=Europe/Berlin:20260105T140000\r\nDTEND;TZID=Europe/Berlin:20260105T153000\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class FakeFetcher:
    """Answers from memory; `down` makes every read fail."""

    def __init__(self) -> None:
        self.reads: list[datetime] = []
        self.down = False
        self.clock: FakeClock | None = None

    def fetch_ics(self, url: str, *, etag: str | None, last_modified: str | None) -> Fetched:
        """Return the feed, or fail like a server that does not answer."""
        assert self.clock is not None
        self.reads.append(self.clock.now())
        if self.down:
            raise CalendarError("the address did not answer within 10 seconds")
        return Fetched(FEED)

    def fetch_caldav(
        self, url: str, *, username: str, password: str, start: datetime, end: datetime
    ) -> list[bytes]:
        """Not used here."""
        raise AssertionError("no CalDAV in this test")


def test_the_daemon_syncs_every_15_minutes_and_says_when_a_calendar_fails(store: Store) -> None:
    clock = FakeClock(START)
    store.clock = clock
    fetcher = FakeFetcher()
    fetcher.clock = clock
    add_source(store, user_id=U, name="Work", kind="ics-url", location="https://cal.example/w.ics")
    daemon = Daemon(
        store=store,
        notifier=FakeNotifier(answers=lambda _n: "start"),
        idle=None,
        clock=clock,
        calendar_fetcher=fetcher,
        max_sleep_s=300,
    )
    daemon.run(until=START + timedelta(hours=1))
    # Read at the start, then each time 15 minutes had passed since the last read.
    assert fetcher.reads == [START + timedelta(minutes=m) for m in (0, 15, 30, 45)]
    busy = busy_between(store, user_id=U, start=START, end=START + timedelta(days=1))
    assert [(b.start.hour, b.end.hour, b.end.minute) for b in busy] == [(13, 14, 30)]
    assert "Mon 08:00:00 calendar Work: read, 1 busy times" in daemon.log
    fetcher.down = True
    daemon.run(until=START + timedelta(hours=2))
    failed = [line for line in daemon.log if "could not read" in line]
    # Said once when it starts failing, not at every read.
    assert failed == [
        "Mon 09:00:00 calendar Work: could not read: the address did not answer within 10 seconds"
    ]
    (source,) = list_sources(store, user_id=U)
    assert source.last_ok_at == START + timedelta(minutes=45)
    assert source.busy_count == 1  # the last good read is under a day old: kept


def test_no_fetcher_no_reads(store: Store) -> None:
    clock = FakeClock(START)
    store.clock = clock
    add_source(store, user_id=U, name="Work", kind="ics-url", location="https://cal.example/w.ics")
    daemon = Daemon(
        store=store, notifier=FakeNotifier(answers=lambda _n: "start"), idle=None, clock=clock
    )
    daemon.run(until=START + timedelta(minutes=30))
    assert list_sources(store, user_id=U)[0].last_tried_at is None
