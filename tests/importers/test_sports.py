"""Every importer keeps the activity's sport, in runback's vocabulary, as the file states it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from runback.core.runs import is_run
from runback.core.vocab import SPORTS
from runback.importers.activity import map_sport
from runback.importers.files import parse_activity
from runback.importers.fit import _sport
from runback.importers.strava import _with_csv, read_export_dir

from ..conftest import SHARED_FIXTURES

# Every shared file that becomes an activity, and its sport.
EXPECTED = {
    "fit/Activity.fit": "running",
    "fit/activity-small-fenix2-run.fit": "running",
    "fit/garmin-edge-820-bike.fit": "cycling",
    "fit/garmin-fenix-5-bike.fit": "cycling",
    "fit/garmin-fenix-5-run.fit": "running",
    "fit/garmin-fenix-5-walk.fit": "walking",
    "fit/sample-activity-indoor-trainer.fit": "cycling",
    "fit/sample-activity.fit": "cycling",  # the 88 km ride
    "fit/strava-android-app-201.10-b1218918.fit": "running",
    "same-run/2022-05-29-15-53-35_Laufen_Landal_Park.fit": "running",
    "strava-export/activities/12866632127.fit.gz": "running",
    "tcx/test.tcx": "running",
    "tcx/cross-country-skiing_activity_1.tcx": "other",
    "tcx/sup_activity_1.tcx": "other",
    # These GPX tracks name no sport (<type>): "other" until the user says what it was.
    "gpx/cerknicko-jezero.gpx": "other",
    "gpx/track-with-empty-segment.gpx": "other",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_files_keep_their_sport(name: str) -> None:
    activity = parse_activity(name, (SHARED_FIXTURES / name).read_bytes())
    assert activity.sport == EXPECTED[name]
    assert activity.sport in SPORTS


def test_the_bike_rides_are_not_runs() -> None:
    rides = [n for n, sport in EXPECTED.items() if sport == "cycling"]
    assert len(rides) == 4 and not any(is_run(EXPECTED[n]) for n in rides)


@pytest.mark.parametrize(
    ("word", "sub", "sport"),
    [
        ("running", "trail", "trail-running"),
        ("running", "treadmill", "treadmill"),
        ("running", "track", "track"),
        ("running", "street", "running"),
        ("running", "generic", "running"),
        ("fitness_equipment", "treadmill", "treadmill"),
        ("cycling", "trail", "cycling"),  # a mountain-bike trail is still a ride
        ("hiking", None, "hiking"),
        ("Run", None, "running"),  # Strava
        ("TrailRun", None, "trail-running"),
        ("VirtualRun", None, "treadmill"),
        ("Ride", None, "cycling"),
        ("Hike", None, "hiking"),
        ("Wanderung", None, "hiking"),
        ("Radfahrt", None, "cycling"),
        ("trail_running", None, "trail-running"),  # Garmin GPX
        ("road_biking", None, "cycling"),
        ("9", None, "running"),  # Strava GPX codes
        ("1", None, "cycling"),
        ("Biking", None, "cycling"),  # TCX
        ("Other", None, "other"),
        ("strides", None, "other"),  # whole words only: not a ride
        (None, None, "other"),
    ],
)
def test_map_sport(word: str | None, sub: str | None, sport: str) -> None:
    assert map_sport(word, sub) == sport


def test_fit_sessions_keep_the_kind_of_run_and_multisport_is_other() -> None:
    assert _sport([{"sport": "running", "sub_sport": "trail"}]) == "trail-running"
    assert _sport([{"sport": "running", "sub_sport": "treadmill"}]) == "treadmill"
    assert _sport([{"sport": "swimming"}, {"sport": "cycling"}, {"sport": "running"}]) == "other"


def test_gpx_type_is_read() -> None:
    data = (SHARED_FIXTURES / "gpx/track-with-empty-segment.gpx").read_bytes()
    typed = data.replace(b"<trk>", b"<trk><type>trail_running</type>", 1)
    assert parse_activity("typed.gpx", typed).sport == "trail-running"


def test_strava_plain_run_does_not_undo_the_watchs_trail_run() -> None:
    (item,) = read_export_dir(SHARED_FIXTURES / "strava-export", 50 * 1024 * 1024)
    watch = replace(item.load(), sport="trail-running", name=None)
    from runback.importers.strava_csv import CsvActivity

    row = CsvActivity(1, "1", "Trail", "running", None, None, None, None, None, None)
    assert _with_csv(watch, row).sport == "trail-running"
    ride = replace(row, sport="cycling")
    assert _with_csv(watch, ride).sport == "cycling"  # the user's own fix on Strava wins
