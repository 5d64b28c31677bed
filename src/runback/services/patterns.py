"""Personal patterns for a user: gather sessions, runs, pain and breaks, compare in core.

The comparisons (a bootstrap each) are kept per engine, keyed by the user, their
`data_version` (bumped by every write to their data, prefs and zone included: see
storage/versions.py), the local day and the arguments: Progress asks on every load, and they
are computed again only once something they read has changed or a new day has begun.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, Engine, Integer, Select, and_, bindparam, case, select

from runback.core.patterns import (
    DEFAULT_MIN_BREAKS,
    PatternDay,
    PatternPain,
    Patterns,
    find_patterns,
    records_from_days,
)
from runback.core.streaks import counts_as_practice
from runback.core.timezones import local_date
from runback.errors import ValidationError
from runback.services.store import Store, get_user
from runback.storage.models import DayRollupRow, PainEntryRow, RunRow, SessionRow
from runback.storage.rollups import prepared_before_run
from runback.storage.types import UTCDateTime

__all__ = [
    "CACHE_ENTRIES",
    "DAYS",
    "PREFS_KEY",
    "clear_cache",
    "gather_patterns",
    "helpful_exercises",
    "min_breaks",
]

DAYS = 120  # the window compared: long enough for 8 days a group, recent enough to be you now
PREFS_KEY = "patterns"  # users.prefs["patterns"]["min_breaks"]: N of "at least N breaks"
CACHE_ENTRIES = 256  # per engine: a worker's recently active users; the oldest go first

_Key = tuple[int, int, date, int, int]  # user, data_version, local day, days, seed
_cache: weakref.WeakKeyDictionary[Engine, OrderedDict[_Key, Patterns]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every kept comparison (for benchmarks; a write makes entries stale by itself)."""
    with _lock:
        _cache.clear()


def _cached(engine: Engine, key: _Key) -> Patterns | None:
    with _lock:
        kept = _cache.get(engine)
        found = kept.get(key) if kept is not None else None
        if found is not None and kept is not None:
            kept.move_to_end(key)
        return found


def _keep(engine: Engine, key: _Key, patterns: Patterns) -> None:
    with _lock:
        kept = _cache.setdefault(engine, OrderedDict())
        kept[key] = patterns
        while len(kept) > CACHE_ENTRIES:
            kept.popitem(last=False)


def min_breaks(store: Store, *, user_id: int) -> int:
    """Return N of "at least N movement breaks taken": from the user's prefs, else 6."""
    with store.factory() as session:
        return _min_breaks(get_user(session, user_id=user_id).prefs)


def _min_breaks(prefs: dict[str, Any] | None) -> int:
    raw = (prefs or {}).get(PREFS_KEY) or {}
    n = raw.get("min_breaks") if isinstance(raw, dict) else None
    return (
        n if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 30 else DEFAULT_MIN_BREAKS
    )


def gather_patterns(store: Store, *, user_id: int, days: int = DAYS, seed: int = 0) -> Patterns:
    """Return the user's habit/pain comparisons over the last `days` local days."""
    if not 14 <= days <= 730:
        raise ValidationError("days", [f"must be 14 to 730, got {days}"])
    # One read scope: the user row (zone, data version, prefs) is read once, not three times.
    with store.reading() as scope:
        now = scope.clock.now()
        zone = scope.user_zone(user_id=user_id)
        today = local_date(now, zone)
        with scope.factory() as s:
            # The row a request's login check read, when there is one: no query of its own.
            version = get_user(s, user_id=user_id).data_version
        key: _Key = (user_id, int(version or 0), today, days, seed)
        found = _cached(scope.engine, key)
        if found is None:
            found = _compute(scope, user_id, zone, now, today, days, seed)
            _keep(scope.engine, key, found)
    return found


