"""Your calendars over a real HTTP server: DST, X-WR-TIMEZONE, hangs, 50 MB, damage, 304."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runback.core.busy import BusyBlock
from runback.core.clock import FakeClock
from runback.errors import ValidationError
from runback.services.busy import busy_between
from runback.services.calendars import (
    CalendarSource,
    add_source,
    list_sources,
    remove_source,
    sync_due,
    sync_source,
)
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.settings import Settings
from tests.services.calendar_servers import FeedServer, Route, feed_server

U = LOCAL_USER_ID
MONDAY = datetime(2026, 3, 23, 7, 0, tzinfo=UTC)  # the week before Berlin's clocks go forward
H = timedelta(hours=1)


def _ics(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{extra}{body}END:VCALENDAR\r\n"
    return text.replace("\n\r\n", "\r\n").encode()


WEEKLY_BERLIN = _ics(
    """UID:weekly-1
DTSTAMP:20260101T000000Z
SUMMARY:Secret project Zeus planning
DESCRIPTION:Only for the Zeus team
LOCATION:Room Olympus
ATTENDEE:mailto:zeus@example.com
DTSTART;TZID=Europe/Berlin:20260302T100000
DTEND;TZID=Europe/Berlin:20260302T110000
RRULE:FREQ=WEEKLY;BYDAY=MO"""
)


@pytest.fixture
def clock() -> FakeClock:
    """A clock on Monday 2026-03-23 08:00 Berlin (07:00 UTC)."""
    return FakeClock(MONDAY)


@pytest.fixture
def fast_settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings with a half-second read limit (a hanging server is given up on quickly)."""
    return Settings(
        database_url=db_url,
        zone="Europe/Berlin",
        calendar_timeout_s=0.5,
        calendar_secrets_file=tmp_path / "secrets.json",
    )


@pytest.fixture
def store(fast_settings: Settings, clock: FakeClock) -> Iterator[Store]:
    """A store on the per-test database with the fast settings."""
    s = open_store(fast_settings, clock)
    yield s
    s.close()


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    """A real ICS feed server on loopback."""
    with feed_server() as server:
        yield server


def _busy(store: Store, days: int = 15) -> list[BusyBlock]:
    now = store.clock.now()
    return busy_between(store, user_id=U, start=now - H * 24, end=now + timedelta(days=days))


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _add(store: Store, feed: FeedServer, name: str, path: str) -> CalendarSource:
    return add_source(store, user_id=U, name=name, kind="ics-url", location=feed.url(path))


def test_weekly_meeting_across_the_dst_change(store: Store, feed: FeedServer) -> None:
    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN)
    source = add_source(
        store, user_id=U, name="Work", kind="ics-url", location=feed.url("/work.ics")
    )
    synced = sync_source(store, user_id=U, source_id=source.id)
    assert synced.ok and synced.last_ok_at == MONDAY and synced.busy_count == 2
    # 10:00 Berlin is 09:00 UTC before 29 March 2026 and 08:00 UTC after it.
    assert [(b.start, b.end) for b in _busy(store)] == [
        (_utc(2026, 3, 23, 9), _utc(2026, 3, 23, 10)),
        (_utc(2026, 3, 30, 8), _utc(2026, 3, 30, 9)),
    ]


