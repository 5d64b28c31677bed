"""Personal patterns read from day rollups equal those computed from the raw rows, the old way.

The histories of tests/services/test_rollups_oracle.py (Hypothesis: sessions, breaks, pain and
runs around DST days, edited, deleted, a zone changed) and the simulated runner's: the day
records and the comparisons must equal what the raw-row code (as it was before the rollups,
kept here as the oracle) makes of the same rows.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from runback.core.pain import PainPoint
from runback.core.patterns import (
    BreakPoint,
    DayRecord,
    PatternRun,
    Patterns,
    PatternSession,
    day_records,
    find_patterns,
)
from runback.core.runs import plausible_start
from runback.core.streaks import counts_as_practice
from runback.core.timezones import local_date
from runback.services import patterns
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow
from tests.services.test_rollups_oracle import _write, history_st
from tests.services.test_rollups_oracle import store as store  # the fixture
from tests.simulated_runner import simulate_runner

_TAKEN = frozenset({"taken", "natural"})
_DUE = _TAKEN | {"skipped", "missed"}


def _old_records(store: Store, days: int) -> tuple[list[DayRecord], dict[str, str]]:
    """Return the day records and routine names from the raw rows (the code before rollups)."""
    now = store.clock.now()
    zone = store.user_zone(user_id=LOCAL_USER_ID)
    today = local_date(now, zone)
    first = today - timedelta(days=days - 1)
    since = now - timedelta(days=days + 2)
    user = LOCAL_USER_ID
    with store.factory() as s:
        session_rows = s.execute(
            select(SessionRow).where(SessionRow.user_id == user, SessionRow.started_at >= since)
        ).scalars()
        sessions: list[PatternSession] = []
        names: dict[str, str] = {}
        for r in session_rows:
            if not counts_as_practice(
                planned_s=r.planned_s, done_s=r.done_s, steps_done=r.steps_done
            ):
                continue
            ended = r.ended_at or r.started_at + timedelta(seconds=r.active_s or 0.0)
            sessions.append(PatternSession(r.started_at, ended, r.routine_slug))
            names[r.routine_slug] = r.routine_name
        run_rows = s.execute(
            select(RunRow.id, RunRow.started_at).where(
                RunRow.user_id == user, RunRow.started_at >= since, RunRow.is_run
            )
        ).all()
        runs = [PatternRun(i, start) for i, start in run_rows if plausible_start(start)]
        pain_rows = s.execute(
            select(
                PainEntryRow.at, PainEntryRow.zone, PainEntryRow.intensity, PainEntryRow.run_id
            ).where(PainEntryRow.user_id == user, PainEntryRow.at >= since)
        ).all()
        pains = [PainPoint(at, z, v, run_id) for at, z, v, run_id in pain_rows]
        break_rows = s.execute(
            select(BreakRow.at, BreakRow.outcome).where(
                BreakRow.user_id == user, BreakRow.at >= since
            )
        ).all()
        breaks = [BreakPoint(at, o in _TAKEN) for at, o in break_rows if o in _DUE]
    last = today - timedelta(days=1)
    return day_records(sessions, runs, pains, breaks, zone, first, last), names


def _old_patterns(store: Store, days: int) -> Patterns:
    records, names = _old_records(store, days)
    n = patterns.min_breaks(store, user_id=LOCAL_USER_ID)
    return find_patterns(records, routine_names=names, min_breaks=n)


def _new_records(store: Store, days: int) -> list[DayRecord]:
    """Return the records the service compares now (find_patterns is given them)."""
    seen: list[list[DayRecord]] = []

    def keep(records: list[DayRecord], **kw: Any) -> Patterns:
        seen.append(list(records))
        return find_patterns(records, **kw)

    patterns.clear_cache()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patterns, "find_patterns", keep)
        patterns.gather_patterns(store, user_id=LOCAL_USER_ID, days=days)
    patterns.clear_cache()
    return seen[0]


def _assert_same(store: Store, days: int) -> None:
    assert _new_records(store, days) == _old_records(store, days)[0]
    patterns.clear_cache()
    assert patterns.gather_patterns(store, user_id=LOCAL_USER_ID, days=days) == _old_patterns(
        store, days
    )


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(h=history_st, days=st.sampled_from([14, 30, patterns.DAYS]))
def test_patterns_from_rollups_equal_the_raw_rows(
    store: Store, h: dict[str, Any], days: int
) -> None:
    _write(store, h)
    _assert_same(store, days)


@pytest.mark.parametrize("seed", [19, 3, 7])
def test_the_simulated_runner_gives_the_same_patterns(store: Store, seed: int) -> None:
    _write(store, {**_EMPTY, "now": store.clock.now()})
    zone = store.user_zone(user_id=LOCAL_USER_ID)
    today: date = local_date(store.clock.now(), zone)
    simulate_runner(store, today, zone=zone, seed=seed, days=150)
    found = patterns.gather_patterns(store, user_id=LOCAL_USER_ID)
    assert found.shown  # enough days: the bootstraps are compared too
    _assert_same(store, patterns.DAYS)


_EMPTY: dict[str, Any] = {
    "zone": "Europe/Berlin",
    "sessions": [],
    "breaks": [],
    "runs": [],
    "pains": [],
    "moves": [],
    "deletes": [],
    "new_zone": None,
}
