"""Habit strength of the back-up routine (practice days) and of movement breaks (share taken).

Both are core/habit.py scores of a daily habit. Days are the user's local days (current zone),
the days Today lists sessions and breaks on. Only the last WINDOW_DAYS are read: a day's weight
halves every 13 days, so what came before cannot move the score by a millionth, and the cost
stays the same after years of use: the window is read from the day rollups (services/rollups.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from pydantic import ConfigDict, computed_field
from sqlalchemy import select

from runback.core.habit import break_checkmarks, practice_checkmarks, score
from runback.core.model import Model
from runback.core.rollups import DayTotals
from runback.core.timezones import local_date
from runback.services.store import Store
from runback.storage.models import DayRollupRow

__all__ = ["WINDOW_DAYS", "HabitStrength", "habit_from", "habit_strength"]

# 0.5 ** (400 / 13) < 1e-9: older days have no visible weight left.
WINDOW_DAYS = 400


class HabitStrength(Model):
    """How settled the habits are, 0 (not yet) to 1 (every day for weeks)."""

    model_config = ConfigDict(frozen=True)

    day: date
    routine: float
    # None when no break was ever due in the window (reminders off or never used).
    breaks: float | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def routine_percent(self) -> int:
        """Return the routine's strength as a whole percentage."""
        return round(self.routine * 100)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def breaks_percent(self) -> int | None:
        """Return the breaks' strength as a whole percentage, if any were due."""
        return None if self.breaks is None else round(self.breaks * 100)


def habit_from(days: Mapping[date, DayTotals], today: date) -> HabitStrength:
    """Return the habit strength as of `today` from the day rollups of the window before it."""
    since = today - timedelta(days=WINDOW_DAYS)
    practice: set[date] = set()
    counts: dict[date, tuple[int, int]] = {}
    for d, r in days.items():  # one pass: this runs over a window of rollups on every view
        if since <= d <= today:
            if r.practice > 0:
                practice.add(d)
            if r.breaks_due > 0:
                counts[d] = (r.breaks_taken, r.breaks_due)
    return _score(practice, counts, today)


def _score(practice: set[date], counts: dict[date, tuple[int, int]], today: date) -> HabitStrength:
    # As the break summary counts them: every break due ends taken, skipped or missed
    # (core/rollups.py breaks_due); snoozes are on the way there and natural breaks (away
    # anyway) were never due.
    marks = break_checkmarks(counts, today, WINDOW_DAYS)
    return HabitStrength(
        day=today,
        routine=score(practice_checkmarks(practice, today, WINDOW_DAYS)),
        breaks=score(marks) if marks else None,
    )


def habit_strength(store: Store, *, user_id: int, today: date | None = None) -> HabitStrength:
    """Return the habit strength of the routine and of the breaks, as of `today` (local)."""
    if today is None:
        today = local_date(store.clock.now(), store.user_zone(user_id=user_id))
    since = today - timedelta(days=WINDOW_DAYS)
    # Five small columns of the window's rollups, not whole rows: Today reads this every time.
    t = DayRollupRow
    due = t.breaks_taken + t.breaks_skipped + t.breaks_missed
    query = select(t.day, t.practice, t.breaks_taken, due).where(
        t.user_id == user_id, t.day >= since, t.day <= today, (t.practice > 0) | (due > 0)
    )
    with store.factory() as session:
        rows = session.execute(query).all()
    return _score(
        {day for day, practice, _, _ in rows if practice > 0},
        {day: (taken, n) for day, _, taken, n in rows if n > 0},
        today,
    )
