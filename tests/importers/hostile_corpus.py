"""Write a corpus of hostile activity, export and routine files, each with its expected outcome.

`write_corpus(folder)` writes the files and returns their paths; `EXPECTED[path.name]` says what
`runback import` (or the upload API) must answer for each: skipped with a message containing
`reason`, or imported. `BAD_UPLOAD_NAMES` are names no file system can hold, for the upload API.
Also runnable: `python tests/importers/hostile_corpus.py FOLDER`.
"""

from __future__ import annotations

import gzip
import io
import struct
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = [
    "BAD_UPLOAD_NAMES",
    "EXPECTED",
    "Expected",
    "fit_file",
    "good_fit",
    "lenient_fit",
    "tcx_file",
    "write_corpus",
]

_FIT_EPOCH = 631065600  # 1989-12-31 00:00 UTC as Unix time


@dataclass(frozen=True)
class Expected:
    """What the import must say about one file."""

    status: str  # "imported" or "skipped"
    reason: str = ""  # a part of the one-line message


BAD_UPLOAD_NAMES = ["..", "../../etc/passwd.gpx", "a" * 300 + ".gpx", "run\0.gpx", ""]


def _crc(data: bytes) -> int:
    from fitdecode.utils import compute_crc

    return int(compute_crc(data))


def fit_file(body: bytes, extra_declared: int = 0) -> bytes:
    """Wrap FIT records in a 14-byte header and a CRC (the header may announce extra bytes)."""
    header = struct.pack("<BBHI4s", 14, 0x10, 2093, len(body) + extra_declared, b".FIT")
    header += struct.pack("<H", _crc(header))
    data = header + body
    return data + struct.pack("<H", _crc(data))


def _definition(local: int, global_num: int, fields: list[tuple[int, int, int]]) -> bytes:
    out = struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
    return out + b"".join(struct.pack("<BBB", *f) for f in fields)


def _fit_time(when: datetime) -> int:
    return int(when.timestamp()) - _FIT_EPOCH


def _file_id(when: datetime) -> bytes:
    # type=activity (4), manufacturer=garmin (1), time_created
    return _definition(0, 0, [(0, 1, 0x00), (1, 2, 0x84), (4, 4, 0x86)]) + struct.pack(
        "<BBHI", 0, 4, 1, _fit_time(when)
    )


def _session(when: datetime, ascent_size: int = 2) -> bytes:
    fields = [
        (253, 4, 0x86),  # timestamp
        (2, 4, 0x86),  # start_time
        (7, 4, 0x86),  # total_elapsed_time, ms
        (8, 4, 0x86),  # total_timer_time, ms
        (9, 4, 0x86),  # total_distance, cm
        (5, 1, 0x00),  # sport: running
        (22, ascent_size, 0x84),  # total_ascent: uint16 is 2 bytes; 3 does not fit the type
    ]
    t = _fit_time(when)
    values = struct.pack("<BIIIIIB", 1, t + 1800, t, 1_800_000, 1_750_000, 500_000, 1)
    values += b"\x10" * ascent_size
    return _definition(1, 18, fields) + values


def good_fit(when: datetime = datetime(2025, 6, 1, 7, 0, tzinfo=UTC)) -> bytes:
    """Return a small valid FIT run: 30 min, 5 km."""
    return fit_file(_file_id(when) + _session(when))


def lenient_fit(when: datetime = datetime(2025, 6, 2, 7, 0, tzinfo=UTC)) -> bytes:
    """Return a FIT run whose session declares a 3-byte uint16 field (as some Coros watches)."""
    return fit_file(_file_id(when) + _session(when, ascent_size=3))


def _many_records_fit(count: int) -> bytes:
    when = datetime(2025, 6, 3, 7, 0, tzinfo=UTC)
    record = _definition(2, 20, [(253, 4, 0x86)])
    one = struct.pack("<BI", 2, _fit_time(when))
    return fit_file(_file_id(when) + record + one * count + _session(when))


def _repair_bomb_fit(records: int) -> bytes:
    """Return a FIT that looks like a text-mode copy: LF bytes everywhere, framing broken late."""
    when = datetime(2025, 6, 4, 7, 0, tzinfo=UTC)
    lf = _definition(3, 20, [(0, 10, 0x0D)])  # one 10-byte field: 10 is LF
    body = _file_id(when) + lf + (b"\x03" + b"\x0a" * 10) * records + b"\x0f" * 8
    return fit_file(body, extra_declared=1000)


def tcx_file(start: str, seconds: str, metres: str) -> bytes:
    """Return a one-lap TCX run with these texts for StartTime, TotalTimeSeconds, DistanceMeters."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
 <Activities><Activity Sport="Running"><Id>{start}</Id>
  <Lap StartTime="{start}"><TotalTimeSeconds>{seconds}</TotalTimeSeconds>
   <DistanceMeters>{metres}</DistanceMeters><Track>
    <Trackpoint><Time>{start}</Time></Trackpoint></Track></Lap>
 </Activity></Activities></TrainingCenterDatabase>""".encode()


def _deep_gpx(depth: int) -> bytes:
    # Nested inside a point's <extensions>: gpxpy deep-copies those, recursing in C (a segfault).
    return (
        b'<?xml version="1.0"?><gpx version="1.1" creator="x" '
        b'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        b'<trkpt lat="46.5" lon="13.7"><time>2025-06-05T07:00:00Z</time></trkpt>'
        b'<trkpt lat="46.5" lon="13.71"><time>2025-06-05T07:10:00Z</time><extensions>'
        + b"<a>" * depth
        + b"</a>" * depth
        + b"</extensions></trkpt></trkseg></trk></gpx>"
    )


