"""Training load for a user: gather runs and pain for their local days, compute in core/load.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select

from runback.core.load import (
    CHRONIC_DAYS,
    PAIN_BEFORE_DAYS,
    PAIN_RECENT_DAYS,
    HeartRates,
    LoadPoint,
    LoadSummary,
    estimated_heart_rates,
    load_summary,
)
from runback.core.pain import PainPoint
from runback.core.profile import age_in
from runback.core.runs import plausible, plausible_start
from runback.core.timezones import local_date
from runback.errors import ValidationError
from runback.services.store import Store, get_user
from runback.storage.models import PainEntryRow, RunRow
from runback.storage.types import UTCDateTime

__all__ = ["PREFS_KEY", "gather_load", "heart_rates"]

PREFS_KEY = "load"  # users.prefs["load"]: optional "max_hr" and "rest_hr" the user measured
MAX_DAYS = 366


def _measured(prefs: dict[str, Any]) -> tuple[float | None, float | None]:
    raw = prefs.get(PREFS_KEY) or {}
    values = []
    for key in ("rest_hr", "max_hr"):
        v = raw.get(key) if isinstance(raw, dict) else None
        values.append(float(v) if isinstance(v, (int, float)) and 30 <= v <= 230 else None)
    return values[0], values[1]


def _avg_hr(value: int | None) -> float | None:
    # The importers keep 30-250 bpm; a row written another way is read the same.
    return float(value) if value is not None and 30 <= value <= 250 else None


@cache
def _runs_query() -> Select[datetime, float, float | None, float, int | None]:
    # Built once, on first use, with bound parameters: SQLAlchemy keeps its cache key, most of
    # what a statement built afresh costs (the Progress page reads this on every view).
    return select(
        RunRow.started_at, RunRow.elapsed_s, RunRow.moving_s, RunRow.distance_m, RunRow.avg_hr
    ).where(
        RunRow.user_id == bindparam("user_id"),
        RunRow.started_at >= bindparam("since", type_=UTCDateTime()),
        RunRow.is_run,
    )


@cache
def _pains_query() -> Select[datetime, str, int]:
    return select(PainEntryRow.at, PainEntryRow.zone, PainEntryRow.intensity).where(
        PainEntryRow.user_id == bindparam("user_id"),
        PainEntryRow.at >= bindparam("since", type_=UTCDateTime()),
    )


def heart_rates(store: Store, *, user_id: int) -> HeartRates:
    """Return the user's resting and maximum heart rate: measured if stored, else estimated."""
    from runback.services.profile import get_profile

    with store.factory() as session:
        prefs = dict(get_user(session, user_id=user_id).prefs or {})
    rest, top = _measured(prefs)
    age = age_in(get_profile(store, user_id=user_id).birth_year, store.clock.now())
    guess = estimated_heart_rates(age)
    rest = rest if rest is not None else guess.rest
    top = top if top is not None else guess.max
    return HeartRates(rest=rest, max=top) if top > rest else guess


def gather_load(store: Store, *, user_id: int, days: int = 84) -> LoadSummary:
    """Return the user's training load for the last `days` local days, and the nudge."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError("days", [f"must be 1 to {MAX_DAYS}, got {days}"])
    now = store.clock.now()
    zone = store.user_zone(user_id=user_id)
    today = local_date(now, zone)
    # Two days of slack either side: rows are placed on their local day again in core.
    back = max(days + CHRONIC_DAYS, PAIN_RECENT_DAYS + PAIN_BEFORE_DAYS) + 2
    since = now - timedelta(days=back)
    pain_since = now - timedelta(days=PAIN_RECENT_DAYS + PAIN_BEFORE_DAYS + 2)
    with store.factory() as session:
        rows = session.execute(_runs_query(), {"user_id": user_id, "since": since}).all()
        pain_rows = session.execute(_pains_query(), {"user_id": user_id, "since": pain_since}).all()
    # A run with an average heart rate weighs by TRIMP, one without by its minutes
    # (docs/training-load.md).
    runs = [
        LoadPoint(
            start,
            plausible(moving) or plausible(elapsed) or 0.0,
            plausible(dist) or 0.0,
            _avg_hr(hr),
        )
        for start, elapsed, moving, dist, hr in rows
        if plausible_start(start)
    ]
    pains = [PainPoint(at, z, value) for at, z, value in pain_rows]
    return load_summary(runs, pains, zone, today, heart_rates(store, user_id=user_id), days)
