"""Personal patterns: shown only with enough days, deterministic, honest in their words."""

from __future__ import annotations

import random
import re
import statistics
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback.core.pain import PainPoint
from runback.core.patterns import (
    CAVEAT,
    MIN_DAYS,
    BreakPoint,
    DayRecord,
    PatternRun,
    PatternSession,
    compare,
    day_records,
    find_patterns,
    pattern_text,
)

pain_values = st.lists(st.integers(0, 10).map(float), max_size=20)
CAUSAL = re.compile(r"\b(cause[sd]?|because|prevents?|thanks to|leads? to|reduces?|helps?)\b")


@settings(max_examples=200, deadline=None)
@given(pain_values, pain_values, st.integers(2, 12))
def test_never_a_result_under_the_minimum(
    with_values: list[float], without_values: list[float], min_n: int
) -> None:
    c = compare(with_values, without_values, min_n=min_n, resamples=50)
    small = len(with_values) < min_n or len(without_values) < min_n
    assert c.shown is not small
    if small:
        assert (c.with_mean, c.without_mean, c.difference, c.low, c.high) == (None,) * 5
        text = pattern_text("back-up work before the run", "next-day", c)
        assert not re.search(r"\d+\.\d", text)  # no mean, difference or interval slips out
        assert "Not enough days yet" in text


@settings(max_examples=6, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 10).map(float), min_size=2 * MIN_DAYS, max_size=30))
def test_shuffled_labels_give_intervals_covering_zero(values: list[float]) -> None:
    rng = random.Random(1)
    trials, covered = 200, 0
    for t in range(trials):
        shuffled = values[:]
        rng.shuffle(shuffled)
        cut = rng.randint(MIN_DAYS, len(values) - MIN_DAYS)
        c = compare(shuffled[:cut], shuffled[cut:], seed=t)
        assert c.low is not None and c.high is not None
        covered += c.low <= 0 <= c.high
    assert covered / trials >= 0.9


def test_a_real_difference_is_found_and_is_deterministic() -> None:
    with_values = [1.0, 2, 1, 0, 2, 1, 1, 2, 0, 1]  # mean 1.1
    without_values = [3.0, 4, 3, 2, 4, 3, 3, 4, 2, 3]  # mean 3.1
    c = compare(with_values, without_values, seed=7)
    # difference of the means: 1.1 - 3.1 = -2.0
    assert c.difference == -2.0 and c.with_mean == 1.1 and c.without_mean == 3.1
    assert c.high is not None and c.low is not None and c.low < -2.0 < c.high < 0
    assert compare(with_values, without_values, seed=7) == c


def test_the_words_are_an_association_never_a_cause() -> None:
    c = compare([1.0, 2, 1, 0, 2, 1, 1, 2], [3.0, 4, 3, 2, 4, 3, 3, 4])
    text = pattern_text("back-up work before the run", "next-day", c)
    assert text.startswith("In your own log, next-day pain was 2.0 points lower on average")
    assert "n = 8 and 8 days" in text and "95 % interval" in text
    assert text.endswith(CAVEAT) and "this is not proof" in text.lower()
    for habit in ("back-up work before the run", "at least 6 movement breaks taken"):
        for outcome in ("after-run", "next-day"):
            for cmp in (c, compare([1.0], [2.0]), compare([3.0] * 8, [3.0] * 8)):
                assert not CAUSAL.search(pattern_text(habit, outcome, cmp).lower())


def test_equal_groups_read_about_the_same() -> None:
    c = compare([3.0, 2, 4, 3, 2, 4, 3, 3], [3.0, 3, 3, 2, 4, 3, 2, 4])
    text = pattern_text("x", "after-run", c)
    assert "about the same on days with x as on days without" in text
    assert "difference +0.0" in text


