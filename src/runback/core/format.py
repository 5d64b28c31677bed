"""Durations, distances and paces as people read them: shared by the CLI, the pages and the PDF."""

from __future__ import annotations

__all__ = ["clock_time", "duration", "km", "min_s", "minutes", "pace"]


def duration(seconds: float | None) -> str:
    """Format seconds as "1:02:03" or "12:34" ("—" when there are none)."""
    if seconds is None:
        return "—"
    return clock_time(seconds, hours=False)


def clock_time(seconds: float, *, hours: bool = True) -> str:
    """Format seconds as "h:mm:ss" (with `hours=False`, "m:ss" below an hour)."""
    h, rest = divmod(round(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h or hours else f"{m}:{s:02d}"


def minutes(seconds: float | None) -> str:
    """Format seconds as whole minutes ("4 min"), at least 1 for anything above zero."""
    if not seconds:
        return "0 min"
    return f"{max(1, round(seconds / 60))} min"


def min_s(seconds: int) -> str:
    """Format a routine's length as "4 min 05 s" (or "45 s" under a minute)."""
    m, s = divmod(seconds, 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def km(metres: float | None, digits: int = 2, unit: str = " km") -> str:
    """Format metres as kilometres ("12.34 km"; "—" when there is no distance)."""
    return "—" if metres is None else f"{metres / 1000:.{digits}f}{unit}"


def pace(seconds_per_km: float | None) -> str:
    """Format a pace as "5:07 /km" ("—" when there is none)."""
    if seconds_per_km is None:
        return "—"
    mins, secs = divmod(round(seconds_per_km), 60)
    return f"{mins}:{secs:02d} /km"
