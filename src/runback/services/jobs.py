"""Import jobs: an upload is stored as a job, and a worker imports it file by file.

The web app only stores the uploaded files (`enqueue_import`) and answers at once; a worker
(`runback worker` on any host, or `JobThread` inside a local web process) claims the oldest
waiting job with `SELECT … FOR UPDATE SKIP LOCKED` (on SQLite the write lock of BEGIN IMMEDIATE
does the same), imports each file through `services.run_import.import_bytes`, and writes the
progress and each file's result after every file. A worker that dies stops renewing its job's
heartbeat: after `LEASE` another worker takes the job up where it stopped, at most
`MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, delete, func, or_, select

from runback.errors import LimitError, NotFoundError, RunbackError
from runback.services.run_import import FileResult, ImportReport, import_bytes
from runback.services.store import Store
from runback.storage.web_models import JobFileRow, JobRow

__all__ = [
    "HEARTBEAT_S",
    "KEEP_FINISHED",
    "LEASE",
    "MAX_ATTEMPTS",
    "Job",
    "JobStatus",
    "Upload",
    "claim_next",
    "enqueue_import",
    "get_job",
    "run_job",
    "work",
    "worker_name",
]

log = logging.getLogger(__name__)

JobStatus = Literal["queued", "running", "done", "failed"]

LEASE = timedelta(minutes=5)
"""A running job whose worker has not written for this long is taken up by another worker."""
MAX_ATTEMPTS = 3
"""A job whose workers died this many times fails (one of its files may be what kills them)."""
HEARTBEAT_S = 10.0
"""During one long file (a Strava export), the lease is renewed at most this often."""
KEEP_FINISHED = timedelta(days=7)
"""Finished jobs (their results, no files) are kept this long for the page that polls them."""

_UNEXPECTED = "could not be imported: runback hit an unexpected error on this file"


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name and bytes, or why it was refused before it was read."""

    name: str
    data: bytes = b""
    refused: str | None = None


@dataclass(frozen=True)
class Job:
    """A job as the user sees it: progress, then what happened to each file."""

    id: int
    user_id: int
    status: JobStatus
    files_total: int
    files_done: int
    current: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    report: ImportReport

    @property
    def finished(self) -> bool:
        """Tell whether the job will change no more."""
        return self.status in ("done", "failed")


def worker_name() -> str:
    """Return this process's name in the jobs it takes (host:pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def _result(data: dict[str, Any]) -> FileResult:
    return FileResult(
        name=str(data["file"]),
        status=data["status"],
        reason=data.get("reason"),
        run_id=data.get("run_id"),
        note=data.get("note"),
    )


def _job(row: JobRow) -> Job:
    report = ImportReport([_result(r) for r in row.results], list(row.ignored))
    return Job(
        id=row.id,
        user_id=row.user_id,
        status=row.status,  # type: ignore[arg-type]  # the column only ever holds JobStatus
        files_total=row.files_total,
        files_done=row.files_done,
        current=row.current,
        error=row.error,
        created_at=row.created_at,
        finished_at=row.finished_at,
        report=report,
    )


def enqueue_import(store: Store, *, user_id: int, uploads: list[Upload]) -> Job:
    """Store an upload as a queued import job; LimitError when over a per-user limit."""
    settings = store.settings
    if len(uploads) > settings.max_job_files:
        raise LimitError(
            f"too many files in one upload: {len(uploads)}; the limit is "
            f"{settings.max_job_files}. Upload them in smaller batches, or zip them",
            http_status=413,
        )
    now = store.clock.now()
    with store.tx() as s:
        waiting = s.scalar(
            select(func.count())
            .select_from(JobRow)
            .where(JobRow.user_id == user_id, JobRow.status.in_(("queued", "running")))
        )
        if (waiting or 0) >= settings.max_queued_jobs:
            raise LimitError(
                f"you already have {waiting} uploads waiting to be imported (the limit is "
                f"{settings.max_queued_jobs}); wait until they are done, then upload again"
            )
        s.execute(
            delete(JobRow).where(
                JobRow.user_id == user_id,
                JobRow.status.in_(("done", "failed")),
                JobRow.finished_at < now - KEEP_FINISHED,
            )
        )
        row = JobRow(
            user_id=user_id,
            kind="runs",
            status="queued",
            files_total=len(uploads),
            files_done=0,
            current=uploads[0].name[:500] if uploads else None,
            results=[],
            ignored=[],
            attempts=0,
            created_at=now,
        )
        s.add(row)
        s.flush()
        s.add_all(
            JobFileRow(
                job_id=row.id,
                position=i,
                name=u.name[:500],
                data=b"" if u.refused else u.data,
                refused=u.refused,
            )
            for i, u in enumerate(uploads)
        )
        return _job(row)


def get_job(store: Store, *, user_id: int, job_id: int) -> Job:
    """Return one of the user's jobs; NotFoundError for anyone else's."""
    with store.factory() as s:
        row = s.get(JobRow, job_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError(f"upload {job_id} not found")
        return _job(row)


def claim_next(store: Store, *, worker: str) -> int | None:
    """Take the oldest waiting job (or one whose worker died); None when there is none."""
    now = store.clock.now()
    with store.tx() as s:
        claimable = or_(
            JobRow.status == "queued",
            and_(JobRow.status == "running", JobRow.heartbeat_at < now - LEASE),
        )
        query = (
            select(JobRow)
            .where(claimable)
            .order_by(JobRow.id)
            .limit(1)
            # Another worker's claimed row is skipped, not waited for: workers never queue
            # behind each other, and no job is taken twice.
            .with_for_update(skip_locked=True)
        )
        row = s.scalars(query).first()
        if row is None:
            return None
        row.attempts += 1
        row.worker = worker
        row.heartbeat_at = now
        if row.attempts > MAX_ATTEMPTS:
            _fail(s, row, now, f"the import stopped {MAX_ATTEMPTS} times before it was done")
            return None
        row.status = "running"
        row.started_at = row.started_at or now
        return row.id


def _fail(s: Any, row: JobRow, now: datetime, why: str) -> None:
    files = s.scalars(
        select(JobFileRow).where(JobFileRow.job_id == row.id).order_by(JobFileRow.position)
    ).all()
    # Each file not imported gets its own line, so the page says what to upload again.
    row.results = [
        *row.results,
        *(FileResult(f.name, "skipped", f"not imported: {why}").to_json() for f in files),
    ]
    row.files_done = row.files_total
    row.status = "failed"
    row.error = why
    row.current = None
    row.finished_at = now
    s.execute(delete(JobFileRow).where(JobFileRow.job_id == row.id))


def _beat(store: Store, job_id: int, name: str) -> Callable[[int, int, str], None]:
    """Return an import progress callback that renews the job's lease during one long file."""
    last = store.clock.monotonic()

    def progress(done: int, total: int, _item: str) -> None:
        nonlocal last
        if store.clock.monotonic() - last < HEARTBEAT_S:
            return
        last = store.clock.monotonic()
        with store.tx() as s:
            row = s.get(JobRow, job_id)
            if row is not None:
                row.heartbeat_at = store.clock.now()
                # A Strava export is one file of thousands of activities: say how far it is.
                row.current = f"{name} ({done} of {total})"[:500]

    return progress


