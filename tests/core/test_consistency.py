"""Consistency numbers land on local days, across DST changes and time-zone moves."""

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
    pain_after_runs,
    week_start,
    weekly_adherence,
    weekly_load,
)
from runback.core.streaks import practice_days

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


def aware(wall: datetime, zone: str) -> datetime:
    """Return the UTC instant of a wall-clock time in a zone."""
    return wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def session(wall: datetime, zone: str, minutes: float = 10.0) -> SessionPoint:
    start = aware(wall, zone)
    return SessionPoint(start, start + timedelta(minutes=minutes), zone, minutes)


def run(id_: int, wall: datetime, zone: str, km: float = 10.0) -> RunPoint:
    return RunPoint(id_, aware(wall, zone), zone, km * 1000)


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(events)
def test_heatmap_puts_minutes_on_the_wall_clock_day_where_they_happened(
    items: list[tuple[datetime, str, float]],
) -> None:
    sessions = [session(w, z, m) for w, z, m in items]
    hm = heatmap(sessions, [], [], TODAY)
    assert hm.first.weekday() == 0
    assert hm.days[0].day == hm.first and hm.days[-1].day == TODAY
    assert all(b.day - a.day == timedelta(days=1) for a, b in itertools.pairwise(hm.days))
    expected: dict[date, float] = defaultdict(float)
    for w, _z, m in items:
        if w.date() >= hm.first:
            expected[w.date()] += m
    got = {d.day: d.minutes for d in hm.days if d.minutes}
    assert got.keys() == expected.keys()
    for day, minutes in expected.items():
        assert got[day] == pytest.approx(minutes, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(events, st.integers(1, 30), st.integers(1, 7))
def test_adherence_counts_each_local_day_once_per_monday_week(
    items: list[tuple[datetime, str, float]], weeks: int, target: int
) -> None:
    days = practice_days((aware(w, z), z) for w, z, _ in items)
    assert days == {w.date() for w, _, _ in items}
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
@given(
    st.lists(st.tuples(any_wall, st.floats(0.5, 40.0)), max_size=15),
    st.lists(st.tuples(any_wall, st.floats(1.0, 42.0)), max_size=15),
    st.lists(st.tuples(any_wall, st.integers(0, 10)), max_size=15),
    st.lists(st.sampled_from(ZONES), min_size=45, max_size=45),
)
def test_moving_between_zones_keeps_every_local_day_number(
    sess: list[tuple[datetime, float]],
    runs: list[tuple[datetime, float]],
    pains: list[tuple[datetime, int]],
    zones: list[str],
) -> None:
    """The same wall-clock life lived in ever-changing zones gives the same calendar numbers."""

    def build(zone_of: list[str]) -> tuple[list[SessionPoint], list[RunPoint], list[PainPoint]]:
        s = [session(w, zone_of[i], m) for i, (w, m) in enumerate(sess)]
        r = [run(i, w, zone_of[15 + i], km) for i, (w, km) in enumerate(runs)]
        p = [
            PainPoint(aware(w, zone_of[30 + i]), zone_of[30 + i], v)
            for i, (w, v) in enumerate(pains)
        ]
        return s, r, p

    home = build(["UTC"] * 45)
    travel = build(zones)
    assert heatmap(*home, TODAY) == heatmap(*travel, TODAY)
    assert weekly_load(home[1], home[2], TODAY, 20) == weekly_load(travel[1], travel[2], TODAY, 20)
    home_days = practice_days((s.started_at, s.zone) for s in home[0])
    travel_days = practice_days((s.started_at, s.zone) for s in travel[0])
    assert weekly_adherence(home_days, TODAY, 40) == weekly_adherence(travel_days, TODAY, 40)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(any_wall, st.sampled_from(ZONES)), max_size=15),
    st.lists(st.tuples(any_wall, st.sampled_from(ZONES)), max_size=10),
)
def test_before_run_share_is_a_share_of_run_days(
    sess: list[tuple[datetime, str]], runs: list[tuple[datetime, str]]
) -> None:
    rs = [run(i, w, z) for i, (w, z) in enumerate(runs)]
    result = before_run([session(w, z) for w, z in sess], rs, date(2026, 1, 1), TODAY)
    assert result.run_days == len({w.date() for w, _ in runs})
    assert 0 <= result.prepared_days <= result.run_days
    if result.run_days:
        assert result.share == pytest.approx(result.prepared_days / result.run_days)
    else:
        assert result.share is None


# --- examples ---------------------------------------------------------------------------------


def test_work_before_the_run_on_the_spring_forward_night_counts() -> None:
    # Berlin skips 02:00-03:00 on 29 March 2026: 01:30-01:50 is still before a 03:10 run.
    s = session(datetime(2026, 3, 29, 1, 30), BERLIN, 20)
    r = run(1, datetime(2026, 3, 29, 3, 10), BERLIN)
    assert (r.start_at - s.ended_at) == timedelta(minutes=20)
    result = before_run([s], [r], date(2026, 3, 1), date(2026, 3, 31))
    assert (result.run_days, result.prepared_days, result.share) == (1, 1, 1.0)


