"""One streaming pass over a GPX file into gpxpy's objects, with the XML protections kept.

The old path read a GPX three times (an expat pass for depth and counts, a defusedxml tree for
the root tag, then gpxpy's own tree of every field). This pass runs ElementTree's C iterparse
once over a file that cannot hold a DTD (so no entities: checked on the bytes first), counts
depth, elements and points as it goes (stopping past the limits), and builds gpxpy's
track points from their position, elevation and time, clearing each element once read. The
tracks' own fields, waypoints, routes and metadata (small) are read by gpxpy's own field code,
and so is a point with any other child; gpxpy then measures the track, so the numbers are
gpxpy's. Whatever this pass does not vouch for (a DTD possible, limits passed, malformed XML,
more than one default namespace, another encoding, a value gpxpy would refuse) returns None:
the caller takes the old path, which also words the error.
"""

from __future__ import annotations

import io
import re
from typing import Any

__all__ = ["read_gpx"]

_DEFAULT_NS = re.compile(rb"""\sxmlns=(['"])([^'"]+)\1""")
# Children of a track point read here; any other makes gpxpy's field code read that point.
_POINT_CHILDREN = frozenset({"ele", "time", "extensions"})


class _Unsure(Exception):
    """This pass does not vouch for the file: take the old path."""


def _float(text: str | None) -> float | None:
    # gpxpy's FLOAT_TYPE: None stays None, anything else is float(text.strip()).
    if text is None:
        return None
    try:
        return float(text.strip())
    except ValueError:
        raise _Unsure from None


def read_gpx(data: bytes) -> Any | None:
    """Return a gpxpy GPX holding the tracks as gpxpy would read them, or None (old path)."""
    from runback.importers.xmlsafe import plain_xml, strip_xml_prelude

    data = strip_xml_prelude(data)
    if not plain_xml(data):
        return None  # a DTD possible, or another encoding: the careful path
    # gpxpy drops the first default namespace it finds; more than one would need its tree.
    namespaces = _DEFAULT_NS.findall(data[:1_000_000])
    if len(namespaces) > 1 or (len(namespaces) == 1 and _DEFAULT_NS.search(data, 1_000_000)):
        return None
    uri = namespaces[0][1].decode("utf-8", "replace") if namespaces else None
    try:
        return _read(data, uri)
    except _Unsure:
        return None
    except Exception:  # malformed XML, a DTD, an unknown encoding: the old path names it
        return None


def _read(data: bytes, uri: str | None) -> Any:
    # The C parser (defusedxml's is pure Python, 3× slower); safe given the checks above.
    from xml.etree.ElementTree import iterparse

    import gpxpy.gpx
    from gpxpy.gpxfield import TIME_TYPE

    parse_time = TIME_TYPE.from_string

    from runback.importers.limits import MAX_TRACK_POINTS, MAX_XML_DEPTH, MAX_XML_ELEMENTS

    prefix = f"{{{uri}}}" if uri else ""
    cut = len(prefix)
    tracks: list[Any] = []
    segments: list[Any] = []
    segment: Any = None
    version: str | None = None
    depth = elements = points = 0
    root: Any = None
    segment_elem: Any = None
    in_track = False
    track_point = gpxpy.gpx.GPXTrackPoint
    for event, elem in iterparse(io.BytesIO(data), ("start", "end")):
        if event == "start":
            depth += 1
            elements += 1
            if depth > MAX_XML_DEPTH or elements > MAX_XML_ELEMENTS:
                raise _Unsure
            if root is None:
                root = elem
                if elem.tag != prefix + "gpx":
                    raise _Unsure
                version = elem.get("version")
            elif depth == 2:
                in_track = elem.tag == prefix + "trk"
            elif depth == 3 and in_track and elem.tag == prefix + "trkseg":
                segment = gpxpy.gpx.GPXTrackSegment()
                segment_elem = elem
                segments.append(segment)
            continue
        depth -= 1
        tag = elem.tag
        if depth == 3 and tag == prefix + "trkpt" and segment is not None:
            points += 1
            if points > MAX_TRACK_POINTS:
                raise _Unsure
            elevation = time = None
            plain = True
            for child in elem:
                name = _local(child.tag, prefix, cut)
                if name == "ele" and elevation is None:
                    elevation = _float(child.text)
                elif name == "time" and time is None:
                    # gpxpy's TIME_TYPE: a time it cannot read is None, not an error.
                    time = parse_time(child.text)
                elif name not in _POINT_CHILDREN or name in ("ele", "time"):
                    plain = False
            lat, lon = elem.get("lat"), elem.get("lon")
            if lat is None or lon is None:
                raise _Unsure
            if plain:
                point = track_point(_float(lat), _float(lon), elevation, time)
            else:
                point = _by_gpxpy(track_point, elem, version, prefix, cut)
            segment.points.append(point)
            elem.clear()
            # Drop read points from their <trkseg> too, so the tree stays small; the parser
            # may have attached later points already, but each event holds its own element.
            segment_elem.clear()
        elif depth == 2 and tag == prefix + "trkseg":
            segment = segment_elem = None
        elif depth == 1 and tag == prefix + "trk":
            # gpxpy reads the track's own fields (which differ between GPX 1.0 and 1.1) from
            # the element without its segments; the segments are the ones read above.
            for child in [c for c in elem if c.tag == prefix + "trkseg"]:
                elem.remove(child)
            track = _by_gpxpy(gpxpy.gpx.GPXTrack, elem, version, prefix, cut)
            track.segments = segments
            tracks.append(track)
            segments = []
            root.remove(elem)
    if root is None:
        raise _Unsure
    # The rest of <gpx> (metadata, waypoints, routes: small) by gpxpy's own field code.
    gpx = _by_gpxpy(gpxpy.gpx.GPX, root, version, prefix, cut)
    gpx.tracks = tracks
    return gpx


def _by_gpxpy(kind: Any, elem: Any, version: str | None, prefix: str, cut: int) -> Any:
    """Read an element (namespace dropped as gpxpy drops it) with gpxpy's own field code."""
    from gpxpy.gpxfield import gpx_fields_from_xml

    for node in elem.iter():
        node.tag = _local(node.tag, prefix, cut)
    try:
        return gpx_fields_from_xml(kind, elem, version)  # type: ignore[arg-type]
    except Exception:  # gpxpy refuses a value: the old path words it
        raise _Unsure from None


def _local(tag: str, prefix: str, cut: int) -> str:
    """Return the tag as gpxpy sees it: the default namespace dropped, any other kept."""
    return tag[cut:] if prefix and tag.startswith(prefix) else tag
