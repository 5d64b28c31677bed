"""Reminder preferences in users.prefs, the break log, pauses and the summary."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from runback.core.clock import FakeClock
from runback.core.schedule import ReminderPrefs
from runback.errors import ValidationError
from runback.services import breaks
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import BreakRow, UserRow

TZ = ZoneInfo("Europe/Berlin")


def local(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 1, d, hh, mm, tzinfo=TZ).astimezone(UTC)


def test_defaults_when_nothing_stored(store: Store) -> None:
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID) == ReminderPrefs()


def test_set_and_get_keeps_other_pref_keys(store: Store) -> None:
    with store.tx() as s:
        user = s.get(UserRow, 1)
        assert user is not None
        user.prefs = {"targets": {"sessions": 5}}
    breaks.set_prefs(
        store, {"interval_min": 45, "run_days": {"tue": "18:30"}}, user_id=LOCAL_USER_ID
    )
    prefs = breaks.get_prefs(store, user_id=LOCAL_USER_ID)
    assert prefs.interval_min == 45 and prefs.run_days == {"tue": time(18, 30)}
    with store.factory() as s:
        user = s.get(UserRow, 1)
        assert user is not None and user.prefs["targets"] == {"sessions": 5}
    breaks.set_prefs(store, {"break_min": 4}, merge=True, user_id=LOCAL_USER_ID)
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).interval_min == 45
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).break_min == 4


def test_bad_prefs_are_refused_and_nothing_changes(store: Store) -> None:
    breaks.set_prefs(store, {"interval_min": 40}, user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError) as info:
        breaks.set_prefs(
            store,
            {"interval_min": 1, "active_hours": {"mon": {"start": "x", "end": "y"}}},
            user_id=LOCAL_USER_ID,
        )
    text = str(info.value)
    assert "interval_min" in text and "active_hours.mon" in text
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).interval_min == 40


def test_log_history_and_next_break(store: Store, clock: FakeClock) -> None:
    # The fake clock starts Monday 08:00 UTC = 09:00 Berlin.
    assert breaks.next_break(store, user_id=LOCAL_USER_ID) == local(5, 9, 30)
    clock.advance(40 * 60)
    breaks.log_break(store, local(5, 9, 30), "taken", clock.now(), user_id=LOCAL_USER_ID)
    assert [e.outcome for e in breaks.history(store, local(5, 0), user_id=LOCAL_USER_ID)] == [
        "taken"
    ]
    assert breaks.next_break(store, user_id=LOCAL_USER_ID) == local(5, 10, 10)


def test_pause_and_resume(store: Store, clock: FakeClock) -> None:
    until = breaks.pause(store, "1h", user_id=LOCAL_USER_ID)
    assert until == clock.now() + timedelta(hours=1)
    assert breaks.get_prefs(store, user_id=LOCAL_USER_ID).paused_until == until
    assert breaks.next_break(store, user_id=LOCAL_USER_ID) == until
    clock.advance(600)
    breaks.resume(store, user_id=LOCAL_USER_ID)
    # Ended now, not forgotten: the breaks it held back stay not due.
    prefs = breaks.get_prefs(store, user_id=LOCAL_USER_ID)
    assert (prefs.paused_since, prefs.paused_until) == (until - timedelta(hours=1), clock.now())
    assert breaks.next_break(store, user_id=LOCAL_USER_ID) == local(5, 9, 30)
    until = breaks.pause(store, "tomorrow", user_id=LOCAL_USER_ID)
    assert until == local(6, 0)


def test_summary_today_and_week(store: Store, clock: FakeClock) -> None:
    clock.advance(24 * 3600)  # Tuesday 09:00 Berlin
    breaks.log_break(store, local(5, 9, 30), "taken", local(5, 9, 31), user_id=LOCAL_USER_ID)
    breaks.log_break(store, local(6, 9, 30), "snoozed", local(6, 9, 30), user_id=LOCAL_USER_ID)
    breaks.log_break(store, local(6, 9, 30), "taken", local(6, 9, 35), user_id=LOCAL_USER_ID)
    breaks.log_break(store, local(6, 10, 5), "skipped", local(6, 10, 5), user_id=LOCAL_USER_ID)
    breaks.log_break(store, local(6, 10, 12), "natural", local(6, 10, 20), user_id=LOCAL_USER_ID)
    clock.advance(3 * 3600)  # Tuesday 12:00
    result = breaks.summary(store, user_id=LOCAL_USER_ID)
    # Due on Tuesday: 09:30 (taken 09:35), 10:05 (skipped), then away 10:12-10:20, which
    # restarts the grid: 10:50, 11:20, 11:50. Planned to 17:30: 16.
    assert (result.today.taken, result.today.due, result.today.snoozed) == (1, 5, 1)
    assert (result.today.skipped, result.today.away_from_keyboard) == (1, 1)
    assert result.today.planned == 16
    # Monday: 09:30 taken at 09:31, then the grid from 09:31 (nobody answered): 16.
    assert (result.week.taken, result.week.due, result.week.planned) == (2, 21, 16 + 16 + 48)
    # Away from the keyboard is not movement: Tuesday 09:35 taken, sitting until 12:00;
    # Monday: 09:31 taken, then nothing until 17:30 = 479 min.
    assert result.today.longest_sit_min == 145
    assert result.week.longest_sit_min == 479
    today = breaks.breaks_due(store, user_id=LOCAL_USER_ID)
    assert (today.due, today.planned, today.tally) == (5, 16, 2)


def test_desk_break_session_counts_as_a_taken_break(store: Store, clock: FakeClock) -> None:
    from runback.services.catalog import load_builtin
    from runback.services.sessions import finish_session, start_session

    routine = load_builtin().routines["desk-break"]
    every = [step.exercise for step in routine.steps]  # completed: every step held
    # On their own: a finished Desk break logs a taken break linked to the session.
    sid = start_session(store, routine, "desk-break", user_id=LOCAL_USER_ID)
    clock.advance(190)
    finish_session(store, sid, completed=True, steps_done=every, user_id=LOCAL_USER_ID)
    with store.factory() as s:
        rows = s.scalars(select(BreakRow)).all()
        assert [(r.outcome, r.session_id) for r in rows] == [("taken", sid)]
    # After the reminder's "Start": the logged break gets the session, no second row.
    clock.advance(1800)
    bid = breaks.log_break(store, clock.now(), "taken", user_id=LOCAL_USER_ID)
    sid2 = start_session(store, routine, "desk-break", user_id=LOCAL_USER_ID)
    clock.advance(190)
    finish_session(store, sid2, completed=True, steps_done=every, user_id=LOCAL_USER_ID)
    # A partial or other-context session is not a break.
    sid3 = start_session(store, routine, "other", user_id=LOCAL_USER_ID)
    finish_session(store, sid3, completed=True, steps_done=every, user_id=LOCAL_USER_ID)
    with store.factory() as s:
        rows = s.scalars(select(BreakRow).order_by(BreakRow.id)).all()
        assert [(r.id, r.outcome, r.session_id) for r in rows][1:] == [(bid, "taken", sid2)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    logged=st.lists(
        st.tuples(
            st.integers(min_value=-10 * 24 * 60, max_value=60),  # minutes from now
            st.sampled_from(["taken", "snoozed", "skipped", "natural", "missed"]),
        ),
        max_size=25,
    ),
    hours=st.integers(min_value=0, max_value=7 * 24),
    enabled=st.booleans(),
)
def test_breaks_today_equals_summary_and_next_break(
    store: Store, clock: FakeClock, logged: list[tuple[int, str]], hours: int, enabled: bool
) -> None:
    # One read for the Today page gives what summary() and next_break() give with two.
    clock.advance(hours * 3600)
    try:
        breaks.set_prefs(store, {"enabled": enabled}, user_id=LOCAL_USER_ID)
        with store.tx() as s:
            s.execute(delete(BreakRow))
        now = clock.now()
        for minutes, outcome in logged:
            at = now + timedelta(minutes=minutes)
            breaks.log_break(store, at - timedelta(minutes=3), outcome, at, user_id=LOCAL_USER_ID)  # type: ignore[arg-type]
        found = breaks.breaks_today(store, user_id=LOCAL_USER_ID)
        assert found.prefs == breaks.get_prefs(store, user_id=LOCAL_USER_ID)
        assert found.summary == breaks.summary(store, user_id=LOCAL_USER_ID)
        assert found.next_due == (
            breaks.next_break(store, user_id=LOCAL_USER_ID) if enabled else None
        )
    finally:
        clock.advance(-hours * 3600)


def test_a_listed_break_says_why_it_was_skipped_or_that_it_was_short(
    store: Store, clock: FakeClock
) -> None:
    at = clock.now()
    skipped = breaks.log_break(store, at, "skipped", user_id=LOCAL_USER_ID, reason="in a meeting")
    short = breaks.log_break(store, at, "taken", user_id=LOCAL_USER_ID, short=True)
    plain = breaks.log_break(store, at, "taken", user_id=LOCAL_USER_ID)
    notes = {b.id: b.note for b in breaks.list_breaks(store, user_id=LOCAL_USER_ID)}
    assert notes == {skipped: "in a meeting", short: "1-minute break", plain: None}
    # Changed to another outcome, the old answer no longer describes it.
    assert breaks.update_break(store, skipped, outcome="taken", user_id=LOCAL_USER_ID).note is None
    assert breaks.update_break(store, short, outcome="missed", user_id=LOCAL_USER_ID).note is None
    # The note is for people: the JSON keeps the stored fields only.
    listed = breaks.get_break(store, skipped, user_id=LOCAL_USER_ID).model_dump()
    assert "note" not in listed and listed["reason"] == "in a meeting"