def _import_one(store: Store, job_id: int, user_id: int, f: JobFileRow) -> ImportReport:
    if f.refused is not None:
        return ImportReport([FileResult(f.name, "skipped", f.refused)])
    try:
        return import_bytes(store, f.name, f.data, _beat(store, job_id, f.name), user_id=user_id)
    except RunbackError as exc:
        return ImportReport([FileResult(f.name, "skipped", str(exc))])
    except Exception:
        # One file must never stop the rest of the upload; the full report goes to the log.
        log.exception("import job: unexpected error on %s", f.name)
        return ImportReport([FileResult(f.name, "skipped", _UNEXPECTED)])


def run_job(store: Store, job_id: int, *, worker: str | None = None) -> Job:
    """Import the files of a claimed job one by one, writing progress after each.

    With `worker`, stop as soon as the job is found taken over by another worker (this one
    was thought dead: its lease ran out).
    """
    while True:
        with store.factory() as s:
            job = s.get(JobRow, job_id)
            if job is None or job.status != "running":
                raise NotFoundError(f"job {job_id} is not running")
            if worker is not None and job.worker != worker:
                log.warning("import job %s was taken over by %s", job_id, job.worker)
                return _job(job)
            user_id = job.user_id
            f = s.scalars(
                select(JobFileRow)
                .where(JobFileRow.job_id == job_id)
                .order_by(JobFileRow.position)
                .limit(1)
            ).first()
            if f is not None:
                s.expunge(f)
        if f is None:
            break
        one = _import_one(store, job_id, user_id, f)
        with store.tx() as s:
            row = s.get(JobRow, job_id)
            assert row is not None  # the job's own worker is the only one that deletes it
            row.results = [*row.results, *(r.to_json() for r in one.results)]
            row.ignored = [*row.ignored, *one.ignored]
            row.files_done += 1
            row.heartbeat_at = store.clock.now()
            s.execute(delete(JobFileRow).where(JobFileRow.id == f.id))
            s.flush()
            following = s.scalar(
                select(JobFileRow.name)
                .where(JobFileRow.job_id == job_id)
                .order_by(JobFileRow.position)
                .limit(1)
            )
            row.current = following
    with store.tx() as s:
        row = s.get(JobRow, job_id)
        assert row is not None
        report = _job(row).report
        # Failed: not one file could be stored or matched; each file's line still says why.
        nothing = report.results and all(r.status == "skipped" for r in report.results)
        row.status = "failed" if nothing else "done"
        if nothing:
            row.error = "none of the files could be imported"
        row.current = None
        row.finished_at = store.clock.now()
        return _job(row)


def work(
    store: Store,
    *,
    stop: threading.Event,
    once: bool = False,
    poll_s: float = 1.0,
    worker: str | None = None,
    when_idle: Callable[[], object] | None = None,
) -> int:
    """Claim and run jobs until `stop` is set (`once`: until none waits); return how many ran.

    `when_idle` runs whenever no job waits (hosted mode reads the users' calendars there).
    """
    name = worker or worker_name()
    done = 0
    while not stop.is_set():
        job_id = claim_next(store, worker=name)
        if job_id is None:
            if when_idle is not None:
                try:
                    when_idle()
                except Exception:
                    log.exception("work between jobs stopped")
            if once:
                break
            # Real time, not app time: how often an idle worker looks at the table.
            stop.wait(poll_s)
            continue
        try:
            run_job(store, job_id, worker=name)
        except Exception:
            # The job stays running and is taken up again once its lease runs out.
            log.exception("import job %s stopped", job_id)
        done += 1
    return done
