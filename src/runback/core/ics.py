"""Busy times out of an iCalendar document: recurrences expanded, free/busy kept, titles never.

Each event's times are read in its own zone (so a weekly 10:00 Berlin meeting is 09:00 UTC in
winter and 08:00 UTC in summer), floating times in the user's zone, and Google-style feeds that
name their zone only in `X-WR-TIMEZONE` are repaired first. Only start, end, transparency, status
and "all day" leave this module: the summary, description, attendees and location are dropped
here, before anything is stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from runback.core.busy import BusyBlock, EventStatus, Transparency
from runback.errors import CalendarError

__all__ = ["MAX_EVENTS", "busy_from_ics"]

MAX_EVENTS = 5000
"""More occurrences than this in the window is not a person's calendar (a runaway rule)."""

_STATUS: dict[str, EventStatus] = {
    "CONFIRMED": "confirmed",
    "TENTATIVE": "tentative",
    "CANCELLED": "cancelled",
}


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    """Return an aware UTC instant: dates at the user's midnight, floating times in their zone."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _block(event: Any, zone: ZoneInfo) -> BusyBlock | None:
    start_prop = event.get("DTSTART")
    if start_prop is None:
        return None
    start_value = start_prop.dt
    all_day = not isinstance(start_value, datetime)
    end_prop = event.get("DTEND")
    if end_prop is not None:
        end_value = end_prop.dt
    elif event.get("DURATION") is not None:
        end_value = start_value + event["DURATION"].dt
    else:
        end_value = start_value + timedelta(days=1) if all_day else start_value
    start, end = _aware(start_value, zone), _aware(end_value, zone)
    if end <= start:
        return None  # a reminder-like point in time keeps nobody busy
    transparency: Transparency = (
        "transparent" if str(event.get("TRANSP", "")).upper() == "TRANSPARENT" else "opaque"
    )
    status = _STATUS.get(str(event.get("STATUS", "CONFIRMED")).upper(), "confirmed")
    return BusyBlock(start, end, transparency, status, all_day)


def busy_from_ics(data: bytes, *, start: datetime, end: datetime, zone: str) -> list[BusyBlock]:
    """Return the busy times of the events in [start, end), or CalendarError if unreadable."""
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    if not data.strip():
        raise CalendarError("the calendar was empty")
    head = data.lstrip()[:200].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        what = "a web page" if b"<HTML" in head or b"<!DOCTYPE" in head else "something else"
        raise CalendarError(f"the address sent {what}, not a calendar")
    try:
        calendar = icalendar.Calendar.from_ical(data)
        calendar = x_wr_timezone.to_standard(calendar)
        tz = ZoneInfo(zone)
        blocks: list[BusyBlock] = []
        for event in recurring_ical_events.of(calendar).after(start):
            if event.name != "VEVENT":
                continue
            block = _block(event, tz)
            if block is None:
                continue
            if block.start >= end:
                break  # occurrences come in order of start
            blocks.append(block)
            if len(blocks) > MAX_EVENTS:
                raise CalendarError(
                    f"the calendar has more than {MAX_EVENTS} events in two weeks: not read"
                )
    except CalendarError:
        raise
    except Exception as exc:
        # Any parser failure on a hostile or broken feed is the feed's fault: one plain line.
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise CalendarError(f"the calendar data is damaged ({detail})") from None
    return sorted(blocks)
