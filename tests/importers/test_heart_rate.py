"""Heart rate from every format: the fixtures' values, time weighting, implausible ones dropped."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from runback.importers import gpx_fast, tcx, xmlsafe
from runback.importers.activity import HeartRateTrack, plausible_hr, weighted_hr
from runback.importers.files import parse_activity
from runback.importers.strava_csv import parse_activities_csv

from ..conftest import SHARED_FIXTURES

# (avg_hr, max_hr) of every fixture that records heart rate. FIT: the session's avg_heart_rate
# and max_heart_rate as fitdecode reads them. TCX: the laps' AverageHeartRateBpm weighted by
# TotalTimeSeconds, worked by hand, and the highest MaximumHeartRateBpm.
FIXTURE_HR = {
    "fit/garmin-edge-820-bike.fit": (116, 121),
    "fit/garmin-fenix-5-bike.fit": (101, 114),
    "fit/garmin-fenix-5-run.fit": (90, 112),
    "fit/garmin-fenix-5-walk.fit": (75, 82),
    "fit/sample-activity-indoor-trainer.fit": (148, 176),
    "fit/sample-activity.fit": (166, 191),
    "same-run/2022-05-29-15-53-35_Laufen_Landal_Park.fit": (136, 169),
    # (139 x 608.47 + 172 x 714.80 + 167 x 669.51) / 1992.78 = 160.24
    "tcx/test.tcx": (160, 189),
    # (88 x 966.796 + 87 x 145.539) / 1112.335 = 87.87
    "tcx/sup_activity_1.tcx": (88, 108),
    # (144 x 2160.432 + 131 x 240.828) / 2401.26 = 142.70
    "tcx/cross-country-skiing_activity_1.tcx": (143, 172),
}
NO_HR = [
    "fit/Activity.fit",
    "fit/activity-small-fenix2-run.fit",
    "strava-export/activities/12866632127.fit.gz",
    "gpx/cerknicko-jezero.gpx",
    "gpx/track-with-empty-segment.gpx",
]


@pytest.mark.parametrize("name", sorted(FIXTURE_HR))
def test_fixture_heart_rates(name: str) -> None:
    activity = parse_activity(name, (SHARED_FIXTURES / name).read_bytes())
    assert (activity.avg_hr, activity.max_hr) == FIXTURE_HR[name]


@pytest.mark.parametrize("name", NO_HR)
def test_fixtures_without_heart_rate_have_none(name: str) -> None:
    activity = parse_activity(name, (SHARED_FIXTURES / name).read_bytes())
    assert activity.avg_hr is None and activity.max_hr is None


@pytest.mark.parametrize(
    ("value", "want"),
    [
        *[(148, 148.0), ("148", 148.0), (" 30 ", 30.0), ("250", 250.0), (29, None)],
        *[(251, None), ("abc", None), ("nan", None), ("inf", None), (None, None), (True, None)],
    ],
)
def test_plausible_hr_drops_what_no_heart_does(value: object, want: float | None) -> None:
    assert plausible_hr(value) == want


def test_weighted_hr_weighs_by_seconds_and_skips_the_missing() -> None:
    assert weighted_hr([(100.0, 60.0), (160.0, 180.0)]) == 145
    assert weighted_hr([(100.0, 60.0), (None, 600.0), (160.0, 180.0)]) == 145
    assert weighted_hr([(100.0, None), (161.0, 0.0)]) == 130  # no time: the plain mean
    assert weighted_hr([(None, 60.0)]) is None


def test_the_track_holds_each_reading_until_the_next_point_at_most_a_minute() -> None:
    t0 = datetime(2026, 5, 3, 7, 0, tzinfo=UTC)
    track = HeartRateTrack()
    track.add(100.0, t0)
    track.add(160.0, t0 + timedelta(seconds=10))
    track.add(None, t0 + timedelta(seconds=40))  # no reading: 160 held for 30 s
    track.add(130.0, t0 + timedelta(seconds=50))
    track.add(90.0, t0 + timedelta(seconds=1000))  # a pause: 130 counts one minute, not 950 s
    # (100 x 10 + 160 x 30 + 130 x 60) / 100 = 136
    assert track.average() == 136
    assert track.maximum() == 160


def _gpx(version: str, points: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<gpx version="{version}" creator="t" '
        f'xmlns="http://www.topografix.com/GPX/1/{version[-1]}" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def _pt(i: int, hr: str | None, seconds: int, other: str = "") -> str:
    ext = (
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
        "</gpxtpx:TrackPointExtension></extensions>"
        if hr is not None
        else ""
    )
    when = (datetime(2026, 5, 3, 7, 0, tzinfo=UTC) + timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return f'<trkpt lat="52.{i:04d}" lon="13.0"><time>{when}</time>{other}{ext}</trkpt>'


def _both(name: str, data: bytes) -> tuple[int | None, int | None]:
    """Return (avg_hr, max_hr) from the one-pass reader, checked equal to the careful path's."""
    fast = parse_activity(name, data)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(gpx_fast, "read_gpx", lambda _data: None)
        m.setattr(xmlsafe, "_vetted_tree", lambda _data: None)
        m.setattr(tcx, "_stream", lambda _data, _source: None)
        careful = parse_activity(name, data)
    assert fast == careful
    return fast.avg_hr, fast.max_hr


