"""Every shared real file: values within EXPECTED.md's tolerances, or the clear per-file message."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from runback.errors import ActivityFileError, DamagedFileError, NotAnActivityError
from runback.importers.activity import map_sport
from runback.importers.files import parse_activity

from ..conftest import SHARED_FIXTURES

REFERENCE: dict[str, dict[str, Any]] = json.loads(
    (SHARED_FIXTURES / "reference-values.json").read_text()
)

# What each file that must not become a run should say (a fragment of the message).
REJECTED = {
    "fit/invalid/activity-filecrc.fit": (DamagedFileError, "checksum does not match"),
    "fit/invalid/activity-settings-corruptheader.fit": (
        DamagedFileError,
        "bad or missing FIT header",
    ),
    "fit/invalid/activity-settings-nodata.fit": (DamagedFileError, "truncated"),
    "fit/invalid/activity-unexpected-eof.fit": (DamagedFileError, "truncated"),
    "fit/other/MonitoringFile.fit": (NotAnActivityError, "monitoring_b file, not a recorded"),
    "fit/other/Settings.fit": (NotAnActivityError, "settings file, not a recorded"),
    "fit/other/WorkoutRepeatSteps.fit": (NotAnActivityError, "workout file, not a recorded"),
    "fit/other/berlin-course.fit": (NotAnActivityError, "course file, not a recorded"),
    "gpx/route.gpx": (NotAnActivityError, "planned route"),
    "gpx/berlin-planned-track.gpx": (NotAnActivityError, "planned track"),
    "gpx/gpx_with_garmin_extension.gpx": (NotAnActivityError, "no track points"),
    "gpx/unicode_with_bom.gpx": (NotAnActivityError, "no track points"),
    "gpx/Mojstrovka.gpx": (DamagedFileError, "1901-12-13"),
    # Partial timing: rejected (docs/importing.md explains why).
    "gpx/cerknicko-without-times.gpx": (NotAnActivityError, "only 5 of 296 track points"),
    "gpx/korita-zbevnica.gpx": (NotAnActivityError, "only 513 of 871 track points"),
}


def _read(name: str) -> bytes:
    return (SHARED_FIXTURES / name).read_bytes()


def _close(got: float | None, want: float, tolerance: float) -> bool:
    return got is not None and abs(got - want) <= tolerance


@pytest.mark.parametrize(
    "name", sorted(n for n in REFERENCE if n not in REJECTED and "start" in REFERENCE[n])
)
def test_reference_values(name: str) -> None:
    ref = REFERENCE[name]
    activity = parse_activity(name, _read(name))
    start = datetime.fromisoformat(ref["start"].replace("Z", "+00:00"))
    assert abs((activity.start - start).total_seconds()) < 1
    assert activity.start.utcoffset() is not None and not activity.start.utcoffset()
    want_distance = ref.get("distance_m", ref.get("distance_2d_m"))
    assert want_distance is not None
    assert _close(activity.distance_m, want_distance, max(5.0, 0.01 * want_distance))
    want_elapsed = ref.get("elapsed_s") or ref.get("timer_s")
    if want_elapsed:
        assert _close(activity.elapsed_s, want_elapsed, 1.0)
    if "moving_s" in ref:
        assert _close(activity.moving_s, ref["moving_s"], 1.0)
    if "sport" in ref:
        assert activity.sport == map_sport(ref["sport"])
    if name.endswith((".fit", ".fit.gz")) and "ascent_m" in ref:
        assert _close(activity.ascent_m, ref["ascent_m"], 1.0)
    assert len(activity.content_hash) == 64


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_files_that_must_not_become_runs(name: str) -> None:
    kind, fragment = REJECTED[name]
    with pytest.raises(kind) as caught:
        parse_activity(name, _read(name))
    assert caught.value.source == name
    assert fragment in caught.value.reason
    assert str(caught.value).startswith(name + ": ")


def test_strava_android_fit_is_repaired_with_a_note() -> None:
    name = "fit/strava-android-app-201.10-b1218918.fit"
    activity = parse_activity(name, _read(name))
    assert activity.sport == "running"
    assert activity.start.isoformat() == "2021-09-27T14:13:10+00:00"
    assert activity.elapsed_s == pytest.approx(3558.0)
    assert activity.distance_m == pytest.approx(11274.04)
    assert activity.note is not None and "text-mode copy" in activity.note


def test_truncated_copy_of_a_good_file_is_damaged_not_repaired() -> None:
    data = _read("fit/garmin-fenix-5-run.fit")
    with pytest.raises(DamagedFileError, match=r"truncated|decoded"):
        parse_activity("cut.fit", data[: len(data) // 2])


def test_unknown_file_type_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ActivityFileError, match=r"reads \.fit, \.gpx and \.tcx"):
        parse_activity("notes.txt", b"hello")


def test_mismatched_extension_is_damaged() -> None:
    with pytest.raises(DamagedFileError):
        parse_activity("not-really.fit", b"<gpx></gpx>")
