"""One streaming pass over a GPX file into gpxpy's objects, with the XML protections kept.

The old path read a GPX three times (an expat pass for depth and counts, a defusedxml tree for
the root tag, then gpxpy's own tree of every field). This pass runs ElementTree's C iterparse
once over a file that cannot hold a DTD (so no entities: checked on the bytes first), counts
depth, elements and points as it goes (stopping past the limits), and builds gpxpy's
GPX, GPXTrack, GPXTrackSegment and GPXTrackPoint from the few values a summary needs (position,
elevation, time, the track's name and type, the creator and name), clearing each element once
read. gpxpy's own code then measures the track, so the numbers are gpxpy's. A point with any
other child is read by gpxpy's own field code. Whatever this pass does not vouch for (a DTD,
limits passed, malformed XML, waypoints or routes, an unusual namespace or encoding, a value
gpxpy would refuse) returns None: the caller takes the old path, which also words the error.
"""

from __future__ import annotations

import io
import re
from typing import Any

__all__ = ["read_gpx"]

_DEFAULT_NS = re.compile(rb"""\sxmlns=(['"])([^'"]+)\1""")
# Children of a track point read here; any other makes gpxpy's field code read that point.
_POINT_CHILDREN = frozenset({"ele", "time", "extensions"})
# Children of <gpx> (and of <metadata>) that hold nothing gpxpy could refuse but a time.
_ROOT_CHILDREN = frozenset(
    {"metadata", "trk", "extensions", "name", "desc", "author", "email", "url", "urlname"}
    | {"time", "keywords", "copyright", "link", "bounds", "wpt", "rte"}
)


def _gpxpy_reads() -> dict[str, Any]:
    import gpxpy.gpx

    return {"wpt": gpxpy.gpx.GPXWaypoint, "rte": gpxpy.gpx.GPXRoute, "bounds": gpxpy.gpx.GPXBounds}


_GPXPY_READS: dict[str, Any] = {}


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
    from gpxpy.gpxfield import TIME_TYPE, gpx_fields_from_xml

    parse_time = TIME_TYPE.from_string

    from runback.importers.limits import MAX_TRACK_POINTS, MAX_XML_DEPTH, MAX_XML_ELEMENTS

    prefix = f"{{{uri}}}" if uri else ""
    cut = len(prefix)
    gpx = gpxpy.gpx.GPX()
    track: Any = None
    segment: Any = None
    version: str | None = None
    depth = elements = points = 0
    root: Any = None
    segment_elem: Any = None
    seen: set[str] = set()
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
                gpx.creator = elem.get("creator")
                gpx.version = version
            elif depth == 2:
                name = _local(elem.tag, prefix, cut)
                if name not in _ROOT_CHILDREN:
                    raise _Unsure  # waypoints, routes, bounds, ...: gpxpy reads those
                if name == "trk":
                    track = gpxpy.gpx.GPXTrack()
                    gpx.tracks.append(track)
            elif depth == 3 and track is not None and elem.tag == prefix + "trkseg":
                segment = gpxpy.gpx.GPXTrackSegment()
                segment_elem = elem
                track.segments.append(segment)
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
                for node in elem.iter():
                    node.tag = _local(node.tag, prefix, cut)
                try:
                    point = gpx_fields_from_xml(track_point, elem, version or "1.0")
                except Exception:
                    raise _Unsure from None
            segment.points.append(point)
            elem.clear()
            # Drop read points from their <trkseg> too, so the tree stays small; the parser
            # may have attached later points already, but each event holds its own element.
            segment_elem.clear()
        elif depth == 1 and track is not None and tag == prefix + "trk":
            _track_fields(track, elem, prefix, cut)
            elem.clear()
            track = segment = None
        elif depth == 2 and tag == prefix + "trkseg":
            segment = None
        elif depth == 1:
            _root_field(gpx, elem, prefix, cut, version, parse_time, seen)
            if not (version == "1.1" and tag == prefix + "metadata"):
                elem.clear()
    if root is None:
        raise _Unsure
    return gpx


def _local(tag: str, prefix: str, cut: int) -> str:
    """Return the tag as gpxpy sees it: the default namespace dropped, any other kept."""
    return tag[cut:] if prefix and tag.startswith(prefix) else tag


def _track_fields(track: Any, elem: Any, prefix: str, cut: int) -> None:
    """Set the track's name and type from its first <name> and <type>; check its number."""
    seen: set[str] = set()
    for child in elem:
        name = _local(child.tag, prefix, cut)
        if name in seen:
            continue
        seen.add(name)
        if name == "name":
            track.name = child.text
        elif name == "type":
            track.type = child.text
        elif name == "number" and child.text is not None:
            try:
                track.number = int(child.text.strip())
            except ValueError:
                raise _Unsure from None
        elif name not in ("trkseg", "cmt", "desc", "src", "link", "url", "urlname", "extensions"):
            raise _Unsure


def _root_field(
    gpx: Any, elem: Any, prefix: str, cut: int, version: str | None, parse: Any, seen: set[str]
) -> None:
    """Read a child of <gpx> (or <metadata> in GPX 1.1): the name, and a time gpxpy checks."""
    name = _local(elem.tag, prefix, cut)
    if name == "metadata":
        if version != "1.1":
            return  # gpxpy 1.0 fields do not look inside <metadata>
        children = list(elem)
        elem.clear()
        for child in children:
            _root_field(gpx, child, prefix, cut, "metadata", parse, seen)
        return
    if version == "1.1" and name in ("name", "time"):
        return  # in 1.1 these live in <metadata>; gpxpy ignores them here
    if not _GPXPY_READS:
        _GPXPY_READS.update(_gpxpy_reads())
    first = name not in seen
    seen.add(name)
    if name in _GPXPY_READS:
        # Waypoints, routes and bounds: gpxpy's own field code reads them (and may refuse).
        import gpxpy.gpx

        for node in elem.iter():
            node.tag = _local(node.tag, prefix, cut)
        try:
            value = gpxpy.gpxfield.gpx_fields_from_xml(
                _GPXPY_READS[name](), elem, "1.1" if version == "metadata" else version or "1.0"
            )
        except Exception:
            raise _Unsure from None
        if name == "rte":
            gpx.routes.append(value)
        return
    if name == "name" and first:
        gpx.name = elem.text
    elif name == "time" and first:
        gpx.time = parse(elem.text)
    elif version == "metadata" and name not in _ROOT_CHILDREN:
        raise _Unsure
