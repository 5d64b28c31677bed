"""CalDAV on a real Radicale on loopback; credentials never in the database, export or backup."""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from runback.core.clock import FakeClock
from runback.services import calendar_secrets
from runback.services.backup import backup_sqlite, export_to_zip
from runback.services.busy import busy_between
from runback.services.calendars import add_source, remove_source, sync_source
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.settings import Settings
from runback.storage.models import CalendarSourceRow, UserRow
from tests.services.calendar_servers import Radicale, radicale_server

U = LOCAL_USER_ID
NOW = datetime(2026, 3, 23, 7, 0, tzinfo=UTC)
PASSWORD = "s3cret-pass"


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """One Radicale for the module, with a calendar holding a meeting made over CalDAV."""
    from caldav.davclient import DAVClient

    with radicale_server(tmp_path_factory.mktemp("radicale")) as server:
        with DAVClient(
            url=server.url, username=server.username, password=server.password
        ) as client:
            principal = client.principal()  # type: ignore[no-untyped-call]
            calendar = principal.make_calendar(name="Work", cal_id="work")
            calendar.save_event(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
                "UID:m1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Board meeting Zeus\r\n"
                "DTSTART;TZID=Europe/Berlin:20260323T100000\r\n"
                "DTEND;TZID=Europe/Berlin:20260323T113000\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            )
            calendar.save_event(
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
                "UID:m2\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Daily sync\r\n"
                "DTSTART;TZID=Europe/Berlin:20260327T140000\r\n"
                "DTEND;TZID=Europe/Berlin:20260327T143000\r\n"
                "RRULE:FREQ=DAILY;COUNT=4\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            )
            calendar.save_event(  # outside the two weeks read
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
                "UID:m3\r\nDTSTAMP:20260101T000000Z\r\n"
                "DTSTART:20260601T100000Z\r\nDTEND:20260601T110000Z\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            )
        yield server


def _settings(db_url: str, tmp_path: Path, **kw: object) -> Settings:
    return Settings(
        database_url=db_url,
        zone="Europe/Berlin",
        calendar_secrets_file=tmp_path / "conf" / "calendar-secrets.json",
        **kw,
    )


@pytest.fixture
def local(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """A local-mode store whose passwords go to a file under tmp_path."""
    s = open_store(_settings(db_url, tmp_path), FakeClock(NOW))
    yield s
    s.close()


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_caldav_events_made_over_the_protocol_are_synced(
    local: Store, radicale: Radicale, db_url: str, tmp_path: Path
) -> None:
    source = add_source(
        local,
        user_id=U,
        name="Work",
        kind="caldav",
        location=radicale.url + "runner/work/",
        username=radicale.username,
        password=PASSWORD,
    )
    synced = sync_source(local, user_id=U, source_id=source.id)
    assert synced.last_error is None and synced.busy_count == 5
    busy = busy_between(local, user_id=U, start=NOW, end=NOW + timedelta(days=14))
    # Before the change 10:00 Berlin is 09:00 UTC; the daily 14:00 one crosses 29 March.
    assert [(b.start, b.end) for b in busy] == [
        (_utc(23, 9), _utc(23, 10, 30)),
        (_utc(27, 13), _utc(27, 13, 30)),
        (_utc(28, 13), _utc(28, 13, 30)),
        (_utc(29, 12), _utc(29, 12, 30)),
        (_utc(30, 12), _utc(30, 12, 30)),
    ]
    # The password is in the 0600 file only: not in the database, the export or the backup.
    secrets_file = tmp_path / "conf" / "calendar-secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert PASSWORD in secrets_file.read_text()
    with local.factory() as session:
        assert session.get(CalendarSourceRow, source.id).secret is None  # type: ignore[union-attr]
    export = tmp_path / "export.zip"
    export_to_zip(local, export, user_id=U)
    backup = backup_sqlite(db_url, tmp_path / "backup.db")
    with zipfile.ZipFile(export) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
    for blob in (everything, backup.path.read_bytes()):
        assert PASSWORD.encode() not in blob and b"Zeus" not in blob
    remove_source(local, user_id=U, source_id=source.id)
    assert PASSWORD not in secrets_file.read_text()


def test_the_whole_account_when_the_address_is_the_server(local: Store, radicale: Radicale) -> None:
    # The user name and password written into the address are kept apart from it.
    address = radicale.url.replace("http://", f"http://{radicale.username}:{PASSWORD}@")
    source = add_source(local, user_id=U, name="All", kind="caldav", location=address)
    with local.factory() as session:
        row = session.get(CalendarSourceRow, source.id)
        assert row is not None and PASSWORD not in row.location and "runner" not in row.location
    assert sync_source(local, user_id=U, source_id=source.id).busy_count == 5


def test_a_wrong_password_is_one_plain_line(local: Store, radicale: Radicale) -> None:
    source = add_source(
        local,
        user_id=U,
        name="Work",
        kind="caldav",
        location=radicale.url + "runner/work/",
        username="runner",
        password="wrong-guess-123",
    )
    failed = sync_source(local, user_id=U, source_id=source.id)
    assert failed.last_error == "the server refused the user name or password"
    assert "wrong-guess-123" not in (failed.last_error or "")


def test_hosted_mode_encrypts_with_the_server_key(
    db_url: str, tmp_path: Path, radicale: Radicale
) -> None:
    key = "k" * 40
    hosted = open_store(
        _settings(db_url, tmp_path, mode="hosted", secret_key=key, calendar_private_addresses=True),
        FakeClock(NOW),
    )
    try:
        with hosted.tx() as session:
            session.add(UserRow(id=U, zone="Europe/Berlin", prefs={}, created_at=NOW))
        source = add_source(
            hosted,
            user_id=U,
            name="Work",
            kind="caldav",
            location=radicale.url + "runner/work/",
            username="runner",
            password=PASSWORD,
        )
        with hosted.factory() as session:
            secret = session.get(CalendarSourceRow, source.id).secret  # type: ignore[union-attr]
        assert secret is not None and PASSWORD.encode() not in secret
        assert not (tmp_path / "conf" / "calendar-secrets.json").exists()
        assert sync_source(hosted, user_id=U, source_id=source.id).busy_count == 5
        export = tmp_path / "export.zip"
        export_to_zip(hosted, export, user_id=U)
        with zipfile.ZipFile(export) as archive:
            doc = json.loads(archive.read("runback.json"))
            assert "secret" not in doc["tables"]["calendar_sources"][0]
            assert "location" not in archive.read("calendar_sources.csv").decode()
    finally:
        hosted.close()
    # Another server key cannot read it: the calendar says to add it again.
    other = _settings(
        db_url, tmp_path, mode="hosted", secret_key="o" * 40, calendar_private_addresses=True
    )
    again = open_store(other, FakeClock(NOW))
    try:
        failed = sync_source(again, user_id=U, source_id=source.id)
        assert failed.last_error is not None and "add it again" in failed.last_error
        with pytest.raises(Exception, match="add it again"):
            calendar_secrets.load(other, source.id, secret)
    finally:
        again.close()
