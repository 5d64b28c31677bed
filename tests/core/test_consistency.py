"""Consistency numbers land on the user's local days, across DST changes."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runback.core.consistency import (
    PainPoint,
    RunPoint,
    SessionPoint,
    before_run,
    heat_level,
    heatmap,
    week_start,
    weekly_adherence,
    weekly_load,
)
from runback.core.streaks import practice_days
from runback.core.timezones import event_day

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
ZONES = [BERLIN, NEW_YORK, "UTC", "Asia/Tokyo", "Pacific/Auckland"]
TODAY = date(2026, 11, 30)  # a Monday, after both autumn DST changes

# Wall-clock times over 2026, DST days included; minute resolution keeps shrinking readable.
wall_times = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 11, 30, 23, 59))
dst_wall_times = st.sampled_from(
    [date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)]
).flatmap(
    lambda d: st.builds(
        lambda h, m: datetime(d.year, d.month, d.day, h, m),
        st.integers(0, 23),
        st.integers(0, 59),
    )
)
any_wall = st.one_of(wall_times, dst_wall_times)
events = st.lists(st.tuples(any_wall, st.sampled_from(ZONES), st.floats(0.5, 40.0)), max_size=25)
user_zones = st.sampled_from(ZONES)


def aware(wall: datetime, zone: str) -> datetime:
    """Return the UTC instant of a wall-clock time in a zone."""
    return wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def session(wall: datetime, zone: str, minutes: float = 10.0) -> SessionPoint:
    start = aware(wall, zone)
    return SessionPoint(start, start + timedelta(minutes=minutes), minutes)


def run(id_: int, wall: datetime, zone: str, km: float = 10.0) -> RunPoint:
    return RunPoint(id_, aware(wall, zone), km * 1000)


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(any_wall, st.floats(0.5, 40.0)), max_size=25), user_zones)
def test_heatmap_puts_minutes_on_the_users_wall_clock_day(
    items: list[tuple[datetime, float]], zone: str
) -> None:
    sessions = [session(w, zone, m) for w, m in items]
    hm = heatmap(sessions, [], [], zone, TODAY)
    assert hm.first.weekday() == 0
    assert hm.days[0].day == hm.first and hm.days[-1].day == TODAY
    assert all(b.day - a.day == timedelta(days=1) for a, b in itertools.pairwise(hm.days))
    expected: dict[date, float] = defaultdict(float)
    for w, m in items:
        if w.date() >= hm.first:
            expected[w.date()] += m
    got = {d.day: d.minutes for d in hm.days if d.minutes}
    assert got.keys() == expected.keys()
    for day, minutes in expected.items():
        assert got[day] == pytest.approx(minutes, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(st.lists(any_wall, max_size=25), user_zones, st.integers(1, 30), st.integers(1, 7))
def test_adherence_counts_each_local_day_once_per_monday_week(
    walls: list[datetime], zone: str, weeks: int, target: int
) -> None:
    days = practice_days((aware(w, zone) for w in walls), zone)
    assert days == {w.date() for w in walls}
    adh = weekly_adherence(days, TODAY, weeks=weeks, target=target)
    assert len(adh.weeks) == weeks
    assert adh.weeks[-1].week_start == week_start(TODAY)
    for a, b in itertools.pairwise(adh.weeks):
        assert b.week_start - a.week_start == timedelta(days=7)
        assert b.week_start.weekday() == 0
    first = adh.weeks[0].week_start
    assert sum(w.days_done for w in adh.weeks) == len({d for d in days if first <= d <= TODAY})
    for w in adh.weeks:
        assert 0 <= w.days_done <= w.days_so_far <= 7
        assert w.met == (w.days_done >= target)


@settings(max_examples=60, deadline=None)
@given(events, st.lists(st.tuples(any_wall, st.sampled_from(ZONES)), max_size=15), user_zones)
def test_every_number_puts_an_event_on_the_users_local_day(
    sess: list[tuple[datetime, str, float]], runs: list[tuple[datetime, str]], zone: str
) -> None:
    """Recorded anywhere, an event lands on event_day in the user's zone, in every number."""
    s = [session(w, z, m) for w, z, m in sess]
    r = [run(i, w, z) for i, (w, z) in enumerate(runs)]
    hm = heatmap(s, r, [], zone, TODAY)
    window = {d.day for d in hm.days}
    days = practice_days((p.started_at for p in s), zone)
    assert {d.day for d in hm.days if d.minutes} == days & window
    run_days = {event_day(p.started_at, zone) for p in r} & window
    assert {d.day for d in hm.days if d.run} == run_days
    assert before_run(s, r, zone, hm.first, TODAY).run_days == len(run_days)
    assert sum(w.runs for w in weekly_load(r, [], zone, TODAY, 53)) == sum(
        1 for p in r if event_day(p.started_at, zone) in window
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(any_wall, st.sampled_from(ZONES)), max_size=15),
    st.lists(st.tuples(any_wall, st.sampled_from(ZONES)), max_size=10),
)
def test_before_run_share_is_a_share_of_run_days(
    sess: list[tuple[datetime, str]], runs: list[tuple[datetime, str]]
) -> None:
    rs = [run(i, w, z) for i, (w, z) in enumerate(runs)]
    result = before_run([session(w, z) for w, z in sess], rs, BERLIN, date(2026, 1, 1), TODAY)
    days = {event_day(r.started_at, BERLIN) for r in rs}
    assert result.run_days == len({d for d in days if date(2026, 1, 1) <= d <= TODAY})
    assert 0 <= result.prepared_days <= result.run_days
    if result.run_days:
        assert result.share == round(result.prepared_days / result.run_days, 2)
    else:
        assert result.share is None


