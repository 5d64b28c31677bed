"""GPX tracks: one measuring pass (gpx_fast), or gpxpy after defusedxml has vetted the XML."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from runback.errors import DamagedFileError, NotAnActivityError
from runback.importers.activity import Activity, HeartRateTrack, content_hash, map_sport
from runback.importers.xmlsafe import decode_xml, parse_xml

if TYPE_CHECKING:
    from runback.importers.gpx_fast import GpxSummary

__all__ = ["EARLIEST_PLAUSIBLE", "MIN_TIMED_SHARE", "parse_gpx"]

# GPS receivers log nothing earlier; 1901-12-13 (the most negative 32-bit Unix time) is a classic
# "no clock" value.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
# Share of track points that must carry a time (first and last always) for a trustworthy duration.
MIN_TIMED_SHARE = 0.95


def parse_gpx(data: bytes, source: str) -> Activity:
    """Read a recorded GPX track from bytes; raise a clear ActivityFileError when it is not one."""
    import gpxpy
    import gpxpy.gpx

    from runback.importers.gpx_fast import extension_hr, read_gpx

    # One streaming pass that measures as it reads; None: it does not vouch for this file, so
    # read it carefully (limits, a vetted tree, gpxpy), which also says what is wrong with it.
    summary = read_gpx(data)
    if summary is not None:
        return _from_summary(summary, data, source)
    root = parse_xml(data, source)
    if not root.tag.endswith("gpx"):
        raise DamagedFileError(source, f"not a GPX file: the root element is <{root.tag}>")
    try:
        gpx = gpxpy.parse(decode_xml(data, source))
    except gpxpy.gpx.GPXException as exc:
        raise DamagedFileError(source, f"damaged GPX: {exc}") from exc

    points = [p for t in gpx.tracks for s in t.segments for p in s.points]
    if not points:
        _no_points(gpx, source)
    _check_numbers(points, source)
    for point in points:
        # One zone for every time: gpxpy subtracts neighbours' times, and a naive time next to
        # an aware one (a file mixing "Z" and zoneless times) cannot be subtracted.
        if point.time is not None:
            point.time = _utc(point.time)
    times = [p.time for p in points if p.time is not None]
    heart = HeartRateTrack()
    for point in points:
        # gpxpy lists a point's extensions only in GPX 1.1, which is where they exist.
        heart.add(extension_hr(point.extensions) if gpx.version == "1.1" else None, point.time)
    _check_times(
        min(times) if times else None,
        len(times),
        len(points),
        points[0].time is not None and points[-1].time is not None,
        source,
    )
    # Recorded time summed over segments, like gpxpy's get_duration: the gaps between segments
    # (the device was paused or off) are not part of the activity.
    try:
        elapsed = float(gpx.get_duration() or 0.0)
        moving = gpx.get_moving_data()
        climb = gpx.get_uphill_downhill()
        distance = float(gpx.length_2d())
    except (ValueError, ArithmeticError) as exc:
        # The checks above keep gpxpy's geometry in its domain; this names the file if not.
        raise DamagedFileError(
            source, f"damaged GPX: the track cannot be measured ({exc})"
        ) from exc
    if elapsed <= 0:
        raise DamagedFileError(source, "GPX timestamps not usable (every point has the same time)")
    return Activity(
        start=min(times),
        elapsed_s=elapsed,
        moving_s=float(moving.moving_time) if moving and moving.moving_time else None,
        distance_m=distance,
        ascent_m=float(climb.uphill)
        if climb and any(p.elevation is not None for p in points)
        else None,
        sport=map_sport(next((t.type for t in gpx.tracks if t.type), None)),
        name=_name(gpx),
        device=gpx.creator or None,
        source_format="gpx",
        content_hash=content_hash(data),
        avg_hr=heart.average(),
        max_hr=heart.maximum(),
    )


def _from_summary(summary: GpxSummary, data: bytes, source: str) -> Activity:
    """Build the Activity from the one-pass summary, with the careful path's checks and words."""
    gpx = summary.gpx
    if not summary.points:
        _no_points(gpx, source)
    start = summary.earliest
    _check_times(
        start,
        summary.timed,
        summary.points,
        summary.first_timed and summary.last_timed,
        source,
    )
    assert start is not None  # _check_times refuses a track without times
    elapsed = float(summary.duration_s or 0.0)
    if elapsed <= 0:
        raise DamagedFileError(source, "GPX timestamps not usable (every point has the same time)")
    return Activity(
        start=start,
        elapsed_s=elapsed,
        moving_s=float(summary.moving_s) if summary.moving_s else None,
        distance_m=float(summary.length_2d_m),
        ascent_m=float(summary.uphill_m) if summary.has_elevation else None,
        sport=map_sport(next((t.type for t in gpx.tracks if t.type), None)),
        name=_name(gpx),
        device=gpx.creator or None,
        source_format="gpx",
        content_hash=content_hash(data),
        avg_hr=summary.avg_hr,
        max_hr=summary.max_hr,
    )


def _no_points(gpx: Any, source: str) -> NoReturn:
    if any(r.points for r in gpx.routes):
        raise NotAnActivityError(source, "this GPX holds a planned route, not a recorded activity")
    raise NotAnActivityError(source, "this GPX has no track points, so no recorded activity")


def _check_times(
    early: datetime | None, timed: int, points: int, ends_timed: bool, source: str
) -> None:
    """Refuse a track without usable times: none, a clock never set, or too many missing."""
    if early is None:
        raise NotAnActivityError(
            source,
            "this GPX track has no times: a planned track (from a route planner), not a recording",
        )
    if early < EARLIEST_PLAUSIBLE:
        raise DamagedFileError(
            source,
            f"GPX timestamps not usable (they say {early:%Y-%m-%d}; the device had no clock)",
        )
    if timed < points and (not ends_timed or timed < MIN_TIMED_SHARE * points):
        raise NotAnActivityError(
            source,
            f"only {timed} of {points} track points have a time, so the duration is "
            "unknown; export the activity again from the device or app that recorded it",
        )


def _check_numbers(points: list[Any], source: str) -> None:
    """Raise DamagedFileError for a point whose position or elevation is not a real place."""
    for number, point in enumerate(points, 1):
        lat, lon, ele = point.latitude, point.longitude, point.elevation
        problem = None
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            problem = f"latitude {lat} is outside -90 to 90"
        elif not (math.isfinite(lon) and -180 <= lon <= 180):
            problem = f"longitude {lon} is outside -180 to 180"
        elif ele is not None and not math.isfinite(ele):
            problem = f"elevation {ele} is not a number"
        if problem is not None:
            raise DamagedFileError(source, f"damaged GPX: track point {number}: {problem}")


def _utc(value: datetime) -> datetime:
    # GPX times are UTC by the standard; a missing zone means UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _name(gpx: Any) -> str | None:
    for candidate in [t.name for t in gpx.tracks] + [gpx.name]:
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    return None
