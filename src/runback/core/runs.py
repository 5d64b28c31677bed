"""What a run is: the sport vocabulary, the one rule for which sports are runs, and pace.

Every activity keeps its sport; only running, trail running, treadmill and track sessions are
runs. Everything else (a ride, a walk, a swim) is an "other activity": listed, never counted in
run numbers. Every reader of runs asks `is_run` (or its SQL twin, `RunRow.is_run`).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from runback.core.vocab import RUN_SPORTS, SPORTS, Sport

__all__ = [
    "EARLIEST_START",
    "LATEST_START",
    "MAX_PLAUSIBLE",
    "MIN_PACE_DISTANCE_M",
    "SPORT_FILTERS",
    "SPORT_LABELS",
    "SportFilter",
    "is_run",
    "matches_filter",
    "pace_s_per_km",
    "parse_sport",
    "parse_sport_filter",
    "plausible",
    "plausible_start",
]


# Words for people (pages, PDF); the CLI and API use the sport names themselves.
SPORT_LABELS: dict[str, str] = {
    "running": "Run",
    "trail-running": "Trail run",
    "treadmill": "Treadmill run",
    "track": "Track run",
    "cycling": "Ride",
    "walking": "Walk",
    "hiking": "Hike",
    "swimming": "Swim",
    "other": "Other activity",
}

# Filters over a list of activities: everything, the runs, the other activities, or one sport.
SportFilter = str
SPORT_FILTERS: tuple[str, ...] = ("all", "runs", "other", *(s for s in SPORTS if s != "other"))

# Below this a pace says more about GPS noise than about running.
MIN_PACE_DISTANCE_M = 100.0


def is_run(sport: str) -> bool:
    """Tell whether an activity of this sport is a run."""
    return sport in RUN_SPORTS


def parse_sport(value: str) -> Sport:
    """Return the sport a user typed (any case); ValueError naming the choices otherwise."""
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    for sport in SPORTS:
        if sport == key:
            return sport
    raise ValueError(f"must be one of {', '.join(SPORTS)}; got {value!r}")


def parse_sport_filter(value: str) -> SportFilter:
    """Return a filter a user typed: all, runs (also run), other, or one sport."""
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    if key == "run":
        return "runs"
    if key in SPORT_FILTERS:
        return key
    raise ValueError(f"must be one of {', '.join(SPORT_FILTERS)}; got {value!r}")


def matches_filter(sport: str, wanted: SportFilter) -> bool:
    """Tell whether an activity of this sport passes the filter ("other": every non-run)."""
    if wanted == "all":
        return True
    if wanted == "runs":
        return is_run(sport)
    if wanted == "other":
        return not is_run(sport)
    return sport == wanted


def pace_s_per_km(sport: str, distance_m: float, seconds: float | None) -> float | None:
    """Return seconds per km for a run of some length, None for other activities and stubs."""
    if not is_run(sport) or seconds is None or seconds <= 0:
        return None
    if distance_m < MIN_PACE_DISTANCE_M:
        return None
    return seconds / (distance_m / 1000)


# The ranges the database's CHECKs hold (migration 0005); reading code applies them too, so a
# row stored before them (or through a database without them) cannot break a page.
MAX_PLAUSIBLE = 1e9
EARLIEST_START = datetime(1990, 1, 1, tzinfo=UTC)
LATEST_START = datetime(2100, 1, 1, tzinfo=UTC)


def plausible(value: float | None) -> float | None:
    """Return `value` when it is a finite number from 0 to MAX_PLAUSIBLE, else None."""
    if value is None or not math.isfinite(value) or not 0 <= value < MAX_PLAUSIBLE:
        return None
    return value


def plausible_start(start: datetime) -> bool:
    """Tell whether a run's start lies between 1990 and 2100."""
    return EARLIEST_START <= start < LATEST_START
