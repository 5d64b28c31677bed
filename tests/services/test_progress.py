"""Stats gather stored sessions, runs and pain, and count them on the user's local days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from runback.core.clock import FakeClock
from runback.errors import ValidationError
from runback.services.progress import gather_stats
from runback.services.store import LOCAL_USER_ID, Store, ZoneChange, open_store
from runback.services.today import today as today_view
from runback.settings import Settings
from runback.storage.models import PainEntryRow, RunRow, SessionRow, UserRow

BERLIN = "Europe/Berlin"


def local(y: int, m: int, d: int, h: int, mi: int = 0, zone: str = BERLIN) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def add_session(
    store: Store,
    start: datetime,
    minutes: float = 10,
    zone: str = BERLIN,
    done: bool = True,
    ended: bool = True,
) -> None:
    with store.tx() as s:
        s.add(
            SessionRow(
                user_id=LOCAL_USER_ID,
                routine_slug="back-up-basics",
                routine_name="Back-up basics",
                started_at=start,
                ended_at=start + timedelta(minutes=minutes) if ended else None,
                zone=zone,
                steps_total=3,
                steps_done=["a", "b", "c"] if done else [],
                completed=done,
                active_s=minutes * 60,
            )
        )


def add_run(
    store: Store, start: datetime, km: float, zone: str = BERLIN, sport: str = "running"
) -> int:
    with store.tx() as s:
        row = RunRow(
            user_id=LOCAL_USER_ID,
            started_at=start,
            zone=zone,
            elapsed_s=3600.0,
            moving_s=None,
            distance_m=km * 1000,
            ascent_m=None,
            sport=sport,
            name=None,
            source_format="gpx",
            source_file="r.gpx",
            device=None,
            content_hash=start.isoformat(),
            imported_at=start,
        )
        s.add(row)
        s.flush()
        return row.id


def add_pain(store: Store, at: datetime, intensity: int, run_id: int | None) -> None:
    with store.tx() as s:
        s.add(
            PainEntryRow(
                user_id=LOCAL_USER_ID,
                at=at,
                zone=BERLIN,
                region="lower-back",
                intensity=intensity,
                run_id=run_id,
                red_flags=[],
                notes="",
            )
        )


def test_an_empty_log_gives_zeros_not_errors(store: Store) -> None:
    stats = gather_stats(store, user_id=LOCAL_USER_ID)
    assert stats.today == date(2026, 1, 5)
    assert (stats.streaks.current, stats.streaks.longest) == (0, 0)
    assert stats.adherence.target == 6 and len(stats.adherence.weeks) == 12
    assert stats.before_run.share is None
    assert not stats.patterns.shown
    assert all(p.comparison.with_mean is None for p in stats.patterns.patterns)
    assert sum(w.km for w in stats.weekly_load) == 0
    assert stats.heatmap.days[-1].day == stats.today
    assert stats.model_dump(mode="json")["heatmap"]["days"][0]["level"] == 0


def test_a_week_of_work_runs_and_pain(store: Store, clock: FakeClock) -> None:
    # Mon 29 Dec 2025 .. Sat 3 Jan 2026: six days of work; today is Monday 5 Jan, 09:00 Berlin.
    for i in range(6):
        add_session(store, local(2025, 12, 29 + i, 7) if i < 3 else local(2026, 1, i - 2, 7))
    add_session(store, local(2026, 1, 1, 12), done=False)  # skipped through: not work
    prepared = add_run(store, local(2025, 12, 30, 8), 10)  # after the 07:00 work
    unprepared = add_run(store, local(2026, 1, 3, 6), 6)  # before the 07:00 work
    add_run(store, local(2026, 1, 2, 9), 40, sport="cycling")  # rides are not counted
    add_pain(store, local(2025, 12, 30, 12), 2, prepared)
    add_pain(store, local(2026, 1, 3, 12), 5, unprepared)
    add_pain(store, local(2026, 1, 3, 20), 6, unprepared)

    stats = gather_stats(store, weeks=2, user_id=LOCAL_USER_ID)
    assert (stats.streaks.current, stats.streaks.longest, stats.streaks.practice_days) == (0, 6, 6)
    last_week = stats.adherence.weeks[0]
    assert (last_week.week_start, last_week.days_done, last_week.met) == (
        date(2025, 12, 29),
        6,
        True,
    )
    assert stats.adherence.weeks_met == 1
    assert (stats.before_run.run_days, stats.before_run.prepared_days) == (2, 1)
    assert stats.before_run.share == 0.5
    after = next(p for p in stats.patterns.patterns if p.key == "backup-before-run")
    c = after.comparison
    assert after.outcome == "after-run" and not c.shown  # one run day in each: too few
    assert (c.with_n, c.without_n) == (1, 1) and c.with_mean is c.without_mean is None
    assert "log pain on 7 more with and 7 more without (at least 8 days" in after.text
    assert stats.weekly_load[0].km == 16 and stats.weekly_load[0].runs == 2
    # Each day's worst pain (2 on the 30th, 6 on the 3rd), not the mean of entries (13 / 3).
    assert stats.weekly_load[0].mean_pain == 4.0
    assert stats.weekly_load[0].pain_entries == 3 and stats.weekly_load[0].pain_days == 2
    cell = next(d for d in stats.heatmap.days if d.day == date(2025, 12, 30))
    assert (cell.minutes, cell.level, cell.run, cell.max_pain) == (10.0, 2, True, 2)


def test_work_late_in_new_york_counts_on_the_users_day_in_berlin(
    store: Store, clock: FakeClock
) -> None:
    # 23:30 on Sunday 4 Jan in New York is already Monday morning in Berlin, where the user
    # is now: Today lists it today, so stats counts it today too.
    add_session(store, local(2026, 1, 4, 23, 30, zone="America/New_York"), zone="America/New_York")
    stats = gather_stats(store, weeks=1, user_id=LOCAL_USER_ID)
    cell = {d.day: d.minutes for d in stats.heatmap.days}
    assert cell[date(2026, 1, 4)] == 0 and cell[date(2026, 1, 5)] == 10
    assert stats.streaks.current == 1
    assert stats.adherence.weeks[0].days_done == 1


def test_an_interrupted_session_counts_with_its_active_time(store: Store, clock: FakeClock) -> None:
    add_session(store, local(2026, 1, 5, 6), minutes=4, ended=False)
    run_id = add_run(store, local(2026, 1, 5, 7), 5)
    add_pain(store, local(2026, 1, 5, 8), 1, run_id)
    stats = gather_stats(store, weeks=1, user_id=LOCAL_USER_ID)
    assert stats.before_run.prepared_days == 1
    assert stats.heatmap.days[-1].minutes == 4 and stats.heatmap.days[-1].level == 1


def test_the_weekly_target_comes_from_the_users_targets(store: Store) -> None:
    with store.tx() as s:
        user = s.get(UserRow, LOCAL_USER_ID)
        assert user is not None
        user.prefs = {"targets": {"days_per_week": 3}}
    assert gather_stats(store, user_id=LOCAL_USER_ID).adherence.target == 3
    assert gather_stats(store, target=5, user_id=LOCAL_USER_ID).adherence.target == 5


@pytest.mark.parametrize(("kwargs", "field"), [({"weeks": 0}, "weeks"), ({"target": 9}, "target")])
def test_bad_arguments_are_refused_clearly(
    store: Store, kwargs: dict[str, int], field: str
) -> None:
    with pytest.raises(ValidationError, match=field):
        gather_stats(store, user_id=LOCAL_USER_ID, **kwargs)


def test_numbers_in_the_json_are_rounded(store: Store, clock: FakeClock) -> None:
    run_id = add_run(store, local(2026, 1, 5, 7), 10)
    add_pain(store, local(2026, 1, 5, 8), 3, run_id)
    add_pain(store, local(2026, 1, 1, 8), 3, None)
    add_pain(store, local(2026, 1, 2, 8), 4, None)
    add_session(store, local(2025, 12, 30, 7), minutes=1 / 3)
    for i in range(2):  # one of three run days prepared: a share of 1/3
        add_session(store, local(2025, 12, 22 + i, 6), minutes=5)
        add_run(store, local(2025, 12, 22 + i * 7, 7), 5)
    text = gather_stats(store, weeks=3, user_id=LOCAL_USER_ID).model_dump_json()
    assert "3333" not in text and "6666" not in text
    stats = gather_stats(store, weeks=3, user_id=LOCAL_USER_ID)
    assert stats.weekly_load[0].mean_pain is None
    assert stats.weekly_load[1].mean_pain == 3.5
    assert stats.before_run.share == 0.33


def test_today_streaks_and_stats_agree_after_moving_west(
    settings: Settings, clock: FakeClock
) -> None:
    """Eleven sessions recorded in Berlin this morning, then the user moves to Los Angeles."""
    clock.advance(-7 * 3600)  # 01:00 UTC on Monday 5 Jan: 02:00 in Berlin, Sunday 17:00 in LA
    berlin = open_store(settings, clock)
    try:
        for i in range(11):
            add_session(berlin, local(2026, 1, 5, 1, 10 + i, zone=BERLIN), minutes=1)
        assert today_view(berlin, user_id=LOCAL_USER_ID).date == date(2026, 1, 5)
    finally:
        berlin.close()
    la = open_store(settings.model_copy(update={"zone": "America/Los_Angeles"}), clock)
    try:
        assert la.zone_change == ZoneChange(old=BERLIN, new="America/Los_Angeles")
        today = today_view(la, user_id=LOCAL_USER_ID)
        stats = gather_stats(la, weeks=1, user_id=LOCAL_USER_ID)
    finally:
        la.close()
    assert today.date == stats.today == date(2026, 1, 4)  # still Sunday in Los Angeles
    assert len(today.sessions) == 11
    assert today.practiced_today and today.current_streak == 1
    assert stats.streaks.practice_days == 1 and stats.streaks.current == 1
    assert stats.heatmap.days[-1].minutes == 11
    assert stats.adherence.weeks[-1].days_done == 1