def _gpx_points(count: int) -> bytes:
    point = b'<trkpt lat="46.5" lon="13.7"><time>2025-06-05T07:00:00Z</time></trkpt>'
    return (
        b'<?xml version="1.0"?><gpx version="1.1" creator="x"><trk><trkseg>'
        + point * count
        + b"</trkseg></trk></gpx>"
    )


def _strava_zip(runs: int) -> bytes:
    lines = ["Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename"]
    for i in range(runs):
        day = 1 + i % 28
        lines.append(f'{i + 1},"Jan {day}, 2024, 7:{i % 60:02d}:00 AM",Run {i},Run,1800,5.0,')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities.csv", "\n".join(lines) + "\n")
    return buffer.getvalue()


def _deep_toml(depth: int) -> bytes:
    return b"slug = 'deep'\nname = 'Deep'\nx = " + b"[" * depth + b"]" * depth + b"\n"


def _huge_toml(steps: int) -> bytes:
    head = b"slug = 'huge'\nname = 'Huge'\n"
    step = b'[[steps]]\nexercise = "cat-cow"\nhold_s = 30\nreps = 100\n'
    return head + step * steps


EXPECTED: dict[str, Expected] = {
    "deep.gpx": Expected("skipped", "nested more than 64 elements deep"),
    "deep.gpx.gz": Expected("skipped", "nested more than 64 elements deep"),
    "deep-200k.gpx.gz": Expected("skipped", "compressed more than 100:1"),
    "many-points.gpx": Expected("skipped", "more than 200,000 track points"),
    "many-records.fit": Expected("skipped", "more than 500,000 FIT records"),
    "many-records.fit.gz": Expected("skipped", "compressed more than 100:1"),
    "repair-bomb.fit": Expected("skipped", "damaged FIT file"),
    "repair-bomb.fit.gz": Expected("skipped", "compressed more than 100:1"),
    "ratio-bomb.gpx.gz": Expected("skipped", "compressed more than 100:1"),
    "ratio-bomb.tcx.gz": Expected("skipped", "compressed more than 100:1"),
    "nan-duration.tcx": Expected("skipped", "duration is nan"),
    "inf-distance.tcx": Expected("skipped", "distance is inf"),
    "negative-distance.tcx": Expected("skipped", "below zero"),
    "year-9999.tcx": Expected("skipped", "outside 1990-01-01"),
    "year-9999-offset.tcx": Expected("skipped", "outside any recording"),
    "year-1.tcx": Expected("skipped", "outside 1990-01-01"),
    "year-1-offset.tcx": Expected("skipped", "outside any recording"),
    "ten-days.tcx": Expected("skipped", "over the 7 days"),
    "too-fast.tcx": Expected("skipped", "faster than 30 s per km"),
    "strava-5000.zip": Expected("skipped", "holds 5,000 activities"),
    "lenient-coros.fit": Expected("imported"),
    "good.fit": Expected("imported"),
    "good.tcx": Expected("imported"),
}
# Routine files: for `runback routine import`, not `runback import` (which ignores .toml).
TOML_EXPECTED: dict[str, Expected] = {
    "deep-routine.toml": Expected("skipped", "nested"),
    "huge-routine.toml": Expected("skipped", "a routine file must be under"),
}


def _contents() -> dict[str, bytes]:
    mb = 1024 * 1024
    return {
        "deep.gpx": _deep_gpx(200_000),
        "deep.gpx.gz": gzip.compress(_deep_gpx(100_000)),
        "deep-200k.gpx.gz": gzip.compress(_deep_gpx(200_000)),
        "many-points.gpx": _gpx_points(200_001),
        "many-records.fit": _many_records_fit(500_001),
        "many-records.fit.gz": gzip.compress(_many_records_fit(3_000_000)),
        "repair-bomb.fit": _repair_bomb_fit(100_000),
        "repair-bomb.fit.gz": gzip.compress(_repair_bomb_fit(500_000)),
        "ratio-bomb.gpx.gz": gzip.compress(_gpx_points(1) + b" " * (40 * mb)),
        "ratio-bomb.tcx.gz": gzip.compress(b"<x>" + b" " * (40 * mb) + b"</x>"),
        "nan-duration.tcx": tcx_file("2025-06-06T07:00:00Z", "NaN", "5000"),
        "inf-distance.tcx": tcx_file("2025-06-07T07:00:00Z", "1800", "inf"),
        "negative-distance.tcx": tcx_file("2025-06-08T07:00:00Z", "1800", "-5000"),
        "year-9999.tcx": tcx_file("9999-12-31T12:00:00Z", "1800", "5000"),
        "year-9999-offset.tcx": tcx_file("9999-12-31T23:00:00-05:00", "1800", "5000"),
        "year-1.tcx": tcx_file("0001-01-01T00:00:00Z", "1800", "5000"),
        "year-1-offset.tcx": tcx_file("0001-01-01T00:00:00+05:00", "1800", "5000"),
        "ten-days.tcx": tcx_file("2025-06-09T07:00:00Z", str(10 * 86400), "5000"),
        "too-fast.tcx": tcx_file("2025-06-10T07:00:00Z", "60", "50000"),
        "strava-5000.zip": _strava_zip(5000),
        "lenient-coros.fit": lenient_fit(),
        "good.fit": good_fit(),
        "good.tcx": tcx_file("2025-06-11T07:00:00Z", "1800", "5000"),
        "deep-routine.toml": _deep_toml(100_000),
        "huge-routine.toml": _huge_toml(20_000),
    }


def write_corpus(folder: Path) -> list[Path]:
    """Write every hostile file into folder; return their paths (see EXPECTED, TOML_EXPECTED)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in _contents().items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")):
        print(f"{written.stat().st_size:>10}  {written}")
