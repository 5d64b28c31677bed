"""Streaks: whether a day has back-up work, the current and the longest run of such days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from runback.services.rollups import streak_numbers
from runback.services.store import Store

__all__ = ["Streaks", "streaks"]


@dataclass(frozen=True)
class Streaks:
    """Whether today counts as back-up work, the current and the longest streak."""

    practiced_today: bool
    current: int
    longest: int


def streaks(store: Store, today: date, *, user_id: int) -> Streaks:
    """Return whether `today` has back-up work, and the current and longest streak."""
    # The day rollups carry each day's streak (core.streaks' rules, storage/rollups.py), so
    # this is a few indexed reads however many years of sessions there are.
    found = streak_numbers(store, today, user_id=user_id)
    return Streaks(found.practiced_today, found.current, found.longest)
