"""Your calendars: add, list, remove and read (sync) the calendars whose busy times breaks avoid.

A calendar is an ICS address, an ICS file (local mode), or a CalDAV calendar. A sync reads the
events from a day ago to two weeks ahead and keeps only their busy times (core/ics.py), through
`services.busy.replace_source_blocks`. A sync that fails stores one plain line in `last_error`
and when it was tried; `last_ok_at` keeps when the calendar last worked. The busy times of a
calendar that fails are kept while its last good read is under `STALE_AFTER` old (a server
down for an hour should not make breaks land in meetings); older ones are cleared, so the
schedule falls back to the plain interval rather than planning around a stale week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from sqlalchemy import func, select

from runback.core.busy import BusyBlock
from runback.errors import CalendarError, NotFoundError, ValidationError
from runback.services import calendar_secrets
from runback.services.busy import replace_source_blocks
from runback.services.calendar_fetch import Fetcher, check_web_address, fetcher_for
from runback.services.store import Store
from runback.storage.models import BusyBlockRow, CalendarSourceRow

__all__ = [
    "AHEAD",
    "BEHIND",
    "STALE_AFTER",
    "CalendarSource",
    "Kind",
    "add_source",
    "describe",
    "find_source",
    "list_sources",
    "remove_source",
    "sync_all",
    "sync_due",
    "sync_due_everyone",
    "sync_source",
]

Kind = Literal["ics-url", "ics-file", "caldav"]
KINDS: tuple[Kind, ...] = ("ics-url", "ics-file", "caldav")
BEHIND = timedelta(days=1)
AHEAD = timedelta(days=14)
STALE_AFTER = timedelta(hours=24)
FULL_READ_EVERY = timedelta(hours=24)
MAX_NAME = 100


@dataclass(frozen=True)
class CalendarSource:
    """One calendar as the user sees it: its name, kind, where it is, and how reading it went."""

    id: int
    name: str
    kind: Kind
    where: str  # the address's host, or the file's name: never a password or a secret path
    last_tried_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None
    busy_count: int

    @property
    def ok(self) -> bool:
        """Whether the last read worked (or none was tried yet)."""
        return self.last_error is None


def _where(kind: str, location: str) -> str:
    if kind == "ics-file":
        return Path(location).name
    return urlsplit(location).hostname or location


def _public(row: CalendarSourceRow, busy_count: int) -> CalendarSource:
    return CalendarSource(
        id=row.id,
        name=row.name,
        kind=row.kind,  # type: ignore[arg-type]  # the column only ever holds a Kind
        where=_where(row.kind, row.location),
        last_tried_at=row.last_tried_at,
        last_ok_at=row.last_ok_at,
        last_error=row.last_error,
        busy_count=busy_count,
    )


def _counts(store: Store, user_id: int) -> dict[int, int]:
    with store.factory() as session:
        rows = session.execute(
            select(BusyBlockRow.source_id, func.count())
            .where(BusyBlockRow.user_id == user_id)
            .group_by(BusyBlockRow.source_id)
        ).all()
    return {int(source_id): int(n) for source_id, n in rows}


def list_sources(store: Store, *, user_id: int) -> list[CalendarSource]:
    """Return the user's calendars by name, each with its last read and busy-time count."""
    counts = _counts(store, user_id)
    with store.factory() as session:
        rows = session.scalars(
            select(CalendarSourceRow)
            .where(CalendarSourceRow.user_id == user_id)
            .order_by(func.lower(CalendarSourceRow.name), CalendarSourceRow.id)
        ).all()
        return [_public(r, counts.get(r.id, 0)) for r in rows]


def find_source(store: Store, *, user_id: int, name: str) -> CalendarSource:
    """Return the user's calendar of this name (any case), or NotFoundError listing the names."""
    sources = list_sources(store, user_id=user_id)
    for source in sources:
        if source.name.casefold() == name.strip().casefold():
            return source
    names = ", ".join(s.name for s in sources) or "none yet"
    raise NotFoundError(f"no calendar named {name!r} (your calendars: {names})")


