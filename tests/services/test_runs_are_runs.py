"""Runs are runs: rides and walks are listed but never counted; runs can be fixed and deleted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from runback.core.clock import FakeClock
from runback.errors import NotFoundError, ValidationError
from runback.services.pain import log_pain
from runback.services.progress import gather_stats
from runback.services.report import gather_report
from runback.services.run_import import import_paths
from runback.services.runs import delete_run, edit_run, get_run, list_runs
from runback.services.slots import due_slots
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import PainEntryRow, RunRow, UserRow

ME = LOCAL_USER_ID


def add(store: Store, start: datetime, sport: str, km: float = 10.0, user_id: int = ME) -> int:
    with store.tx() as s:
        row = RunRow(
            user_id=user_id,
            started_at=start,
            zone="Europe/Berlin",
            elapsed_s=3600.0,
            moving_s=3000.0,
            distance_m=km * 1000,
            ascent_m=None,
            sport=sport,
            name=None,
            source_format="fit",
            source_file=f"{sport}-{start:%H%M}-{user_id}.fit",
            device=None,
            content_hash=f"{sport}{start:%Y%m%d%H%M}{user_id}".ljust(64, "0"),
            imported_at=start,
        )
        s.add(row)
        s.flush()
        return row.id


def test_list_runs_gives_runs_unless_asked_for_more(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    run = add(store, now - timedelta(days=3), "running")
    trail = add(store, now - timedelta(days=2), "trail-running")
    ride = add(store, now - timedelta(days=1), "cycling", km=88)
    assert [r.id for r in list_runs(store, user_id=ME)] == [run, trail]
    assert [r.id for r in list_runs(store, sport="all", user_id=ME)] == [run, trail, ride]
    assert [r.id for r in list_runs(store, sport="other", user_id=ME)] == [ride]
    assert [r.id for r in list_runs(store, sport="trail-running", user_id=ME)] == [trail]
    with pytest.raises(ValidationError, match="sport"):
        list_runs(store, sport="bike", user_id=ME)


def test_the_run_model_says_what_it_is_and_its_pace(store: Store, clock: FakeClock) -> None:
    add(store, clock.now() - timedelta(days=1), "treadmill", km=10)
    add(store, clock.now() - timedelta(hours=5), "cycling", km=30)
    treadmill, ride = list_runs(store, sport="all", user_id=ME)
    assert treadmill.is_run and treadmill.pace_s_per_km == 300.0  # 3000 s moving over 10 km
    assert not ride.is_run and ride.pace_s_per_km is None
    assert {"is_run": True, "pace_s_per_km": 300.0}.items() <= treadmill.to_json().items()


def test_a_bike_ride_is_not_in_stats_report_or_slots(store: Store, clock: FakeClock) -> None:
    # Tuesday 6 Jan 2026, 18:00 UTC: an 88 km ride this afternoon, a 10 km run yesterday.
    clock.advance(34 * 3600)
    assert clock.now() == datetime(2026, 1, 6, 18, 0, tzinfo=UTC)
    add(store, clock.now() - timedelta(days=1), "running", km=10)
    add(store, clock.now() - timedelta(hours=2), "cycling", km=88)
    stats = gather_stats(store, weeks=2, user_id=ME)
    week = stats.weekly_load[-1]
    assert (week.runs, round(week.km)) == (1, 10)
    assert stats.before_run.run_days == 1
    assert sum(1 for d in stats.heatmap.days if d.run) == 1
    report = gather_report(store, weeks=1, user_id=ME)
    assert sum(w.runs for w in report.weeks) == 1
    assert sum(w.distance_km for w in report.weeks) == 10.0
    due = {d.slot: d.status for d in due_slots(store, user_id=ME)}
    assert due["after-run"] == "not-today"  # the ride is not the run after-run care is for


def test_pain_links_to_the_latest_run_not_the_ride_after_it(store: Store, clock: FakeClock) -> None:
    run = add(store, clock.now() - timedelta(hours=5), "running")
    add(store, clock.now() - timedelta(hours=1), "cycling")
    logged = log_pain(store, region="lower-back", intensity=3, user_id=ME)
    assert logged.entry.run_id == run


def test_delete_keeps_pain_entries_unlinked(store: Store, clock: FakeClock) -> None:
    run = add(store, clock.now() - timedelta(hours=2), "running")
    log_pain(store, region="lower-back", intensity=4, user_id=ME)
    gone = delete_run(store, user_id=ME, run_id=run)
    assert gone.id == run
    assert list_runs(store, sport="all", user_id=ME) == []
    with store.factory() as s:
        (entry,) = s.scalars(select(PainEntryRow)).all()
    assert entry.run_id is None and entry.intensity == 4
    with pytest.raises(NotFoundError, match=f"no run or activity with id {run}"):
        delete_run(store, user_id=ME, run_id=run)


def test_edit_fixes_the_sport_and_stats_follow(store: Store, clock: FakeClock) -> None:
    ride = add(store, clock.now() - timedelta(hours=2), "running", km=88)
    assert gather_stats(store, weeks=1, user_id=ME).weekly_load[-1].runs == 1
    fixed = edit_run(store, user_id=ME, run_id=ride, sport="Cycling", name="  Sunday  ride ")
    assert (fixed.sport, fixed.name, fixed.is_run) == ("cycling", "Sunday ride", False)
    assert gather_stats(store, weeks=1, user_id=ME).weekly_load[-1].runs == 0
    assert edit_run(store, user_id=ME, run_id=ride, name="").name is None
    assert get_run(store, user_id=ME, run_id=ride).sport == "cycling"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"sport": "bike"}, "sport: must be one of running, trail-running"),
        ({"name": "x" * 301}, "name: at most 300 characters"),
        ({}, "give a new sport or a new name"),
    ],
)
def test_edit_refuses_bad_input_and_changes_nothing(
    store: Store, clock: FakeClock, changes: dict[str, str], problem: str
) -> None:
    run = add(store, clock.now() - timedelta(days=1), "running")
    with pytest.raises(ValidationError) as exc:
        edit_run(store, user_id=ME, run_id=run, **changes)
    assert any(p.startswith(problem) for p in exc.value.problems)
    assert get_run(store, user_id=ME, run_id=run).sport == "running"


def test_another_users_run_cannot_be_seen_changed_or_deleted(
    store: Store, clock: FakeClock
) -> None:
    with store.tx() as s:
        other = UserRow(email="b@example.org", zone="UTC", prefs={}, created_at=clock.now())
        s.add(other)
        s.flush()
        other_id = other.id
    theirs = add(store, clock.now() - timedelta(days=1), "running", user_id=other_id)
    calls: tuple[Callable[[], object], ...] = (
        lambda: get_run(store, user_id=ME, run_id=theirs),
        lambda: edit_run(store, user_id=ME, run_id=theirs, sport="cycling"),
        lambda: delete_run(store, user_id=ME, run_id=theirs),
    )
    for call in calls:
        with pytest.raises(NotFoundError):
            call()
    assert get_run(store, user_id=other_id, run_id=theirs).sport == "running"


def test_imported_fixtures_keep_their_sport(store: Store, fixtures_dir: Path) -> None:
    import_paths(store, [fixtures_dir / "fit", fixtures_dir / "tcx"], user_id=ME)
    by_file = {Path(r.source_file).name: r for r in list_runs(store, sport="all", user_id=ME)}
    assert by_file["sample-activity.fit"].sport == "cycling"  # the 88 km ride
    assert not by_file["sample-activity.fit"].is_run
    assert by_file["garmin-edge-820-bike.fit"].sport == "cycling"
    assert by_file["garmin-fenix-5-walk.fit"].sport == "walking"
    assert by_file["test.tcx"].sport == "running"
    assert by_file["sup_activity_1.tcx"].sport == "other"
    runs = {Path(r.source_file).name for r in list_runs(store, user_id=ME)}
    assert runs == {
        "Activity.fit",
        "activity-small-fenix2-run.fit",
        "garmin-fenix-5-run.fit",
        "strava-android-app-201.10-b1218918.fit",
        "test.tcx",
    }
