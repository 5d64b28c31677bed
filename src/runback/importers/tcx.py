"""TCX (Garmin Training Center) activities: one streaming pass, or a tree from defusedxml."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from runback.errors import DamagedFileError, NotAnActivityError
from runback.importers.activity import (
    Activity,
    HeartRateTrack,
    content_hash,
    map_sport,
    plausible_hr,
    weighted_hr,
)
from runback.importers.xmlsafe import parse_xml

_POINT_TAGS = frozenset({"trkpt", "Trackpoint"})
_POINT_ENDINGS = ("}trkpt", "}Trackpoint")

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["parse_tcx"]

_CLIMB_THRESHOLD_M = 3.0
_NAMES_KEPT = 64  # local names remembered per file: a hostile file's many tags are not kept


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


class _Points:
    """The track points of the first activity, summed as they come: times, distance, climb.

    Each value is read as the whole-list code read it (the first child of that name with text),
    and the first unreadable one of each kind is kept, to be raised where that list was read.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.count = 0
        self.first_time: datetime | None = None
        self.earliest: datetime | None = None
        self.latest: datetime | None = None
        self.timed = 0
        self.time_error: DamagedFileError | None = None
        self.longest: float | None = None  # the largest DistanceMeters
        self.distance_error: DamagedFileError | None = None
        self.heights = 0
        self.climb = 0.0
        self._ref = 0.0
        self.height_error: DamagedFileError | None = None
        self.heart = HeartRateTrack()
        self._names: dict[str, str] = {}  # tag -> local name, for the first few tags seen

    def add(self, point: Element) -> None:
        """Read one Trackpoint element."""
        when = distance = height = heart = None
        names = self._names
        for child in point:
            tag = child.tag
            name = names.get(tag)
            if name is None:
                name = tag.rpartition("}")[2]
                if len(names) < _NAMES_KEPT:
                    names[tag] = name
            if name == "HeartRateBpm":
                # <HeartRateBpm><Value>148</Value></HeartRateBpm>: its text is only whitespace.
                if heart is None:
                    heart = _child_text(child, "Value")
                continue
            text = child.text
            if not text or not (text := text.strip()):
                continue
            if name == "Time":
                if when is None:
                    when = text
            elif name == "DistanceMeters":
                if distance is None:
                    distance = text
            elif name == "AltitudeMeters" and height is None:
                height = text
        self.count += 1
        timed: datetime | None = None
        if when is not None and self.time_error is None:
            try:
                timed = _time(when, self.source)
            except DamagedFileError as exc:
                self.time_error = exc
            if timed is not None:
                self.timed += 1
                if self.first_time is None:
                    self.first_time = timed
                # As min() and max(): the first of equal times is kept.
                if self.earliest is None or timed < self.earliest:
                    self.earliest = timed
                if self.latest is None or timed > self.latest:
                    self.latest = timed
        self.heart.add(plausible_hr(heart), timed)
        if distance is not None and self.distance_error is None:
            try:
                metres = float(distance)
            except ValueError:
                self.distance_error = DamagedFileError(
                    self.source, f"damaged TCX: DistanceMeters {distance!r} is not a number"
                )
            else:
                # As max(): a value replaces the largest so far only when it is greater.
                if self.longest is None or metres > self.longest:
                    self.longest = metres
        if height is not None and self.height_error is None:
            try:
                metres = float(height)
            except ValueError:
                self.height_error = DamagedFileError(
                    self.source, f"damaged TCX: AltitudeMeters {height!r} is not a number"
                )
            else:
                # Barometric altitude jitters by a metre or two; count a climb only once it
                # passes the threshold, or a flat hour would "climb" hundreds of metres.
                self.heights += 1
                if self.heights == 1:
                    self._ref = metres
                elif metres - self._ref >= _CLIMB_THRESHOLD_M:
                    self.climb += metres - self._ref
                    self._ref = metres
                elif metres < self._ref:
                    self._ref = metres

    def ascent(self) -> float | None:
        """Return the climb, or None with fewer than two heights; raise an unreadable height."""
        if self.height_error is not None:
            raise self.height_error
        return self.climb if self.heights >= 2 else None


