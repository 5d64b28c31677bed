"""A Strava bulk export (the zip Strava mails, or its unpacked folder) as a list of activities.

activities.csv names and types the activities; its Filename column points into activities/.
Rows without a file were entered by hand and are built from the row. Files in activities/ that
no row mentions are still imported. A zip is read in memory, never extracted, with limits on
entry size, total size and compression ratio; traversal names and symlinks are refused.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import IO

from runback.core.runs import is_run
from runback.errors import ActivityFileError, DamagedFileError, UnsafeFileError
from runback.importers.activity import Activity
from runback.importers.files import activity_key_reader, is_activity_name, parse_activity
from runback.importers.limits import (
    MAX_ACTIVITIES_PER_ZIP,
    MAX_GZIP_RATIO,
    RATIO_FLOOR_BYTES,
    check_ratio,
)
from runback.importers.strava_csv import CsvActivity, parse_activities_csv

__all__ = [
    "MAX_RATIO",
    "ExportItem",
    "Parser",
    "ZipLimits",
    "is_export_dir",
    "open_zip",
    "read_export_dir",
]

MAX_RATIO = MAX_GZIP_RATIO  # real activity files compress 3-10x; bombs compress 1000x
_RATIO_FLOOR = RATIO_FLOOR_BYTES  # tiny entries may compress well without being bombs

# How one activity file's bytes become an Activity: files.parse_activity in this process, or
# sandbox.parse_activity in a child; the caller chooses.
Parser = Callable[[str, bytes, int], Activity]


@dataclass(frozen=True)
class ExportItem:
    """One activity in an export: its display name and how to read it (raises ActivityFileError)."""

    name: str
    load: Callable[[], Activity]
    # The content hash its activity will have, read without parsing (None: unknown), so an
    # import can skip the files it already holds; and the name activities.csv gives it.
    key: Callable[[], str | None] | None = None
    row_name: str | None = None


@dataclass(frozen=True)
class ZipLimits:
    """How much a zip may make us decompress."""

    max_entry_bytes: int
    max_total_bytes: int
    max_entries: int = 200_000

    @classmethod
    def for_file_limit(cls, max_file_bytes: int) -> ZipLimits:
        """Derive limits from Settings.max_file_bytes: entries up to it, 40 times it in all."""
        return cls(max_entry_bytes=max_file_bytes, max_total_bytes=40 * max_file_bytes)


def is_export_dir(path: Path) -> bool:
    """Return True when a folder looks like an unpacked Strava export."""
    return (path / "activities.csv").is_file()


def _with_csv(activity: Activity, row: CsvActivity | None) -> Activity:
    if row is None:
        return activity
    # The user's name and type on Strava beat what the device wrote, except that Strava's plain
    # "Run" says less than a watch's trail, treadmill or track run.
    sport = row.sport or activity.sport
    if sport == "running" and is_run(activity.sport):
        sport = activity.sport
    # The file's own heart rate wins; Strava's columns fill a file that recorded none.
    if activity.avg_hr is None and activity.max_hr is None:
        activity = replace(activity, avg_hr=row.avg_hr, max_hr=row.max_hr)
    return replace(activity, name=row.name or activity.name, sport=sport)


def _items(
    name_of: Callable[[str], str],
    rows: list[CsvActivity],
    members: dict[str, Callable[[], bytes]],
    max_bytes: int,
    parse: Parser,
    peekers: dict[str, Callable[[], bytes]] | None = None,
) -> Iterator[ExportItem]:
    """Yield an item per CSV row (file or manual) and per unlisted activity file."""
    peek = peekers if peekers is not None else members
    listed: set[str] = set()
    for row in rows:
        if row.filename is None:
            where = (
                f"{name_of('activities.csv')} (row {row.row_number}: {row.name or row.activity_id})"
            )

            def manual(row: CsvActivity = row, where: str = where) -> Activity:
                return row.to_activity(where)

            yield ExportItem(where, manual)
            continue
        member = str(PurePosixPath(row.filename))
        listed.add(member)
        name = name_of(member)
        reader = members.get(member)
        if reader is None:

            def missing(name: str = name) -> Activity:
                raise ActivityFileError(
                    name, "listed in activities.csv but missing from the export"
                )

            yield ExportItem(name, missing)
            continue

        def load(
            name: str = name, reader: Callable[[], bytes] = reader, row: CsvActivity = row
        ) -> Activity:
            return _with_csv(parse(name, reader(), max_bytes), row)

        yield ExportItem(name, load, activity_key_reader(peek[member], max_bytes), row.name)
    for member, reader in sorted(members.items()):
        if member in listed:
            continue
        name = name_of(member)

        def load_unlisted(name: str = name, reader: Callable[[], bytes] = reader) -> Activity:
            return parse(name, reader(), max_bytes)

        yield ExportItem(name, load_unlisted, activity_key_reader(peek[member], max_bytes))


def _bounded(label: str, items: list[ExportItem]) -> list[ExportItem]:
    if len(items) > MAX_ACTIVITIES_PER_ZIP:
        raise UnsafeFileError(
            label,
            f"refused: it holds {len(items):,} activities, over the limit of "
            f"{MAX_ACTIVITIES_PER_ZIP:,} per export; import it in parts",
        )
    return items


def read_export_dir(path: Path, max_bytes: int, parse: Parser = parse_activity) -> list[ExportItem]:
    """List the activities of an unpacked Strava export folder."""
    csv_path = path / "activities.csv"
    label = str(path)
    rows = _read_csv(
        csv_path.read_bytes(), f"{label}/activities.csv", csv_path.stat().st_size, max_bytes
    )
    members: dict[str, Callable[[], bytes]] = {}
    peekers: dict[str, Callable[[], bytes]] = {}
    folder = path / "activities"
    if folder.is_dir():
        for file in sorted(folder.rglob("*")):
            if file.is_file() and is_activity_name(file.name):
                member = file.relative_to(path).as_posix()
                members[member] = file.read_bytes
                peekers[member] = _bounded_reader(file, max_bytes)
    items = _items(lambda member: f"{label}/{member}", rows, members, max_bytes, parse, peekers)
    return _bounded(label, list(items))


def _bounded_reader(file: Path, max_bytes: int) -> Callable[[], bytes]:
    def read() -> bytes:
        # Hashing never reads a file over the limit whole; its load refuses it.
        if file.stat().st_size > max_bytes:
            raise UnsafeFileError(str(file), "over the size limit")
        return file.read_bytes()

    return read


def _read_csv(data: bytes, name: str, size: int, max_bytes: int) -> list[CsvActivity]:
    if size > max_bytes:
        raise UnsafeFileError(name, f"refused: activities.csv is larger than {max_bytes} bytes")
    return parse_activities_csv(data, name)


def _entry_problem(info: zipfile.ZipInfo, limits: ZipLimits) -> str | None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        return "refused: the zip entry's path points outside the archive (path traversal)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "refused: the zip entry is a symbolic link"
    if info.file_size > limits.max_entry_bytes:
        return f"refused: the zip entry unpacks to {info.file_size} bytes, over the file size limit"
    if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return "refused: the zip entry is compressed more than 100:1 (a zip bomb?)"
    return None


@contextmanager
def open_zip(
    source: Path | IO[bytes], label: str, limits: ZipLimits, parse: Parser = parse_activity
) -> Iterator[list[ExportItem]]:
    """Open a Strava export zip (or any zip of activity files) and list its activities."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DamagedFileError(label, f"damaged zip file: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise UnsafeFileError(label, f"refused: the zip holds {len(infos)} entries")
        budget = [limits.max_total_bytes]

        def reader(info: zipfile.ZipInfo, spend: bool = True) -> Callable[[], bytes]:
            # spend=False: a read for the content hash only, not counted against the budget
            # (each entry is hashed at most once, so that read stays bounded too).
            def read() -> bytes:
                entry = f"{label}:{info.filename}"
                problem = _entry_problem(info, limits)
                if problem:
                    raise UnsafeFileError(entry, problem)
                cap = min(limits.max_entry_bytes, budget[0])
                try:
                    with archive.open(info) as stream:
                        data = stream.read(cap + 1)  # headers can lie about sizes
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise DamagedFileError(entry, f"damaged zip entry: {exc}") from exc
                except zlib.error as exc:
                    # zipfile lets zlib's error on a damaged deflate stream through as it is.
                    raise DamagedFileError(
                        entry, f"damaged zip entry: its compressed data is corrupt ({exc})"
                    ) from exc
                except NotImplementedError as exc:
                    raise DamagedFileError(
                        entry,
                        f"damaged zip entry: unknown compression method {info.compress_type}",
                    ) from exc
                except RuntimeError as exc:
                    # zipfile's only RuntimeError here: the entry is encrypted (a flag bit set).
                    raise DamagedFileError(
                        entry,
                        "damaged zip entry: it is marked encrypted (password-protected), "
                        "which exports never are",
                    ) from exc
                if len(data) > cap:
                    raise UnsafeFileError(entry, "refused: it unpacks to more than the size limit")
                check_ratio(entry, info.compress_size, len(data))  # headers can lie
                if spend:
                    budget[0] -= len(data)
                return data

            return read

        wanted = [i for i in infos if not i.is_dir()]
        total = sum(
            i.file_size
            for i in wanted
            if is_activity_name(i.filename) or i.filename.endswith(".csv")
        )
        if total > limits.max_total_bytes:
            raise UnsafeFileError(
                label, f"refused: the zip unpacks to {total} bytes, over the limit"
            )
        csv_info = next(
            (i for i in wanted if PurePosixPath(i.filename).name == "activities.csv"), None
        )
        rows: list[CsvActivity] = []
        prefix = ""
        if csv_info is not None:
            prefix = str(PurePosixPath(csv_info.filename).parent)
            prefix = "" if prefix == "." else prefix + "/"
            rows = parse_activities_csv(reader(csv_info)(), f"{label}:{csv_info.filename}")
        members: dict[str, Callable[[], bytes]] = {}
        peekers: dict[str, Callable[[], bytes]] = {}
        unsafe: list[ExportItem] = []
        for info in wanted:
            if not is_activity_name(info.filename):
                continue
            problem = _entry_problem(info, limits)
            if problem:
                entry = f"{label}:{info.filename}"

                def refuse(entry: str = entry, problem: str = problem) -> Activity:
                    raise UnsafeFileError(entry, problem)

                unsafe.append(ExportItem(entry, refuse))
                continue
            key = (
                info.filename[len(prefix) :] if info.filename.startswith(prefix) else info.filename
            )
            members[key] = reader(info)
            peekers[key] = reader(info, spend=False)
        items = _items(
            lambda m: f"{label}:{prefix}{m}", rows, members, limits.max_entry_bytes, parse, peekers
        )
        yield _bounded(label, unsafe + list(items))
