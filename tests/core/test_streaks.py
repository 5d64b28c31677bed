"""Practice days and streaks: the user's local day, DST days, properties against brute force."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runback.core.streaks import (
    counts_as_practice,
    current_streak,
    longest_streak,
    practice_days,
)

# Zones with DST, half-hour DST (Lord Howe), DST at midnight (Santiago), and none.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Honolulu",
    "Asia/Tokyo",
    "Pacific/Auckland",
]
dates = st.dates(min_value=date(2016, 1, 1), max_value=date(2035, 12, 31))
times = st.times()
zones = st.sampled_from(ZONES)


def _utc(day: date, at: time, zone: str, fold: int = 0) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).replace(fold=fold).astimezone(UTC)


def _brute_longest(days: set[date]) -> int:
    best = 0
    for d in days:
        n = 0
        while d + timedelta(days=n) in days:
            n += 1
        best = max(best, n)
    return best


def test_counts_as_practice_rule() -> None:
    assert counts_as_practice(planned_s=240, done_s=120, steps_done=[])  # half held
    assert not counts_as_practice(planned_s=240, done_s=119.9, steps_done=["roll-down"])
    assert not counts_as_practice(planned_s=240, done_s=0, steps_done=[])  # all skipped
    assert counts_as_practice(planned_s=240, done_s=240, steps_done=["a", "b", "c"])


def test_old_sessions_without_hold_time_count_by_steps_done() -> None:
    assert counts_as_practice(planned_s=None, done_s=300, steps_done=["roll-down"])
    assert not counts_as_practice(planned_s=None, done_s=300, steps_done=[])
    assert not counts_as_practice(planned_s=None, done_s=None, steps_done=None)
    assert counts_as_practice(planned_s=0, done_s=0, steps_done=["roll-down"])


def test_a_session_lands_on_the_users_local_day() -> None:
    at = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 23:30 EDT on the 9th in New York
    assert practice_days([at], "America/New_York") == {date(2026, 3, 9)}
    assert practice_days([at], "Europe/Berlin") == {date(2026, 3, 10)}


def test_naive_instant_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        practice_days([datetime(2026, 1, 1, 12)], "UTC")


def test_streak_across_spring_forward_and_fall_back() -> None:
    # Every day at 00:30 Berlin time (22:30/23:30 UTC the day before) across both changes.
    days = [date(2026, 3, 20) + timedelta(days=i) for i in range(230)]
    got = practice_days([_utc(d, time(0, 30), "Europe/Berlin") for d in days], "Europe/Berlin")
    assert got == set(days)
    assert current_streak(got, days[-1]) == 230 == longest_streak(got)


def test_after_travel_days_are_counted_in_the_zone_the_user_is_in_now() -> None:
    # Tokyo on Monday at 07:00 is Sunday noon in Honolulu: the user's day there (as Today
    # shows it) is what counts, so the streak has a gap on Monday.
    mon = _utc(date(2026, 6, 1), time(7), "Asia/Tokyo")
    tue = _utc(date(2026, 6, 2), time(7), "Pacific/Honolulu")
    days = practice_days([mon, tue], "Pacific/Honolulu")
    assert days == {date(2026, 5, 31), date(2026, 6, 2)}
    assert current_streak(days, date(2026, 6, 2)) == 1


def test_current_streak_today_pending_and_broken() -> None:
    days = {date(2026, 1, 3), date(2026, 1, 4)}
    assert current_streak(days, date(2026, 1, 5)) == 2  # today not done yet: still alive
    assert current_streak(days | {date(2026, 1, 5)}, date(2026, 1, 5)) == 3
    assert current_streak(days, date(2026, 1, 6)) == 0
    assert current_streak(set(), date(2026, 1, 6)) == 0
    assert longest_streak(set()) == 0


@given(dates, times, zones, st.integers(0, 1))
def test_local_day_is_the_day_it_was_recorded(day: date, at: time, zone: str, fold: int) -> None:
    instant = _utc(day, at, zone, fold)
    assert practice_days([instant], zone) == {day}


@given(dates, zones, st.lists(times, min_size=1, max_size=40))
def test_daily_practice_at_any_hour_is_one_streak(
    start: date, zone: str, trips: list[time]
) -> None:
    items = [_utc(start + timedelta(days=i), at, zone) for i, at in enumerate(trips)]
    days = practice_days(items, zone)
    last = start + timedelta(days=len(trips) - 1)
    assert current_streak(days, last) == len(trips) == longest_streak(days)
    assert current_streak(days, last + timedelta(days=1)) == len(trips)
    assert current_streak(days, last + timedelta(days=2)) == 0


@given(st.sets(dates, max_size=60), dates)
def test_streaks_match_brute_force(days: set[date], today: date) -> None:
    longest = longest_streak(days)
    assert longest == _brute_longest(days)
    current = current_streak(days, today)
    assert 0 <= current <= longest
    end = today if today in days else today - timedelta(days=1)
    assert all(end - timedelta(days=i) in days for i in range(current))
    assert end - timedelta(days=current) not in days
