"""Limits at the importer boundary: each with its own one-line message."""

from __future__ import annotations

import gzip
import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from runback.errors import DamagedFileError, UnsafeFileError
from runback.importers import fit
from runback.importers.files import parse_activity
from runback.importers.limits import check_activity, check_upload_name
from tests.importers.hostile_corpus import (
    BAD_UPLOAD_NAMES,
    _deep_gpx,
    _many_records_fit,
    _repair_bomb_fit,
    good_fit,
    lenient_fit,
    tcx_file,
)

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
RUN = parse_activity("good.fit", good_fit())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"elapsed_s": float("nan")}, "its duration is nan, not a number"),
        ({"distance_m": float("inf")}, "its distance is inf, not a number"),
        ({"moving_s": float("-inf")}, "its moving time is -inf"),
        ({"elapsed_s": 0.0}, "its duration is 0 s"),
        ({"elapsed_s": 8 * 86400.0, "moving_s": None}, "over the 7 days"),
        ({"distance_m": -1.0}, "below zero"),
        ({"distance_m": 2_000_000.0}, "over the 1,000 km"),
        ({"distance_m": 100_000.0}, "faster than 30 s per km"),
        ({"start": datetime(9999, 12, 31, tzinfo=UTC)}, "it starts on 9999-12-31"),
        ({"start": datetime(1, 1, 1, tzinfo=UTC)}, "outside 1990-01-01 to 2026-01-06"),
        ({"moving_s": -1.0}, "its moving time is -1 s"),
    ],
)
def test_implausible_numbers_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(DamagedFileError, match="numbers not plausible") as caught:
        check_activity(replace(RUN, **change), "x.tcx", NOW)  # type: ignore[arg-type]
    assert message in caught.value.reason
    assert caught.value.source == "x.tcx"


def test_a_real_run_is_plausible() -> None:
    check_activity(RUN, "good.fit", NOW)
    check_activity(replace(RUN, start=datetime(2026, 1, 6, 7, tzinfo=UTC)), "tz.fit", NOW)


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+05:00"])
def test_tcx_time_outside_datetime_range_is_a_clear_error(start: str) -> None:
    with pytest.raises(DamagedFileError, match="is outside any recording"):
        parse_activity("far.tcx", tcx_file(start, "1800", "5000"))


@pytest.mark.parametrize("name", BAD_UPLOAD_NAMES)
def test_bad_upload_names_are_refused(name: str) -> None:
    assert (check_upload_name(name) or "").startswith("refused: the file name")


def test_ordinary_upload_names_pass() -> None:
    for name in ("run.fit", "Laufen Landal Park.gpx.gz", "ä" * 100 + ".tcx", "export.zip"):
        assert check_upload_name(name) is None


def test_deep_xml_is_refused_before_any_parser_recurses() -> None:
    with pytest.raises(UnsafeFileError, match="nested more than 64 elements deep"):
        parse_activity("deep.gpx", _deep_gpx(200_000))


def test_gzip_ratio_is_limited() -> None:
    with pytest.raises(UnsafeFileError, match="compressed more than 100:1"):
        parse_activity("bomb.gpx.gz", gzip.compress(b" " * (3 * 1024 * 1024)))


def test_fit_records_are_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("runback.importers.limits.MAX_FIT_RECORDS", 100)
    with pytest.raises(UnsafeFileError, match="more than 100 FIT records"):
        parse_activity("many.fit", _many_records_fit(500))
    assert parse_activity("few.fit", _many_records_fit(50)).distance_m == 5000


def test_fit_repair_search_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import runback.importers.fit_repair as repair

    data = _repair_bomb_fit(20_000)
    scans: list[int] = []
    original = repair._frame

    def counting(buf: bytes | bytearray, stop: int | None) -> tuple[int | None, int]:
        scans.append(len(buf))
        return original(buf, stop)

    monkeypatch.setattr(repair, "_frame", counting)
    monkeypatch.setattr("runback.importers.limits.FIT_REPAIR_SCAN_BYTES", 2 * len(data))
    assert repair.repair_text_mode(data) is None
    # Without the budget this file takes 400 passes; with a budget of two file lengths, two.
    assert 1 <= len(scans) <= 2


def test_lenient_fit_is_imported_with_a_note() -> None:
    import fitdecode

    data = lenient_fit()
    # Read strictly, fitdecode calls the file broken: the field size 3 is not a multiple of 2.
    with pytest.raises(fitdecode.FitParseError, match="invalid field size 3"):
        for _frame in fitdecode.FitReader(
            io.BytesIO(data), error_handling=fitdecode.ErrorHandling.RAISE
        ):
            pass
    activity = parse_activity("coros.fit", data)
    assert activity.note == fit.LENIENT_NOTE
    assert (activity.distance_m, activity.elapsed_s, activity.sport) == (5000, 1800, "running")
    assert activity.ascent_m is None  # the odd field itself is not trusted
