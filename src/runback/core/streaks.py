"""Practice days and streaks, counted in the user's local day (core.timezones.event_day).

What counts as back-up work: a session in which at least half of its planned hold time was held
(skipped steps count as not held), so one skipped through does not count however it ended.
Sessions stored before hold time was recorded (planned_s is None) count when a step was held to
the end.
A day is the calendar day in the user's current zone, the same day Today lists the session on
(event_day says why); DST days of 23 or 25 hours are still one day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sized
from datetime import date, datetime, timedelta

from runback.core.timezones import event_day

__all__ = ["counts_as_practice", "current_streak", "longest_streak", "practice_days"]


def counts_as_practice(
    *, planned_s: float | None, done_s: float | None, steps_done: Sized | None
) -> bool:
    """Return True when a session counts as back-up work: half its planned hold time held."""
    if planned_s is None or planned_s <= 0:
        # Old rows know no hold time; a routine without holds has none to measure.
        return steps_done is not None and len(steps_done) > 0
    # services/streaks.py repeats this in SQL; doubling (not halving) keeps both exact on floats.
    return (done_s or 0.0) * 2 >= planned_s


def practice_days(starts: Iterable[datetime], user_zone: str) -> set[date]:
    """Return the user's local days of the (aware) starts of practice sessions."""
    days: set[date] = set()
    for at in starts:
        if at.tzinfo is None:
            raise ValueError(f"practice instant {at.isoformat()} has no time zone")
        days.add(event_day(at, user_zone))
    return days


def current_streak(days: Iterable[date], today: date) -> int:
    """Return consecutive practice days ending today, or yesterday if today is not done yet."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count


def longest_streak(days: Iterable[date]) -> int:
    """Return the longest run of consecutive practice days."""
    have = set(days)
    best = 0
    for day in have:
        if day - timedelta(days=1) in have:
            continue  # not the start of a run
        length = 1
        while day + timedelta(days=length) in have:
            length += 1
        best = max(best, length)
    return best
