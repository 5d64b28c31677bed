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

from sqlalchemy import Engine, Integer, Select, bindparam, select

from runback.core.pain import PainPoint
from runback.core.patterns import (
    DEFAULT_MIN_BREAKS,
    BreakPoint,
    PatternRun,
    Patterns,
    PatternSession,
    day_records,
    find_patterns,
)
from runback.core.runs import plausible_start
from runback.core.streaks import counts_as_practice
from runback.core.timezones import local_date
from runback.errors import ValidationError
from runback.services.store import Store, get_user
from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow
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
# A break the user took, or was away from the desk for anyway, counts as taken; a snoozed one
# comes back later and is counted then.
_TAKEN = frozenset({"taken", "natural"})
_DUE = _TAKEN | {"skipped", "missed"}
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
        raw = (get_user(session, user_id=user_id).prefs or {}).get(PREFS_KEY) or {}
    n = raw.get("min_breaks") if isinstance(raw, dict) else None
    return (
        n if isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 30 else DEFAULT_MIN_BREAKS
    )


def gather_patterns(store: Store, *, user_id: int, days: int = DAYS, seed: int = 0) -> Patterns:
    """Return the user's habit/pain comparisons over the last `days` local days."""
    if not 14 <= days <= 730:
        raise ValidationError("days", [f"must be 14 to 730, got {days}"])
    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
    today = local_date(now, zone)
    with store.factory() as s:
        # The row a request's login check read, when there is one: no query of its own.
        version = get_user(s, user_id=user_id).data_version
    key: _Key = (user_id, int(version or 0), today, days, seed)
    found = _cached(store.engine, key)
    if found is None:
        found = _compute(store, user_id, zone, now, today, days, seed)
        _keep(store.engine, key, found)
    return found


@cache
def _queries() -> tuple[
    Select[datetime, datetime | None, float, float | None, float, list[str], str, str],
    Select[int, datetime],
    Select[datetime, str, int, int | None],
    Select[datetime, str],
]:
    """Return the reads of the window's sessions, runs, pain and breaks (built once)."""
    # With bound parameters: SQLAlchemy keeps their cache keys, most of what a statement built
    # afresh on every call costs.
    user = bindparam("user_id", type_=Integer())
    since = bindparam("since", type_=UTCDateTime())
    return (
        select(
            SessionRow.started_at,
            SessionRow.ended_at,
            SessionRow.active_s,
            SessionRow.planned_s,
            SessionRow.done_s,
            SessionRow.steps_done,
            SessionRow.routine_slug,
            SessionRow.routine_name,
        ).where(SessionRow.user_id == user, SessionRow.started_at >= since),
        select(RunRow.id, RunRow.started_at).where(
            RunRow.user_id == user, RunRow.started_at >= since, RunRow.is_run
        ),
        select(
            PainEntryRow.at, PainEntryRow.zone, PainEntryRow.intensity, PainEntryRow.run_id
        ).where(PainEntryRow.user_id == user, PainEntryRow.at >= since),
        select(BreakRow.at, BreakRow.outcome).where(BreakRow.user_id == user, BreakRow.at >= since),
    )


def _compute(
    store: Store, user_id: int, zone: str, now: datetime, today: date, days: int, seed: int
) -> Patterns:
    """Read the user's log and compare (what gather_patterns keeps)."""
    first = today - timedelta(days=days - 1)
    since = now - timedelta(days=days + 2)
    params = {"user_id": user_id, "since": since}
    sessions_q, runs_q, pains_q, breaks_q = _queries()
    with store.factory() as s:
        session_rows = s.execute(sessions_q, params).all()
        run_rows = s.execute(runs_q, params).all()
        pain_rows = s.execute(pains_q, params).all()
        break_rows = s.execute(breaks_q, params).all()
    sessions: list[PatternSession] = []
    names: dict[str, str] = {}
    for r in session_rows:
        if not counts_as_practice(planned_s=r.planned_s, done_s=r.done_s, steps_done=r.steps_done):
            continue
        ended = r.ended_at or r.started_at + timedelta(seconds=r.active_s or 0.0)
        sessions.append(PatternSession(r.started_at, ended, r.routine_slug))
        names[r.routine_slug] = r.routine_name
    runs = [PatternRun(i, start) for i, start in run_rows if plausible_start(start)]
    # Every pain entry counts alike, whatever form it was logged with.
    pains = [PainPoint(at, z, v, run_id) for at, z, v, run_id in pain_rows]
    breaks = [BreakPoint(at, outcome in _TAKEN) for at, outcome in break_rows if outcome in _DUE]
    # Today's next-day pain is tomorrow's: the last day compared is yesterday.
    records = day_records(sessions, runs, pains, breaks, zone, first, today - timedelta(days=1))
    return find_patterns(
        records,
        routine_names=names,
        min_breaks=min_breaks(store, user_id=user_id),
        seed=seed,
    )


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