def test_no_title_description_location_or_attendee_is_stored(
    store: Store, feed: FeedServer, db_url: str
) -> None:
    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN)
    source = add_source(
        store, user_id=U, name="Work", kind="ics-url", location=feed.url("/work.ics")
    )
    sync_source(store, user_id=U, source_id=source.id)
    store.close()
    db = Path(db_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for secret in (b"Zeus", b"Olympus", b"zeus@example.com"):
        assert secret not in stored


def test_google_x_wr_timezone_feed(store: Store, feed: FeedServer) -> None:
    # Google writes a weekly meeting in UTC and names the calendar's zone only in X-WR-TIMEZONE:
    # read as written it would stay at 09:00 UTC and drift to 11:00 Berlin in summer.
    google = _ics(
        """UID:g-1
DTSTAMP:20260101T000000Z
DTSTART:20260105T090000Z
DTEND:20260105T093000Z
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:Stand-up""",
        extra="X-WR-CALNAME:Work\r\nX-WR-TIMEZONE:Europe/Berlin\r\n",
    )
    feed.routes["/basic.ics"] = Route(google)
    source = add_source(
        store, user_id=U, name="Google", kind="ics-url", location=feed.url("/basic.ics")
    )
    assert sync_source(store, user_id=U, source_id=source.id).ok
    assert [b.start for b in _busy(store)] == [_utc(2026, 3, 23, 9), _utc(2026, 3, 30, 8)]


def test_free_tentative_cancelled_and_all_day_are_kept_but_do_not_block(
    store: Store, feed: FeedServer
) -> None:
    feed.routes["/mixed.ics"] = Route(
        _ics(
            "UID:1\nDTSTART:20260323T120000Z\nDTEND:20260323T130000Z\nTRANSP:TRANSPARENT",
            "UID:2\nDTSTART:20260323T140000Z\nDTEND:20260323T150000Z\nSTATUS:TENTATIVE",
            "UID:3\nDTSTART:20260323T160000Z\nDTEND:20260323T170000Z\nSTATUS:CANCELLED",
            "UID:4\nDTSTART;VALUE=DATE:20260324\nDTEND;VALUE=DATE:20260325",
            "UID:5\nDTSTART:20260324T090000Z\nDURATION:PT45M",
        )
    )
    source = add_source(
        store, user_id=U, name="Mixed", kind="ics-url", location=feed.url("/mixed.ics")
    )
    assert sync_source(store, user_id=U, source_id=source.id).busy_count == 5
    every = busy_between(
        store, user_id=U, start=MONDAY, end=MONDAY + 3 * 24 * H, blocking_only=False
    )
    kinds = sorted((b.transparency, b.status, b.all_day) for b in every)
    assert kinds == [
        ("opaque", "cancelled", False),
        ("opaque", "confirmed", False),
        ("opaque", "confirmed", True),
        ("opaque", "tentative", False),
        ("transparent", "confirmed", False),
    ]
    all_day = next(b for b in every if b.all_day)
    assert all_day.start == _utc(2026, 3, 23, 23)  # midnight in Berlin
    assert _busy(store) == [BusyBlock(_utc(2026, 3, 24, 9), _utc(2026, 3, 24, 9, 45))]


def _good_then(
    store: Store, feed: FeedServer, clock: FakeClock, bad: Route
) -> tuple[int, list[BusyBlock]]:
    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN)
    source = add_source(
        store, user_id=U, name="Work", kind="ics-url", location=feed.url("/work.ics")
    )
    assert sync_source(store, user_id=U, source_id=source.id).ok
    before = _busy(store)
    feed.routes["/work.ics"] = bad
    clock.advance(3600)
    return source.id, before


def _fails_and_falls_back(
    store: Store, clock: FakeClock, source_id: int, before: list[BusyBlock], message: str
) -> None:
    """An hour after a good read the busy times stay; a day after, they are cleared."""
    failed = sync_source(store, user_id=U, source_id=source_id)
    assert failed.last_error == message
    assert "\n" not in message and "Traceback" not in message
    assert failed.last_ok_at == MONDAY and failed.last_tried_at == MONDAY + H
    assert _busy(store) == before
    clock.advance(24 * 3600)
    again = sync_source(store, user_id=U, source_id=source_id)
    assert again.last_error == message and again.last_ok_at == MONDAY
    assert again.busy_count == 0 and _busy(store) == []  # the plain interval again


def test_a_feed_that_hangs_gives_up_at_the_time_limit(
    store: Store, feed: FeedServer, clock: FakeClock
) -> None:
    source_id, before = _good_then(store, feed, clock, Route(hang=True))
    started = time.monotonic()
    _fails_and_falls_back(
        store, clock, source_id, before, "the address did not answer within 0.5 seconds"
    )
    assert time.monotonic() - started < 5


