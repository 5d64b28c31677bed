"""Habit strength: bounded, rising with every day done, forgiving of a miss, never reset."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runback.core.habit import (
    break_checkmarks,
    multiplier,
    next_score,
    practice_checkmarks,
    score,
)

checkmarks = st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1)), max_size=400)
scores = st.floats(min_value=0, max_value=1)
TODAY = date(2026, 3, 29)


def test_a_daily_habit_halves_a_days_weight_in_13_days() -> None:
    assert multiplier() ** 13 == pytest.approx(0.5)
    assert multiplier(4) < multiplier(1) < multiplier(0.25)
    with pytest.raises(ValueError, match="above 0"):
        multiplier(0)


@given(checkmarks, scores)
def test_the_score_stays_between_0_and_1(marks: list[float | None], start: float) -> None:
    assert 0.0 <= score(marks, start=start) <= 1.0


@given(scores)
def test_every_day_done_raises_the_score(previous: float) -> None:
    after = next_score(previous, 1.0)
    assert after >= previous
    if previous < 0.999:
        assert after > previous


@given(st.integers(min_value=1, max_value=400))
def test_one_miss_lowers_it_a_little_and_never_to_0(days_done: int) -> None:
    before = score([1.0] * days_done)
    after = next_score(before, 0.0)
    assert 0.0 < after < before
    assert before - after == pytest.approx(before * (1 - multiplier()))
    assert before - after < 0.06


@given(scores)
def test_a_day_with_nothing_due_changes_nothing(previous: float) -> None:
    assert next_score(previous, None) == previous


def test_a_month_of_practice_and_one_miss() -> None:
    month = score([1.0] * 30)
    assert 0.75 < month < 0.85
    assert score([1.0] * 30 + [0.0]) > 0.7  # a streak would be back at 0


def test_checkmarks_outside_0_to_1_are_refused() -> None:
    with pytest.raises(ValueError, match="0 to 1"):
        next_score(0.5, 1.5)


def test_practice_checkmarks_start_at_the_first_day_and_wait_for_today() -> None:
    days = {TODAY - timedelta(days=3), TODAY - timedelta(days=1)}
    # Today not done yet: it is not a miss (the streak rule), so the days end yesterday.
    assert practice_checkmarks(days, TODAY, 400) == [1.0, 0.0, 1.0]
    assert practice_checkmarks(days | {TODAY}, TODAY, 400) == [1.0, 0.0, 1.0, 1.0]
    assert practice_checkmarks(set(), TODAY, 400) == []
    assert practice_checkmarks({TODAY + timedelta(days=1)}, TODAY, 400) == []
    assert len(practice_checkmarks({TODAY - timedelta(days=900)} | days, TODAY, 10)) == 3


def test_break_checkmarks_are_shares_and_skip_days_with_nothing_due() -> None:
    counts = {
        TODAY - timedelta(days=2): (3, 4),
        TODAY - timedelta(days=1): (0, 0),
        TODAY: (1, 1),
    }
    assert break_checkmarks(counts, TODAY, 400) == [0.75, None, 1.0]
    assert break_checkmarks({TODAY: (0, 0)}, TODAY, 400) == []


@given(checkmarks)
def test_after_any_history_a_miss_falls_but_not_to_0(marks: list[float | None]) -> None:
    before = score([*marks, 1.0])
    after = next_score(before, 0.0)
    assert 0.0 < after < before
