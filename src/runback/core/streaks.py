"""Practice days and streaks, counted in the local day each session was recorded in.

What counts as back-up work: a session that was completed, or that has at least one step held to
the end (a session quit after one good stretch still counts; one skipped through does not).
A day is the local calendar day in the zone stored with the session, so a session done at 23:30
in New York stays on that day after the user flies to Berlin (travel-safe), and DST days of 23
or 25 hours are still one day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from runback.core.timezones import local_date

__all__ = ["counts_as_practice", "current_streak", "longest_streak", "practice_days"]


def counts_as_practice(completed: bool, steps_done: Iterable[str]) -> bool:
    """Return True when a session counts as back-up work: completed, or at least one step done."""
    return completed or any(True for _ in steps_done)


def practice_days(items: Iterable[tuple[datetime, str]]) -> set[date]:
    """Return the local days of (aware instant, IANA zone) pairs, each in its own zone."""
    days: set[date] = set()
    for at, zone in items:
        if at.tzinfo is None:
            raise ValueError(f"practice instant {at.isoformat()} has no time zone")
        days.add(local_date(at, zone))
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
