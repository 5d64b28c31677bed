"""Sessions are stored from the start, updated per step, and survive an interrupted player."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from runback.core.catalog import Routine, RoutineStep
from runback.core.clock import FakeClock
from runback.errors import NotFoundError, ValidationError
from runback.services.sessions import (
    finish_session,
    get_session,
    list_sessions,
    rate_session,
    record_progress,
    start_session,
)
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import SessionRow, UserRow

ROUTINE = Routine(
    slug="back-up-basics",
    name="Back-up basics",
    origin="builtin",
    steps=[
        RoutineStep(exercise="hip-table-stretch"),
        RoutineStep(exercise="seated-upper-back-stretch"),
        RoutineStep(exercise="roll-down"),
    ],
)


def test_round_trip(store: Store, clock: FakeClock) -> None:
    sid = start_session(store, ROUTINE, "after-run", user_id=LOCAL_USER_ID)
    started = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert started.started_at == clock.now() and started.started_at.tzinfo is not None
    assert started.ended_at is None and not started.completed
    assert started.zone == "Europe/Berlin" and started.steps_total == 3
    assert started.context == "after-run"

    clock.advance(140)
    state = {"phase_index": 4, "remaining_s": 12.5, "paused": False}
    record_progress(
        store,
        sid,
        steps_done=["hip-table-stretch"],
        steps_skipped=[],
        active_s=130,
        state=state,
        user_id=LOCAL_USER_ID,
    )
    mid = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert mid.steps_done == ["hip-table-stretch"] and mid.state == state

    clock.advance(200)
    finish_session(
        store,
        sid,
        completed=True,
        enjoyment=4,
        steps_done=["hip-table-stretch", "roll-down"],
        steps_skipped=["seated-upper-back-stretch"],
        active_s=320.5,
        user_id=LOCAL_USER_ID,
    )
    done = get_session(store, sid, user_id=LOCAL_USER_ID)
    # A skipped step: not completed, whatever the player says; two of three holds still count.
    assert not done.completed and done.enjoyment == 4 and done.state is None
    assert done.planned_s == 240 and done.done_s == 180
    assert done.ended_at == clock.now()
    assert done.steps_skipped == ["seated-upper-back-stretch"]
    assert done.active_s == 320.5
    rate_session(store, sid, 5, user_id=LOCAL_USER_ID)
    assert get_session(store, sid, user_id=LOCAL_USER_ID).enjoyment == 5


def test_interrupted_session_is_kept_partial(store: Store, clock: FakeClock) -> None:
    sid = start_session(store, ROUTINE, "before-run", user_id=LOCAL_USER_ID)
    record_progress(
        store,
        sid,
        steps_done=["hip-table-stretch"],
        steps_skipped=[],
        active_s=70,
        user_id=LOCAL_USER_ID,
    )
    # The player dies here: nothing else is written, but what was stored stays.
    [row] = list_sessions(store, user_id=LOCAL_USER_ID)
    assert row.id == sid and row.steps_done == ["hip-table-stretch"] and not row.completed
    assert row.ended_at is None
    finish_session(store, sid, completed=False, user_id=LOCAL_USER_ID)
    row = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert row.ended_at is not None and not row.completed
    assert row.steps_done == ["hip-table-stretch"] and row.active_s == 70


@pytest.mark.parametrize("bad", [0, 6, -1, True])
def test_enjoyment_validated(store: Store, bad: int) -> None:
    sid = start_session(store, ROUTINE, user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="enjoyment"):
        finish_session(store, sid, completed=True, enjoyment=bad, user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="1–5"):
        rate_session(store, sid, bad, user_id=LOCAL_USER_ID)
    # Nothing half-written: the session is still open and unrated.
    row = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert row.ended_at is None and row.enjoyment is None and not row.completed


def test_context_validated(store: Store) -> None:
    with pytest.raises(ValidationError, match="'gym' is not one of: before-run"):
        start_session(store, ROUTINE, "gym", user_id=LOCAL_USER_ID)
    assert list_sessions(store, user_id=LOCAL_USER_ID) == []


def test_progress_after_end_refused(store: Store) -> None:
    sid = start_session(store, ROUTINE, user_id=LOCAL_USER_ID)
    finish_session(store, sid, completed=False, user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="already ended"):
        record_progress(
            store, sid, steps_done=[], steps_skipped=[], active_s=1, user_id=LOCAL_USER_ID
        )


def test_other_users_sessions_are_not_found(store: Store, clock: FakeClock) -> None:
    with store.tx() as s:
        s.add(UserRow(id=2, zone="Asia/Tokyo", prefs={}, created_at=clock.now()))
    sid = start_session(store, ROUTINE, user_id=2)
    assert get_session(store, sid, user_id=2).zone == "Asia/Tokyo"
    with pytest.raises(NotFoundError, match=f"no session {sid}"):
        get_session(store, sid, user_id=LOCAL_USER_ID)
    with pytest.raises(NotFoundError):
        finish_session(store, sid, completed=True, user_id=LOCAL_USER_ID)
    assert list_sessions(store, user_id=LOCAL_USER_ID) == []
    with pytest.raises(NotFoundError):
        rate_session(store, 999, 3, user_id=LOCAL_USER_ID)


def test_list_sessions_window(store: Store, clock: FakeClock) -> None:
    ids = []
    for _ in range(4):
        ids.append(start_session(store, ROUTINE, user_id=LOCAL_USER_ID))
        clock.advance(3600)
    t0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    window = list_sessions(
        store, since=t0 + timedelta(hours=1), until=t0 + timedelta(hours=3), user_id=LOCAL_USER_ID
    )
    assert [s.id for s in window] == ids[1:3]
    assert [s.id for s in list_sessions(store, user_id=LOCAL_USER_ID)] == ids
    with pytest.raises(ValueError, match="since must be timezone-aware"):
        list_sessions(store, since=datetime(2026, 1, 1), user_id=LOCAL_USER_ID)


def test_each_call_is_committed(store: Store) -> None:
    sid = start_session(store, ROUTINE, user_id=LOCAL_USER_ID)
    record_progress(
        store, sid, steps_done=["a"], steps_skipped=[], active_s=3, user_id=LOCAL_USER_ID
    )
    # A fresh connection (another process) sees it.
    from runback.storage.db import make_engine

    engine = make_engine(store.settings.database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(select(SessionRow.steps_done).where(SessionRow.id == sid)).one()
        assert row.steps_done == ["a"]
    finally:
        engine.dispose()


def test_a_session_skipped_through_is_neither_completed_nor_practice(store: Store) -> None:
    from runback.services.progress import gather_stats
    from runback.services.streaks import streaks

    sid = start_session(store, ROUTINE, user_id=LOCAL_USER_ID)
    slugs = [s.exercise for s in ROUTINE.steps]
    finish_session(
        store,
        sid,
        completed=True,
        steps_done=[],
        steps_skipped=slugs,
        done_s=0,
        user_id=LOCAL_USER_ID,
    )
    row = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert not row.completed and row.done_s == 0 and row.planned_s == 240
    assert not streaks(store, date(2026, 1, 5), user_id=LOCAL_USER_ID).practiced_today
    assert gather_stats(store, user_id=LOCAL_USER_ID).streaks.practice_days == 0


@pytest.mark.parametrize(("done_s", "counts"), [(119.5, False), (120, True), (240, True)])
def test_half_the_planned_hold_time_counts(store: Store, done_s: float, counts: bool) -> None:
    from runback.services.streaks import streaks

    sid = start_session(store, ROUTINE, user_id=LOCAL_USER_ID)
    finish_session(store, sid, completed=False, done_s=done_s, user_id=LOCAL_USER_ID)
    assert streaks(store, date(2026, 1, 5), user_id=LOCAL_USER_ID).practiced_today is counts


def test_whole_steps_reported_count_their_holds(store: Store) -> None:
    sid = start_session(store, ROUTINE, user_id=LOCAL_USER_ID)
    record_progress(
        store,
        sid,
        steps_done=["hip-table-stretch"],
        steps_skipped=[],
        active_s=80,
        user_id=LOCAL_USER_ID,
    )
    assert get_session(store, sid, user_id=LOCAL_USER_ID).done_s == 120  # two sides of 60 s
    finish_session(
        store,
        sid,
        completed=True,
        steps_done=[s.exercise for s in ROUTINE.steps],
        user_id=LOCAL_USER_ID,
    )
    row = get_session(store, sid, user_id=LOCAL_USER_ID)
    assert row.completed and row.done_s == row.planned_s == 240


def test_hold_time_is_kept_within_the_plan(store: Store) -> None:
    sid = start_session(store, ROUTINE, user_id=LOCAL_USER_ID)
    record_progress(
        store,
        sid,
        steps_done=[],
        steps_skipped=[],
        active_s=1,
        done_s=10_000,
        user_id=LOCAL_USER_ID,
    )
    assert get_session(store, sid, user_id=LOCAL_USER_ID).done_s == 240
