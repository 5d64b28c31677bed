"""Breaks planned around busy times: moved before or after, held in focus mode, and properties."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from runback.core.busy import BusyBlock, merged
from runback.core.schedule import (
    LONG_SIT_STRETCH,
    MIN_GAP,
    BreakEvent,
    PlannedBreak,
    ReminderPrefs,
    Schedule,
)

ZONE = "Europe/Berlin"
TZ = ZoneInfo(ZONE)
MONDAY = date(2026, 1, 5)


def local(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 1, 5, hh, mm, tzinfo=TZ).astimezone(UTC)


def hm(ts: list[datetime]) -> list[str]:
    return [f"{t.astimezone(TZ):%H:%M}" for t in ts]


MEETINGS = [BusyBlock(local(10), local(11, 30)), BusyBlock(local(14), local(14, 20))]


def test_breaks_move_around_meetings_with_reasons() -> None:
    sched = Schedule(ReminderPrefs(), ZONE, MEETINGS)
    plan = sched.plan(MONDAY)
    # 10:00 falls at the meeting's start: before it there were 30 min of sitting, so it moves
    # to 09:55; 10:25 is inside the long meeting and goes to its end (11:30), a long sit.
    assert hm([p.at for p in plan])[:9] == [
        "09:30",
        "09:55",
        "11:30",
        "12:00",
        "12:30",
        "13:00",
        "13:30",
        "13:55",
        "14:25",
    ]
    by = {f"{p.at.astimezone(TZ):%H:%M}": p for p in plan}
    assert by["09:30"] == PlannedBreak(local(9, 30))
    assert by["09:55"].reason == "moved before your 10:00 meeting"
    assert by["11:30"].reason == "after your 10:00–11:30 meeting" and by["11:30"].long_sit
    # 14:00 is the short meeting's start: 25 min after 13:30, so it moves before, too.
    assert by["13:55"].reason == "moved before your 14:00 meeting" and not by["13:55"].long_sit
    assert by["14:25"].reason is None
    assert LONG_SIT_STRETCH == "seated-upper-back-stretch"


def test_focus_holds_breaks_to_the_end() -> None:
    sched = Schedule(ReminderPrefs(focus=True), ZONE, MEETINGS)
    times = hm(sched.due_times(MONDAY, []))
    assert times[:4] == ["09:30", "11:30", "12:00", "12:30"]
    assert "09:55" not in times and "14:20" in times


def test_too_soon_after_a_restart_goes_after() -> None:
    # Taken at 09:52: 10:22 falls in a 10:05–10:40 meeting; 10:00 is only 8 min after 09:52.
    sched = Schedule(ReminderPrefs(), ZONE, [BusyBlock(local(10, 5), local(10, 40))])
    history = [BreakEvent(local(9, 30), local(9, 52), "taken")]
    times = hm(sched.due_times(MONDAY, history))
    assert times[:3] == ["09:30", "10:40", "11:10"]


def test_free_tentative_and_all_day_do_not_block() -> None:
    others = [
        BusyBlock(local(9, 20), local(9, 40), transparency="transparent"),
        BusyBlock(local(9, 50), local(10, 10), status="tentative"),
        BusyBlock(local(0), local(23, 59), all_day=True),
        BusyBlock(local(10, 20), local(10, 40), status="cancelled"),
    ]
    plain = Schedule(ReminderPrefs(), ZONE)
    assert Schedule(ReminderPrefs(), ZONE, others).due_times(MONDAY, []) == plain.due_times(
        MONDAY, []
    )


def test_due_count_matches_the_moved_plan() -> None:
    sched = Schedule(ReminderPrefs(), ZONE, MEETINGS)
    assert sched.due_count(MONDAY, local(11, 0), []) == 2
    assert sched.due_count(MONDAY, local(11, 30), []) == 3
    assert sched.planned_count(MONDAY) == len(sched.due_times(MONDAY, []))
    # The next break seen from inside the meeting is its end.
    history = [
        BreakEvent(local(9, 30), local(9, 30), "taken"),
        BreakEvent(local(9, 55), local(9, 55), "taken"),
    ]
    assert sched.next_due(local(10, 30), history) == local(11, 30)


# -- properties over random busy calendars --------------------------------------------------
DAY0 = local(9)  # the workday is 09:00-17:30
WORK_MIN = 8 * 60 + 30


@st.composite
def calendars(draw: st.DrawFn) -> list[BusyBlock]:
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=-30, max_value=WORK_MIN),
                st.integers(min_value=1, max_value=150),
                st.sampled_from(["opaque", "opaque", "opaque", "transparent"]),
                st.sampled_from(["confirmed", "confirmed", "confirmed", "tentative"]),
            ),
            max_size=8,
        )
    )
    return [
        BusyBlock(
            DAY0 + timedelta(minutes=a),
            DAY0 + timedelta(minutes=a + n),
            transparency=t,  # type: ignore[arg-type]
            status=s,  # type: ignore[arg-type]
        )
        for a, n, t, s in raw
    ]


@settings(max_examples=300, deadline=None)
@given(
    blocks=calendars(),
    interval=st.integers(min_value=20, max_value=60),
    focus=st.booleans(),
    taken=st.lists(st.integers(min_value=0, max_value=WORK_MIN), max_size=4),
)
def test_no_break_inside_a_busy_time(
    blocks: list[BusyBlock], interval: int, focus: bool, taken: list[int]
) -> None:
    sched = Schedule(ReminderPrefs(interval_min=interval, focus=focus), ZONE, blocks)
    history = [
        BreakEvent(DAY0 + timedelta(minutes=m), DAY0 + timedelta(minutes=m), "taken")
        for m in sorted(taken)
    ]
    for t in sched.due_times(MONDAY, history):
        assert not any(b.start <= t < b.end for b in blocks if b.blocks), hm([t])


@settings(max_examples=300, deadline=None)
@given(blocks=calendars(), interval=st.integers(min_value=20, max_value=60), focus=st.booleans())
def test_breaks_spaced_and_sitting_bounded(
    blocks: list[BusyBlock], interval: int, focus: bool
) -> None:
    sched = Schedule(ReminderPrefs(interval_min=interval, focus=focus), ZONE, blocks)
    times = sched.due_times(MONDAY, [])
    for a, b in itertools.pairwise(times):
        assert b - a >= MIN_GAP, hm([a, b])
    # Each break taken on time: the longest sit between restarts (and the day's ends).
    # A busy time is what the calendar blocks, overlapping events joined.
    longest = max((b.length for b in merged(blocks)), default=timedelta(0))
    bound = timedelta(minutes=interval) + longest
    marks = [DAY0, *times, local(17, 30)]
    for a, b in itertools.pairwise(marks):
        assert b - a <= bound, hm([a, b])


def test_no_snooze_into_a_meeting() -> None:
    sched = Schedule(ReminderPrefs(), ZONE, MEETINGS)
    assert not sched.can_snooze([], local(9, 55))  # 10:00 is in the meeting
    assert sched.can_snooze([], local(9, 30))
