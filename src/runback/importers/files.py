"""One entry point for a single file: size limit, gunzip with a cap, pick the format, parse."""

from __future__ import annotations

from runback.errors import ActivityFileError, DamagedFileError, UnsafeFileError
from runback.importers import formats
from runback.importers.activity import Activity
from runback.importers.limits import check_ratio

__all__ = [
    "DEFAULT_MAX_BYTES",
    "gunzip_limited",
    "is_activity_name",
    "parse_activity",
    "sniff_format",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def is_activity_name(name: str) -> bool:
    """Return True for .fit/.gpx/.tcx names, gzipped or not."""
    return formats.format_of_name(name) is not None


def gunzip_limited(data: bytes, source: str, max_bytes: int) -> bytes:
    """Decompress gzip bytes, refusing output over max_bytes (a gzip bomb) before it is held."""
    import gzip
    import io
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DamagedFileError(source, f"damaged gzip data: {exc}") from exc
    if len(out) > max_bytes:
        raise UnsafeFileError(
            source,
            f"refused: it decompresses to more than {_mb(max_bytes)} "
            "(the limit is RUNBACK_MAX_FILE_BYTES)",
        )
    check_ratio(source, len(data), len(out))
    return out


def sniff_format(data: bytes) -> str | None:
    """Guess fit/gpx/tcx from the first bytes."""
    return formats.sniff(data)


def parse_activity(name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Activity:
    """Parse one activity file (optionally gzipped) into an Activity; raise ActivityFileError."""
    if len(data) > max_bytes:
        raise UnsafeFileError(
            name,
            f"refused: the file is {_mb(len(data))}, over the limit of {_mb(max_bytes)} "
            "(RUNBACK_MAX_FILE_BYTES)",
        )
    if data.startswith(_GZIP_MAGIC):
        data = gunzip_limited(data, name, max_bytes)
    elif name.lower().endswith(".gz"):
        raise DamagedFileError(name, "damaged gzip data: the file does not start like a gzip file")
    kind = formats.format_of_name(name) or sniff_format(data)
    if kind is not None:
        return formats.by_name(kind).parse(data, name)
    raise ActivityFileError(
        name, f"not an activity file: runback reads {formats.extensions_text()} (also .gz)"
    )
