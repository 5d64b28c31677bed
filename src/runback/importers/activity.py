"""The Activity every importer produces, and small helpers they share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from runback.core.vocab import Sport

__all__ = [
    "Activity",
    "content_hash",
    "map_sport",
]

# Names used by FIT (sport and sub_sport enum names), TCX (Sport attribute), GPX (<type>: Garmin
# words, Strava's numeric codes) and Strava (Activity Type, English and German), lower-cased with
# separators removed. Whole words only: "strides" is not a ride, "brunch" is not a run.
_SPORT_WORDS: dict[str, Sport] = {
    "running": "running",
    "run": "running",
    "streetrunning": "running",
    "roadrunning": "running",
    "lauf": "running",
    "laufen": "running",
    "9": "running",  # Strava GPX
    "trailrun": "trail-running",
    "trailrunning": "trail-running",
    "traillauf": "trail-running",
    "trail": "trail-running",
    "treadmill": "treadmill",
    "treadmillrunning": "treadmill",
    "indoorrunning": "treadmill",
    "indoorrun": "treadmill",
    "virtualrun": "treadmill",  # Zwift and friends: on a treadmill
    "laufband": "treadmill",
    "track": "track",
    "trackrunning": "track",
    "cycling": "cycling",
    "biking": "cycling",
    "bike": "cycling",
    "ride": "cycling",
    "1": "cycling",  # Strava GPX
    "virtualride": "cycling",
    "ebikeride": "cycling",
    "ebiking": "cycling",
    "mountainbikeride": "cycling",
    "mountainbiking": "cycling",
    "roadbiking": "cycling",
    "gravelride": "cycling",
    "gravelcycling": "cycling",
    "indoorcycling": "cycling",
    "radfahrt": "cycling",
    "radfahren": "cycling",
    "walking": "walking",
    "walk": "walking",
    "casualwalking": "walking",
    "speedwalking": "walking",
    "indoorwalking": "walking",
    "spaziergang": "walking",
    "gehen": "walking",
    "hike": "hiking",
    "hiking": "hiking",
    "wandern": "hiking",
    "wanderung": "hiking",
    "swimming": "swimming",
    "swim": "swimming",
    "lapswimming": "swimming",
    "openwaterswimming": "swimming",
    "openwater": "swimming",
    "schwimmen": "swimming",
}

# FIT sub-sports that tell the kind of run; any other sub-sport leaves the sport as it is.
_RUN_SUB_SPORTS: dict[str, Sport] = {
    "trail": "trail-running",
    "treadmill": "treadmill",
    "indoorrunning": "treadmill",
    "virtualactivity": "treadmill",
    "track": "track",
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


def _key(value: object) -> str:
    return "".join(ch for ch in str(value).lower() if ch.isalnum())


def map_sport(value: object, sub_sport: object = None) -> Sport:
    """Map a sport name (and a FIT sub-sport) from any format to runback's sport vocabulary."""
    if value is None:
        return "other"
    sport = _SPORT_WORDS.get(_key(value), "other")
    if sub_sport is not None:
        kind = _RUN_SUB_SPORTS.get(_key(sub_sport))
        # A treadmill logged as "fitness equipment" is still a treadmill session.
        if kind is not None and (sport == "running" or _key(value) == "fitnessequipment"):
            return kind
    return sport
