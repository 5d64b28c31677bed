"""Habit strength from stored sessions (practice days) and breaks (share taken)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from runback.core.clock import FakeClock
from runback.core.habit import score
from runback.services import breaks
from runback.services.catalog import load_builtin
from runback.services.habit import habit_strength
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, Store

MONDAY = date(2026, 1, 5)  # the fixture clock's day (09:00 in Berlin)


def _held(store: Store, done_s: float, zone: str | None = None) -> int:
    routine = load_builtin().routines["back-up-basics"]  # 240 s of holding
    sid = start_session(store, routine, zone=zone, user_id=LOCAL_USER_ID)
    finish_session(store, sid, completed=False, done_s=done_s, user_id=LOCAL_USER_ID)
    return sid


def test_no_history_no_strength(store: Store) -> None:
    h = habit_strength(store, user_id=LOCAL_USER_ID)
    assert h.day == MONDAY and h.routine == 0.0 and h.breaks is None
    assert h.model_dump()["routine_percent"] == 0 and h.breaks_percent is None


def test_practice_days_build_it_and_a_miss_only_dents_it(store: Store, clock: FakeClock) -> None:
    for _ in range(20):
        _held(store, 240)
        clock.advance(86400)
    _held(store, 100)  # under half: does not count, a missed day
    clock.advance(86400)
    h = habit_strength(store, user_id=LOCAL_USER_ID)
    assert h.routine == pytest.approx(score([1.0] * 20 + [0.0]))
    assert 0.5 < h.routine < score([1.0] * 20)
    _held(store, 120)  # half: counts, today included
    after = habit_strength(store, user_id=LOCAL_USER_ID)
    assert after.routine == pytest.approx(score([1.0] * 20 + [0.0, 1.0]))


def test_breaks_score_the_share_taken(store: Store, clock: FakeClock) -> None:
    start = clock.now()
    for day, outcomes in enumerate([("taken", "taken"), (), ("taken", "missed", "natural")]):
        for hour, outcome in enumerate(outcomes):
            due = start + timedelta(days=day, hours=hour)
            breaks.log_break(store, due, outcome, at=due, user_id=LOCAL_USER_ID)  # type: ignore[arg-type]
    clock.advance(2 * 86400 + 5 * 3600)
    h = habit_strength(store, user_id=LOCAL_USER_ID)
    # The empty day is skipped; a natural break was never due.
    assert h.breaks == pytest.approx(score([1.0, None, 0.5]))
    assert h.breaks_percent == round(score([1.0, None, 0.5]) * 100)