def _check(
    store: Store, user_id: int, name: str, kind: str, location: str
) -> tuple[str, str, tuple[str, str] | None]:
    """Return the clean name and location (and credentials found in a URL), or ValidationError."""
    problems: list[str] = []
    clean = " ".join(name.split())
    if not clean:
        problems.append("name: give the calendar a name, e.g. Work")
    elif len(clean) > MAX_NAME:
        problems.append(f"name: at most {MAX_NAME} characters")
    else:
        same = [s.name for s in list_sources(store, user_id=user_id)]
        same = [n for n in same if n.casefold() == clean.casefold()]
        if same:
            problems.append(f"name: you already have a calendar named {same[0]!r}; choose another")
    in_url: tuple[str, str] | None = None
    where = location.strip()
    if kind not in KINDS:
        problems.append(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    elif kind == "ics-file":
        if store.settings.mode == "hosted":
            problems.append("file: calendar files can be read only by runback on your computer")
        else:
            path = Path(where).expanduser()
            if not path.is_file():
                problems.append(f"file: {where!r} is not a file; give the path of an .ics file")
            where = str(path.resolve())
    else:
        try:
            where = check_web_address(where)
        except CalendarError as exc:
            problems.append(f"address: {exc}")
        else:
            parts = urlsplit(where)
            if parts.username or parts.password:
                if kind == "ics-url":
                    problems.append("address: leave the user name and password out of the address")
                else:
                    # Kept with the password, never in the stored address.
                    in_url = (parts.username or "", parts.password or "")
                    host = parts.hostname or ""
                    netloc = host + (f":{parts.port}" if parts.port else "")
                    where = parts._replace(netloc=netloc).geturl()
    if problems:
        raise ValidationError("calendar", problems)
    return clean, where, in_url


def add_source(
    store: Store,
    *,
    user_id: int,
    name: str,
    kind: Kind,
    location: str,
    username: str | None = None,
    password: str | None = None,
) -> CalendarSource:
    """Add a calendar (not read yet: call sync_source); ValidationError naming each bad field."""
    clean, where, in_url = _check(store, user_id, name, kind, location)
    if in_url is not None:
        username = username or in_url[0]
        password = password or in_url[1]
    now = store.clock.now()
    with store.tx() as session:
        row = CalendarSourceRow(
            user_id=user_id, kind=kind, name=clean, location=where, created_at=now
        )
        session.add(row)
        session.flush()
        if kind == "caldav":
            creds = calendar_secrets.Credentials(username or "", password or "")
            row.secret = calendar_secrets.save(store.settings, row.id, creds)
        return _public(row, 0)


def remove_source(store: Store, *, user_id: int, source_id: int) -> None:
    """Remove a calendar, its busy times and its saved password."""
    with store.tx() as session:
        row = session.get(CalendarSourceRow, source_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError(f"no calendar {source_id}")
        session.query(BusyBlockRow).filter(BusyBlockRow.source_id == source_id).delete()
        session.delete(row)
    calendar_secrets.forget(store.settings, source_id)


def _fetcher(store: Store, fetcher: Fetcher | None) -> Fetcher:
    if fetcher is not None:
        return fetcher
    return fetcher_for(store.settings)


def _read_file(store: Store, location: str) -> bytes:
    limit = store.settings.calendar_max_bytes
    try:
        with open(location, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise CalendarError("the file is no longer there") from None
    except OSError:
        raise CalendarError("the file cannot be read (permissions?)") from None
    if len(data) > limit:
        raise CalendarError(f"the calendar is larger than {limit / 1024**2:g} MB: not read")
    return data


def sync_source(
    store: Store, *, user_id: int, source_id: int, fetcher: Fetcher | None = None
) -> CalendarSource:
    """Read one calendar now and keep its busy times; a failure is recorded, not raised."""
    with store.factory() as session:
        row = session.get(CalendarSourceRow, source_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError(f"no calendar {source_id}")
        kind, location, secret = row.kind, row.location, row.secret
        etag, last_modified, last_ok = row.etag, row.last_modified, row.last_ok_at
        full_at = row.full_read_at
    zone = store.user_zone(user_id=user_id)
    now = store.clock.now()
    start, end = now - BEHIND, now + AHEAD
    source = _fetcher(store, fetcher)
    unchanged = False
    sent_etag = etag
    if full_at is None or now - full_at >= FULL_READ_EVERY:
        # "Not modified" keeps busy times worked out at the last full read: the two weeks
        # ahead move on, so at least once a day the whole calendar is read again.
        sent_etag, last_modified = None, None
    new_etag, new_modified, new_full_at = etag, last_modified, full_at
    try:
        if kind == "ics-url":
            fetched = source.fetch_ics(location, etag=sent_etag, last_modified=last_modified)
            unchanged = fetched.data is None
            if unchanged:
                new_etag, new_modified = etag, fetched.last_modified or last_modified
            else:
                new_etag, new_modified = fetched.etag, fetched.last_modified
                new_full_at = now
            blocks = [] if fetched.data is None else _parse(fetched.data, start, end, zone)
        elif kind == "ics-file":
            blocks = _parse(_read_file(store, location), start, end, zone)
        else:
            creds = calendar_secrets.load(store.settings, source_id, secret)
            found = source.fetch_caldav(
                location, username=creds.username, password=creds.password, start=start, end=end
            )
            blocks = sorted(b for data in found for b in _parse(data, start, end, zone))
    except CalendarError as exc:
        return _failed(store, user_id, source_id, str(exc), now, last_ok)
    if not unchanged:
        replace_source_blocks(store, user_id=user_id, source_id=source_id, blocks=blocks)
    with store.tx() as session:
        row = session.get(CalendarSourceRow, source_id)
        if row is None:  # removed meanwhile
            raise NotFoundError(f"no calendar {source_id}")
        row.last_tried_at = row.last_ok_at = now
        row.last_error = None
        row.etag, row.last_modified = new_etag, new_modified
        row.full_read_at = new_full_at
    return _one(store, user_id, source_id)


def _parse(data: bytes, start: datetime, end: datetime, zone: str) -> list[BusyBlock]:
    from runback.core.ics import busy_from_ics

    return busy_from_ics(data, start=start, end=end, zone=zone)


def _failed(
    store: Store,
    user_id: int,
    source_id: int,
    message: str,
    now: datetime,
    last_ok: datetime | None,
) -> CalendarSource:
    """Record a failed read; clear busy times whose last good read is too old to plan on."""
    stale = last_ok is None or now - last_ok >= STALE_AFTER
    if stale:
        replace_source_blocks(store, user_id=user_id, source_id=source_id, blocks=[])
    with store.tx() as session:
        row = session.get(CalendarSourceRow, source_id)
        if row is None:
            raise NotFoundError(f"no calendar {source_id}")
        row.last_tried_at = now
        row.last_error = message[:300]
        if stale:
            # Nothing kept to be "not modified" against: the next read downloads it all.
            row.etag = row.last_modified = row.full_read_at = None
    return _one(store, user_id, source_id)


def _one(store: Store, user_id: int, source_id: int) -> CalendarSource:
    for source in list_sources(store, user_id=user_id):
        if source.id == source_id:
            return source
    raise NotFoundError(f"no calendar {source_id}")


def sync_all(store: Store, *, user_id: int, fetcher: Fetcher | None = None) -> list[CalendarSource]:
    """Read every calendar of the user now; return each one's state afterwards."""
    return [
        sync_source(store, user_id=user_id, source_id=s.id, fetcher=fetcher)
        for s in list_sources(store, user_id=user_id)
    ]


def sync_due(store: Store, *, user_id: int, fetcher: Fetcher | None = None) -> list[CalendarSource]:
    """Read the user's calendars not tried for `calendar_sync_min`; return those read."""
    every = timedelta(minutes=store.settings.calendar_sync_min)
    now = store.clock.now()
    return [
        sync_source(store, user_id=user_id, source_id=s.id, fetcher=fetcher)
        for s in list_sources(store, user_id=user_id)
        if s.last_tried_at is None or now - s.last_tried_at >= every
    ]


def sync_due_everyone(store: Store, fetcher: Fetcher | None = None) -> int:
    """Hosted mode's worker: read every user's calendars that are due; return how many."""
    with store.factory() as session:
        users = session.scalars(select(CalendarSourceRow.user_id).distinct()).all()
    return sum(len(sync_due(store, user_id=u, fetcher=fetcher)) for u in users)


def _ago(then: datetime, now: datetime) -> str:
    seconds = max(0, int((now - then).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 48 * 3600:
        hours = seconds // 3600
        return f"{hours} hour{'' if hours == 1 else 's'} ago"
    return f"{seconds // 86400} days ago"


def describe(source: CalendarSource, now: datetime) -> str:
    """Say in plain words how reading the calendar went ("last read 10 min ago")."""
    if source.last_error is not None:
        if source.last_ok_at is None:
            return f"could not read: {source.last_error}"
        return f"could not read: {source.last_error} (last read {_ago(source.last_ok_at, now)})"
    if source.last_ok_at is None:
        return "not read yet"
    return f"last read {_ago(source.last_ok_at, now)}"