def test_work_after_the_run_or_the_evening_before_does_not_count() -> None:
    r = run(1, datetime(2026, 11, 1, 7, 0), NEW_YORK)  # US fall-back day
    after = session(datetime(2026, 11, 1, 7, 30), NEW_YORK)
    eve = session(datetime(2026, 10, 31, 23, 50), NEW_YORK)
    overlapping = session(datetime(2026, 11, 1, 6, 55), NEW_YORK, 10)  # ends after the start
    result = before_run([after, eve, overlapping], [r], date(2026, 10, 1), TODAY)
    assert (result.run_days, result.prepared_days) == (1, 0)


def test_the_days_first_run_decides_whether_the_day_was_prepared() -> None:
    morning = run(1, datetime(2026, 6, 2, 7, 0), BERLIN)
    evening = run(2, datetime(2026, 6, 2, 19, 0), BERLIN)
    noon = session(datetime(2026, 6, 2, 12, 0), BERLIN)
    assert before_run([noon], [evening, morning], date(2026, 6, 1), TODAY).prepared_days == 0
    assert before_run([noon], [evening], date(2026, 6, 1), TODAY).prepared_days == 1


def test_work_in_new_york_before_a_run_there_counts_after_flying_from_berlin() -> None:
    # Stretch in Berlin at 08:00, fly, run in New York at 18:00 the same calendar day.
    s = session(datetime(2026, 7, 10, 8, 0), BERLIN)
    r = run(1, datetime(2026, 7, 10, 18, 0), NEW_YORK)
    assert before_run([s], [r], date(2026, 7, 1), TODAY).prepared_days == 1


def test_post_run_pain_is_compared_with_and_without_work_before() -> None:
    days = [datetime(2026, 9, d, 7, 0) for d in (7, 8, 9, 10)]
    runs = [run(i, w, BERLIN) for i, w in enumerate(days)]
    sessions = [session(days[0] - timedelta(minutes=30), BERLIN)]
    sessions.append(session(days[1] - timedelta(minutes=30), BERLIN))
    pains = [
        PainPoint(runs[0].start_at + timedelta(hours=2), BERLIN, 2, run_id=0),
        PainPoint(runs[0].start_at + timedelta(hours=5), BERLIN, 3, run_id=0),  # worst counts
        PainPoint(runs[2].start_at + timedelta(hours=2), BERLIN, 6, run_id=2),
        PainPoint(runs[3].start_at + timedelta(hours=2), BERLIN, 4, run_id=3),
        PainPoint(runs[3].start_at + timedelta(hours=3), BERLIN, 9),  # not linked: ignored
    ]
    cmp = pain_after_runs(sessions, runs, pains, date(2026, 9, 1), TODAY)
    assert cmp.with_backup.run_days == 2
    assert cmp.with_backup.days_with_pain_logged == 1
    assert cmp.with_backup.mean_pain == 3
    assert cmp.without_backup.run_days == 2
    assert cmp.without_backup.mean_pain == 5
    assert cmp.without_backup.max_pain == 6


def test_weekly_load_splits_weeks_at_local_monday_midnight() -> None:
    sunday_late = run(1, datetime(2026, 10, 25, 23, 30), BERLIN, 8)  # DST end, Sunday
    monday_early = run(2, datetime(2026, 10, 26, 0, 30), BERLIN, 5)  # Sunday 23:30 UTC
    assert monday_early.start_at.date() == date(2026, 10, 25)
    pains = [
        PainPoint(monday_early.start_at, BERLIN, 4),
        PainPoint(monday_early.start_at, BERLIN, 2),
    ]
    load = weekly_load([sunday_late, monday_early], pains, date(2026, 11, 1), weeks=2)
    assert [w.week_start for w in load] == [date(2026, 10, 19), date(2026, 10, 26)]
    assert (load[0].runs, load[0].km, load[0].mean_pain) == (1, 8.0, None)
    assert (load[1].runs, load[1].km, load[1].mean_pain, load[1].pain_entries) == (1, 5.0, 3.0, 2)


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
    pains = [PainPoint(r.start_at, NEW_YORK, 3), PainPoint(r.start_at, NEW_YORK, 5)]
    hm = heatmap([session(wall, NEW_YORK, 12)], [r], pains, TODAY)
    cell = next(d for d in hm.days if d.day == date(2026, 3, 8))
    assert (cell.run, cell.max_pain, cell.minutes, cell.level) == (True, 5, 12.0, 3)
    assert [heat_level(m) for m in (0, 1, 5, 6, 10.5, 20, 45)] == [0, 1, 1, 2, 3, 3, 4]
    assert len(hm.days) <= 371 and hm.days[0].day <= TODAY - timedelta(days=364)
