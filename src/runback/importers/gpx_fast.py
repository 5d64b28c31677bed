"""One streaming pass over a GPX file into its measured summary, with the XML protections kept.

ElementTree's C iterparse runs once over a file whose prolog holds no DTD (so no entities:
without one expat knows only the five built-in ones), counting depth, elements and points as it
goes and stopping past the limits. Each track point is measured as it ends and then dropped:
no list of points and no gpxpy point objects. The numbers are computed with gpxpy's own
formulas in gpxpy's order (per segment, then per track, then for the file), so they are the
same floats gpxpy gives: `length_2d`, `get_duration`, `get_moving_data().moving_time` and
`get_uphill_downhill().uphill`. The tracks' own fields, waypoints, routes and metadata (small)
are read by gpxpy's own field code, and so is a point with any child but ele, time and
extensions. Whatever this pass does not vouch for (a DTD possible, limits passed, malformed
XML, more than one default namespace, another encoding, a value gpxpy would refuse, a position
out of range, arithmetic that fails) returns None: the caller takes the careful path (gpxpy
itself), which also words the error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from runback.importers.activity import plausible_hr

__all__ = ["GpxSummary", "extension_hr", "read_gpx"]

_DEFAULT_NS = re.compile(rb"""\sxmlns=(['"])([^'"]+)\1""")
# Children of a track point read here; any other makes gpxpy's field code read that point.
_POINT_CHILDREN = frozenset({"ele", "time", "extensions"})
# The time shape nearly every device writes; gpxpy's own parser reads any other.
_ZULU = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
# gpxpy.geo's constants and gpxpy.gpx's stopped-speed threshold (km/h).
_EARTH_RADIUS = 6378.137 * 1000
_ONE_DEGREE = (2 * math.pi * _EARTH_RADIUS) / 360
_STOPPED_KMH = 1


class _Unsure(Exception):
    """This pass does not vouch for the file: take the careful path."""


@dataclass(frozen=True)
class GpxSummary:
    """What parse_gpx needs of a GPX file, as gpxpy would measure it."""

    gpx: Any  # gpxpy's GPX without track points: creator, name, routes, the tracks' own fields
    points: int
    timed: int  # points with a time
    first_timed: bool
    last_timed: bool
    has_elevation: bool
    earliest: datetime | None  # aware, UTC
    duration_s: float | None  # gpx.get_duration()
    moving_s: float  # gpx.get_moving_data().moving_time
    uphill_m: float  # gpx.get_uphill_downhill().uphill
    length_2d_m: float  # gpx.length_2d()
    avg_hr: int | None = None  # the points' heart rate (GPX 1.1 extensions), time-weighted
    max_hr: int | None = None


def extension_hr(children: Any) -> float | None:
    """Return the heart rate in a point's extensions (as gpxpy lists them), or None.

    Garmin's <gpxtpx:TrackPointExtension><gpxtpx:hr> (any prefix or version), or a bare <hr>.
    """
    for child in children:
        name = str(child.tag).rpartition("}")[2]
        if name == "hr":
            return plausible_hr(child.text)
        if name == "TrackPointExtension":
            for inner in child:
                if str(inner.tag).rpartition("}")[2] == "hr":
                    return plausible_hr(inner.text)
    return None


def _float(text: str | None) -> float | None:
    # gpxpy's FLOAT_TYPE: None stays None, anything else is float(text.strip()).
    if text is None:
        return None
    try:
        return float(text.strip())
    except ValueError:
        raise _Unsure from None


def _coordinate(text: str) -> float:
    value = _float(text)
    if value is None:
        raise _Unsure
    return value


def _default_namespaces(data: bytes) -> list[str]:
    """Return the default namespaces the file declares (found by a fast byte search)."""
    found: list[str] = []
    at = data.find(b"xmlns=")
    while at >= 0 and len(found) < 2:
        match = _DEFAULT_NS.match(data, at - 1) if at else None
        if match:
            found.append(match.group(2).decode("utf-8", "replace"))
        at = data.find(b"xmlns=", at + 6)
    return found


def read_gpx(data: bytes) -> GpxSummary | None:
    """Return the GPX file's summary as gpxpy would measure it, or None (the careful path)."""
    from runback.importers.xmlsafe import streamable

    vetted = streamable(data, b"<trkpt")
    if vetted is None:
        return None  # a DTD possible, another encoding, over the point limit: the careful path
    # gpxpy drops the first default namespace it finds; more than one would need its tree.
    namespaces = _default_namespaces(vetted)
    if len(namespaces) > 1:
        return None
    uri = namespaces[0] if namespaces else None
    try:
        return _read(vetted, uri)
    except _Unsure:
        return None
    except Exception:  # malformed XML, arithmetic gpxpy would fail on: the careful path names it
        return None


def _read(data: bytes, uri: str | None) -> GpxSummary:
    # The C parser (defusedxml's is pure Python, 3x slower); safe given the checks above.
    import gpxpy.gpx
    from gpxpy.gpxfield import TIME_TYPE

    from runback.importers.activity import HeartRateTrack
    from runback.importers.limits import MAX_TRACK_POINTS, MAX_XML_DEPTH
    from runback.importers.xmlsafe import event_chunks

    parse_time = TIME_TYPE.from_string
    zulu = _ZULU.fullmatch
    fromiso = datetime.fromisoformat
    utc = UTC
    cos, radians, sqrt, sin, asin = math.cos, math.radians, math.sqrt, math.sin, math.asin
    isfinite = math.isfinite
    one_degree = _ONE_DEGREE
    track_point = gpxpy.gpx.GPXTrackPoint

    prefix = f"{{{uri}}}" if uri else ""
    cut = len(prefix)
    trk, trkseg, trkpt = prefix + "trk", prefix + "trkseg", prefix + "trkpt"
    ele_tag, time_tag, ext_tag = prefix + "ele", prefix + "time", prefix + "extensions"
    tracks: list[Any] = []
    version: str | None = None
    depth = points = timed = 0
    first_timed = last_timed = has_elevation = False
    earliest: datetime | None = None
    root: Any = None
    segment_elem: Any = None
    in_track = False
    # The file's totals, as gpxpy's GPX methods add up their tracks'.
    gpx_duration: float | None = 0.0
    gpx_moving = 0.0
    gpx_uphill: float = 0
    gpx_length: float = 0
    # The track's, as GPXTrack's methods add up their segments'.
    trk_segments = 0
    trk_duration: float | None = 0.0
    trk_moving = 0.0
    trk_uphill: float = 0
    trk_length: float = 0
    # The segment's: its point count, the times of its first two and last two points, the
    # previous point, and the elevation smoothing's window (gpxpy.geo.calculate_uphill_downhill).
    n = 0
    t_first = t_second = t_last = t_before = None
    p_lat = p_lon = 0.0
    p_ele: float | None = None
    p_time: datetime | None = None
    seg_moving = 0.0
    seg_length: float = 0
    seg_up = 0.0
    heights = 0
    e_before = e_last = s_last = 0.0
    heart = HeartRateTrack()
    heart_add, points_hr = heart.add, extension_hr
    # gpxpy reads a point's extensions only in GPX 1.1 (1.0 has none in its schema).
    with_extensions = False
    for events in event_chunks(data):
        for event, elem in events:
            if event == "start":
                depth += 1
                if depth > 3:
                    # Points and their children: only the depth to check.
                    if depth > MAX_XML_DEPTH:
                        raise _Unsure
                    continue
                if root is None:
                    root = elem
                    if elem.tag != prefix + "gpx":
                        raise _Unsure
                    version = elem.get("version")
                    with_extensions = version == "1.1"
                elif depth == 2:
                    in_track = elem.tag == trk
                    if in_track:
                        trk_segments = 0
                        trk_duration, trk_moving, trk_uphill, trk_length = 0.0, 0.0, 0, 0
                elif depth == 3 and in_track and elem.tag == trkseg:
                    segment_elem = elem
                    trk_segments += 1
                    n = heights = 0
                    t_first = t_second = t_last = t_before = None
                    seg_moving, seg_length, seg_up = 0.0, 0, 0.0
                continue
            depth -= 1
            if depth > 3:
                continue  # a point's child: read with its point
            tag = elem.tag
            if depth == 3 and tag == trkpt and segment_elem is not None:
                points += 1
                if points > MAX_TRACK_POINTS:
                    raise _Unsure
                ele = None
                when: datetime | None = None
                extensions: Any = None
                plain = True
                for child in elem:
                    # The names as gpxpy sees them: the default namespace dropped, or none.
                    name = child.tag
                    if (name == ele_tag or name == "ele") and ele is None:
                        text = child.text
                        # float() skips the whitespace gpxpy strips; a ValueError: careful path.
                        ele = None if text is None else float(text)
                    elif (name == time_tag or name == "time") and when is None:
                        text = child.text
                        if text is not None and len(text) == 20 and zulu(text):
                            try:
                                when = fromiso(text)
                            except ValueError:  # gpxpy's TIME_TYPE: an impossible time is None
                                when = None
                        else:
                            when = parse_time(text)  # type: ignore[arg-type]  # gpxpy reads None as None
                            if when is not None:
                                when = (
                                    when.replace(tzinfo=utc)
                                    if when.tzinfo is None
                                    else when.astimezone(utc)
                                )
                    elif name == ext_tag or name == "extensions":
                        if extensions is None:
                            extensions = child  # gpxpy reads the first
                    else:
                        plain = False
                lat_text, lon_text = elem.get("lat"), elem.get("lon")
                if lat_text is None or lon_text is None:
                    raise _Unsure
                lat: float
                lon: float
                if plain:
                    lat, lon = float(lat_text), float(lon_text)
                else:
                    point = _by_gpxpy(track_point, elem, version, prefix, cut)
                    lat, lon, ele, when = (
                        point.latitude,
                        point.longitude,
                        point.elevation,
                        point.time,
                    )
                    extensions = point.extensions
                    if when is not None:
                        when = (
                            when.replace(tzinfo=utc)
                            if when.tzinfo is None
                            else when.astimezone(utc)
                        )
                heart_add(
                    points_hr(extensions) if with_extensions and extensions is not None else None,
                    when,
                )
                # parse_gpx refuses a point that is not a real place; the careful path words it.
                if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                    raise _Unsure
                if ele is not None:
                    if not isfinite(ele):
                        raise _Unsure
                    has_elevation = True
                    # Uphill as calculate_uphill_downhill: each height smoothed with its neighbours.
                    if heights == 0:
                        e_last = s_last = ele
                    elif heights == 1:
                        e_before, e_last = e_last, ele
                    else:
                        smoothed = e_before * 0.3 + e_last * 0.4 + ele * 0.3
                        rise = smoothed - s_last
                        if rise > 0:
                            seg_up += rise
                        s_last = smoothed
                        e_before, e_last = e_last, ele
                    heights += 1
                if when is not None:
                    timed += 1
                    if earliest is None or when < earliest:
                        earliest = when
                if points == 1:
                    first_timed = when is not None
                last_timed = when is not None
                if n:
                    # gpxpy.geo.distance(current, previous), 2-D for the length and 3-D (when both
                    # heights are non-zero) for the moving time; haversine for distant points.
                    if abs(lat - p_lat) > 0.2 or abs(lon - p_lon) > 0.2:
                        d_lon = radians(lon - p_lon)
                        lat1, lat2 = radians(lat), radians(p_lat)
                        d_lat = lat1 - lat2
                        a = math.pow(sin(d_lat / 2), 2) + math.pow(sin(d_lon / 2), 2) * cos(
                            lat1
                        ) * cos(lat2)
                        flat = _EARTH_RADIUS * (2 * asin(sqrt(a)))
                        far = True
                    else:
                        coef = cos(radians(lat))
                        x = lat - p_lat
                        y = (lon - p_lon) * coef
                        flat = sqrt(x * x + y * y) * one_degree
                        far = False
                    if flat:
                        seg_length += flat
                    if when is not None and p_time is not None:
                        if ele and p_ele and not far and ele != p_ele:
                            distance = sqrt(flat**2 + (ele - p_ele) ** 2)
                        else:
                            distance = flat
                        seconds = (when - p_time).total_seconds()
                        if (
                            seconds > 0
                            and distance
                            and (distance / 1000) / (seconds / 60**2) > _STOPPED_KMH
                        ):
                            seg_moving += seconds
                    t_before, t_last = t_last, when
                    if n == 1:
                        t_second = when
                else:
                    t_first = t_last = when
                n += 1
                p_lat, p_lon, p_ele, p_time = lat, lon, ele, when
                elem.clear()
                # Drop read points from their <trkseg> too, so the tree stays small; the parser
                # may have attached later points already, but each event holds its own element.
                segment_elem.clear()
            elif depth == 2 and tag == trkseg and segment_elem is not None:
                segment_elem = None
                # GPXTrackSegment.get_duration: the first and last timed of the two at each end.
                duration: float | None
                if n < 2:
                    duration = 0.0
                else:
                    first = t_first if t_first is not None else t_second
                    last = t_last if t_last is not None else t_before
                    if first is None or last is None or last < first:
                        duration = None
                    else:
                        duration = (last - first).total_seconds()
                if trk_duration is not None:
                    if duration or duration == 0:
                        trk_duration += duration
                    else:
                        trk_duration = None
                trk_moving += seg_moving
                if heights >= 2:
                    rise = e_last - s_last
                    if rise > 0:
                        seg_up += rise
                trk_uphill += seg_up or 0.0
                if seg_length:
                    trk_length += seg_length
            elif depth == 1 and tag == trk:
                # gpxpy reads the track's own fields (which differ between GPX 1.0 and 1.1) from
                # the element without its segments; the segments were measured above.
                for child in [c for c in elem if c.tag == trkseg]:
                    elem.remove(child)
                tracks.append(_by_gpxpy(gpxpy.gpx.GPXTrack, elem, version, prefix, cut))
                root.remove(elem)
                if not trk_segments:
                    trk_duration, trk_uphill = 0.0, 0
                if gpx_duration is not None:
                    if trk_duration or trk_duration == 0:
                        gpx_duration += trk_duration
                    else:
                        gpx_duration = None
                gpx_moving += trk_moving
                gpx_uphill += trk_uphill or 0
                if trk_length:
                    gpx_length += trk_length
    if root is None:
        raise _Unsure
    # The rest of <gpx> (metadata, waypoints, routes: small) by gpxpy's own field code.
    gpx = _by_gpxpy(gpxpy.gpx.GPX, root, version, prefix, cut)
    gpx.tracks = tracks
    return GpxSummary(
        gpx=gpx,
        points=points,
        timed=timed,
        first_timed=first_timed,
        last_timed=last_timed,
        has_elevation=has_elevation,
        earliest=earliest,
        duration_s=gpx_duration if tracks else 0.0,
        moving_s=gpx_moving,
        uphill_m=gpx_uphill if tracks else 0,
        length_2d_m=gpx_length,
        avg_hr=heart.average(),
        max_hr=heart.maximum(),
    )


def _by_gpxpy(kind: Any, elem: Any, version: str | None, prefix: str, cut: int) -> Any:
    """Read an element (namespace dropped as gpxpy drops it) with gpxpy's own field code."""
    from gpxpy.gpxfield import gpx_fields_from_xml

    for node in elem.iter():
        node.tag = _local(node.tag, prefix, cut)
    try:
        return gpx_fields_from_xml(kind, elem, version)  # type: ignore[arg-type]
    except Exception:  # gpxpy refuses a value: the careful path words it
        raise _Unsure from None


def _local(tag: str, prefix: str, cut: int) -> str:
    """Return the tag as gpxpy sees it: the default namespace dropped, any other kept."""
    return tag[cut:] if prefix and tag.startswith(prefix) else tag