def at(d: date, hour: int) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def test_day_records_place_habits_and_outcomes_on_local_days() -> None:
    d = date(2026, 2, 2)
    records = day_records(
        sessions=[PatternSession(at(d, 7), at(d, 7) + timedelta(minutes=10), "hips")],
        runs=[PatternRun(1, at(d, 8)), PatternRun(2, at(d + timedelta(days=1), 8))],
        pains=[
            PainPoint(at(d, 6), "UTC", 5),  # before the run: not after-run pain
            PainPoint(at(d, 10), "UTC", 2),
            PainPoint(at(d + timedelta(days=2), 0), "UTC", 1, run_id=2),  # linked: the run's day
            PainPoint(at(d + timedelta(days=1), 21), "UTC", 4),
        ],
        breaks=[BreakPoint(at(d, 11), True), BreakPoint(at(d, 12), False)],
        zone="UTC",
        first=d,
        last=d + timedelta(days=1),
    )
    day0, day1 = records
    assert day0.ran and day0.backup_before_run and day0.routines == {"hips"}
    assert (day0.breaks_due, day0.breaks_taken) == (2, 1)
    assert day0.after_run_pain == 2  # the 5 was logged before the run
    assert day0.next_day_pain == 4
    assert day1.after_run_pain == 4 and not day1.backup_before_run
    assert day1.next_day_pain == 1


def record(i: int, *, before: bool, pain: int, breaks: int = 0) -> DayRecord:
    return DayRecord(
        day=date(2026, 1, 1) + timedelta(days=i),
        ran=True,
        backup_before_run=before,
        breaks_due=8 if breaks else 0,
        breaks_taken=breaks,
        routines=frozenset({"hips"} if before else set()),
        after_run_pain=pain,
        next_day_pain=pain,
    )


def test_find_patterns_shows_only_groups_with_enough_days() -> None:
    days = [record(i, before=i % 2 == 0, pain=1 if i % 2 == 0 else 4) for i in range(30)]
    found = find_patterns(days, routine_names={"hips": "Hip openers"})
    keys = {(p.key, p.outcome) for p in found.shown}
    assert ("backup-before-run", "after-run") in keys
    assert ("routine:hips", "next-day") in keys
    # No breaks were due on any day: no break pattern is shown.
    assert not [p for p in found.shown if p.key == "breaks"]
    hips = next(p for p in found.shown if p.key == "routine:hips")
    assert hips.clearly_lower and "“Hip openers”" in hips.text
    few = find_patterns(days[:15], routine_names={})
    assert not few.shown  # 8 and 7 days: one group short


def test_breaks_compare_days_with_enough_breaks_taken() -> None:
    days = [
        record(i, before=False, pain=1 if i % 2 else 3, breaks=7 if i % 2 else 2) for i in range(20)
    ]
    found = find_patterns(days, routine_names={}, min_breaks=6)
    brk = next(p for p in found.shown if p.key == "breaks" and p.outcome == "next-day")
    assert brk.habit == "at least 6 movement breaks taken"
    assert brk.comparison.difference == -2.0
    with pytest.raises(ValueError):
        find_patterns(days, routine_names={}, min_breaks=0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 10).map(float), min_size=2, max_size=120))
def test_block_resampling_has_the_law_of_value_by_value_resampling(values: list[float]) -> None:
    # Sums of whole blocks are drawn from their exact distribution: same mean and spread.
    from runback.core.patterns import _resampled_sums

    n, k = len(values), 4000
    fast = _resampled_sums(values, random.Random(1), k)
    mean, spread = sum(values), (n * statistics.pvariance(values)) ** 0.5
    assert len(fast) == k and all(v == int(v) for v in fast)
    assert min(values) * n <= min(fast) and max(fast) <= max(values) * n
    assert abs(statistics.fmean(fast) - mean) <= 5 * spread / k**0.5 + 1e-9
    assert abs(statistics.pstdev(fast) - spread) <= 0.1 * spread + 1e-9