# --- examples ---------------------------------------------------------------------------------


def test_work_before_the_run_on_the_spring_forward_night_counts() -> None:
    # Berlin skips 02:00-03:00 on 29 March 2026: 01:30-01:50 is still before a 03:10 run.
    s = session(datetime(2026, 3, 29, 1, 30), BERLIN, 20)
    r = run(1, datetime(2026, 3, 29, 3, 10), BERLIN)
    assert (r.started_at - s.ended_at) == timedelta(minutes=20)
    result = before_run([s], [r], BERLIN, date(2026, 3, 1), date(2026, 3, 31))
    assert (result.run_days, result.prepared_days, result.share) == (1, 1, 1.0)


def test_work_after_the_run_or_the_evening_before_does_not_count() -> None:
    r = run(1, datetime(2026, 11, 1, 7, 0), NEW_YORK)  # US fall-back day
    after = session(datetime(2026, 11, 1, 7, 30), NEW_YORK)
    eve = session(datetime(2026, 10, 31, 23, 50), NEW_YORK)
    overlapping = session(datetime(2026, 11, 1, 6, 55), NEW_YORK, 10)  # ends after the start
    result = before_run([after, eve, overlapping], [r], NEW_YORK, date(2026, 10, 1), TODAY)
    assert (result.run_days, result.prepared_days) == (1, 0)


def test_the_days_first_run_decides_whether_the_day_was_prepared() -> None:
    morning = run(1, datetime(2026, 6, 2, 7, 0), BERLIN)
    evening = run(2, datetime(2026, 6, 2, 19, 0), BERLIN)
    noon = session(datetime(2026, 6, 2, 12, 0), BERLIN)
    assert (
        before_run([noon], [evening, morning], BERLIN, date(2026, 6, 1), TODAY).prepared_days == 0
    )
    assert before_run([noon], [evening], BERLIN, date(2026, 6, 1), TODAY).prepared_days == 1


def test_work_in_berlin_before_a_run_in_new_york_counts_on_the_users_day() -> None:
    # Stretch in Berlin at 08:00 (02:00 in New York), fly, run in New York at 18:00.
    s = session(datetime(2026, 7, 10, 8, 0), BERLIN)
    r = run(1, datetime(2026, 7, 10, 18, 0), NEW_YORK)
    assert before_run([s], [r], NEW_YORK, date(2026, 7, 1), TODAY).prepared_days == 1
    # At 01:00 in Berlin it was still the 9th in New York, where the user is now.
    late = session(datetime(2026, 7, 10, 1, 0), BERLIN)
    assert before_run([late], [r], NEW_YORK, date(2026, 7, 1), TODAY).prepared_days == 0


