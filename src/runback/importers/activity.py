"""The Activity every importer produces, and small helpers they share."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from runback.core.vocab import Sport

__all__ = [
    "HR_GAP_S",
    "MAX_PLAUSIBLE_HR",
    "MIN_PLAUSIBLE_HR",
    "Activity",
    "HeartRateTrack",
    "content_hash",
    "map_sport",
    "plausible_hr",
    "weighted_hr",
]

# A heart rate outside these (bpm) is a strap's glitch or a placeholder, never a runner's.
MIN_PLAUSIBLE_HR = 30
MAX_PLAUSIBLE_HR = 250
# A reading stands for the time until the next one, at most this long: a pause or a gap in the
# recording does not let one reading outweigh the rest.
HR_GAP_S = 60.0

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
    avg_hr: int | None = None  # bpm, over the recording; None: not recorded
    max_hr: int | None = None  # bpm

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


def plausible_hr(value: object) -> float | None:
    """Return a heart rate (bpm) read from a number or text, or None when absent or implausible."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or not MIN_PLAUSIBLE_HR <= number <= MAX_PLAUSIBLE_HR:
        return None
    return number


def weighted_hr(parts: Iterable[tuple[float | None, float | None]]) -> int | None:
    """Return the mean of (bpm, seconds) parts weighted by their seconds, as whole bpm.

    Parts without a plausible rate are left out; when no part has positive seconds, the plain
    mean of the rates.
    """
    rates = [(hr, s) for hr, s in parts if hr is not None]
    if not rates:
        return None
    timed = [(hr, s) for hr, s in rates if s is not None and s > 0 and math.isfinite(s)]
    if timed:
        mean = sum(hr * s for hr, s in timed) / sum(s for _, s in timed)
    else:
        mean = sum(hr for hr, _ in rates) / len(rates)
    return round(mean)


class HeartRateTrack:
    """Heart rate read point by point: the time-weighted mean and the maximum.

    Each plausible reading stands for the seconds until the next timed point (at most
    HR_GAP_S); readings without times count equally when no reading has any time.
    """

    def __init__(self) -> None:
        self._sum = 0.0
        self._seconds = 0.0
        self._plain_sum = 0.0
        self._count = 0
        self._max: float | None = None
        self._held: float | None = None  # the last timed reading, waiting for its duration
        self._held_at: datetime | None = None

    def add(self, hr: float | None, when: datetime | None) -> None:
        """Take one point: its plausible rate (or None) and its time (or None)."""
        if when is not None and self._held is not None and self._held_at is not None:
            seconds = (when - self._held_at).total_seconds()
            if seconds > 0:
                step = min(seconds, HR_GAP_S)
                self._sum += self._held * step
                self._seconds += step
        if when is not None:
            self._held, self._held_at = hr, when
        if hr is None:
            return
        self._plain_sum += hr
        self._count += 1
        if self._max is None or hr > self._max:
            self._max = hr

    def average(self) -> int | None:
        """Return the mean rate as whole bpm, or None without a reading."""
        if not self._count:
            return None
        if self._seconds > 0:
            return round(self._sum / self._seconds)
        return round(self._plain_sum / self._count)

    def maximum(self) -> int | None:
        """Return the highest rate as whole bpm, or None without a reading."""
        return None if self._max is None else round(self._max)
