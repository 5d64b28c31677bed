"""Progress: gather sessions, runs and pain for a user and compute consistency numbers (core).

Shared by `runback progress` and the Progress page; everything returned is a plain pydantic model.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from runback.core.consistency import (
    Adherence,
    BeforeRun,
    Heatmap,
    PainPoint,
    RunPoint,
    SessionPoint,
    WeekLoad,
    before_run,
    heatmap,
    week_start,
    weekly_adherence,
    weekly_load,
)
from runback.core.load import LoadSummary
from runback.core.patterns import Patterns
from runback.core.runs import plausible, plausible_start
from runback.core.streaks import counts_as_practice, current_streak, longest_streak, practice_days
from runback.core.timezones import local_date
from runback.errors import ValidationError
from runback.services.habit import HabitStrength, habit_strength
from runback.services.store import Store
from runback.storage.models import PainEntryRow, RunRow, SessionRow

__all__ = ["MAX_WEEKS", "Stats", "Streaks", "gather_stats"]

MAX_WEEKS = 260  # five years of weekly rows is more than any screen needs


class Streaks(BaseModel):
    """Consecutive days of back-up work."""

    model_config = ConfigDict(frozen=True)

    current: int
    longest: int
    practice_days: int  # all time


class Stats(BaseModel):
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


def _minutes(row: Any) -> float:
    if row.active_s and row.active_s > 0:
        return float(row.active_s) / 60
    if row.ended_at is not None:
        return max(0.0, float((row.ended_at - row.started_at).total_seconds()) / 60)
    return 0.0


def _sessions(session: Session, user_id: int, zone: str) -> tuple[list[SessionPoint], list[date]]:
    """Return the sessions that count as back-up work, and all their practice days."""
    rows = session.execute(
        select(
            SessionRow.started_at,
            SessionRow.ended_at,
            SessionRow.active_s,
            SessionRow.planned_s,
            SessionRow.done_s,
            SessionRow.steps_done,
        ).where(SessionRow.user_id == user_id)
    ).all()
    points: list[SessionPoint] = []
    for row in rows:
        if not counts_as_practice(
            planned_s=row.planned_s, done_s=row.done_s, steps_done=row.steps_done
        ):
            continue
        minutes = _minutes(row)
        # An interrupted session has no end; its active time is the best guess of when it ended.
        ended = row.ended_at or row.started_at + timedelta(minutes=minutes)
        points.append(SessionPoint(row.started_at, ended, minutes))
    days = practice_days((p.started_at for p in points), zone)
    return points, sorted(days)


def _runs(session: Session, user_id: int, since: datetime) -> list[RunPoint]:
    rows = session.execute(
        select(RunRow.id, RunRow.started_at, RunRow.distance_m).where(
            RunRow.user_id == user_id, RunRow.started_at >= since, RunRow.is_run
        )
    )
    # A row with an implausible start or distance (stored before migration 0005) is read as
    # missing, not allowed to break the page.
    return [
        RunPoint(id_, start, plausible(dist) or 0.0)
        for id_, start, dist in rows
        if plausible_start(start)
    ]


def _pains(session: Session, user_id: int, since: datetime) -> list[PainPoint]:
    rows = session.execute(
        select(
            PainEntryRow.at, PainEntryRow.zone, PainEntryRow.intensity, PainEntryRow.run_id
        ).where(PainEntryRow.user_id == user_id, PainEntryRow.at >= since)
    )
    return [PainPoint(at, zone, value, run_id) for at, zone, value, run_id in rows]


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
    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
    today = local_date(now, zone)
    first_day = week_start(today) - timedelta(weeks=weeks - 1)
    cells_from = week_start(today - timedelta(days=364))
    # Two days of slack: rows are filtered again by their local day in core.
    since = now - timedelta(days=(today - min(first_day, cells_from)).days + 2)
    with store.factory() as session:
        sessions, days = _sessions(session, user_id, zone)
        runs = _runs(session, user_id, since)
        pains = _pains(session, user_id, since)
    days_so_far = [d for d in days if d <= today]
    return Stats(
        today=today,
        zone=zone,
        weeks=weeks,
        first_day=first_day,
        streaks=Streaks(
            current=current_streak(days_so_far, today),
            longest=longest_streak(days_so_far),
            practice_days=len(days_so_far),
        ),
        habit=habit_strength(store, user_id=user_id, today=today),
        adherence=weekly_adherence(
            days_so_far, today, weeks, target if target is not None else _target(store, user_id)
        ),
        before_run=before_run(sessions, runs, zone, first_day, today),
        weekly_load=weekly_load(runs, pains, zone, today, weeks),
        heatmap=heatmap(sessions, runs, pains, zone, today),
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
