"""Pain aggregation: a day's pain is its worst entry, in the user's local day.

One rule everywhere (stats, the heatmap, weekly pain, triage, the physio report): several
entries on one day count as that day's maximum, never their average or the latest one, so a
day logged three times weighs as much as a day logged once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeVar

from runback.core.timezones import event_day

__all__ = ["PainPoint", "mean_worst", "worst_by", "worst_by_day"]


@dataclass(frozen=True)
class PainPoint:
    """A logged pain intensity at an instant, with the zone it was logged in and its run.

    `zone` is where it was logged (for showing the entry); its day is counted in the user's
    current zone, like every other event (core.timezones.event_day).
    """

    at: datetime
    zone: str
    intensity: int
    run_id: int | None = None
    stops_activities: bool = False  # "it stops my day-to-day activities" (core.triage)


class _Logged(Protocol):
    @property
    def intensity(self) -> int: ...


T = TypeVar("T", bound=_Logged)


def worst_by(pains: Iterable[T], day_of: Callable[[T], date | None]) -> dict[date, int]:
    """Return the worst intensity per day, each entry on `day_of` it (None leaves it out)."""
    worst: dict[date, int] = {}
    for p in pains:
        day = day_of(p)
        if day is not None:
            worst[day] = max(worst.get(day, 0), p.intensity)
    return worst


def worst_by_day(pains: Iterable[PainPoint], user_zone: str) -> dict[date, int]:
    """Return the worst logged intensity of each of the user's local days."""
    return worst_by(pains, lambda p: event_day(p.at, user_zone))


def mean_worst(worst: Iterable[int]) -> float | None:
    """Return the mean of days' worst pain, or None when no day has pain logged."""
    values = list(worst)
    return sum(values) / len(values) if values else None