@cache
def _queries() -> tuple[
    Select[date, int, int, int | None, datetime | None, bool],
    Select[*tuple[Any, ...]],
    Select[datetime, int, datetime],
]:
    """Return the reads of the window's day rollups, practice sessions and pain (built once)."""
    # With bound parameters: SQLAlchemy keeps their cache keys, most of what a statement built
    # afresh on every call costs.
    user = bindparam("user_id", type_=Integer())
    since = bindparam("since", type_=UTCDateTime())
    t = DayRollupRow
    ended, run_at = t.first_practice_end, t.first_run_at
    # A break the user took, or was away from the desk for anyway, counts as taken; a snoozed
    # one comes back later and is counted then.
    away = t.breaks_taken + t.breaks_away
    days = select(
        t.day,
        away + t.breaks_skipped + t.breaks_missed,
        away,
        t.worst_pain,
        run_at,
        prepared_before_run(ended, run_at),
    ).where(
        t.user_id == user,
        t.day >= bindparam("first", type_=Date()),
        t.day <= bindparam("last", type_=Date()),
    )
    sessions = select(
        SessionRow.started_at,
        SessionRow.planned_s,
        SessionRow.done_s,
        # Only read when there is no hold time to go by (counts_as_practice): no JSON to parse
        # for most sessions.
        case((SessionRow.planned_s > 0, None), else_=SessionRow.steps_done),
        SessionRow.routine_slug,
        SessionRow.routine_name,
    ).where(SessionRow.user_id == user, SessionRow.started_at >= since)
    # The linked run's start only for a run of the window (day_records reads no other runs).
    linked = and_(
        RunRow.id == PainEntryRow.run_id,
        RunRow.user_id == user,
        RunRow.started_at >= since,
        RunRow.is_run,
    )
    pains = (
        select(PainEntryRow.at, PainEntryRow.intensity, RunRow.started_at)
        .select_from(PainEntryRow)
        .outerjoin(RunRow, linked)
        .where(PainEntryRow.user_id == user, PainEntryRow.at >= since)
    )
    return days, sessions, pains


def _compute(
    store: Store, user_id: int, zone: str, now: datetime, today: date, days: int, seed: int
) -> Patterns:
    """Read the window's rollups, practice and pain and compare (what gather_patterns keeps)."""
    first = today - timedelta(days=days - 1)
    since = now - timedelta(days=days + 2)
    params = {"user_id": user_id, "since": since, "first": first, "last": today}
    days_q, sessions_q, pains_q = _queries()
    with store.factory() as s:
        # On the connection: plain column reads need none of the ORM's execution steps.
        conn = s.connection()
        day_rows = conn.execute(days_q, params).all()
        session_rows = conn.execute(sessions_q, params).all()
        pain_rows = conn.execute(pains_q, params).all()
        n_breaks = _min_breaks(get_user(s, user_id=user_id).prefs)
    practice: list[tuple[datetime, str]] = []
    names: dict[str, str] = {}
    for started_at, planned_s, done_s, steps_done, slug, name in session_rows:
        if counts_as_practice(planned_s=planned_s, done_s=done_s, steps_done=steps_done):
            practice.append((started_at, slug))
            names[slug] = name
    # Today's next-day pain is tomorrow's: the last day compared is yesterday.
    records = records_from_days(
        map(PatternDay._make, day_rows),
        practice,
        map(PatternPain._make, pain_rows),
        zone,
        first,
        today - timedelta(days=1),
    )
    return find_patterns(records, routine_names=names, min_breaks=n_breaks, seed=seed)


def helpful_exercises(store: Store, *, user_id: int) -> dict[str, str]:
    """Return exercise slug -> routine name for routines with clearly lower next-day pain."""
    found = gather_patterns(store, user_id=user_id)
    helpful = {
        p.routine_slug: p.habit
        for p in found.shown
        if p.routine_slug is not None and p.clearly_lower and p.outcome == "next-day"
    }
    if not helpful:
        return {}
    since = store.clock.now() - timedelta(days=DAYS + 2)
    out: dict[str, str] = {}
    with store.factory() as s:
        rows = s.execute(
            select(SessionRow.routine_slug, SessionRow.routine_name, SessionRow.steps_done).where(
                SessionRow.user_id == user_id,
                SessionRow.started_at >= since,
                SessionRow.routine_slug.in_(sorted(helpful)),
            )
        ).all()
    for slug, name, steps in rows:
        for exercise in steps or []:
            out.setdefault(str(exercise), name or slug)
    return out
