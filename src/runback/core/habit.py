"""Habit strength: a forgiving 0–1 score of how settled a daily habit is.

The idea is Loop Habit Tracker's: an exponential moving average of the days' checkmarks,
    score = previous * m + checkmark * (1 - m),   m = 0.5 ** (sqrt(frequency) / 13)
so with a daily habit (frequency 1) a day's weight halves every 13 days. One missed day lowers
the score by about 5 % of itself; it never drops to 0 and never resets, unlike a streak.
A checkmark is 1 for a day done, 0 for a day missed, a share in between (3 of 4 breaks taken),
or None for a day with nothing due, which leaves the score where it was.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta

__all__ = [
    "HALF_LIFE_DAYS",
    "break_checkmarks",
    "multiplier",
    "next_score",
    "practice_checkmarks",
    "score",
]

# Days over which a day's checkmark loses half its weight, for a daily habit.
HALF_LIFE_DAYS = 13.0


def multiplier(frequency: float = 1.0) -> float:
    """Return how much of yesterday's score carries over, for checks `frequency` times a day."""
    if not frequency > 0:
        raise ValueError(f"frequency must be above 0, got {frequency}")
    return float(0.5 ** (math.sqrt(frequency) / HALF_LIFE_DAYS))


def next_score(previous: float, checkmark: float | None, frequency: float = 1.0) -> float:
    """Return the score after one more day with this checkmark (None: nothing was due)."""
    if checkmark is None:
        return previous
    if not 0.0 <= checkmark <= 1.0:
        raise ValueError(f"a checkmark is 0 to 1, got {checkmark}")
    m = multiplier(frequency)
    # Clamped: float rounding must not take a full score past 1.
    return min(1.0, max(0.0, previous * m + checkmark * (1.0 - m)))


def score(checkmarks: Iterable[float | None], frequency: float = 1.0, start: float = 0.0) -> float:
    """Return the score after these days' checkmarks, oldest first, from `start`."""
    # next_score day by day, with the multiplier worked out once (hundreds of days a call).
    value = start
    m: float | None = None
    for checkmark in checkmarks:
        if checkmark is None:
            continue
        if not 0.0 <= checkmark <= 1.0:
            raise ValueError(f"a checkmark is 0 to 1, got {checkmark}")
        if m is None:
            m = multiplier(frequency)
        value = min(1.0, max(0.0, value * m + checkmark * (1.0 - m)))
    return value


def practice_checkmarks(days: Collection[date], today: date, window: int) -> list[float]:
    """Return 1/0 per day from the first practice day (at most `window` days back) on.

    Today counts only once it is done (as the streak does), so a morning without a session yet
    is not a miss.
    """
    since = today - timedelta(days=window)
    have = {d.toordinal() for d in days if since <= d <= today}
    if not have:
        return []
    last = today.toordinal() if today.toordinal() in have else today.toordinal() - 1
    # Day numbers, not dates: a window is hundreds of days and this runs on every page.
    return [1.0 if n in have else 0.0 for n in range(min(have), last + 1)]


def break_checkmarks(
    counts: Mapping[date, tuple[int, int]], today: date, window: int
) -> list[float | None]:
    """Return taken/due per day from the first day with a break due (at most `window` back).

    `counts` maps a day to (taken, due); a day with nothing due is None (no change).
    """
    since = today - timedelta(days=window)
    due_days = [d for d, (_, due) in counts.items() if due > 0 and since <= d <= today]
    if not due_days:
        return []
    by_number = {d.toordinal(): c for d, c in counts.items()}
    out: list[float | None] = []
    for n in range(min(due_days).toordinal(), today.toordinal() + 1):
        taken, due = by_number.get(n, (0, 0))
        out.append(min(1.0, taken / due) if due > 0 else None)
    return out
