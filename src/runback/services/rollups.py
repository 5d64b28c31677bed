"""Day rollups: read them (streaks, habit, progress, Today) and check or rebuild them (doctor).

The rows are kept by storage/rollups.py in the transaction of every write; reading a window of
them costs the same after ten years as after one (core/rollups.py says what a day holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, Select, bindparam, func, select

from runback.core.rollups import DayRollup, DayTotals, with_streaks
from runback.services.store import Store
from runback.storage.models import DayRollupRow, UserRow
from runback.storage.rollups import compute_user, read_day_totals, read_rollups, rebuild_all

__all__ = [
    "DoctorReport",
    "StreakNumbers",
    "check_rollups",
    "day_totals_between",
    "rebuild_rollups",
    "rollups_between",
    "streak_numbers",
]


@dataclass(frozen=True)
class StreakNumbers:
    """Whether `today` has back-up work, the current streak, and the longest ones."""

    practiced_today: bool
    current: int
    longest: int  # over every stored day (sessions stamped after today too)
    longest_so_far: int  # over days up to today
    practice_days: int  # days of back-up work up to today


@dataclass(frozen=True)
class DoctorReport:
    """What `runback doctor` found: users and days checked, and days that were wrong."""

    users: int
    days: int
    wrong_days: int
    rebuilt: bool

    @property
    def ok(self) -> bool:
        """Tell whether every stored rollup matched its raw rows (or they were rebuilt)."""
        return self.rebuilt or self.wrong_days == 0


def rollups_between(
    store: Store, first: date, last: date, *, user_id: int
) -> dict[date, DayRollup]:
    """Return the user's day rollups in [first, last], by day (days with nothing are absent)."""
    with store.factory() as session:
        return {r.day: r for r in read_rollups(session.connection(), user_id, first, last)}


def day_totals_between(
    store: Store, first: date, last: date, *, user_id: int
) -> dict[date, DayTotals]:
    """Return the totals the progress numbers read of the rollups in [first, last], by day."""
    with store.factory() as session:
        return {r.day: r for r in read_day_totals(session.connection(), user_id, first, last)}


@cache
def _streak_query() -> Select[Any]:
    # Built once, on first use, with bound parameters: SQLAlchemy keeps its cache key, most of
    # what a statement built afresh on every call costs.
    t = DayRollupRow
    mine = t.user_id == bindparam("user_id")
    today, yesterday = bindparam("today", type_=Date), bindparam("yesterday", type_=Date)

    def on(day: Any) -> Any:
        return select(t.streak).where(mine, t.day == day).scalar_subquery()

    # One statement of five indexed lookups. The longest streak so far ends on its best day:
    # the (user_id, streak, day) index is read from the top until a day up to today (only
    # sessions stamped in the future come first), and it covers the count of practice days.
    return select(
        on(today),
        on(yesterday),
        select(func.max(t.streak)).where(mine).scalar_subquery(),
        select(t.streak)
        .where(mine, t.day <= today)
        .order_by(t.streak.desc())
        .limit(1)
        .scalar_subquery(),
        select(func.count()).where(mine, t.streak > 0, t.day <= today).scalar_subquery(),
    )


def streak_numbers(store: Store, today: date, *, user_id: int) -> StreakNumbers:
    """Return the streak numbers as of `today` from a handful of indexed reads."""
    params = {"user_id": user_id, "today": today, "yesterday": today - timedelta(days=1)}
    with store.factory() as session:
        now, before, longest, so_far, days = session.execute(_streak_query(), params).one()
    current = now or before or 0
    return StreakNumbers(bool(now), current, longest or 0, so_far or 0, days or 0)


def check_rollups(store: Store) -> DoctorReport:
    """Compare every user's stored rollups with ones computed from the raw rows."""
    users = days = wrong = 0
    with store.factory() as session:
        conn = session.connection()
        for user_id, zone in session.execute(select(UserRow.id, UserRow.zone)).all():
            users += 1
            stored = {r.day: r for r in read_rollups(conn, user_id)}
            fresh = with_streaks(
                r for r in compute_user(conn, user_id, zone).values() if not r.empty
            )
            expected = {r.day: r for r in fresh}
            days += len(stored)
            wrong += sum(
                1 for d in stored.keys() | expected.keys() if stored.get(d) != expected.get(d)
            )
    return DoctorReport(users, days, wrong, rebuilt=False)


def rebuild_rollups(store: Store) -> DoctorReport:
    """Rebuild every user's rollups from the raw rows, in one transaction."""
    before = check_rollups(store)
    with store.tx() as session:
        counts = rebuild_all(session.connection())
    return DoctorReport(len(counts), sum(counts.values()), before.wrong_days, rebuilt=True)
