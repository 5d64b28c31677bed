"""Habit strength of the back-up routine (practice days) and of movement breaks (share taken).

Both are core/habit.py scores of a daily habit. Days are the user's local days (current zone),
the days Today lists sessions and breaks on. Only the last WINDOW_DAYS are read: a day's weight
halves every 13 days, so what came before cannot move the score by a millionth, and the cost
stays the same after years of use.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, computed_field
from sqlalchemy import select

from runback.core.habit import break_checkmarks, practice_checkmarks, score
from runback.core.streaks import counts_as_practice
from runback.core.timezones import day_bounds_utc, local_date
from runback.services.store import Store
from runback.storage.models import BreakRow, SessionRow

__all__ = ["WINDOW_DAYS", "HabitStrength", "habit_strength"]

# 0.5 ** (400 / 13) < 1e-9: older days have no visible weight left.
WINDOW_DAYS = 400


class HabitStrength(BaseModel):
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


def _practice_days(store: Store, user_id: int, since: date, zone: str) -> set[date]:
    start = day_bounds_utc(since, zone)[0]
    query = select(
        SessionRow.started_at,
        SessionRow.planned_s,
        SessionRow.done_s,
        SessionRow.steps_done,
    ).where(SessionRow.user_id == user_id, SessionRow.started_at >= start)
    with store.factory() as s:
        return {
            local_date(r.started_at, zone)
            for r in s.execute(query)
            if counts_as_practice(planned_s=r.planned_s, done_s=r.done_s, steps_done=r.steps_done)
        }


def _break_counts(
    store: Store, user_id: int, since: date, zone: str
) -> dict[date, tuple[int, int]]:
    start = day_bounds_utc(since, zone)[0]
    query = select(BreakRow.at, BreakRow.outcome).where(
        BreakRow.user_id == user_id, BreakRow.at >= start
    )
    counts: dict[date, tuple[int, int]] = {}
    with store.factory() as s:
        for at, outcome in s.execute(query):
            # As the break summary counts them: every break due ends taken, skipped or missed;
            # snoozes are on the way there and natural breaks (away anyway) were never due.
            if outcome not in ("taken", "skipped", "missed"):
                continue
            day = local_date(at, zone)
            taken, due = counts.get(day, (0, 0))
            counts[day] = (taken + (outcome == "taken"), due + 1)
    return counts


def habit_strength(store: Store, *, user_id: int, today: date | None = None) -> HabitStrength:
    """Return the habit strength of the routine and of the breaks, as of `today` (local)."""
    zone = store.user_zone(user_id=user_id)
    if today is None:
        today = local_date(store.clock.now(), zone)
    since = today - timedelta(days=WINDOW_DAYS)
    days = _practice_days(store, user_id, since, zone)
    marks = break_checkmarks(_break_counts(store, user_id, since, zone), today, WINDOW_DAYS)
    return HabitStrength(
        day=today,
        routine=score(practice_checkmarks(days, today, WINDOW_DAYS)),
        breaks=score(marks) if marks else None,
    )