def test_values_that_are_not_small_whole_numbers_are_resampled_one_by_one() -> None:
    from runback.core.patterns import _resampled_sums

    values = [0.5, 1.5, 2.5, 40.0]
    sums = _resampled_sums(values, random.Random(1), 500)
    assert len(sums) == 500 and {s * 2 % 2 for s in sums} <= {0.0, 1.0}
    assert compare(values * 2, [1.0] * 8, min_n=8).shown


def _run_days(
    values_with: list[int], values_without: list[int]
) -> tuple[list[PatternSession], list[PatternRun], list[PainPoint]]:
    """Return one run day per value from 1 Sep 2026 (Berlin): work before the first runs."""
    zone = ZoneInfo("Europe/Berlin")
    sessions, runs, pains = [], [], []
    for i, value in enumerate([*values_with, *values_without]):
        start = datetime(2026, 9, 1, 7, tzinfo=zone) + timedelta(days=i)
        runs.append(PatternRun(i, start))
        if i < len(values_with):
            warm_up = start - timedelta(minutes=30)
            sessions.append(PatternSession(warm_up, warm_up + timedelta(minutes=10), "hips"))
        pains.append(PainPoint(start + timedelta(hours=2), "lower-back", value, run_id=i))
    return sessions, runs, pains


def test_after_run_pain_with_and_without_work_first_is_each_run_days_worst() -> None:
    # The one comparison of pain after runs with and without back-up work first (it replaced
    # Progress's plain averages from five days a group).
    sessions, runs, pains = _run_days([3, 3, 4, 2, 2, 6, 2, 3], [5, 4, 4, 4, 4, 5, 6, 4])
    pains += [
        PainPoint(runs[0].started_at + timedelta(hours=5), "lower-back", 1, run_id=0),  # worst 3
        # Linked to the run of 2 Sep, logged after midnight: still that run's day, and worse.
        PainPoint(runs[1].started_at + timedelta(hours=17), "lower-back", 5, run_id=1),
        PainPoint(runs[9].started_at - timedelta(hours=1), "lower-back", 9),  # before the run
    ]
    records = day_records(
        sessions, runs, pains, [], "Europe/Berlin", date(2026, 9, 1), date(2026, 9, 16)
    )
    found = find_patterns(records, routine_names={"hips": "Hip openers"})
    p = next(p for p in found.patterns if (p.key, p.outcome) == ("backup-before-run", "after-run"))
    c = p.comparison
    assert c.shown and (c.with_n, c.without_n, c.min_n) == (8, 8, MIN_DAYS)
    # 27 / 8 (the 3 of 2 Sep is a 5 after midnight) and 36 / 8
    assert c.with_mean == 3.38 and c.without_mean == 4.5
    assert c.difference == -1.12 and c.low is not None and c.high is not None
    assert c.low < c.difference < c.high
    assert p.text.startswith("In your own log, pain after the run was 1.1 points lower")
    assert "n = 8 and 8 days" in p.text and p.text.endswith(CAVEAT)


def test_too_few_run_days_give_no_numbers_only_how_many_more() -> None:
    sessions, runs, pains = _run_days([3, 3, 4, 2, 2, 6, 2, 3], [5, 4, 4, 4, 4, 5, 6, 4])
    pains.pop(1)  # a run day with no pain logged does not count towards the eight
    records = day_records(
        sessions, runs, pains, [], "Europe/Berlin", date(2026, 9, 1), date(2026, 9, 16)
    )
    found = find_patterns(records, routine_names={})
    p = next(p for p in found.patterns if (p.key, p.outcome) == ("backup-before-run", "after-run"))
    assert not p.comparison.shown and (p.comparison.with_n, p.comparison.without_n) == (7, 8)
    assert p.comparison.with_mean is p.comparison.difference is p.comparison.low is None
    assert p.text == (
        "Not enough days yet to compare pain after the run with and without back-up work "
        "before the run: log pain on 1 more with (at least 8 days in each group)."
    )
