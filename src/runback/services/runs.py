"""Runs: import activity files (one transaction per file, with dedup), list, fix and delete them.

Every activity is stored with its sport; `list_runs` returns only runs (core.runs.is_run) unless
asked for another `sport` filter, so a ride never lands in a run count by accident.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, computed_field
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from runback.core.model import Model
from runback.core.runs import (
    EARLIEST_START,
    SportFilter,
    is_run,
    pace_s_per_km,
    parse_sport,
    plausible,
    plausible_start,
)
from runback.core.vocab import SPORTS
from runback.errors import ActivityFileError, NotFoundError, UnsafeFileError, ValidationError
from runback.importers.activity import Activity
from runback.importers.limits import check_activity, check_upload_name
from runback.services.store import Store
from runback.storage.models import PainEntryRow, RunRow

if TYPE_CHECKING:
    # The parsers, zip reader and sandbox load only to import: listing runs (`runback runs`,
    # Today) must not pay for multiprocessing, zipfile and every format's module.
    from runback.importers.strava import ExportItem, Parser, ZipLimits

__all__ = [
    "SAME_RUN_ELAPSED_SHARE",
    "SAME_RUN_WINDOW",
    "FileResult",
    "ImportReport",
    "Progress",
    "Run",
    "RunsPage",
    "delete_run",
    "edit_run",
    "get_run",
    "import_bytes",
    "import_paths",
    "list_runs",
    "page_of_runs",
]

MAX_NAME = 300  # the column's length

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


class Run(Model):
    """A stored run, detached from the database (also the web API's run model)."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    start: datetime
    zone: str
    elapsed_s: float
    moving_s: float | None
    distance_m: float
    ascent_m: float | None
    avg_hr: int | None = None  # bpm; None: the file recorded none
    max_hr: int | None = None
    sport: str
    name: str | None
    source_format: str
    source_file: str
    device: str | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_run(self) -> bool:
        """Whether this activity is a run (running, trail, treadmill, track) or another sport."""
        return is_run(self.sport)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pace_s_per_km(self) -> float | None:
        """Seconds per km over the moving time (else the elapsed time); runs only."""
        return pace_s_per_km(self.sport, self.distance_m, self.moving_s or self.elapsed_s)

    @classmethod
    def from_row(cls, row: RunRow) -> Run:
        """Copy a RunRow, reading implausible numbers as missing (0 s, 0 m) rather than failing."""
        start = row.started_at if plausible_start(row.started_at) else row.imported_at
        return cls(
            id=row.id,
            start=start if plausible_start(start) else EARLIEST_START,
            zone=row.zone,
            elapsed_s=plausible(row.elapsed_s) or 0.0,
            moving_s=plausible(row.moving_s),
            distance_m=plausible(row.distance_m) or 0.0,
            ascent_m=plausible(row.ascent_m),
            avg_hr=row.avg_hr,
            max_hr=row.max_hr,
            sport=row.sport,
            name=row.name,
            source_format=row.source_format,
            source_file=row.source_file,
            device=row.device,
        )

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict (start as UTC ISO 8601)."""
        return {
            "id": self.id,
            "start": self.start.isoformat(),
            "zone": self.zone,
            "elapsed_s": self.elapsed_s,
            "moving_s": self.moving_s,
            "distance_m": self.distance_m,
            "ascent_m": self.ascent_m,
            "avg_hr": self.avg_hr,
            "max_hr": self.max_hr,
            "sport": self.sport,
            "name": self.name,
            "source_format": self.source_format,
            "source_file": self.source_file,
            "device": self.device,
            "is_run": self.is_run,
            "pace_s_per_km": self.pace_s_per_km,
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
                name=activity.name[:300] if activity.name else None,
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


def _filtered(query: Any, sport: SportFilter) -> Any:
    if sport == "all":
        return query
    if sport == "runs":
        return query.where(RunRow.is_run)
    if sport == "other":
        return query.where(~RunRow.is_run)
    if sport not in SPORTS:
        choices = ", ".join(("all", "runs", "other", *SPORTS))
        raise ValidationError("sport", [f"must be one of {choices}; got {sport!r}"])
    return query.where(RunRow.sport == sport)


def list_runs(
    store: Store,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    user_id: int,
    sport: SportFilter = "runs",
) -> list[Run]:
    """Return the user's runs starting in [since, until), oldest first.

    `sport`: "runs" (the default: only runs, see core.runs.is_run), "all", "other" (every
    activity that is not a run) or one sport ("cycling").
    """
    query = _filtered(select(RunRow).where(RunRow.user_id == user_id), sport)
    if since is not None:
        query = query.where(RunRow.started_at >= since)
    if until is not None:
        query = query.where(RunRow.started_at < until)
    with store.factory() as session:
        return [
            Run.from_row(r) for r in session.scalars(query.order_by(RunRow.started_at, RunRow.id))
        ]


@dataclass(frozen=True)
class RunsPage:
    """One page of the runs list, newest first, with the totals the page heads it with."""

    runs: list[Run]
    shown_total: int  # activities the filter matches
    total: int  # runs (core.runs.is_run), whatever the filter
    total_km: float
    others: int  # activities that are not runs


def page_of_runs(
    store: Store,
    *,
    user_id: int,
    sport: SportFilter = "all",
    limit: int = 100,
    offset: int = 0,
) -> RunsPage:
    """Return `limit` activities from `offset`, newest first, and the list's totals, in SQL."""
    if limit < 1 or offset < 0:
        raise ValidationError(
            "page", [f"limit must be 1 or more and offset 0 or more, got {limit}, {offset}"]
        )
    mine = RunRow.user_id == user_id
    query = _filtered(select(RunRow).where(mine), sport)
    query = query.order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(limit).offset(offset)
    counted = _filtered(select(func.count()).select_from(RunRow).where(mine), sport)
    with store.factory() as session:
        rows = [Run.from_row(r) for r in session.scalars(query)]
        shown = session.execute(counted).scalar() or 0
        runs, km, every = session.execute(
            select(
                func.count().filter(RunRow.is_run),
                func.coalesce(func.sum(RunRow.distance_m).filter(RunRow.is_run), 0.0),
                func.count(),
            ).where(mine)
        ).one()
    return RunsPage(rows, shown, runs, float(km) / 1000, every - runs)


def _own(session: Any, user_id: int, run_id: int) -> RunRow:
    row = session.get(RunRow, run_id)
    if row is None or row.user_id != user_id:
        # Someone else's run is as absent as one that never was.
        # Plain words: the web shows this message too (no CLI commands on pages).
        raise NotFoundError(f"no run or activity with id {run_id}; it may have been deleted")
    return row  # type: ignore[no-any-return]


def get_run(store: Store, *, user_id: int, run_id: int) -> Run:
    """Return one of the user's activities (a run or not); NotFoundError otherwise."""
    with store.factory() as session:
        return Run.from_row(_own(session, user_id, run_id))


def delete_run(store: Store, *, user_id: int, run_id: int) -> Run:
    """Delete one of the user's activities; its pain entries stay, no longer linked to it."""
    with store.tx() as session:
        row = _own(session, user_id, run_id)
        gone = Run.from_row(row)
        # The foreign key says SET NULL too; doing it here keeps it true on any database.
        session.execute(
            update(PainEntryRow)
            .where(PainEntryRow.user_id == user_id, PainEntryRow.run_id == run_id)
            .values(run_id=None)
        )
        session.delete(row)
    return gone


def edit_run(
    store: Store,
    *,
    user_id: int,
    run_id: int,
    sport: str | None = None,
    name: str | None = None,
) -> Run:
    """Change an activity's sport (a wrongly detected one) and/or its name ("" clears it)."""
    problems = []
    chosen = None
    if sport is not None:
        try:
            chosen = parse_sport(sport)
        except ValueError as exc:
            problems.append(f"sport: {exc}")
    clean = None if name is None else " ".join(name.split())
    if clean is not None and len(clean) > MAX_NAME:
        problems.append(f"name: at most {MAX_NAME} characters, got {len(clean)}")
    if sport is None and name is None:
        problems.append("give a new sport or a new name")
    if problems:
        raise ValidationError("run", problems)
    with store.tx() as session:
        row = _own(session, user_id, run_id)
        if chosen is not None:
            row.sport = chosen
        if clean is not None:
            row.name = clean or None
        session.flush()
        return Run.from_row(row)
