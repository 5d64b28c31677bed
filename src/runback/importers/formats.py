"""The activity file formats runback reads: one list for sniffing, parsing, CLI, page and docs.

A new format adds its parser module, one `Format` here and its tests; everything else (the
upload form's `accept=`, `runback import --help`, the "not an activity file" message, the
check that docs/importing.md mentions it) follows from this list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runback.importers.activity import Activity

__all__ = [
    "FORMATS",
    "WRAPPERS",
    "Format",
    "accept_attribute",
    "by_name",
    "extensions_text",
    "format_of_name",
    "sniff",
]


@dataclass(frozen=True)
class Format:
    """One activity file format: its name, file extensions, how to recognise and parse it."""

    name: str
    extensions: tuple[str, ...]
    description: str
    sniff: Callable[[bytes], bool]
    parse: Callable[[bytes, str], Activity]


def _parse_fit(data: bytes, source: str) -> Activity:
    from runback.importers.fit import parse_fit

    return parse_fit(data, source)


def _parse_gpx(data: bytes, source: str) -> Activity:
    from runback.importers.gpx import parse_gpx

    return parse_gpx(data, source)


def _parse_tcx(data: bytes, source: str) -> Activity:
    from runback.importers.tcx import parse_tcx

    return parse_tcx(data, source)


# Sniffed in this order: a TCX file is checked before GPX.
FORMATS: tuple[Format, ...] = (
    Format(
        "fit",
        (".fit",),
        "Garmin/ANT FIT activity files from watches and bike computers",
        lambda data: len(data) >= 12 and data[8:12] == b".FIT",
        _parse_fit,
    ),
    Format(
        "tcx",
        (".tcx",),
        "Garmin Training Center XML",
        lambda data: b"<trainingcenterdatabase" in data[:2048].lower(),
        _parse_tcx,
    ),
    Format(
        "gpx",
        (".gpx",),
        "GPS Exchange tracks with times",
        lambda data: b"<gpx" in data[:2048].lower(),
        _parse_gpx,
    ),
)
# Containers around activity files: gzip around any one of them, zips (Strava bulk exports).
WRAPPERS: tuple[str, ...] = (".gz", ".zip")


def by_name(name: str) -> Format:
    """Return the format called `name` (fit, gpx, tcx)."""
    return next(f for f in FORMATS if f.name == name)


def format_of_name(filename: str) -> str | None:
    """Return fit/gpx/tcx from a file name (ignoring a trailing .gz), or None."""
    lower = filename.lower().removesuffix(".gz")
    for fmt in FORMATS:
        if lower.endswith(fmt.extensions):
            return fmt.name
    return None


def sniff(data: bytes) -> str | None:
    """Guess the format from the first bytes."""
    return next((f.name for f in FORMATS if f.sniff(data)), None)


def extensions_text() -> str:
    """Return ".fit, .gpx and .tcx": every activity extension, for messages and help."""
    names = sorted(ext for f in FORMATS for ext in f.extensions)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def accept_attribute() -> str:
    """Return the upload form's `accept=` value: every activity extension and the wrappers."""
    return ",".join([*sorted(ext for f in FORMATS for ext in f.extensions), *WRAPPERS])
