"""Parse untrusted XML safely: no DTDs, no entities, no external references."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from runback.errors import DamagedFileError, UnsafeFileError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["decode_xml", "parse_xml", "strip_xml_prelude"]

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
