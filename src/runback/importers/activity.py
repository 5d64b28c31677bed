"""The Activity every importer produces, and small helpers they share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

__all__ = [
    "SPORTS",
    "Activity",
    "Sport",
    "content_hash",
    "map_sport",
    "source_format_of",
]

Sport = Literal["running", "cycling", "walking", "swimming", "other"]
SPORTS: tuple[Sport, ...] = ("running", "cycling", "walking", "swimming", "other")

# Names used by FIT (enum names), TCX (Sport attribute), GPX (<type>) and Strava (Activity Type,
# English and German), lower-cased with separators removed.
_SPORT_WORDS: dict[str, Sport] = {
    "running": "running",
    "run": "running",
    "trailrun": "running",
    "trailrunning": "running",
    "virtualrun": "running",
    "treadmill": "running",
    "treadmillrunning": "running",
    "lauf": "running",
    "laufen": "running",
    "traillauf": "running",
    "cycling": "cycling",
    "biking": "cycling",
    "bike": "cycling",
    "ride": "cycling",
    "virtualride": "cycling",
    "ebikeride": "cycling",
    "mountainbikeride": "cycling",
    "gravelride": "cycling",
    "radfahrt": "cycling",
    "radfahren": "cycling",
    "walking": "walking",
    "walk": "walking",
    "hike": "walking",
    "hiking": "walking",
    "spaziergang": "walking",
    "gehen": "walking",
    "wandern": "walking",
    "wanderung": "walking",
    "swimming": "swimming",
    "swim": "swimming",
    "schwimmen": "swimming",
}


@dataclass(frozen=True)
class Activity:
    """One recorded activity, as read from a file: everything a run row needs but the user."""

    start: datetime  # aware, UTC
    elapsed_s: float
    moving_s: float | None
    distance_m: float
    ascent_m: float | None
    sport: Sport
    name: str | None
    device: str | None
    source_format: str  # fit, gpx, tcx, strava-csv
    content_hash: str  # sha256 hex of the (decompressed) file bytes
    note: str | None = None  # something the user should know, e.g. a repaired file

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("Activity.start must be timezone-aware")
        if self.start.utcoffset() != UTC.utcoffset(None):
            object.__setattr__(self, "start", self.start.astimezone(UTC))


def content_hash(data: bytes) -> str:
    """Return the hex SHA-256 of the bytes."""
    return hashlib.sha256(data).hexdigest()


def map_sport(value: object) -> Sport:
    """Map a sport name from any format to running/cycling/walking/swimming/other."""
    if value is None:
        return "other"
    key = "".join(ch for ch in str(value).lower() if ch.isalnum())
    return _SPORT_WORDS.get(key, "other")


def source_format_of(name: str) -> str | None:
    """Return fit/gpx/tcx from a file name (ignoring a trailing .gz), or None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for ext in ("fit", "gpx", "tcx"):
        if lower.endswith("." + ext):
            return ext
    return None
