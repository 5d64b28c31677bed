"""Today's summary: the user's local day, streaks from stored sessions, the next suggestion."""

from __future__ import annotations

from datetime import UTC, datetime, time

from runback.core.clock import FakeClock
from runback.services.catalog import load_builtin
from runback.services.sessions import finish_session, record_progress, start_session
from runback.services.store import LOCAL_USER_ID, Store
from runback.services.today import Suggestion, Today, today


def today_summary(store: Store) -> Today:
    return today(store, user_id=LOCAL_USER_ID)


# Every step of Back-up basics: a completed session held them all.
ALL = ["hip-table-stretch", "seated-upper-back-stretch", "roll-down"]


def _session(store: Store, *, completed: bool, done: list[str], zone: str | None = None) -> int:
    routine = load_builtin().routines["back-up-basics"]
    sid = start_session(store, routine, "after-run", zone=zone, user_id=LOCAL_USER_ID)
    record_progress(
        store, sid, steps_done=done, steps_skipped=[], active_s=10, user_id=LOCAL_USER_ID
    )
    finish_session(store, sid, completed=completed, user_id=LOCAL_USER_ID)
    return sid


def test_empty_day_suggests_back_up_basics(store: Store) -> None:
    summary = today_summary(store)
    assert summary.sessions == [] and not summary.practiced_today
    assert summary.current_streak == 0 == summary.longest_streak
    # Monday 09:00 in Berlin: the morning slot's Back-up basics is due.
    assert summary.suggestion == Suggestion(
        kind="slot",
        routine="back-up-basics",
        slot="morning",
        context="other",
        until=time(11),
        minutes=summary.suggestion.minutes,
    )
    assert (
        summary.suggestion.minutes and summary.routine_names["back-up-basics"] == "Back-up basics"
    )
    assert {d.slot: d.status for d in summary.slots}["morning"] == "due"
    assert summary.zone == "Europe/Berlin"


def test_streak_and_done_for_today(store: Store, clock: FakeClock) -> None:
    for _ in range(3):
        _session(store, completed=True, done=ALL)
        clock.advance(86400)
    # Day 4, not done yet: the streak of 3 is still alive.
    summary = today_summary(store)
    assert summary.current_streak == 3 and not summary.practiced_today
    assert summary.suggestion.routine == "back-up-basics"
    sid = _session(store, completed=False, done=["hip-table-stretch"])
    summary = today_summary(store)
    assert summary.practiced_today and summary.current_streak == 4 == summary.longest_streak
    assert [s.id for s in summary.sessions] == [sid]
    # Back-up work is done. At 09:00 the first break is still half an hour away ...
    assert summary.suggestion.model_dump(exclude={"minutes"}) == {
        "kind": "later",
        "routine": "desk-break",
        "slot": "desk-break",
        "context": "desk-break",
        "until": None,
        "at": time(9, 30),
        "advice": None,
    }
    desk = next(d for d in summary.slots if d.slot == "desk-break")
    assert (desk.status, desk.reason, desk.done, desk.wanted) == (
        "upcoming",
        "next at 09:30",
        0,
        16,
    )
    clock.advance(31 * 60)  # ... at 09:31 it is due, and it is what to do next.
    summary = today_summary(store)
    assert summary.suggestion.kind == "slot" and summary.suggestion.slot == "desk-break"
    assert (summary.suggestion.routine, summary.suggestion.context) == ("desk-break", "desk-break")
    clock.advance(10 * 3600)  # 19:31 local: nothing left to do today
    summary = today_summary(store)
    assert summary.suggestion == Suggestion(kind="done")


def test_skipped_through_session_does_not_count(store: Store) -> None:
    _session(store, completed=False, done=[])
    summary = today_summary(store)
    assert len(summary.sessions) == 1 and not summary.practiced_today
    assert summary.current_streak == 0


def test_local_day_boundaries(store: Store, clock: FakeClock) -> None:
    assert clock.now() == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    _session(store, completed=True, done=ALL)
    clock.advance(14 * 3600 + 3599)  # 23:59:59 Berlin, still Jan 5 (22:59:59 UTC)
    summary = today_summary(store)
    assert str(summary.date) == "2026-01-05" and len(summary.sessions) == 1
    clock.advance(1)  # midnight in Berlin: a new local day, though still Jan 5 in UTC
    summary = today_summary(store)
    assert str(summary.date) == "2026-01-06"
    assert summary.sessions == [] and summary.current_streak == 1


def test_summary_is_json_ready(store: Store) -> None:
    _session(store, completed=True, done=ALL)
    data = today_summary(store).model_dump(mode="json")
    assert data["sessions"][0]["routine_slug"] == "back-up-basics"
    assert data["date"] == "2026-01-05" and data["current_streak"] == 1