def test_weekly_load_splits_weeks_at_local_monday_midnight() -> None:
    sunday_late = run(1, datetime(2026, 10, 25, 23, 30), BERLIN, 8)  # DST end, Sunday
    monday_early = run(2, datetime(2026, 10, 26, 0, 30), BERLIN, 5)  # Sunday 23:30 UTC
    assert monday_early.started_at.date() == date(2026, 10, 25)
    pains = [
        PainPoint(monday_early.started_at, BERLIN, 4),
        PainPoint(monday_early.started_at, BERLIN, 2),
    ]
    load = weekly_load([sunday_late, monday_early], pains, BERLIN, date(2026, 11, 1), weeks=2)
    assert [w.week_start for w in load] == [date(2026, 10, 19), date(2026, 10, 26)]
    assert (load[0].runs, load[0].km, load[0].mean_pain) == (1, 8.0, None)
    # Two entries on one day: the day counts once, as its worst.
    assert (load[1].runs, load[1].km, load[1].pain_entries, load[1].pain_days) == (1, 5.0, 2, 1)
    assert load[1].mean_pain == 4.0


def test_weekly_pain_is_the_mean_of_each_days_worst_rounded() -> None:
    monday = aware(datetime(2026, 11, 23, 9, 0), BERLIN)
    pains = [
        PainPoint(monday, BERLIN, 3),
        PainPoint(monday + timedelta(hours=5), BERLIN, 1),  # Monday's worst stays 3
        PainPoint(monday + timedelta(days=1), BERLIN, 3),
        PainPoint(monday + timedelta(days=2), BERLIN, 4),
    ]
    (load,) = weekly_load([], pains, BERLIN, date(2026, 11, 29), weeks=1)
    assert (load.pain_entries, load.pain_days, load.mean_pain) == (4, 3, 3.3)


def test_the_current_week_is_judged_on_the_days_so_far() -> None:
    today = date(2026, 12, 2)  # Wednesday
    done = {date(2026, 11, 30), date(2026, 12, 1)}
    adh = weekly_adherence(done, today, weeks=2)
    current = adh.weeks[-1]
    assert (current.days_done, current.days_so_far, current.met) == (2, 3, False)
    assert current.still_possible  # 2 done + 4 days left >= 6
    assert adh.weeks_finished == 1 and adh.weeks_met == 0


def test_a_full_week_meets_the_default_target_of_six() -> None:
    week = {date(2026, 11, 23) + timedelta(days=i) for i in range(6)}
    adh = weekly_adherence(week, TODAY, weeks=2)
    assert adh.target == 6
    assert adh.weeks[0].met and adh.weeks_met == 1


def test_bad_adherence_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="weeks"):
        weekly_adherence(set(), TODAY, weeks=0)
    with pytest.raises(ValueError, match="target"):
        weekly_adherence(set(), TODAY, target=8)


def test_heatmap_marks_runs_and_the_worst_pain_and_shades_minutes() -> None:
    wall = datetime(2026, 3, 8, 2, 30)  # does not exist in New York: clocks jump to 03:00
    r = run(1, wall, NEW_YORK)
    pains = [PainPoint(r.started_at, NEW_YORK, 3), PainPoint(r.started_at, NEW_YORK, 5)]
    hm = heatmap([session(wall, NEW_YORK, 12)], [r], pains, NEW_YORK, TODAY)
    cell = next(d for d in hm.days if d.day == date(2026, 3, 8))
    assert (cell.run, cell.max_pain, cell.minutes, cell.level) == (True, 5, 12.0, 3)
    assert [heat_level(m) for m in (0, 1, 5, 6, 10.5, 20, 45)] == [0, 1, 1, 2, 3, 3, 4]
    assert len(hm.days) <= 371 and hm.days[0].day <= TODAY - timedelta(days=364)
