"""Output files written whole or not at all: a temp file in the same folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from runback.errors import OutputError, os_error_line

__all__ = ["atomic_output", "write_atomic"]


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name, e.g. {path / 'out'}")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(
            f"{path}: the folder {folder} {what}; create it (mkdir -p {folder}) "
            "or choose another path"
        )


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """Yield a temp file beside `path`; rename it onto `path` only when the block succeeds."""
    _check_target(path)
    if path.exists() and not path.is_file():
        # /dev/stdout, a pipe, a device: written in place, never replaced by a renamed file.
        try:
            with open(path, "wb") as direct:
                yield direct
        except OSError as exc:
            raise OutputError(os_error_line(exc, path)) from None
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(os_error_line(exc, path)) from None
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(os_error_line(exc, path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` whole, or leave `path` as it was."""
    with atomic_output(path) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
