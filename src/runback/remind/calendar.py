"""An iCalendar (RFC 5545) feed of the break schedule, so a phone beeps without runback running.

One weekly-recurring VEVENT per break time of day (grouped by the weekdays that share it) with
a VALARM at its start, one per pre-run reminder (which offers the pre-run check-in) and one per
after-run check-in of a planned run (core/checkins.py: its window, alarm at the opening), all in
the user's zone with a VTIMEZONE.
Times are wall-clock, like the schedule: a 09:30 break stays at 09:30 across a DST change.

Around busy times: for each of the coming `days` (default 14) with a busy time in its active
hours, the breaks are dated events at their planned times (moved out of the meetings), and
that day's weekly instances are left out with EXDATE, so the phone beeps after the meeting,
not in it. Every break links to the guided Desk break (URL and description) when the feed
knows the server's address.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from runback.core.busy import BusyBlock
from runback.core.checkins import AFTER_RUN_CLOSES, AFTER_RUN_OPENS
from runback.core.schedule import WEEKDAYS, PlannedBreak, ReminderPrefs, Schedule, Weekday
from runback.core.timezones import to_zone

if TYPE_CHECKING:
    Component = Any

__all__ = ["BREAK_PATH", "FEED_DAYS", "build_calendar", "planned_days", "wall_slots"]

# The guided break each break event links to (played as a desk break, so it counts).
BREAK_PATH = "/player/desk-break?context=desk-break"
# How many coming days carry breaks at their planned times around busy times.
FEED_DAYS = 14

_ICAL_DAY = {
    "mon": "MO",
    "tue": "TU",
    "wed": "WE",
    "thu": "TH",
    "fri": "FR",
    "sat": "SA",
    "sun": "SU",
}
# Recurrences start on this Monday (a fixed date keeps the feed byte-stable between fetches).
_EPOCH = date(2024, 1, 1)


def wall_slots(prefs: ReminderPrefs) -> dict[time, list[Weekday]]:
    """Return each break time of day (on-time breaks) and the weekdays it falls on."""
    slots: dict[time, list[Weekday]] = defaultdict(list)
    step = timedelta(minutes=prefs.interval_min)
    for day in WEEKDAYS:
        w = prefs.active_hours.get(day)
        if w is None:
            continue
        at = datetime.combine(_EPOCH, w.start) + step
        end = datetime.combine(_EPOCH, w.end)
        while at < end:
            slots[at.time()].append(day)
            at += step
    return dict(sorted(slots.items()))


def _first_on(days: list[Weekday]) -> date:
    wanted = {WEEKDAYS.index(d) for d in days}
    day = _EPOCH
    while day.weekday() not in wanted:
        day += timedelta(days=1)
    return day


def planned_days(
    prefs: ReminderPrefs, zone: str, busy: Sequence[BusyBlock], today: date, days: int = FEED_DAYS
) -> dict[date, list[PlannedBreak]]:
    """Return the coming days with a busy time in their active hours, and their planned breaks."""
    # The feed never showed quiet periods (it is a standing schedule): plan without them.
    sched = Schedule(
        prefs.model_copy(update={"paused_since": None, "paused_until": None}), zone, busy
    )
    out: dict[date, list[PlannedBreak]] = {}
    for offset in range(days):
        day = today + timedelta(days=offset)
        w = sched.window(day)
        if w is not None and any(b.start < w[1] and b.end > w[0] for b in sched.busy):
            out[day] = sched.plan(day)
    return out


def _event(
    summary: str,
    description: str,
    uid: str,
    at: time | datetime,
    days: list[Weekday] | None,
    minutes: int,
    zone: str,
    url: str | None = None,
    exdates: Sequence[date] = (),
) -> Component:
    from icalendar import Alarm, Event

    tz = to_zone(zone)
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("description", f"{description} {url}" if url else description)
    if url:
        event.add("url", url)
    event.add("dtstamp", datetime.combine(_EPOCH, time(0), tzinfo=to_zone("UTC")))
    if isinstance(at, datetime):
        event.add("dtstart", at.astimezone(tz))  # one dated break, at its planned time
        event.add("duration", timedelta(minutes=minutes))
    else:
        assert days is not None
        event.add("dtstart", datetime.combine(_first_on(days), at, tzinfo=tz))
        event.add("duration", timedelta(minutes=minutes))
        event.add("rrule", {"freq": "weekly", "byday": [_ICAL_DAY[d] for d in days]})
        wanted = {WEEKDAYS.index(d) for d in days}
        # Days planned as dated events (around busy times) leave out their weekly instance.
        skipped = [datetime.combine(d, at, tzinfo=tz) for d in exdates if d.weekday() in wanted]
        if skipped:
            event.add("exdate", skipped)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event


def _shifted(prefs: ReminderPrefs, by: timedelta) -> dict[tuple[time, int], list[Weekday]]:
    """Return each run time moved by `by`, with the weekdays it then falls on (by time)."""
    by_time: dict[tuple[time, int], list[Weekday]] = defaultdict(list)
    for day, run_at in prefs.run_days.items():
        start = datetime.combine(_EPOCH, run_at) + by
        shift = (start.date() - _EPOCH).days  # a long shift can move it to another day
        by_time[(start.time(), shift)].append(WEEKDAYS[(WEEKDAYS.index(day) + shift) % 7])
    for days in by_time.values():
        days.sort(key=WEEKDAYS.index)
    return dict(sorted(by_time.items()))


def build_calendar(
    prefs: ReminderPrefs,
    zone: str,
    *,
    busy: Sequence[BusyBlock] = (),
    today: date | None = None,
    base_url: str | None = None,
) -> bytes:
    """Return the .ics bytes for the user's breaks (around busy times) and pre-run reminders."""
    from icalendar import Calendar

    url = f"{base_url.rstrip('/')}{BREAK_PATH}" if base_url else None
    dated = planned_days(prefs, zone, busy, today) if busy and today is not None else {}
    what = f"{prefs.break_min} minutes: stand up, walk, stretch your back."

    cal = Calendar()
    cal.add("prodid", "-//runback//movement breaks//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "runback: movement breaks")
    cal.add("x-wr-timezone", zone)
    for at, days in wall_slots(prefs).items():
        uid = f"break-{at:%H%M}-{'-'.join(days)}@runback"
        cal.add_component(
            _event(
                "Movement break",
                what,
                uid,
                at,
                days,
                prefs.break_min,
                zone,
                url,
                sorted(dated),
            )
        )
    for on, planned in sorted(dated.items()):
        for b in planned:
            why = f"{b.reason[0].upper()}{b.reason[1:]}. " if b.reason else ""
            minutes = prefs.break_min + 5 if b.long_sit else prefs.break_min
            walk = (
                f"{minutes} minutes: a longer walk, then the seated upper-back stretch."
                if b.long_sit
                else what
            )
            uid = f"break-{on:%Y%m%d}-{b.at.astimezone(to_zone(zone)):%H%M}@runback"
            cal.add_component(
                _event("Movement break", why + walk, uid, b.at, None, minutes, zone, url)
            )
    lead = timedelta(minutes=prefs.prerun_lead_min)
    for (at, _shift), days in _shifted(prefs, -lead).items():
        cal.add_component(
            _event(
                "Back-up work before your run",
                "Your run is coming up: do your back routine before you go, and check in first: "
                "how is your back right now, 0 to 10, and any warning signs?",
                f"prerun-{at:%H%M}-{'-'.join(days)}@runback",
                at,
                days,
                10,
                zone,
            )
        )
    window = int((AFTER_RUN_CLOSES - AFTER_RUN_OPENS).total_seconds() // 60)
    for (at, _shift), days in _shifted(prefs, AFTER_RUN_OPENS).items():
        cal.add_component(
            _event(
                "After-run check-in",
                "How is your back now, 0 to 10? Answer even if it does not hurt: "
                "a 0 is useful too.",
                f"checkin-{at:%H%M}-{'-'.join(days)}@runback",
                at,
                days,
                window,
                zone,
            )
        )
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data
