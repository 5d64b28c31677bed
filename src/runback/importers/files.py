"""One entry point for a single file: size limit, gunzip with a cap, pick the format, parse."""

from __future__ import annotations

from collections.abc import Callable

from runback.errors import ActivityFileError, DamagedFileError, UnsafeFileError
from runback.importers import formats
from runback.importers.activity import Activity
from runback.importers.limits import check_ratio

__all__ = [
    "DEFAULT_MAX_BYTES",
    "activity_key",
    "activity_key_reader",
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


def activity_key(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """Return the content hash parse_activity would give these bytes, without parsing them.

    None when the file is over the limit (its load says so). A gzip is inflated (with its cap)
    first, since an activity's hash is that of the file inside.
    """
    from runback.importers.activity import content_hash

    if len(data) > max_bytes:
        return None
    if data.startswith(_GZIP_MAGIC):
        data = gunzip_limited(data, "file", max_bytes)
    return content_hash(data)


def activity_key_reader(read: Callable[[], bytes], max_bytes: int) -> Callable[[], str | None]:
    """Return a function giving activity_key of `read()`'s bytes, or None when they fail."""

    def key() -> str | None:
        try:
            return activity_key(read(), max_bytes)
        except (ActivityFileError, OSError):
            return None  # the load names what is wrong

    return key
