"""TCX (Garmin Training Center) activities: a small parser on defusedxml."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from runback.errors import DamagedFileError, NotAnActivityError
from runback.importers.activity import Activity, content_hash, map_sport
from runback.importers.xmlsafe import parse_xml

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["parse_tcx"]

_CLIMB_THRESHOLD_M = 3.0


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: Element, name: str) -> list[Element]:
    return [c for c in node if _local(c.tag) == name]


def _child_text(node: Element, name: str) -> str | None:
    for child in node:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _time(text: str | None, source: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except ValueError as exc:
        raise DamagedFileError(source, f"damaged TCX: {text!r} is not a time") from exc
    except OverflowError as exc:
        # Year 1 or 9999 with an offset: the time in UTC falls outside what a datetime holds.
        raise DamagedFileError(
            source, f"numbers not plausible: the time {text!r} is outside any recording"
        ) from exc


def _number(text: str | None, source: str, what: str) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise DamagedFileError(source, f"damaged TCX: {what} {text!r} is not a number") from exc


def parse_tcx(data: bytes, source: str) -> Activity:
    """Read the first activity of a TCX file from bytes; raise a clear error when there is none."""
    root = parse_xml(data, source)
    if _local(root.tag) != "TrainingCenterDatabase":
        raise DamagedFileError(source, f"not a TCX file: the root element is <{_local(root.tag)}>")
    activities = [
        a for group in _children(root, "Activities") for a in _children(group, "Activity")
    ]
    if not activities:
        if _children(root, "Courses") or _children(root, "Workouts"):
            raise NotAnActivityError(
                source, "this TCX holds a course or workout, not a recorded activity"
            )
        raise NotAnActivityError(source, "this TCX file holds no activity")
    activity = activities[0]
    laps = _children(activity, "Lap")
    points = [
        p for lap in laps for t in _children(lap, "Track") for p in _children(t, "Trackpoint")
    ]
    times = [t for t in (_time(_child_text(p, "Time"), source) for p in points) if t is not None]

    start = (_time(laps[0].get("StartTime"), source) if laps else None) or _time(
        _child_text(activity, "Id"), source
    )
    if start is None and times:
        start = times[0]
    if start is None:
        raise NotAnActivityError(source, "this TCX activity has no start time")

    lap_times = [
        _number(_child_text(lap, "TotalTimeSeconds"), source, "TotalTimeSeconds") for lap in laps
    ]
    lap_dists = [
        _number(_child_text(lap, "DistanceMeters"), source, "DistanceMeters") for lap in laps
    ]
    if laps and all(t is not None for t in lap_times):
        elapsed = sum(t for t in lap_times if t is not None)
    elif len(times) >= 2:
        elapsed = (max(times) - min(times)).total_seconds()
    else:
        raise NotAnActivityError(
            source, "this TCX activity has neither lap times nor timed track points"
        )
    if laps and all(d is not None for d in lap_dists):
        distance = sum(d for d in lap_dists if d is not None)
    else:
        point_dists = [
            _number(_child_text(p, "DistanceMeters"), source, "DistanceMeters") for p in points
        ]
        distance = max((d for d in point_dists if d is not None), default=0.0)

    note = (
        f"this TCX holds {len(activities)} activities; only the first was imported"
        if len(activities) > 1
        else None
    )
    return Activity(
        start=start,
        elapsed_s=elapsed,
        moving_s=None,
        distance_m=distance,
        ascent_m=_ascent(points, source),
        sport=map_sport(activity.get("Sport")),
        name=_child_text(activity, "Notes"),
        device=_device(activity),
        source_format="tcx",
        content_hash=content_hash(data),
        note=note,
    )


def _ascent(points: list[Element], source: str) -> float | None:
    heights = [_number(_child_text(p, "AltitudeMeters"), source, "AltitudeMeters") for p in points]
    known = [h for h in heights if h is not None]
    if len(known) < 2:
        return None
    # Barometric altitude jitters by a metre or two; count a climb only once it passes the
    # threshold, or a flat hour would "climb" hundreds of metres.
    total, ref = 0.0, known[0]
    for height in known[1:]:
        if height - ref >= _CLIMB_THRESHOLD_M:
            total += height - ref
            ref = height
        elif height < ref:
            ref = height
    return total


def _device(activity: Element) -> str | None:
    for creator in _children(activity, "Creator"):
        name = _child_text(creator, "Name")
        if name:
            return name
    return None