def test_a_50_mb_feed_is_refused_at_the_limit_while_streaming(
    store: Store, feed: FeedServer, clock: FakeClock
) -> None:
    sent: list[int] = []

    def huge() -> Iterator[bytes]:
        yield b"BEGIN:VCALENDAR\r\n"
        chunk = b"X-FILLER:" + b"x" * 65_000 + b"\r\n"
        for _ in range(50 * 1024**2 // len(chunk)):
            sent.append(len(chunk))
            yield chunk

    source_id, before = _good_then(store, feed, clock, Route(huge))
    started = time.monotonic()
    _fails_and_falls_back(
        store, clock, source_id, before, "the calendar is larger than 5 MB: not read"
    )
    assert time.monotonic() - started < 10
    assert sum(sent) < 40 * 1024**2  # the reading stopped long before the end


def test_a_declared_50_mb_feed_is_refused_before_reading(
    store: Store, feed: FeedServer, clock: FakeClock
) -> None:
    source_id, before = _good_then(
        store, feed, clock, Route(b"BEGIN:VCALENDAR", headers={"X-Pad": "1"})
    )
    feed.routes["/work.ics"] = Route(b"BEGIN:VCALENDAR\r\n" + b"x" * (50 * 1024**2))
    _fails_and_falls_back(
        store, clock, source_id, before, "the calendar is larger than 5 MB: not read"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:not-a-date\r\nEND:VEVENT\r\nEND:VCALENDAR",
            "the calendar data is damaged",
        ),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "the address sent a web page"),
        (b"", "the calendar was empty"),
    ],
)
def test_malformed_data(
    store: Store, feed: FeedServer, clock: FakeClock, body: bytes, message: str
) -> None:
    source_id, before = _good_then(store, feed, clock, Route(body))
    failed = sync_source(store, user_id=U, source_id=source_id)
    assert failed.last_error is not None and failed.last_error.startswith(message)
    _fails_and_falls_back(store, clock, source_id, before, failed.last_error)


def test_server_errors_and_unreachable(store: Store, feed: FeedServer, clock: FakeClock) -> None:
    source_id, before = _good_then(store, feed, clock, Route(b"", status=500))
    _fails_and_falls_back(
        store, clock, source_id, before, "the server answered with an error (500)"
    )
    gone = _add(store, feed, "Gone", "/nope.ics")
    assert sync_source(store, user_id=U, source_id=gone.id).last_error == (
        "nothing is at this address (not found)"
    )


def test_etag_304_keeps_the_busy_times(store: Store, feed: FeedServer, clock: FakeClock) -> None:
    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN, etag='"v1"')
    source = add_source(
        store, user_id=U, name="Work", kind="ics-url", location=feed.url("/work.ics")
    )
    sync_source(store, user_id=U, source_id=source.id)
    before = _busy(store)
    clock.advance(900)
    again = sync_source(store, user_id=U, source_id=source.id)
    assert feed.requests[-1][1].get("If-None-Match") == '"v1"'
    assert again.ok and again.last_ok_at == MONDAY + timedelta(minutes=15)
    assert _busy(store) == before and len(before) == 2
    # A day after the last full read the whole calendar is read again (the window moved on).
    clock.advance(24 * 3600)
    sync_source(store, user_id=U, source_id=source.id)
    assert "If-None-Match" not in feed.requests[-1][1]
    clock.advance(900)
    sync_source(store, user_id=U, source_id=source.id)
    assert feed.requests[-1][1].get("If-None-Match") == '"v1"'
    assert len(feed.requests) == 4


