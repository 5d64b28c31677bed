"""Strava bulk exports: the real skeleton (folder and zip) and the CSV quirks real exports have."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from runback.errors import ActivityFileError
from runback.importers.strava import ZipLimits, open_zip, read_export_dir
from runback.importers.strava_csv import parse_activities_csv, parse_strava_date

from ..conftest import SHARED_FIXTURES

MB = 1024 * 1024
LIMITS = ZipLimits.for_file_limit(50 * MB)


def test_real_export_folder_names_the_run_from_the_csv() -> None:
    items = read_export_dir(SHARED_FIXTURES / "strava-export", 50 * MB)
    assert [i.name.rsplit("/", 2)[-2:] for i in items] == [["activities", "12866632127.fit.gz"]]
    activity = items[0].load()
    assert activity.name == "Laufen Landal Park"
    assert activity.sport == "running"
    assert activity.start == datetime(2022, 5, 29, 15, 53, 35, tzinfo=UTC)
    assert activity.distance_m == pytest.approx(3322.95)


def test_real_export_zip_gives_the_same_activity() -> None:
    with open_zip(SHARED_FIXTURES / "strava-export.zip", "strava-export.zip", LIMITS) as items:
        assert [i.name for i in items] == ["strava-export.zip:activities/12866632127.fit.gz"]
        zipped = items[0].load()
    folder = read_export_dir(SHARED_FIXTURES / "strava-export", 50 * MB)[0].load()
    assert zipped == folder


def test_duplicate_columns_are_read_deliberately() -> None:
    rows = parse_activities_csv(
        (SHARED_FIXTURES / "strava-export/activities.csv").read_bytes(), "a"
    )
    (row,) = rows
    assert row.distance_m == pytest.approx(3322.95)  # the metres column, not the km one
    assert row.elapsed_s == pytest.approx(1428.0)
    assert row.moving_s == pytest.approx(1411.0)
    assert row.filename == "activities/12866632127.fit.gz"
    assert row.activity_id == "12070555079"


GERMAN_CSV = (
    "Aktivitäts-ID,Aktivitätsdatum,Name der Aktivität,Aktivitätsart,Beschreibung der Aktivität,"
    "Verstrichene Zeit,Distanz,Dateiname,Verstrichene Zeit,Distanz\n"
    '1,"29.05.2022, 15:53:35",Abendlauf,Lauf,"Erste Zeile\nzweite Zeile, mit Komma",'
    '1428,"3,32",,1428.0,3322.9\n'
    '2,"30. Mai 2022, 07:00:00",Radtour,Radfahrt,"",3600,"20,5",activities/2.gpx,3600.0,20500.0\n'
)


def test_german_headers_day_first_dates_and_newlines_in_quotes() -> None:
    rows = parse_activities_csv(GERMAN_CSV.encode(), "activities.csv")
    assert [r.name for r in rows] == ["Abendlauf", "Radtour"]
    assert rows[0].start == datetime(2022, 5, 29, 15, 53, 35, tzinfo=UTC)
    assert rows[1].start == datetime(2022, 5, 30, 7, 0, tzinfo=UTC)
    assert rows[0].sport == "running" and rows[1].sport == "cycling"
    assert rows[0].filename is None and rows[1].filename == "activities/2.gpx"
    assert rows[0].distance_m == pytest.approx(3322.9)


def test_manual_entry_imports_from_its_row_and_missing_file_is_named() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("activities.csv", GERMAN_CSV)
    buffer.seek(0)
    with open_zip(buffer, "export.zip", LIMITS) as items:
        manual, missing = items
        activity = manual.load()
        assert activity.source_format == "strava-csv"
        assert activity.elapsed_s == pytest.approx(1428.0)
        assert activity.name == "Abendlauf"
        assert "row 2" in manual.name
        with pytest.raises(ActivityFileError, match="missing from the export") as caught:
            missing.load()
        assert caught.value.source == "export.zip:activities/2.gpx"


def test_manual_entry_without_duration_says_why() -> None:
    csv = "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Filename\n"
    csv += '7,"May 29, 2022, 3:53:35 PM",Yoga,Yoga,,\n'
    (row,) = parse_activities_csv(csv.encode(), "activities.csv")
    with pytest.raises(ActivityFileError, match="without a duration"):
        row.to_activity("activities.csv (row 2)")


@pytest.mark.parametrize(
    "text",
    [
        "May 29, 2022, 3:53:35 PM",
        "29.05.2022, 15:53:35",
        "29. Mai 2022, 15:53:35",
        "29 May 2022, 15:53:35",
    ],
)
def test_strava_dates_are_utc(text: str) -> None:
    assert parse_strava_date(text) == datetime(2022, 5, 29, 15, 53, 35, tzinfo=UTC)


def test_unreadable_date_gives_none() -> None:
    assert parse_strava_date("yesterday") is None