def test_gpx_heart_rate_is_time_weighted_in_both_paths() -> None:
    points = _pt(0, "100", 0) + _pt(1, "160", 10) + _pt(2, "130", 40) + _pt(3, None, 50)
    # (100 x 10 + 160 x 30 + 130 x 10) / 50 = 142; a point with a <speed> goes through gpxpy.
    assert _both("hr.gpx", _gpx("1.1", points)) == (142, 160)
    odd = _pt(0, "100", 0) + _pt(1, "160", 10, "<speed>3</speed>") + _pt(2, "130", 40)
    assert _both("hr.gpx", _gpx("1.1", odd + _pt(3, None, 50))) == (142, 160)


def test_gpx_drops_implausible_readings_and_10_has_no_extensions() -> None:
    points = _pt(0, "20", 0) + _pt(1, "140", 10) + _pt(2, "255", 20) + _pt(3, "abc", 30)
    assert _both("hr.gpx", _gpx("1.1", points + _pt(4, None, 40))) == (140, 140)
    assert _both("hr.gpx", _gpx("1.0", points)) == (None, None)


_TCX = (
    '<?xml version="1.0"?><TrainingCenterDatabase '
    'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities>'
    '<Activity Sport="Running"><Id>2026-05-03T07:00:00Z</Id>{laps}</Activity></Activities>'
    "</TrainingCenterDatabase>"
)


def _tp(seconds: int, hr: str | None) -> str:
    heart = f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm>" if hr is not None else ""
    when = (datetime(2026, 5, 3, 7, 0, tzinfo=UTC) + timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return f"<Trackpoint><Time>{when}</Time>{heart}</Trackpoint>"


def test_tcx_laps_weighted_by_their_time() -> None:
    laps = (
        '<Lap StartTime="2026-05-03T07:00:00Z"><TotalTimeSeconds>600</TotalTimeSeconds>'
        "<DistanceMeters>2000</DistanceMeters><AverageHeartRateBpm><Value>140</Value>"
        "</AverageHeartRateBpm><MaximumHeartRateBpm><Value>150</Value></MaximumHeartRateBpm>"
        f"<Track>{_tp(0, '90')}{_tp(600, '200')}</Track></Lap>"
        '<Lap StartTime="2026-05-03T07:10:00Z"><TotalTimeSeconds>200</TotalTimeSeconds>'
        "<DistanceMeters>500</DistanceMeters><AverageHeartRateBpm><Value>180</Value>"
        "</AverageHeartRateBpm><MaximumHeartRateBpm><Value>190</Value></MaximumHeartRateBpm>"
        "</Lap>"
    )
    # (140 x 600 + 180 x 200) / 800 = 150; the laps' own values win over the points'.
    assert _both("hr.tcx", _TCX.format(laps=laps).encode()) == (150, 190)


def test_tcx_without_lap_values_reads_the_track_points() -> None:
    points = _tp(0, "120") + _tp(30, "150") + _tp(40, "300") + _tp(60, "140")
    laps = (
        '<Lap StartTime="2026-05-03T07:00:00Z"><TotalTimeSeconds>60</TotalTimeSeconds>'
        f"<DistanceMeters>200</DistanceMeters><Track>{points}</Track></Lap>"
    )
    # 120 for 30 s, 150 for 10 s, 300 dropped (its 20 s count for nothing): (3600 + 1500) / 40
    assert _both("hr.tcx", _TCX.format(laps=laps).encode()) == (128, 150)


def _csv(avg: str, top: str) -> bytes:
    """Return the fixture's activities.csv with its heart rate columns filled."""
    data = (SHARED_FIXTURES / "strava-export" / "activities.csv").read_text("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(data, newline="")))[:2]
    row[header.index("Average Heart Rate")] = avg
    # Max Heart Rate repeats: the later one is filled, the first left empty as Strava leaves it.
    row[len(header) - 1 - header[::-1].index("Max Heart Rate")] = top
    out = io.StringIO()
    csv.writer(out).writerows([header, row])
    return out.getvalue().encode()


def test_strava_csv_heart_rate_columns() -> None:
    parsed = parse_activities_csv(_csv("148.0", "171"), "a.csv")
    assert (parsed[0].avg_hr, parsed[0].max_hr) == (148, 171)
    assert parsed[0].to_activity("a.csv").avg_hr == 148
    dropped = parse_activities_csv(_csv("12", "300"), "a.csv")
    assert (dropped[0].avg_hr, dropped[0].max_hr) == (None, None)
    data = (SHARED_FIXTURES / "strava-export" / "activities.csv").read_bytes()
    assert parse_activities_csv(data, "a.csv")[0].avg_hr is None


def test_strava_fills_heart_rate_only_when_the_file_has_none() -> None:
    from dataclasses import replace

    from runback.importers.strava import _with_csv

    row = parse_activities_csv(_csv("150", "170"), "a.csv")[0]
    name = "fit/garmin-fenix-5-run.fit"
    watch = parse_activity(name, (SHARED_FIXTURES / name).read_bytes())
    assert (_with_csv(watch, row).avg_hr, _with_csv(watch, row).max_hr) == (90, 112)
    bare = replace(watch, avg_hr=None, max_hr=None)
    assert (_with_csv(bare, row).avg_hr, _with_csv(bare, row).max_hr) == (150, 170)


def test_the_sandbox_carries_heart_rate() -> None:
    from runback.importers.sandbox import activity_from_json, activity_to_json

    name = "tcx/test.tcx"
    activity = parse_activity(name, (SHARED_FIXTURES / name).read_bytes())
    assert activity_from_json(activity_to_json(activity)) == activity
