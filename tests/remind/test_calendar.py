"""The exported .ics, parsed back and expanded, rings exactly when the schedule says."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from runback.core.busy import BusyBlock
from runback.core.schedule import BreakEvent, ReminderPrefs, Schedule
from runback.remind.calendar import build_calendar

ZONE = "Europe/Berlin"
TZ = ZoneInfo(ZONE)
# Eight weeks around the 2026-03-29 change from CET to CEST.
START = datetime(2026, 3, 2, tzinfo=TZ)
END = datetime(2026, 4, 27, tzinfo=TZ)


def alarm_times(data: bytes, summary: str) -> list[datetime]:
    cal = icalendar.Calendar.from_ical(data)
    times = []
    for event in recurring_ical_events.of(cal).between(START, END):
        if str(event["SUMMARY"]) != summary:
            continue
        start = event["DTSTART"].dt
        for alarm in event.walk("VALARM"):
            times.append((start + alarm["TRIGGER"].dt).astimezone(UTC))
    return sorted(times)


def schedule_times(prefs: ReminderPrefs) -> list[datetime]:
    sched = Schedule(prefs, ZONE)
    now, history, dues = START.astimezone(UTC), list[BreakEvent](), list[datetime]()
    while True:
        due = sched.next_due(now, history)
        assert due is not None
        if due >= END:
            return dues
        dues.append(due)
        history.append(BreakEvent(due, due, "taken"))
        now = due


def test_break_alarms_equal_schedule_over_dst() -> None:
    prefs = ReminderPrefs(
        interval_min=45,
        active_hours={
            "mon": {"start": "09:00", "end": "17:30"},
            "tue": {"start": "09:00", "end": "17:30"},
            "wed": {"start": "08:15", "end": "12:00"},
            "fri": {"start": "10:00", "end": "16:00"},
        },
    )
    data = build_calendar(prefs, ZONE)
    expected = schedule_times(prefs)
    got = alarm_times(data, "Movement break")
    assert len(expected) > 8 * 20
    assert got == expected
    # The DST change really is inside: the same local time has two UTC offsets.
    offsets = {t.astimezone(TZ).utcoffset() for t in got}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Europe/Berlin" in data
    assert b"RRULE:FREQ=WEEKLY" in data and b"BEGIN:VALARM" in data


def test_prerun_alarms_equal_schedule() -> None:
    prefs = ReminderPrefs(run_days={"tue": time(18, 30), "thu": time(18, 30), "sun": time(0, 30)})
    sched = Schedule(prefs, ZONE)
    expected, after = [], START.astimezone(UTC)
    while (nxt := sched.next_prerun(after)) is not None and nxt < END:
        expected.append(nxt)
        after = nxt
    got = alarm_times(build_calendar(prefs, ZONE), "Back-up work before your run")
    assert got == expected
    # Sunday 00:30 with a 60-minute lead rings on Saturday 23:30.
    assert any(t.astimezone(TZ).weekday() == 5 for t in got)
    assert date(2026, 3, 3) in {t.astimezone(TZ).date() for t in got}


def test_calendar_is_stable_bytes() -> None:
    prefs = ReminderPrefs()
    assert build_calendar(prefs, ZONE) == build_calendar(prefs, ZONE)


def test_after_run_check_in_alarms_open_with_the_check_in_windows() -> None:
    from runback.core.checkins import windows_for_day

    prefs = ReminderPrefs(run_days={"tue": time(18, 30), "sun": time(23, 30)})
    expected = []
    day = START.date() - timedelta(days=1)  # a late Sunday run is asked about on Monday
    while day < END.date():
        days = {str(k): v for k, v in prefs.run_days.items()}
        for w in windows_for_day(day, ZONE, days, []):
            if w.kind == "after-run" and START <= w.opens_at < END:
                expected.append(w.opens_at)
        day += timedelta(days=1)
    got = alarm_times(build_calendar(prefs, ZONE), "After-run check-in")
    assert got == expected and len(got) == 16
    # Sunday 23:30 + 1 h: asked on Monday 00:30, across the DST change too.
    assert {t.astimezone(TZ).weekday() for t in got} == {0, 1}


def _busy_days() -> list[BusyBlock]:
    """A 10:00-11:30 meeting each weekday of the two weeks around the DST change, and more."""
    blocks = []
    for offset in range(14):
        day = date(2026, 3, 23) + timedelta(days=offset)
        if day.weekday() < 5:
            at = datetime.combine(day, time(10), tzinfo=TZ).astimezone(UTC)
            blocks.append(BusyBlock(at, at + timedelta(minutes=90)))
    # A short one, a "free" one, and an all-day one (only the first blocks).
    wed = datetime(2026, 3, 25, 14, tzinfo=TZ).astimezone(UTC)
    blocks.append(BusyBlock(wed, wed + timedelta(minutes=20)))
    blocks.append(BusyBlock(wed + timedelta(hours=1), wed + timedelta(hours=2), "transparent"))
    blocks.append(BusyBlock(wed - timedelta(hours=14), wed + timedelta(hours=10), all_day=True))
    return blocks


def test_feed_rings_at_planned_times_around_meetings() -> None:
    prefs = ReminderPrefs()
    busy = _busy_days()
    data = build_calendar(
        prefs, ZONE, busy=busy, today=date(2026, 3, 23), base_url="http://127.0.0.1:8765/"
    )
    # Over the eight weeks: the weekly breaks, but the two busy weeks as planned around them.
    got = alarm_times(data, "Movement break")
    sched = Schedule(prefs, ZONE, busy)
    expected = schedule_times_with(sched)
    assert got == expected
    for t in got:
        assert not any(b.start <= t < b.end for b in busy if b.blocks)
    # In the busy weeks the 10:00 break rings at 09:55 and the next at 11:30, after it.
    local_times = {f"{t.astimezone(TZ):%m-%d %H:%M}" for t in got}
    assert {"03-23 09:55", "03-23 11:30", "03-30 09:55", "03-30 11:30"} <= local_times
    assert "03-23 10:00" not in local_times and "04-06 10:00" in local_times
    cal = icalendar.Calendar.from_ical(data)
    dated = [e for e in cal.walk("VEVENT") if "RRULE" not in e]
    assert dated and all(str(e["UID"]).startswith("break-2026") for e in dated)
    after = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == "break-20260323-1130@runback")
    assert str(after["URL"]) == "http://127.0.0.1:8765/player/desk-break?context=desk-break"
    assert str(after["DESCRIPTION"]).startswith("After your 10:00–11:30 meeting. 10 minutes:")
    assert "/player/desk-break" in str(after["DESCRIPTION"])
    weekly = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("break-1000-"))
    assert "EXDATE" in weekly and str(weekly["URL"]).endswith(
        "/player/desk-break?context=desk-break"
    )


def test_feed_without_busy_times_is_the_weekly_one() -> None:
    prefs = ReminderPrefs()
    assert build_calendar(prefs, ZONE, busy=[], today=date(2026, 3, 23)) == build_calendar(
        prefs, ZONE
    )


def schedule_times_with(sched: Schedule) -> list[datetime]:
    now, history, dues = START.astimezone(UTC), list[BreakEvent](), list[datetime]()
    while True:
        due = sched.next_due(now, history)
        assert due is not None
        if due >= END:
            return dues
        dues.append(due)
        history.append(BreakEvent(due, due, "taken"))
        now = due
