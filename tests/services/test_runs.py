"""Importing runs: batches, dedup, idempotence, transactions, uploads, listing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from runback.services import run_import
from runback.services.run_import import import_bytes, import_paths
from runback.services.runs import list_runs
from runback.services.store import LOCAL_USER_ID, Store

SAME_RUN_START = datetime(2022, 5, 29, 15, 53, 35, tzinfo=UTC)


def _statuses(report: run_import.ImportReport) -> dict[str, str]:
    return {Path(r.name).name: r.status for r in report.results}


def test_batch_imports_good_files_and_names_every_rejected_one(
    store: Store, fixtures_dir: Path
) -> None:
    seen: list[tuple[int, int]] = []
    report = import_paths(
        store,
        [fixtures_dir / "fit", fixtures_dir / "gpx"],
        progress=lambda done, total, name: seen.append((done, total)),
        user_id=LOCAL_USER_ID,
    )
    status = _statuses(report)
    assert status["garmin-fenix-5-run.fit"] == "imported"
    assert status["cerknicko-jezero.gpx"] == "imported"
    for rejected in ("activity-filecrc.fit", "Settings.fit", "route.gpx", "Mojstrovka.gpx"):
        assert status[rejected] == "skipped"
    reasons = {Path(r.name).name: r.reason for r in report.results}
    assert "damaged" in str(reasons["activity-filecrc.fit"])
    assert "not a recorded activity" in str(reasons["Settings.fit"])
    assert report.count("imported") == 11
    assert len(list_runs(store, sport="all", user_id=LOCAL_USER_ID)) == 11
    assert seen[-1] == (len(report.results), len(report.results))


def test_runs_store_the_users_zone(store: Store, fixtures_dir: Path) -> None:
    import_paths(store, [fixtures_dir / "fit/garmin-fenix-5-run.fit"], user_id=LOCAL_USER_ID)
    (run,) = list_runs(store, user_id=LOCAL_USER_ID)
    assert run.zone == "Europe/Berlin"
    assert run.start == datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC)
    assert run.to_json()["start"] == "2017-06-11T14:34:09+00:00"


@pytest.mark.parametrize("order", ["watch first", "strava first"])
def test_same_run_from_watch_and_strava_is_one_run(
    store: Store, fixtures_dir: Path, order: str
) -> None:
    watch = fixtures_dir / "same-run/2022-05-29-15-53-35_Laufen_Landal_Park.fit"
    export = fixtures_dir / "strava-export.zip"
    paths = [watch, export] if order == "watch first" else [export, watch]
    report = import_paths(store, paths, user_id=LOCAL_USER_ID)
    assert [r.status for r in report.results] == ["imported", "duplicate"]
    assert "the same run as run #" in str(report.results[1].reason)
    (run,) = list_runs(store, user_id=LOCAL_USER_ID)
    assert run.start == SAME_RUN_START
    assert run.name == "Laufen Landal Park"  # Strava's name is kept whichever came first


def test_export_folder_and_its_zip_are_one_run(store: Store, fixtures_dir: Path) -> None:
    report = import_paths(
        store,
        [fixtures_dir / "strava-export", fixtures_dir / "strava-export.zip"],
        user_id=LOCAL_USER_ID,
    )
    assert [r.status for r in report.results] == ["imported", "duplicate"]
    assert "already imported" in str(report.results[1].reason)


def test_two_devices_recording_one_ride_stay_two_recordings(
    store: Store, fixtures_dir: Path
) -> None:
    bikes = [
        fixtures_dir / "fit/garmin-edge-820-bike.fit",
        fixtures_dir / "fit/garmin-fenix-5-bike.fit",
    ]
    report = import_paths(store, bikes, user_id=LOCAL_USER_ID)
    assert [r.status for r in report.results] == ["imported", "imported"]


def test_reimport_is_idempotent(store: Store, fixtures_dir: Path) -> None:
    first = import_paths(store, [fixtures_dir], user_id=LOCAL_USER_ID)
    before = list_runs(store, sport="all", user_id=LOCAL_USER_ID)
    second = import_paths(store, [fixtures_dir], user_id=LOCAL_USER_ID)
    assert second.count("imported") == 0
    assert second.count("duplicate") == first.count("imported") + first.count("duplicate")
    assert list_runs(store, sport="all", user_id=LOCAL_USER_ID) == before
    assert "EXPECTED.md" in " ".join(first.ignored)


def test_failure_mid_batch_keeps_earlier_runs_and_writes_nothing_half(
    store: Store, fixtures_dir: Path
) -> None:
    from sqlalchemy import event

    files = [
        fixtures_dir / "fit/garmin-fenix-5-run.fit",
        fixtures_dir / "fit/garmin-fenix-5-walk.fit",
        fixtures_dir / "fit/garmin-fenix-5-bike.fit",
    ]
    flushes = {"n": 0}

    def fail_third(session: Any, context: Any) -> None:
        flushes["n"] += 1
        if flushes["n"] == 3:
            # The third run's row is already written in its transaction when the disk "fails".
            raise OSError("disk full")

    event.listen(store.factory, "after_flush", fail_third)
    try:
        with pytest.raises(OSError, match="disk full"):
            import_paths(store, files, user_id=LOCAL_USER_ID)
    finally:
        event.remove(store.factory, "after_flush", fail_third)
    assert [r.sport for r in list_runs(store, sport="all", user_id=LOCAL_USER_ID)] == [
        "walking",
        "running",
    ]
    again = import_paths(store, files, user_id=LOCAL_USER_ID)
    assert [r.status for r in again.results] == ["duplicate", "duplicate", "imported"]


def test_parser_crash_skips_that_file_and_the_batch_goes_on(
    store: Store, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import runback.importers.gpx as gpx
    from runback.importers.files import parse_activity

    def boom(data: bytes, source: str) -> Any:
        raise AttributeError("library bug")

    monkeypatch.setattr(gpx, "parse_gpx", boom)
    # In process: the patch does not reach a sandbox worker (tests/importers/test_sandbox.py
    # covers crashes there).
    report = import_paths(
        store,
        [fixtures_dir / "gpx/cerknicko-jezero.gpx", fixtures_dir / "fit/garmin-fenix-5-run.fit"],
        parser=parse_activity,
        user_id=LOCAL_USER_ID,
    )
    assert [r.status for r in report.results] == ["skipped", "imported"]
    assert report.results[0].reason == "could not be read (AttributeError: library bug)"


def test_missing_path_is_reported(store: Store, tmp_path: Path) -> None:
    report = import_paths(store, [tmp_path / "nope.fit"], user_id=LOCAL_USER_ID)
    assert report.results[0].status == "skipped"
    assert report.results[0].reason == "no such file or folder"


def test_oversized_file_on_disk_is_refused(store: Store, tmp_path: Path) -> None:
    big = tmp_path / "big.gpx"
    big.write_bytes(b" " * (store.settings.max_file_bytes + 1))
    report = import_paths(store, [big], user_id=LOCAL_USER_ID)
    assert report.results[0].status == "skipped"
    assert "over the limit" in str(report.results[0].reason)


def test_upload_bytes_activity_and_zip(store: Store, fixtures_dir: Path) -> None:
    fit = (fixtures_dir / "same-run/2022-05-29-15-53-35_Laufen_Landal_Park.fit").read_bytes()
    report = import_bytes(store, "run.fit", fit, user_id=LOCAL_USER_ID)
    assert [r.status for r in report.results] == ["imported"]
    zipped = (fixtures_dir / "strava-export.zip").read_bytes()
    report = import_bytes(store, "export.zip", zipped, user_id=LOCAL_USER_ID)
    assert [r.status for r in report.results] == ["duplicate"]
    report = import_bytes(store, "junk.zip", b"not a zip", user_id=LOCAL_USER_ID)
    assert report.results[0].status == "skipped"
    assert "damaged zip" in str(report.results[0].reason)


def test_list_runs_filters_by_time(store: Store, fixtures_dir: Path) -> None:
    import_paths(store, [fixtures_dir / "fit"], user_id=LOCAL_USER_ID)
    since = datetime(2017, 1, 1, tzinfo=UTC)
    until = datetime(2018, 1, 1, tzinfo=UTC)
    found = list_runs(store, since, until, sport="all", user_id=LOCAL_USER_ID)
    assert len(found) == 4
    assert all(since <= r.start < until for r in found)
    assert found == sorted(found, key=lambda r: r.start)


def test_a_parser_segfault_in_the_sandbox_skips_only_that_file(
    store: Store, fixtures_dir: Path
) -> None:
    from runback.importers import sandbox

    real = sandbox.parse_activity

    def crash_on_gpx(name: str, data: bytes, max_bytes: int) -> Any:
        if name.endswith(".gpx"):
            return sandbox.run_sandboxed("probe", b"segfault", source=name)
        return real(name, data, max_bytes)

    report = import_paths(
        store,
        [fixtures_dir / "gpx/cerknicko-jezero.gpx", fixtures_dir / "fit/garmin-fenix-5-run.fit"],
        parser=crash_on_gpx,
        user_id=LOCAL_USER_ID,
    )
    assert [r.status for r in report.results] == ["skipped", "imported"]
    assert report.results[0].reason == (
        "could not be read safely: the parser crashed on it (a damaged or hostile file)"
    )
