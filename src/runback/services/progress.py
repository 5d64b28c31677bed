"""Progress: gather sessions, runs and pain for a user and compute consistency numbers (core).

Shared by `runback progress` and the Progress page; everything returned is a plain pydantic model.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import ConfigDict

from runback.core.consistency import (
    Adherence,
    BeforeRun,
    Heatmap,
    WeekLoad,
    week_start,
)
from runback.core.load import LoadSummary
from runback.core.model import Model
from runback.core.patterns import Patterns
from runback.core.rollups import (
    adherence_from,
    before_run_from,
    heatmap_from,
    weekly_load_from,
)
from runback.core.timezones import local_date
from runback.errors import ValidationError
from runback.services.habit import WINDOW_DAYS, HabitStrength, habit_from
from runback.services.rollups import day_totals_between, streak_numbers
from runback.services.store import Store

__all__ = ["MAX_WEEKS", "Stats", "Streaks", "gather_stats"]

MAX_WEEKS = 260  # five years of weekly rows is more than any screen needs


class Streaks(Model):
    """Consecutive days of back-up work."""

    model_config = ConfigDict(frozen=True)

    current: int
    longest: int
    practice_days: int  # all time


class Stats(Model):
    """Everything `runback progress` and the Progress page show (the API schema `Stats`)."""

    model_config = ConfigDict(frozen=True)

    today: date
    zone: str
    weeks: int
    first_day: date  # start of the period the weekly numbers cover
    streaks: Streaks
    habit: HabitStrength
    adherence: Adherence
    before_run: BeforeRun
    weekly_load: list[WeekLoad]
    heatmap: Heatmap
    # Training load and personal patterns (services/load.py, services/patterns.py): the
    # patterns are the one comparison of pain with and without a habit.
    load: LoadSummary
    patterns: Patterns


def _target(store: Store, user_id: int) -> int:
    # Targets belong to accounts (profile settings); imported here only, so stats keeps working
    # even if that module is being changed.
    from runback.services.accounts import get_targets

    return get_targets(store, user_id=user_id).days_per_week


def gather_stats(
    store: Store, *, user_id: int, weeks: int = 12, target: int | None = None
) -> Stats:
    """Return streaks, adherence, before-run share, load, personal patterns and the heatmap."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError("weeks", [f"must be 1 to {MAX_WEEKS}, got {weeks}"])
    if target is not None and not 1 <= target <= 7:
        raise ValidationError("target", [f"must be 1 to 7 days a week, got {target}"])
    # One read scope (reused when the caller opened one): one connection and one user row
    # for all the reads below, instead of a checkout and a user read for each.
    with store.reading() as store:
        return _gather(store, user_id=user_id, weeks=weeks, target=target)


def _gather(store: Store, *, user_id: int, weeks: int, target: int | None) -> Stats:
    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
    today = local_date(now, zone)
    first_day = week_start(today) - timedelta(weeks=weeks - 1)
    cells_from = week_start(today - timedelta(days=364))
    # One read of the day rollups covers the weeks, the heatmap and the habit window; the
    # all-time streaks come from the streak each rollup carries (services/rollups.py).
    since = min(first_day, cells_from, today - timedelta(days=WINDOW_DAYS))
    days = day_totals_between(store, since, today, user_id=user_id)
    streak = streak_numbers(store, today, user_id=user_id)
    return Stats(
        today=today,
        zone=zone,
        weeks=weeks,
        first_day=first_day,
        streaks=Streaks(
            current=streak.current,
            longest=streak.longest_so_far,
            practice_days=streak.practice_days,
        ),
        habit=habit_from(days, today),
        adherence=adherence_from(
            days, today, weeks, target if target is not None else _target(store, user_id)
        ),
        before_run=before_run_from(days, first_day, today),
        weekly_load=weekly_load_from(days, today, weeks),
        heatmap=heatmap_from(days, today),
        **_load_and_patterns(store, user_id, weeks),
    )


def _load_and_patterns(store: Store, user_id: int, weeks: int) -> dict[str, Any]:
    """Return the training-load and personal-pattern sections of the stats."""
    from runback.services.load import gather_load
    from runback.services.patterns import gather_patterns

    return {
        "load": gather_load(store, user_id=user_id, days=min(weeks, 52) * 7),
        "patterns": gather_patterns(store, user_id=user_id),
    }
