"""Streaks: whether a day has back-up work, the current and the longest run of such days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.types import Date

from runback.core.streaks import counts_as_practice, current_streak, longest_streak, practice_days
from runback.services.store import Store
from runback.storage.models import SessionRow

__all__ = ["Streaks", "streaks"]


@dataclass(frozen=True)
class Streaks:
    """Whether today counts as back-up work, the current and the longest streak."""

    practiced_today: bool
    current: int
    longest: int


def _streaks_in_python(session: Session, user_id: int, zone: str, today: date) -> Streaks:
    query = select(
        SessionRow.started_at, SessionRow.planned_s, SessionRow.done_s, SessionRow.steps_done
    ).where(SessionRow.user_id == user_id)
    rows = session.execute(query).all()
    days = practice_days(
        (
            r.started_at
            for r in rows
            if counts_as_practice(planned_s=r.planned_s, done_s=r.done_s, steps_done=r.steps_done)
        ),
        zone,
    )
    return Streaks(today in days, current_streak(days, today), longest_streak(days))


@cache
def _newest_runs() -> Select[Any]:
    # The same rules as core.streaks, run where the rows are: each practice session's day
    # in the user's zone (core.timezones.event_day), then runs of consecutive days ("gaps and
    # islands": day minus its rank is constant along a run). Built once: building it costs
    # more than running it.
    steps = SessionRow.steps_done
    planned, done = SessionRow.planned_s, SessionRow.done_s
    any_step = case(
        (func.json_typeof(steps) == "array", func.json_array_length(steps) > 0), else_=False
    )
    practice = case(
        (planned.is_(None) | (planned <= 0), any_step),
        else_=func.coalesce(done, 0.0) * 2 >= planned,
    )
    day = cast(func.timezone(bindparam("zone"), SessionRow.started_at), Date).label("day")
    days = (
        select(day)
        .distinct()
        .where(SessionRow.user_id == bindparam("user_id"), practice)
        .subquery("days")
    )
    rank = cast(func.row_number().over(order_by=days.c.day), Integer)
    ranked = select(days.c.day, (days.c.day - rank).label("grp")).subquery("ranked")
    runs = (
        select(
            func.min(ranked.c.day).label("first"),
            func.max(ranked.c.day).label("last"),
            func.count().label("n"),
        )
        .group_by(ranked.c.grp)
        .subquery("runs")
    )
    # Sessions stamped after now (a clock set back, an import) can fall after today: the runs
    # that can hold today or yesterday are among the newest four.
    return (
        select(runs.c.first, runs.c.last, func.max(runs.c.n).over().label("longest"))
        .order_by(runs.c.last.desc())
        .limit(4)
    )


def _streaks_in_postgres(session: Session, user_id: int, zone: str, today: date) -> Streaks:
    # Python reads a handful of rows instead of every session the user ever did.
    newest = session.execute(_newest_runs(), {"user_id": user_id, "zone": zone}).all()
    if not newest:
        return Streaks(False, 0, 0)

    def run_with(day: date) -> Any:
        return next((r for r in newest if r.first <= day <= r.last), None)

    found = run_with(today)
    anchor = today if found is not None else today - timedelta(days=1)
    found = found or run_with(anchor)
    current = (anchor - found.first).days + 1 if found is not None else 0
    return Streaks(anchor == today, current, int(newest[0].longest))


def streaks(store: Store, today: date, *, user_id: int) -> Streaks:
    """Return whether `today` has back-up work, and the current and longest streak."""
    zone = store.user_zone(user_id=user_id)
    with store.factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            return _streaks_in_postgres(session, user_id, zone, today)
        return _streaks_in_python(session, user_id, zone, today)
