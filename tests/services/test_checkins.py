"""Check-ins are asked for at their times, answered as pain entries of their kind, then gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from runback.core.clock import FakeClock
from runback.errors import ValidationError
from runback.services.breaks import set_prefs
from runback.services.checkins import answer_checkin, checkin_windows, due_checkins
from runback.services.pain import log_pain, pain_history
from runback.services.store import LOCAL_USER_ID, Store
from tests.services.test_pain import add_run

U = LOCAL_USER_ID


def _to(clock: FakeClock, at: datetime) -> None:
    clock.advance((at - clock.now()).total_seconds())


def _run_days(store: Store) -> None:
    set_prefs(store, {"run_days": {"mon": "18:30"}}, merge=True, user_id=U)


def test_pre_run_check_in_is_due_on_a_run_day_until_answered(
    store: Store, clock: FakeClock
) -> None:
    _run_days(store)  # the clock: Monday 09:00 Berlin
    due = due_checkins(store, user_id=U)
    assert [c.kind for c in due] == ["pre-run"]
    assert due[0].label == "pre-run check-in" and "0 to 10" in due[0].question
    logged = answer_checkin(store, user_id=U, kind="pre-run", intensity=0, red_flags=[])
    assert logged.entry.kind == "pre-run" and logged.entry.intensity == 0
    assert logged.entry.run_id is None  # about the run to come, not an earlier one
    assert due_checkins(store, user_id=U) == []


def test_no_pre_run_check_in_on_other_days(store: Store, clock: FakeClock) -> None:
    set_prefs(store, {"run_days": {"tue": "18:30"}}, merge=True, user_id=U)
    assert due_checkins(store, user_id=U) == []


def test_after_run_check_in_opens_an_hour_after_an_imported_run_and_closes_at_three(
    store: Store, clock: FakeClock
) -> None:
    start = clock.now()
    run_id = add_run(store, start)  # 50 minutes long
    end = start + timedelta(minutes=50)
    _to(clock, end + timedelta(minutes=59))
    assert due_checkins(store, user_id=U) == []
    _to(clock, end + timedelta(hours=1))
    due = due_checkins(store, user_id=U)
    assert [(c.kind, c.run_id) for c in due] == [("after-run", run_id)]
    _to(clock, end + timedelta(hours=3))
    assert due_checkins(store, user_id=U) == []


def test_a_zero_after_a_run_is_stored_as_an_after_run_check_in_linked_to_the_run(
    store: Store, clock: FakeClock
) -> None:
    start = clock.now() - timedelta(hours=3)
    run_id = add_run(store, start)
    logged = answer_checkin(store, user_id=U, kind="after-run", intensity=0, red_flags=[])
    assert (logged.entry.kind, logged.entry.run_id, logged.entry.intensity) == (
        "after-run",
        run_id,
        0,
    )
    assert due_checkins(store, user_id=U) == []
    assert [e.kind for e in pain_history(store, user_id=U)] == ["after-run"]


def test_a_pain_entry_logged_by_choice_does_not_answer_the_check_in(
    store: Store, clock: FakeClock
) -> None:
    add_run(store, clock.now() - timedelta(hours=2))
    logged = log_pain(store, user_id=U, region="lower-back", intensity=6, red_flags=[])
    assert logged.entry.kind == "logged"
    assert [c.kind for c in due_checkins(store, user_id=U)] == ["after-run"]


def test_planned_run_after_run_check_in_without_an_imported_run(
    store: Store, clock: FakeClock
) -> None:
    _run_days(store)
    _to(clock, datetime(2026, 1, 5, 18, 45, tzinfo=UTC))  # 19:45 Berlin, 1 h 15 after 18:30
    assert [c.kind for c in due_checkins(store, user_id=U)] == ["after-run"]
    windows = checkin_windows(
        store, user_id=U, since=clock.now() - timedelta(hours=20), until=clock.now()
    )
    assert [c.kind for c in windows] == ["pre-run", "after-run"]


def test_a_warning_sign_answered_at_the_pre_run_check_in_gives_the_advice(
    store: Store, clock: FakeClock
) -> None:
    _run_days(store)
    logged = answer_checkin(
        store, user_id=U, kind="pre-run", intensity=5, red_flags=["saddle-numbness"]
    )
    assert logged.advice.level == "emergency"
    # Care first: no run is suggested, so no pre-run check-in either (the advice stands).
    clock.advance(7 * 86400)
    assert [c.kind for c in due_checkins(store, user_id=U)] == []


def test_a_wrong_kind_is_one_clear_problem_and_nothing_is_stored(store: Store) -> None:
    with pytest.raises(ValidationError, match="pre-run or after-run"):
        answer_checkin(store, user_id=U, kind="during", intensity=2, red_flags=[])
    with pytest.raises(ValidationError, match="kind"):
        log_pain(store, user_id=U, region="lower-back", intensity=2, kind="maybe")
    assert pain_history(store, user_id=U) == []
