"""The Settings page's "Your calendars": add an address, see how reading went, remove it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from runback.services.calendars import list_sources
from runback.services.store import LOCAL_USER_ID, Store
from runback.settings import Settings
from tests.services.calendar_servers import FeedServer, Route, feed_server

MEETING = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"SUMMARY:Quarterly numbers\r\nDTSTART;TZID=Europe/Berlin:20260105T100000\r\n"
    b"DTEND;TZID=Europe/Berlin:20260105T110000\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Local mode with a half-second read limit."""
    return Settings(database_url=db_url, zone="Europe/Berlin", calendar_timeout_s=0.5)


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    """A real ICS feed server on loopback."""
    with feed_server() as server:
        server.routes["/work.ics"] = Route(MEETING)
        server.routes["/slow.ics"] = Route(hang=True)
        yield server


def _csrf(client: TestClient) -> str:
    page = client.get("/settings").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _text(html: str) -> str:
    section = html.split('id="calendars"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_add_see_and_remove(client: TestClient, feed: FeedServer, store: Store) -> None:
    token = _csrf(client)
    reply = client.post(
        "/settings/calendars",
        data={"csrf_token": token, "name": "Work", "address": feed.url("/work.ics")},
        follow_redirects=False,
    )
    assert reply.status_code == 303 and reply.headers["location"].endswith("#calendars")
    client.post(
        "/settings/calendars",
        data={"csrf_token": token, "name": "Team", "address": feed.url("/slow.ics")},
    )
    store.clock.advance(600)  # type: ignore[attr-defined]
    text = _text(client.get("/settings?calendars=added").text)
    assert "Calendar added." in text
    assert "Work web address · 127.0.0.1 Last read 10 min ago. 3 busy times" in text
    assert (
        "Could not read: the address did not answer within 0.5 seconds. Until it "
        "can be read again, breaks come at their usual times." in text
    )
    assert "Quarterly" not in text and "/work.ics" not in text
    work = next(s for s in list_sources(store, user_id=LOCAL_USER_ID) if s.name == "Work")
    reply = client.post(f"/settings/calendars/{work.id}/remove", data={"csrf_token": token})
    assert reply.status_code == 200 and "Calendar removed." in _text(reply.text)
    assert [s.name for s in list_sources(store, user_id=LOCAL_USER_ID)] == ["Team"]
    assert (
        client.post("/settings/calendars/999/remove", data={"csrf_token": token}).status_code == 404
    )


def test_a_bad_address_says_what_to_give(client: TestClient, store: Store) -> None:
    token = _csrf(client)
    reply = client.post(
        "/settings/calendars",
        data={"csrf_token": token, "name": "Work", "address": "ftp://example.com/a.ics"},
    )
    assert "Not added: the address must start with https:// (or http://)." in _text(reply.text)
    assert list_sources(store, user_id=LOCAL_USER_ID) == []


def test_a_calendar_server_keeps_its_password_out_of_the_page(
    client: TestClient, store: Store
) -> None:
    token = _csrf(client)
    reply = client.post(
        "/settings/calendars",
        data={
            "csrf_token": token,
            "name": "Team",
            "address": "http://127.0.0.1:1/dav/",
            "username": "me",
            "password": "page-secret-123",
        },
    )
    text = _text(reply.text)
    assert "Team calendar server · 127.0.0.1 Could not read: the calendar server could not" in text
    assert "page-secret-123" not in reply.text
