"""TCX (Garmin Training Center) activities: one pass on pyexpat handlers, or a defusedxml tree."""

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
        when: str | None = None
        distance: str | None = None
        height: str | None = None
        heart: str | None = None
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
        self.add_texts(when, distance, height, heart)

    def add_texts(
        self, when: str | None, distance: str | None, height: str | None, heart: str | None
    ) -> None:
        """Take one point's values as the texts of its children (stripped, or None)."""
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
    """Read the file in one pass on pyexpat's handlers, summing the first activity's points.

    Returns the root (the first activity kept with its tracks emptied, any other activity,
    course or workout emptied) and the points' summary; None when this pass does not vouch for
    the file (a DTD possible, another encoding, malformed, a limit passed): the careful path.
    Elements are built (by ElementTree's TreeBuilder, as its parser builds them) only for what
    parse_tcx reads; a track point's values come straight from its children's text.
    """
    from xml.etree.ElementTree import TreeBuilder

    from runback.importers.limits import MAX_TRACK_POINTS, MAX_XML_DEPTH
    from runback.importers.xmlsafe import expat_pass, streamable

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
    add = points.add_texts
    builder = TreeBuilder()
    parts: list[str] = []  # the text since the last start or end tag
    join = "".join
    names: dict[str, str] = {}  # tag -> local name, for the first few tags seen
    root: Element | None = None
    depth = marks = activities = 0
    # Where the pass is: in <Activities>, the first activity, one of its laps, their tracks,
    # a track point, its <HeartRateBpm>.
    in_group = first = in_lap = in_track = in_point = in_heart = False
    # The point's values as text; `reading` is the depth of the element whose text is awaited
    # (0: none) and `kind` its name.
    when: str | None = None
    distance: str | None = None
    height: str | None = None
    heart: str | None = None
    reading = 0
    kind = ""

    def local(name: str) -> str:
        found = names.get(name)
        if found is None:
            found = name.rpartition("}")[2]
            if len(names) < _NAMES_KEPT:
                names[name] = found
        return found

    def value(text: str | None) -> None:
        # The awaited element's text (ElementTree's `.text`), as _Points.add reads it.
        nonlocal reading, when, distance, height, heart
        reading = 0
        if not text or not (text := text.strip()):
            return
        if kind == "Time":
            when = text
        elif kind == "DistanceMeters":
            distance = text
        elif kind == "AltitudeMeters":
            height = text
        else:
            heart = text

    def begin(name: str, attrs: dict[str, str]) -> Element:
        if parts:
            builder.data(join(parts))
            parts.clear()
        return builder.start("{" + name if "}" in name else name, _attributes(attrs))

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal root, depth, marks, activities, in_group, first, in_lap, in_track
        nonlocal in_point, in_heart, when, distance, height, heart, reading, kind
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused
        if counting and name[-1:] == "t" and (name.endswith(_POINT_ENDINGS) or name in _POINT_TAGS):
            marks += 1
            if marks > MAX_TRACK_POINTS:
                raise _Refused
        if depth > 3:
            if not first:
                if parts:
                    parts.clear()  # another activity, a course: only its being there counts
                return
            if in_track:
                if reading:
                    value(join(parts) or None)  # the awaited element has a child: its text ends
                if parts:
                    parts.clear()
                if depth == 6:
                    in_point = local(name) == "Trackpoint"
                    if in_point:
                        when = distance = height = heart = None
                elif not in_point:
                    pass
                elif depth == 7:
                    # As _Points.add: the first of each with text, a heart rate's first <Value>.
                    child = names.get(name) or local(name)
                    in_heart = child == "HeartRateBpm"
                    if (
                        (child == "Time" and when is None)
                        or (child == "DistanceMeters" and distance is None)
                        or (child == "AltitudeMeters" and height is None)
                    ):
                        reading, kind = 7, child
                elif depth == 8 and in_heart and heart is None and local(name) == "Value":
                    reading, kind = 8, "Value"
                return
            if depth == 4:
                in_lap = local(name) == "Lap"
            elif depth == 5 and in_lap and local(name) == "Track":
                in_track = True
        elif depth == 3:
            if in_group and local(name) == "Activity":
                activities += 1
                first = activities == 1
            if not first:
                begin(name, {})  # emptied: only its being there counts
                return
        elif depth == 2:
            in_group = local(name) == "Activities"
        elem = begin(name, attrs)
        if root is None:
            root = elem

    def end(name: str) -> None:
        nonlocal depth, first, in_track, in_point, in_heart
        level = depth
        depth -= 1
        if level > 3:
            if not first:
                if parts:
                    parts.clear()
                return
            if in_track:
                if reading == level:
                    value(join(parts) or None)
                if parts:
                    parts.clear()
                if level == 6:
                    if in_point:
                        in_point = False
                        add(when, distance, height, heart)
                    return
                if level == 7:
                    in_heart = False
                if level > 5:
                    return
                in_track = False  # the track ends, kept without its points
        elif level == 3:
            if not first:
                parts.clear()  # an emptied element keeps no text
            first = False
        if parts:
            builder.data(join(parts))
            parts.clear()
        builder.end("{" + name if "}" in name else name)

    try:
        expat_pass(vetted, start, end, parts.append)
    except Exception:  # malformed, an encoding expat refuses, too many elements: careful path
        return None
    if root is None:
        return None
    return root, points


class _Refused(Exception):
    """A limit passed: the careful path refuses the file and words it."""


def _attributes(attrs: dict[str, str]) -> dict[str, str]:
    # ElementTree's names for namespaced attributes: `{uri}local`.
    return {("{" + k if "}" in k else k): v for k, v in attrs.items()} if attrs else {}


def _device(activity: Element) -> str | None:
    for creator in _children(activity, "Creator"):
        name = _child_text(creator, "Name")
        if name:
            return name
    return None
