"""Every limit on an untrusted activity file, in one place, and the checks that need no parser.

Each limit has its own message naming the file and what is wrong. The numbers are generous for
real recordings (a seven-day ultra at one point per second stays under all of them) and small
enough that a hostile file costs seconds, not minutes, to refuse.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from runback.errors import DamagedFileError, UnsafeFileError
from runback.importers.activity import Activity

__all__ = [
    "EARLIEST_START",
    "FIT_REPAIR_SCAN_BYTES",
    "MAX_ACTIVITIES_PER_ZIP",
    "MAX_DISTANCE_M",
    "MAX_DURATION_S",
    "MAX_FIT_RECORDS",
    "MAX_GZIP_RATIO",
    "MAX_NAME_BYTES",
    "MAX_TRACK_POINTS",
    "MAX_XML_DEPTH",
    "MAX_XML_ELEMENTS",
    "MIN_PACE_S_PER_KM",
    "RATIO_FLOOR_BYTES",
    "SANDBOX_CPU_S",
    "SANDBOX_MEMORY_BYTES",
    "SANDBOX_WALL_S",
    "check_activity",
    "check_ratio",
    "check_upload_name",
]

# The child process that parses one file.
SANDBOX_WALL_S = 10.0  # wall-clock deadline per file
SANDBOX_CPU_S = 10  # CPU seconds per file (RLIMIT_CPU, counted from the task's start)
SANDBOX_MEMORY_BYTES = 512 * 1024 * 1024  # address space of the child (RLIMIT_AS)

# Inside the file.
MAX_FIT_RECORDS = 500_000  # 5.8 days at one record a second; fitdecode reads ~100,000 a second
MAX_TRACK_POINTS = 200_000  # GPX trkpt / TCX Trackpoint: 55 h at one a second, ~5 s for gpxpy
MAX_XML_DEPTH = 64  # GPX and TCX nest about 8 deep; the C parsers recurse on depth
MAX_XML_ELEMENTS = 8_000_000  # every element, whatever its name (a flat bomb)
MAX_GZIP_RATIO = 100  # real activity files compress 3-15x; bombs compress 1000x
RATIO_FLOOR_BYTES = 1024 * 1024  # small files may compress well without being bombs
FIT_REPAIR_SCAN_BYTES = 8 * 1024 * 1024  # bytes the text-mode repair may frame in all
MAX_ACTIVITIES_PER_ZIP = 2_000  # a Strava export larger than this is imported in parts

# Upload names.
MAX_NAME_BYTES = 255  # what every file system allows

# What a recorded activity can be.
EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)  # GPS receivers logged nothing earlier
MAX_DURATION_S = 7 * 24 * 3600.0
MAX_DISTANCE_M = 1_000_000.0
MIN_PACE_S_PER_KM = 30.0  # 2 km per minute: faster than any bike, let alone a runner
_PACE_MIN_DISTANCE_M = 1_000.0  # below a kilometre GPS jitter makes any pace possible


def check_upload_name(name: str) -> str | None:
    """Return why an upload's name cannot be used, or None when it can."""
    if "\0" in name:
        return "refused: the file name contains a NUL byte"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"refused: the file name is longer than {MAX_NAME_BYTES} bytes"
    parts = name.replace("\\", "/").split("/")
    if not name.strip() or any(p in ("..", ".") for p in parts) or name.strip() in ("..", "."):
        return "refused: the file name is empty or points to a folder ('..')"
    return None


def check_ratio(source: str, packed: int, unpacked: int) -> None:
    """Raise UnsafeFileError when gzip or zip data inflates more than MAX_GZIP_RATIO times."""
    if unpacked > RATIO_FLOOR_BYTES and unpacked > MAX_GZIP_RATIO * max(packed, 1):
        raise UnsafeFileError(
            source,
            f"refused: it is compressed more than {MAX_GZIP_RATIO}:1 "
            f"({packed} bytes inflate to {unpacked}), which real activity files never are",
        )


def _finite(value: float | None, what: str) -> str | None:
    if value is None:
        return None
    if not math.isfinite(value):
        return f"its {what} is {value}, not a number"
    return None


def check_activity(activity: Activity, source: str, now: datetime) -> None:
    """Raise DamagedFileError unless the activity's numbers are finite and could be real."""
    problem = (
        _finite(activity.elapsed_s, "duration")
        or _finite(activity.moving_s, "moving time")
        or _finite(activity.distance_m, "distance")
        or _finite(activity.ascent_m, "ascent")
    )
    latest = now.astimezone(UTC) + timedelta(days=1)
    if problem is None:
        if not activity.elapsed_s > 0:
            problem = f"its duration is {activity.elapsed_s:g} s; a recording lasts longer"
        elif activity.elapsed_s >= MAX_DURATION_S:
            problem = f"its duration is {activity.elapsed_s:g} s, over the 7 days runback accepts"
        elif activity.moving_s is not None and not 0 <= activity.moving_s < MAX_DURATION_S:
            # Not held to the duration: devices and Strava round the two differently.
            problem = f"its moving time is {activity.moving_s:g} s, outside 0 s to 7 days"
        elif activity.distance_m < 0:
            problem = f"its distance is {activity.distance_m:g} m, below zero"
        elif activity.distance_m >= MAX_DISTANCE_M:
            problem = (
                f"its distance is {activity.distance_m:g} m, over the 1,000 km runback accepts"
            )
        elif (
            activity.distance_m >= _PACE_MIN_DISTANCE_M
            and activity.elapsed_s / (activity.distance_m / 1000) < MIN_PACE_S_PER_KM
        ):
            problem = (
                f"{activity.distance_m:g} m in {activity.elapsed_s:g} s is faster than "
                f"{MIN_PACE_S_PER_KM:g} s per km, which no one can move"
            )
        elif activity.ascent_m is not None and not 0 <= activity.ascent_m < MAX_DISTANCE_M:
            problem = f"its ascent is {activity.ascent_m:g} m, which cannot be"
        elif not EARLIEST_START <= activity.start <= latest:
            problem = (
                f"it starts on {activity.start:%Y-%m-%d}, outside 1990-01-01 to "
                f"{latest:%Y-%m-%d} (the device's clock was not set?)"
            )
    if problem is not None:
        raise DamagedFileError(source, f"numbers not plausible: {problem}")
