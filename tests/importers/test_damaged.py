"""Damaged files that made the parsers raise their own plain errors: each is a DamagedFileError.

Found by the reliability fuzzers (tests/reliability/test_fuzz_importers.py); each case here is
the smallest real-file edit that reaches the same parser error.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

import pytest

from runback.errors import ActivityFileError, DamagedFileError
from runback.importers.files import parse_activity
from runback.importers.strava import ZipLimits, open_zip

from ..conftest import SHARED_FIXTURES

FIT = (SHARED_FIXTURES / "fit/activity-small-fenix2-run.fit").read_bytes()
MB = 1024 * 1024


def _damaged(name: str, data: bytes) -> DamagedFileError:
    with pytest.raises(DamagedFileError) as caught:
        parse_activity(name, data)
    assert caught.value.source == name
    return caught.value


def test_fit_header_of_odd_size_is_damaged_not_struct_error() -> None:
    data = bytearray(FIT)
    data[0] = 15  # a 15-byte header: fitdecode unpacks its CRC from 3 bytes (struct.error)
    error = _damaged("cut.fit", bytes(data))
    assert "header or record is cut short" in error.reason


def test_fit_record_past_the_declared_size_is_damaged_not_assertion_error() -> None:
    data = bytearray(FIT)
    struct.pack_into("<I", data, 4, 1)  # data size 1: the first record overruns it
    data[12:14] = b"\0\0"  # no header CRC, so fitdecode reads on to the record (and asserts)
    error = _damaged("short.fit", bytes(data))
    assert "do not fit the structure its header declares" in error.reason


def _gpx(points: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><time>{time}</time></trkpt>' for lat, lon, time in points
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test"><trk><trkseg>'
        f"{body}</trkseg></trk></gpx>"
    ).encode()


@pytest.mark.parametrize(
    ("lat", "lon", "says"),
    [
        ("inf", "2", "latitude inf is outside -90 to 90"),
        ("95000", "2", "latitude 95000.0 is outside -90 to 90"),
        ("nan", "2", "latitude nan is outside -90 to 90"),
        ("1", "-400", "longitude -400.0 is outside -180 to 180"),
    ],
)
def test_gpx_point_off_the_globe_is_damaged_and_named(lat: str, lon: str, says: str) -> None:
    data = _gpx(
        [
            ("1", "2", "2020-01-01T00:00:00Z"),
            (lat, lon, "2020-01-01T00:01:00Z"),
            ("1", "2.1", "2020-01-01T00:02:00Z"),
        ]
    )
    error = _damaged("globe.gpx", data)
    assert f"track point 2: {says}" in error.reason


def test_gpx_mixing_zoned_and_zoneless_times_reads_them_all_as_utc() -> None:
    # A zoneless GPX time is UTC by the standard: mixed with "Z" times it is the same clock.
    activity = parse_activity(
        "mixed.gpx",
        _gpx(
            [
                ("1", "2", "2020-01-01T00:00:00Z"),
                ("1.001", "2", "2020-01-01T00:01:00"),
                ("1.002", "2", "2020-01-01T01:02:00+01:00"),
            ]
        ),
    )
    assert activity.elapsed_s == 120.0
    assert activity.start.isoformat() == "2020-01-01T00:00:00+00:00"
    assert activity.distance_m > 0


@pytest.mark.parametrize(
    ("encoding", "says"),
    [
        ("no-such-encoding", "the declared encoding 'no-such-encoding' cannot be used"),
        ("base64", "the declared encoding 'base64' cannot be used"),
        ("utf-32", "the declared encoding 'utf-32' is not supported"),
    ],
)
@pytest.mark.parametrize("kind", ["gpx", "tcx"])
def test_xml_declaring_an_unusable_encoding_is_damaged(kind: str, encoding: str, says: str) -> None:
    root = "<gpx/>" if kind == "gpx" else "<TrainingCenterDatabase/>"
    data = f'<?xml version="1.0" encoding="{encoding}"?>{root}'.encode()
    error = _damaged(f"enc.{kind}", data)
    assert says in error.reason


def test_zip_entry_with_damaged_deflate_data_is_damaged_the_rest_imports() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/bad.fit", FIT)
        archive.writestr("activities/good.fit", FIT)
    raw = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        info = archive.getinfo("activities/bad.fit")
    raw[info.header_offset + 30 + len(info.filename)] ^= 0xFF  # first byte of its deflate data
    outcome: dict[str, str] = {}
    with open_zip(io.BytesIO(bytes(raw)), "export.zip", ZipLimits.for_file_limit(MB)) as items:
        for item in items:
            try:
                item.load()
                outcome[item.name] = "ok"
            except ActivityFileError as exc:
                assert exc.source == item.name
                outcome[item.name] = f"{type(exc).__name__}: {exc.reason}"
    bad = outcome.pop("export.zip:activities/bad.fit")
    assert bad.startswith("DamagedFileError: damaged zip entry: its compressed data is corrupt")
    assert outcome == {"export.zip:activities/good.fit": "ok"}


def _one_entry_zip(patch: Callable[[bytearray, int], None]) -> bytes:
    """Return a zip of one real FIT file, its local (at 0) and central headers patched."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities/a.fit", FIT)
    raw = bytearray(buffer.getvalue())
    patch(raw, raw.rfind(b"PK\x01\x02"))
    return bytes(raw)


def _encrypted(raw: bytearray, central: int) -> None:
    raw[6] |= 1  # general purpose flag bit 0: encrypted
    raw[central + 8] |= 1


def _unknown_method(raw: bytearray, central: int) -> None:
    struct.pack_into("<H", raw, 8, 99)
    struct.pack_into("<H", raw, central + 10, 99)


@pytest.mark.parametrize(
    ("patch", "says"),
    [
        (_encrypted, "damaged zip entry: it is marked encrypted (password-protected)"),
        (_unknown_method, "damaged zip entry: unknown compression method 99"),
    ],
)
def test_zip_entry_zipfile_cannot_open_is_damaged(
    patch: Callable[[bytearray, int], None], says: str
) -> None:
    data = _one_entry_zip(patch)
    with open_zip(io.BytesIO(data), "odd.zip", ZipLimits.for_file_limit(MB)) as items:
        [item] = items
        with pytest.raises(DamagedFileError) as caught:
            item.load()
    assert caught.value.source == "odd.zip:activities/a.fit"
    assert caught.value.reason.startswith(says)
