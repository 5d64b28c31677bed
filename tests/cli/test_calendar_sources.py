"""`runback calendar add|list|remove|sync`: one-line answers, no password on the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.services.calendar_servers import FeedServer, Route, feed_server

MEETING = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"SUMMARY:Quarterly numbers\r\nDTSTART;TZID=Europe/Berlin:20260105T100000\r\n"
    b"DTEND;TZID=Europe/Berlin:20260105T110000\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    """A real ICS feed server on loopback."""
    with feed_server() as server:
        server.routes["/work.ics"] = Route(MEETING)
        yield server


def test_add_list_sync_remove(cli: Cli, feed: FeedServer) -> None:
    added = cli("calendar", "add", "Work", "--ics", feed.url("/work.ics"))
    assert added.exit_code == 0, added.output
    assert "Added Work." in added.output
    assert "Work (127.0.0.1): last read just now; 3 busy times" in added.output
    cli.clock.advance(600)
    listed = cli("calendar", "list")
    assert listed.output.strip() == "Work (127.0.0.1): last read 10 min ago; 3 busy times"
    rows = json.loads(cli("calendar", "list", "--json").output)
    assert rows[0]["name"] == "Work" and rows[0]["busy_count"] == 3
    assert rows[0]["last_error"] is None
    assert "Quarterly" not in json.dumps(rows)
    feed.routes["/work.ics"] = Route(b"<html>moved</html>")
    synced = cli("calendar", "sync")
    assert synced.exit_code == 1
    assert synced.output.strip() == (
        "Work (127.0.0.1): could not read: the address sent a web page, not a calendar "
        "(last read 10 min ago); 3 busy times"
    )
    removed = cli("calendar", "remove", "work")
    assert removed.exit_code == 0 and "Removed Work" in removed.output
    assert "No calendars yet" in cli("calendar", "list").output


def test_one_line_errors(cli: Cli, tmp_path: Path) -> None:
    for args, line in [
        (["calendar", "add", "X"], "give one of --ics ADDRESS-OR-FILE or --caldav ADDRESS"),
        (["calendar", "add", "X", "--ics", "ftp://a/b"], "address: the address must start with"),
        (["calendar", "add", "X", "--ics", str(tmp_path / "none.ics")], "is not a file"),
        (["calendar", "remove", "Nope"], "no calendar named 'Nope' (your calendars: none yet)"),
        (["calendar", "sync", "Nope"], "no calendar named 'Nope'"),
    ]:
        result = cli(*args)
        assert result.exit_code != 0, args
        assert line in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_caldav_password_from_the_environment_never_printed(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, db_url: str
) -> None:
    monkeypatch.setenv("RUNBACK_CALDAV_PASSWORD", "hunter2-hunter2")
    result = cli("calendar", "add", "Team", "--caldav", "http://127.0.0.1:1/dav/", "--user", "me")
    assert result.exit_code == 0, result.output
    assert "hunter2" not in result.output
    assert "could not read: the calendar server could not be reached" in result.output
    secrets = Path(db_url.removeprefix("sqlite:///") + ".calendar-secrets.json")
    assert "hunter2-hunter2" in secrets.read_text()
    assert oct(secrets.stat().st_mode & 0o777) == "0o600"


def test_caldav_password_prompt_is_hidden(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNBACK_CALDAV_PASSWORD", raising=False)
    result = cli(
        "calendar",
        "add",
        "Team",
        "--caldav",
        "http://127.0.0.1:1/dav/",
        "--user",
        "me",
        "--no-sync",
        input="typed-secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password for me" in result.output and "typed-secret" not in result.output