def parse_tcx(data: bytes, source: str) -> Activity:
    """Read the first activity of a TCX file from bytes; raise a clear error when there is none."""
    # One streaming pass that sums the points as they end; None: it does not vouch for this
    # file, so build the whole tree carefully, which also says what is wrong with it.
    streamed = _stream(data, source)
    root = streamed[0] if streamed is not None else parse_xml(data, source)
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
    if streamed is not None:
        points = streamed[1]
    else:
        points = _Points(source)
        for lap in laps:
            for track in _children(lap, "Track"):
                for point in _children(track, "Trackpoint"):
                    points.add(point)
    count = len(activities)
    if points.time_error is not None:
        raise points.time_error

    start = (_time(laps[0].get("StartTime"), source) if laps else None) or _time(
        _child_text(activity, "Id"), source
    )
    if start is None and points.first_time is not None:
        start = points.first_time
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
    elif points.timed >= 2 and points.latest is not None and points.earliest is not None:
        elapsed = (points.latest - points.earliest).total_seconds()
    else:
        raise NotAnActivityError(
            source, "this TCX activity has neither lap times nor timed track points"
        )
    if laps and all(d is not None for d in lap_dists):
        distance = sum(d for d in lap_dists if d is not None)
    else:
        if points.distance_error is not None:
            raise points.distance_error
        distance = points.longest if points.longest is not None else 0.0

    note = f"this TCX holds {count} activities; only the first was imported" if count > 1 else None
    return Activity(
        start=start,
        elapsed_s=elapsed,
        moving_s=None,
        distance_m=distance,
        ascent_m=points.ascent(),
        sport=map_sport(activity.get("Sport")),
        name=_child_text(activity, "Notes"),
        device=_device(activity),
        source_format="tcx",
        content_hash=content_hash(data),
        note=note,
        **_heart_rate(laps, lap_times, points),
    )


def _heart_rate(
    laps: list[Element], lap_times: list[float | None], points: _Points
) -> dict[str, int | None]:
    """Return avg_hr and max_hr: the laps' own values, else the track points' readings."""
    averages = [_lap_hr(lap, "AverageHeartRateBpm") for lap in laps]
    average = weighted_hr(zip(averages, lap_times, strict=True))
    peaks = [r for lap in laps if (r := _lap_hr(lap, "MaximumHeartRateBpm")) is not None]
    return {
        "avg_hr": average if average is not None else points.heart.average(),
        "max_hr": round(max(peaks)) if peaks else points.heart.maximum(),
    }


def _lap_hr(lap: Element, name: str) -> float | None:
    for child in _children(lap, name):
        return plausible_hr(_child_text(child, "Value"))
    return None


def _stream(data: bytes, source: str) -> tuple[Element, _Points] | None:
    """Read the file in one pass of the C parser, summing the first activity's points.

    Returns the root (the first activity kept without its points, any other activity, course
    or workout emptied) and the points' summary; None when this pass does not vouch for the
    file (a DTD possible, another encoding, malformed, a limit passed): the careful path.
    """
    from runback.importers.limits import MAX_TRACK_POINTS, MAX_XML_DEPTH
    from runback.importers.xmlsafe import event_chunks, streamable

    vetted = streamable(data, b"<Trackpoint")
    if vetted is None:
        return None
    # Every point element's start tag holds one of these, so when they are few enough no
    # element can pass the limit and the pass need not look at each tag; else it counts.
    counting = (
        sum(vetted.count(mark) for mark in (b"<Trackpoint", b":Trackpoint", b"<trkpt", b":trkpt"))
        > MAX_TRACK_POINTS
    )
    points = _Points(source)
    add = points.add
    depth = marks = activities = 0
    root: Element | None = None
    # Where the pass is: in <Activities>, the first activity, one of its laps, their tracks.
    in_group = first = in_lap = in_track = False
    track: Element | None = None
    try:
        for events in event_chunks(vetted):
            for event, elem in events:
                if event == "start":
                    depth += 1
                    if depth > MAX_XML_DEPTH:
                        return None
                    if counting:
                        tag = elem.tag
                        # Both point names end in "t": most tags pass by one comparison.
                        if tag[-1:] == "t" and (tag.endswith(_POINT_ENDINGS) or tag in _POINT_TAGS):
                            marks += 1
                            if marks > MAX_TRACK_POINTS:
                                return None
                    if depth > 5:
                        continue
                    tag = elem.tag
                    if root is None:
                        root = elem
                    elif depth == 2:
                        in_group = _local(tag) == "Activities"
                    elif depth == 3 and in_group and _local(tag) == "Activity":
                        activities += 1
                        first = activities == 1
                    elif depth == 4:
                        in_lap = first and _local(tag) == "Lap"
                    elif depth == 5:
                        in_track = in_lap and _local(tag) == "Track"
                        track = elem if in_track else None
                    continue
                depth -= 1
                if depth > 5 and first:
                    continue  # a point's child: read with its point
                if depth == 5 and in_track and track is not None:
                    tag = elem.tag
                    if tag.endswith("}Trackpoint") or tag == "Trackpoint":
                        add(elem)
                        elem.clear()
                        # The track may hold later points already; each event holds its own.
                        track.clear()
                        continue
                if depth >= 2 and not first:
                    elem.clear()  # not the first activity: only its being there counts
                elif depth == 2:
                    first = False
    except Exception:  # malformed, an encoding expat refuses, too many elements: careful path
        return None
    if root is None:
        return None
    return root, points


def _device(activity: Element) -> str | None:
    for creator in _children(activity, "Creator"):
        name = _child_text(creator, "Name")
        if name:
            return name
    return None