def test_redirects_only_to_web_addresses(store: Store, feed: FeedServer) -> None:
    feed.routes["/old.ics"] = Route(status=301, headers={"Location": "/work.ics"})
    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN)
    feed.routes["/sneaky.ics"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    moved = add_source(
        store, user_id=U, name="Moved", kind="ics-url", location=feed.url("/old.ics")
    )
    assert sync_source(store, user_id=U, source_id=moved.id).busy_count == 2
    sneaky = add_source(
        store, user_id=U, name="Sneaky", kind="ics-url", location=feed.url("/sneaky.ics")
    )
    assert sync_source(store, user_id=U, source_id=sneaky.id).last_error == (
        "the address redirects somewhere that is not a web address"
    )


def test_an_ics_file(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "work.ics"
    path.write_bytes(WEEKLY_BERLIN)
    source = add_source(store, user_id=U, name="File", kind="ics-file", location=str(path))
    assert source.where == "work.ics"
    assert sync_source(store, user_id=U, source_id=source.id).busy_count == 2
    path.unlink()
    clock.advance(60)
    failed = sync_source(store, user_id=U, source_id=source.id)
    assert failed.last_error == "the file is no longer there" and failed.busy_count == 2


def test_bad_input_is_refused_naming_the_field(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as bad:
        add_source(store, user_id=U, name=" ", kind="ics-url", location="ftp://x/y.ics")
    assert bad.value.problems == [
        "name: give the calendar a name, e.g. Work",
        "address: the address must start with https:// (or http://)",
    ]
    add_source(store, user_id=U, name="Work", kind="ics-url", location="webcal://example.com/a")
    with pytest.raises(ValidationError, match="already have a calendar named 'Work'"):
        add_source(store, user_id=U, name="work", kind="ics-url", location="https://x.org/a")
    with pytest.raises(ValidationError, match="leave the user name and password out"):
        add_source(store, user_id=U, name="B", kind="ics-url", location="https://u:p@x.org/a")
    with pytest.raises(ValidationError, match="is not a file"):
        add_source(store, user_id=U, name="C", kind="ics-file", location=str(tmp_path / "no"))
    assert [s.name for s in list_sources(store, user_id=U)] == ["Work"]
    assert list_sources(store, user_id=U)[0].where == "example.com"


def test_sync_due_reads_only_calendars_not_tried_lately(
    store: Store, feed: FeedServer, clock: FakeClock
) -> None:
    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN)
    source = add_source(
        store, user_id=U, name="Work", kind="ics-url", location=feed.url("/work.ics")
    )
    assert [s.id for s in sync_due(store, user_id=U)] == [source.id]
    clock.advance(14 * 60)
    assert sync_due(store, user_id=U) == []
    clock.advance(60)
    assert len(sync_due(store, user_id=U)) == 1
    remove_source(store, user_id=U, source_id=source.id)
    assert list_sources(store, user_id=U) == [] and _busy(store) == []


def test_hosted_mode_never_reads_its_own_network(db_url: str, feed: FeedServer) -> None:
    from runback.storage.models import UserRow

    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN)
    hosted = Settings(database_url=db_url, mode="hosted", secret_key="k" * 40)
    st = open_store(hosted, FakeClock(MONDAY))
    try:
        with st.tx() as session:
            session.add(UserRow(id=7, zone="Europe/Berlin", prefs={}, created_at=MONDAY))
        source = add_source(
            st, user_id=7, name="Work", kind="ics-url", location=feed.url("/work.ics")
        )
        failed = sync_source(st, user_id=7, source_id=source.id)
        assert failed.last_error == "the address is on a private network this server cannot read"
        assert feed.requests == []
        with pytest.raises(ValidationError, match="only by runback on your computer"):
            add_source(st, user_id=7, name="F", kind="ics-file", location=db_url)
    finally:
        st.close()


def test_the_worker_reads_everyones_due_calendars(store: Store, feed: FeedServer) -> None:
    from runback.services.calendars import sync_due_everyone

    feed.routes["/work.ics"] = Route(WEEKLY_BERLIN)
    _add(store, feed, "Work", "/work.ics")
    assert sync_due_everyone(store) == 1
    assert sync_due_everyone(store) == 0  # read a moment ago: not due
