"""Importing runs: activity files, folders and Strava exports, one transaction per file, with dedup.

Each file is parsed in the sandbox (importers/sandbox.py), checked, and stored with its sport;
a run already stored (the same file by its hash, or the same run from another source: a start
within a minute and about as long) is reported as a duplicate, and may fill what the stored
copy lacks (its heart rate).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from runback.errors import ActivityFileError, UnsafeFileError
from runback.importers.activity import Activity
from runback.importers.limits import check_activity, check_upload_name
from runback.services.runs import MAX_NAME
from runback.services.store import Store
from runback.storage.models import RunRow

if TYPE_CHECKING:
    # The parsers, zip reader and sandbox load inside the functions: the import command starts
    # the sandbox's worker before it loads them (cli/runs.py).
    from runback.importers.strava import ExportItem, Parser, ZipLimits

__all__ = [
    "SAME_RUN_ELAPSED_SHARE",
    "SAME_RUN_WINDOW",
    "FileResult",
    "ImportReport",
    "Progress",
    "import_bytes",
    "import_paths",
]

# Two files are the same run when they start within a minute and last about as long.
SAME_RUN_WINDOW = timedelta(seconds=60)
SAME_RUN_ELAPSED_SHARE = 0.10

Status = Literal["imported", "duplicate", "skipped"]
Progress = Callable[[int, int, str], None]  # (files done, files in all, current file)


@dataclass(frozen=True)
class FileResult:
    """What happened to one file (or one activity inside an export)."""

    name: str
    status: Status
    reason: str | None = None  # why skipped or which run it duplicates
    run_id: int | None = None
    note: str | None = None  # e.g. a repaired file

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "file": self.name,
            "status": self.status,
            "reason": self.reason,
            "run_id": self.run_id,
            "note": self.note,
        }


@dataclass
class ImportReport:
    """Per-file results of one import, plus files that were not activity files at all."""

    results: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """Return how many files ended with this status."""
        return sum(1 for r in self.results if r.status == status)

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "imported": self.count("imported"),
            "duplicates": self.count("duplicate"),
            "skipped": self.count("skipped"),
            "ignored": self.ignored,
            "files": [r.to_json() for r in self.results],
        }


def _same_device(a: str | None, b: str | None) -> bool:
    # A watch's file and Strava's copy of it name the same device; two devices recording the same
    # ride (a bike computer and a watch) are two recordings, kept apart.
    if not a or not b:
        return True
    a, b = a.lower().strip(), b.lower().strip()
    return a == b or "strava" in a or "strava" in b


def _find_duplicate(session: Any, user_id: int, activity: Activity) -> tuple[RunRow, str] | None:
    from sqlalchemy import or_

    # One query for both checks: the same file (content hash), or a run starting nearby.
    rows = session.scalars(
        select(RunRow)
        .where(
            RunRow.user_id == user_id,
            or_(
                RunRow.content_hash == activity.content_hash,
                RunRow.started_at.between(
                    activity.start - SAME_RUN_WINDOW, activity.start + SAME_RUN_WINDOW
                ),
            ),
        )
        .order_by(RunRow.id)
    ).all()
    for row in rows:
        if row.content_hash == activity.content_hash:
            return row, f"already imported as run #{row.id} ({row.source_file})"
    for row in rows:
        longest = max(row.elapsed_s, activity.elapsed_s, 1.0)
        if abs(row.elapsed_s - activity.elapsed_s) <= SAME_RUN_ELAPSED_SHARE * longest and (
            _same_device(row.device, activity.device)
        ):
            return row, f"the same run as run #{row.id} ({row.source_file})"
    return None


def _store_activity(
    store: Store, user_id: int, zone: str, name: str, activity: Activity
) -> FileResult:
    """Insert one activity in its own transaction, unless it duplicates a stored run."""
    try:
        with store.tx() as session:
            found = _find_duplicate(session, user_id, activity)
            if found is not None:
                row, why = found
                if row.name is None and activity.name:
                    row.name = activity.name  # Strava knows the name the watch never had
                if row.avg_hr is None and row.max_hr is None and activity.avg_hr is not None:
                    # The watch's file knows the heart rate Strava's copy did not carry.
                    row.avg_hr, row.max_hr = activity.avg_hr, activity.max_hr
                return FileResult(name, "duplicate", why, row.id, activity.note)
            row = RunRow(
                user_id=user_id,
                started_at=activity.start,
                zone=zone,
                elapsed_s=activity.elapsed_s,
                moving_s=activity.moving_s,
                distance_m=activity.distance_m,
                ascent_m=activity.ascent_m,
                avg_hr=activity.avg_hr,
                max_hr=activity.max_hr,
                sport=activity.sport,
                name=activity.name[:MAX_NAME] if activity.name else None,
                source_format=activity.source_format,
                source_file=name[-500:],
                device=activity.device[:200] if activity.device else None,
                content_hash=activity.content_hash,
                imported_at=store.clock.now(),
            )
            session.add(row)
            session.flush()
            return FileResult(name, "imported", None, row.id, activity.note)
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "check" in text or "not null" in text or "ck_runs_" in text:
            # The database's CHECKs (migration 0005) caught a number the importer let through;
            # SQLite stores NaN as NULL, so a NaN fails NOT NULL.
            return FileResult(
                name, "skipped", "its time, distance or start is not a plausible number"
            )
        # Another import stored the same file between our check and our insert.
        return FileResult(name, "duplicate", "already imported (by a concurrent import)")


def _import_item(store: Store, user_id: int, zone: str, item: ExportItem) -> FileResult:
    try:
        activity = item.load()
        check_activity(activity, item.name, store.clock.now())
    except ActivityFileError as exc:
        return FileResult(item.name, "skipped", exc.reason)
    except OSError as exc:
        return FileResult(item.name, "skipped", f"cannot read the file: {exc.strerror or exc}")
    except Exception as exc:  # a parser bug must not stop the batch
        return FileResult(item.name, "skipped", f"could not be read ({type(exc).__name__}: {exc})")
    return _store_activity(store, user_id, zone, item.name, activity)


def _file_item(path: Path, max_bytes: int, parse: Parser) -> ExportItem:
    from runback.importers.strava import ExportItem

    def load() -> Activity:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnsafeFileError(
                str(path), f"refused: the file is {size} bytes, over the limit of {max_bytes}"
            )
        return parse(str(path), path.read_bytes(), max_bytes)

    def key() -> str | None:
        # A file over the limit is never read whole: its load refuses it by its size.
        if path.stat().st_size > max_bytes:
            return None
        from runback.importers.files import activity_key_reader

        return activity_key_reader(path.read_bytes, max_bytes)()

    return ExportItem(str(path), load, key)


def _failed(name: str, reason: str) -> ExportItem:
    from runback.importers.strava import ExportItem

    def load() -> Activity:
        raise ActivityFileError(name, reason)

    return ExportItem(name, load)


def _zip_items(stack: ExitStack, path: Path, limits: ZipLimits, parse: Parser) -> list[ExportItem]:
    from runback.importers.strava import open_zip

    try:
        return stack.enter_context(open_zip(path, str(path), limits, parse))
    except ActivityFileError as exc:
        return [_failed(exc.source, exc.reason)]


def _collect(
    stack: ExitStack, paths: Iterable[Path], max_bytes: int, ignored: list[str], parse: Parser
) -> Iterator[ExportItem]:
    """Expand the given paths into activities, walking folders and opening exports."""
    from runback.importers.strava import ZipLimits

    limits = ZipLimits.for_file_limit(max_bytes)
    for path in paths:
        if path.is_dir():
            yield from _walk(stack, path, max_bytes, limits, ignored, parse)
        elif path.suffix.lower() == ".zip" and path.is_file():
            yield from _zip_items(stack, path, limits, parse)
        elif path.exists():
            yield _file_item(path, max_bytes, parse)
        else:
            yield _failed(str(path), "no such file or folder")


def _walk(
    stack: ExitStack,
    root: Path,
    max_bytes: int,
    limits: ZipLimits,
    ignored: list[str],
    parse: Parser,
) -> Iterator[ExportItem]:
    from runback.importers.files import is_activity_name
    from runback.importers.strava import is_export_dir, read_export_dir

    if is_export_dir(root):
        try:
            yield from read_export_dir(root, max_bytes, parse)
        except ActivityFileError as exc:
            yield _failed(exc.source, exc.reason)
        return
    # Symlinked folders are not followed: a link loop must not hang the import.
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for sub in sorted(dirs):
            if is_export_dir(here / sub):
                dirs.remove(sub)
                yield from _walk(stack, here / sub, max_bytes, limits, ignored, parse)
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if is_activity_name(name):
                yield _file_item(path, max_bytes, parse)
            elif name.lower().endswith(".zip"):
                yield from _zip_items(stack, path, limits, parse)
            else:
                ignored.append(str(path))


_KNOWN_CHUNK = 10_000  # hashes per lookup query: one query for any real export


def _known(store: Store, user_id: int, items: list[ExportItem]) -> dict[int, FileResult]:
    """Return, by position, the items whose bytes are stored already: found by hash, not parsed.

    Each file is hashed as it is (a gzip inflated first) and all hashes are looked up at once,
    so importing an export again parses nothing it holds. The Strava name still fills a run
    that has none, as the parsed duplicate would have.
    """
    keys: dict[int, str] = {}
    for index, item in enumerate(items):
        if item.key is None:
            continue
        try:
            key = item.key()
        except Exception:
            key = None
        if key is not None:
            keys[index] = key
    if not keys:
        return {}
    unique = sorted(set(keys.values()))
    found: dict[str, tuple[int, str, str | None]] = {}
    with store.reading() as scope, scope.factory() as session:
        for start in range(0, len(unique), _KNOWN_CHUNK):
            rows = session.execute(
                select(RunRow.content_hash, RunRow.id, RunRow.source_file, RunRow.name).where(
                    RunRow.user_id == user_id,
                    RunRow.content_hash.in_(unique[start : start + _KNOWN_CHUNK]),
                )
            )
            found.update({h: (run_id, file, name) for h, run_id, file, name in rows})
    known: dict[int, FileResult] = {}
    names: dict[int, str] = {}
    for index, key in keys.items():
        if key not in found:
            continue
        run_id, file, stored_name = found[key]
        item = items[index]
        why = f"already imported as run #{run_id} ({file})"
        known[index] = FileResult(item.name, "duplicate", why, run_id)
        if stored_name is None and item.row_name:
            names.setdefault(run_id, item.row_name)
    if names:
        with store.tx() as session:
            for run_id, name in names.items():
                session.execute(
                    update(RunRow)
                    .where(RunRow.id == run_id, RunRow.user_id == user_id, RunRow.name.is_(None))
                    .values(name=name[:MAX_NAME])
                )
    return known


def _run_items(
    store: Store, user_id: int, items: list[ExportItem], progress: Progress | None
) -> list[FileResult]:
    from runback.importers.batch import read_ahead

    zone = store.user_zone(user_id=user_id)
    known = _known(store, user_id, items)
    rest = [(index, item) for index, item in enumerate(items) if index not in known]
    results: list[FileResult | None] = [known.get(index) for index in range(len(items))]
    done = len(known)
    # Files are read (parsed in sandbox workers) a core's worth at a time, stored in order.
    for (index, _item), item in zip(rest, read_ahead([item for _i, item in rest]), strict=True):
        if progress:
            progress(done, len(items), item.name)
        results[index] = _import_item(store, user_id, zone, item)
        done += 1
    if progress:
        progress(len(items), len(items), "")
    return [r for r in results if r is not None]


def import_paths(
    store: Store,
    paths: Iterable[Path | str],
    progress: Progress | None = None,
    *,
    user_id: int,
    parser: Parser | None = None,
) -> ImportReport:
    """Import files, folders (recursively) and Strava exports; one transaction per activity.

    Each file is parsed in a sandboxed child (importers.sandbox); `parser` replaces that, e.g.
    with importers.files.parse_activity for a benchmark of the in-process path.
    """
    report = ImportReport()
    max_bytes = store.settings.max_file_bytes
    parse = parser or _sandboxed()
    with ExitStack() as stack:
        items = list(_collect(stack, [Path(p) for p in paths], max_bytes, report.ignored, parse))
        report.results = _run_items(store, user_id, items, progress)
    return report


def import_bytes(
    store: Store,
    name: str,
    data: bytes,
    progress: Progress | None = None,
    *,
    user_id: int,
    parser: Parser | None = None,
) -> ImportReport:
    """Import one uploaded file (an activity file or a Strava export zip), parsed sandboxed."""
    from runback.importers.strava import ExportItem, ZipLimits, open_zip

    report = ImportReport()
    bad_name = check_upload_name(name)
    if bad_name is not None:
        shown = name.replace("\0", "").encode("utf-8", "replace")[:80].decode("utf-8", "ignore")
        report.results.append(FileResult(shown or "upload", "skipped", bad_name))
        return report
    parse = parser or _sandboxed()
    limit = store.settings.max_upload_bytes
    if len(data) > limit:
        reason = f"refused: the upload is {len(data)} bytes, over the limit of {limit}"
        report.results.append(FileResult(name, "skipped", reason))
        return report
    max_bytes = store.settings.max_file_bytes
    with ExitStack() as stack:
        if name.lower().endswith(".zip"):
            limits = ZipLimits.for_file_limit(max_bytes)
            try:
                items = stack.enter_context(open_zip(io.BytesIO(data), name, limits, parse))
            except ActivityFileError as exc:
                items = [_failed(exc.source, exc.reason)]
        else:
            from runback.importers.files import activity_key_reader

            key = activity_key_reader(lambda: data, max_bytes)
            items = [ExportItem(name, lambda: parse(name, data, max_bytes), key)]
        report.results = _run_items(store, user_id, items, progress)
    return report


def _sandboxed() -> Parser:
    from runback.importers import sandbox

    sandbox.warm()  # the worker starts while the files are listed
    return sandbox.parse_activity
