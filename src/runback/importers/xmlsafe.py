"""Parse untrusted XML safely: no DTDs, no entities, no external references."""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from runback.errors import DamagedFileError, UnsafeFileError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "TooManyElements",
    "check_shape",
    "decode_xml",
    "event_chunks",
    "no_dtd",
    "parse_xml",
    "plain_encoding",
    "plain_xml",
    "streamable",
    "strip_xml_prelude",
]

_POINT_TAGS = frozenset({"trkpt", "Trackpoint"})
_POINT_ENDINGS = ("}trkpt", "}Trackpoint")

_CHUNK = 64 * 1024  # bytes fed to the parser at a time
_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def strip_xml_prelude(data: bytes) -> bytes:
    """Drop a UTF-8 byte order mark and the whitespace Strava puts before `<?xml`."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.lstrip(b" \t\r\n")


def parse_xml(data: bytes, source: str) -> Element:
    """Return the root element; UnsafeFileError for DTDs/entities, DamagedFileError if malformed."""
    from xml.etree.ElementTree import ParseError

    import defusedxml
    from defusedxml.ElementTree import fromstring

    data = strip_xml_prelude(data)
    fast = _vetted_tree(data)
    if fast is not None:
        return fast
    check_shape(data, source)
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        # Activity files never need a DTD; one is how entity bombs and external entities come in.
        raise UnsafeFileError(
            source,
            f"refused: the XML declares a DTD or entities, which activity files never need ({exc})",
        ) from exc
    except ParseError as exc:
        raise DamagedFileError(source, f"damaged XML: {exc}") from exc
    except LookupError as exc:
        # expat asks Python's codecs for the declared encoding: an unknown name, or a codec
        # that is not a text encoding (base64), ends here rather than in a ParseError.
        raise DamagedFileError(
            source,
            f"damaged XML: the declared encoding {_declared(data)!r} cannot be used ({exc})",
        ) from exc
    except ValueError as exc:
        # expat reads only single-byte codecs, UTF-8 and UTF-16; a declared UTF-32 (or another
        # multi-byte codec) is refused with a ValueError.
        raise DamagedFileError(
            source,
            f"damaged XML: the declared encoding {_declared(data)!r} is not supported ({exc}); "
            "save the file as UTF-8",
        ) from exc
    return root


_PLAIN_ENCODINGS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def plain_xml(data: bytes) -> bool:
    """Tell whether stripped XML bytes can hold no DTD and are ASCII-compatible (UTF-8/ASCII).

    A DTD is how entities (bombs, external files) come in, and one can only be declared with
    these bytes; their mere presence (even in a comment) sends the file down the careful path,
    which refuses a DTD by name. Without a DTD expat knows only the five built-in entities.
    """
    if not data.startswith(b"<") or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return False
    return plain_encoding(data)


def no_dtd(data: bytes) -> bool:
    """Tell whether the prolog (all before the root element) declares no DTD.

    A DTD, and with it any entity, can only be declared before the root element; a
    `<!DOCTYPE` later is malformed XML, which expat refuses. Only the XML declaration,
    processing instructions, comments and whitespace may come first.
    """
    at, end = 0, len(data)
    while at < end:
        if data[at] in b" \t\r\n":
            at += 1
        elif data.startswith(b"<?", at):
            close = data.find(b"?>", at + 2)
            if close < 0:
                return False
            at = close + 2
        elif data.startswith(b"<!--", at):
            close = data.find(b"-->", at + 4)
            if close < 0:
                return False
            at = close + 3
        else:
            return data.startswith(b"<", at) and not data.startswith(b"<!", at)
    return False


def plain_encoding(data: bytes) -> bool:
    """Tell whether stripped XML bytes declare UTF-8 or ASCII, or no encoding (UTF-8)."""
    declared = _declared(data)
    return declared is None or declared.lower() in _PLAIN_ENCODINGS


def streamable(data: bytes, point_tag: bytes) -> bytes | None:
    """Return the stripped bytes when one pass of the C parser is safe on them, else None.

    Safe: the prolog declares no DTD (so no entities: expat knows only the five built-in
    ones), the text is UTF-8 or ASCII, and the bytes hold no more `point_tag` (`<trkpt`,
    `<Trackpoint`) than the point limit; past it the careful path refuses the file at once.
    """
    from runback.importers.limits import MAX_TRACK_POINTS

    data = strip_xml_prelude(data)
    if not data.startswith(b"<") or not no_dtd(data) or not plain_encoding(data):
        return None
    if data.count(point_tag) > MAX_TRACK_POINTS:
        return None
    return data


class TooManyElements(Exception):
    """A streaming pass met more than MAX_XML_ELEMENTS events: the careful path counts exactly."""


def event_chunks(data: bytes) -> Iterator[list[tuple[str, Element]]]:
    """Feed vetted bytes (see streamable) to ElementTree's C parser 64 KB at a time.

    Yields, once per chunk, the same list holding that chunk's ("start" | "end", element)
    events, and empties it when the caller asks for the next. The events go straight into the
    list (as iterparse's own queue gets them) without iterparse's two generators per event: a
    third of the bare loop's time. Each element starts once, so the events bound the element
    count: past MAX_XML_ELEMENTS it raises TooManyElements (a file near the limit goes to the
    careful path, which counts exactly). Depth is the caller's to check, on its start events;
    malformed XML raises the parser's ParseError.
    """
    from xml.etree.ElementTree import TreeBuilder, XMLParser

    from runback.importers.limits import MAX_XML_ELEMENTS

    parser = XMLParser(target=TreeBuilder())
    events: list[tuple[str, Element]] = []
    parser._setevents(events, ("start", "end"))  # type: ignore[attr-defined]
    view = memoryview(data)
    elements = 0
    for offset in [*range(0, len(data), _CHUNK), -1]:
        if offset < 0:
            parser.close()
        else:
            parser.feed(view[offset : offset + _CHUNK])
        elements += len(events)
        if elements > MAX_XML_ELEMENTS:
            raise TooManyElements
        yield events
        events.clear()


def _vetted_tree(data: bytes) -> Element | None:
    """Build the tree in one pass of the C parser with depth and counts checked, or None.

    None (a DTD possible, another encoding, malformed, a limit passed): the careful path,
    which names the problem. defusedxml's parser is pure Python, several times slower.
    """
    if not plain_xml(data):
        return None
    from runback.importers.limits import MAX_TRACK_POINTS, MAX_XML_DEPTH

    if data.count(b"<trkpt") > MAX_TRACK_POINTS or data.count(b"<Trackpoint") > MAX_TRACK_POINTS:
        return None  # over the limit for sure: check_shape refuses it without building a tree
    depth = points = 0
    root: Element | None = None
    try:
        for events in event_chunks(data):
            for event, elem in events:
                if event == "end":
                    depth -= 1
                    continue
                depth += 1
                if root is None:
                    root = elem
                if depth > MAX_XML_DEPTH:
                    return None
                tag = elem.tag
                if tag.endswith(_POINT_ENDINGS) or tag in _POINT_TAGS:
                    points += 1
                    if points > MAX_TRACK_POINTS:
                        return None
    except Exception:  # malformed, too many elements: the careful path words it
        return None
    return root


def _declared(data: bytes) -> str | None:
    """Return the encoding the XML declaration names, or None; `data` is already stripped."""
    match = _ENCODING.match(data)
    return match.group(1).decode("ascii") if match else None


def decode_xml(data: bytes, source: str) -> str:
    """Return the XML text, decoded with the encoding it declares (UTF-8 when it declares none)."""
    data = strip_xml_prelude(data)
    encoding = _declared(data) or "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise DamagedFileError(source, f"damaged XML: the text is not valid {encoding}") from exc


class _TooDeep(Exception):
    pass


def check_shape(data: bytes, source: str) -> None:
    """Refuse XML nested too deep or holding too many elements or points, before any tree exists.

    A streaming expat pass with depth and counts only: the tree builders and gpxpy recurse on
    depth in C, so a file nested 200,000 deep overflows their stack (a segfault, not an error).
    Malformed XML stops the scan quietly; the real parse then names the problem.
    """
    from xml.parsers import expat

    from runback.importers.limits import MAX_TRACK_POINTS, MAX_XML_DEPTH, MAX_XML_ELEMENTS

    depth = elements = points = 0
    problem: list[str] = []

    def start(name: str, _attrs: object) -> None:
        nonlocal depth, elements, points
        depth += 1
        elements += 1
        if name.rpartition("}")[2] in _POINT_TAGS:
            points += 1
            if points > MAX_TRACK_POINTS:
                problem.append(f"refused: it holds more than {MAX_TRACK_POINTS:,} track points")
                raise _TooDeep
        if depth > MAX_XML_DEPTH:
            problem.append(
                f"refused: its XML is nested more than {MAX_XML_DEPTH} elements deep "
                "(activity files nest about 8)"
            )
            raise _TooDeep
        if elements > MAX_XML_ELEMENTS:
            problem.append(f"refused: its XML holds more than {MAX_XML_ELEMENTS:,} elements")
            raise _TooDeep

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    def doctype(*_args: object) -> None:
        # defusedxml refuses it too; stopping here keeps expat from expanding anything first.
        raise _TooDeep

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    with contextlib.suppress(_TooDeep, expat.ExpatError, LookupError, ValueError):
        parser.Parse(data, True)
    if problem:
        raise UnsafeFileError(source, problem[0])
