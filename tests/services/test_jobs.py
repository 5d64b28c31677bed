"""Import jobs on SQLite: enqueue, claim, progress, per-file results, limits, dead workers."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from runback.core.clock import FakeClock
from runback.errors import LimitError, NotFoundError
from runback.services import jobs
from runback.services.job_thread import JobThread
from runback.services.jobs import (
    LEASE,
    MAX_ATTEMPTS,
    Upload,
    claim_next,
    enqueue_import,
    get_job,
    run_job,
    work,
)
from runback.services.run_import import import_bytes
from runback.services.runs import list_runs
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import UserRow
from runback.storage.web_models import JobFileRow, JobRow

GOOD = ("gpx/cerknicko-jezero.gpx", "fit/garmin-fenix-5-run.fit")


def _uploads(fixtures_dir: Path, *names: str) -> list[Upload]:
    return [Upload(Path(n).name, (fixtures_dir / n).read_bytes()) for n in names]


def _file_rows(store: Store) -> int:
    with store.factory() as s:
        return s.scalar(select(func.count()).select_from(JobFileRow)) or 0


def _other_user(store: Store, clock: FakeClock) -> int:
    with store.tx() as s:
        user = UserRow(email="other@example.org", zone="UTC", prefs={}, created_at=clock.now())
        s.add(user)
        s.flush()
        return user.id


def test_a_job_imports_every_file_and_reports_each(store: Store, fixtures_dir: Path) -> None:
    uploads = [*_uploads(fixtures_dir, *GOOD, "gpx/route.gpx")]
    uploads.append(Upload("huge.fit", refused="refused: the file is 9 bytes, over the limit of 1"))
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=uploads)
    assert (job.status, job.files_done, job.files_total) == ("queued", 0, 4)
    assert work(store, stop=threading.Event(), once=True) == 1
    done = get_job(store, user_id=LOCAL_USER_ID, job_id=job.id)
    assert (done.status, done.files_done) == ("done", 4)
    statuses = [(r.name, r.status) for r in done.report.results]
    assert statuses == [
        ("cerknicko-jezero.gpx", "imported"),
        ("garmin-fenix-5-run.fit", "imported"),
        ("route.gpx", "skipped"),
        ("huge.fit", "skipped"),
    ]
    assert "over the limit" in str(done.report.results[3].reason)
    assert len(list_runs(store, sport="all", user_id=LOCAL_USER_ID)) == 2
    assert _file_rows(store) == 0  # the uploaded bytes go once imported


def test_progress_is_written_after_every_file(
    store: Store, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, *GOOD))
    seen: list[tuple[str, int, str | None]] = []
    real = import_bytes

    def spy(st: Store, name: str, data: bytes, *rest: object, user_id: int) -> object:
        now = get_job(store, user_id=LOCAL_USER_ID, job_id=job.id)
        seen.append((now.status, now.files_done, now.current))
        return real(st, name, data, user_id=user_id)

    monkeypatch.setattr(jobs, "import_bytes", spy)
    job_id = claim_next(store, worker="test")
    assert job_id == job.id
    run_job(store, job.id)
    assert seen == [
        ("running", 0, "cerknicko-jezero.gpx"),
        ("running", 1, "garmin-fenix-5-run.fit"),
    ]


def test_a_job_where_no_file_could_be_imported_fails_with_each_files_reason(
    store: Store, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("a bug")

    bad = [Upload("notes.gpx", b"<not gpx"), *_uploads(fixtures_dir, "gpx/route.gpx")]
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=bad)
    work(store, stop=threading.Event(), once=True)
    failed = get_job(store, user_id=LOCAL_USER_ID, job_id=job.id)
    assert failed.status == "failed" and failed.error == "none of the files could be imported"
    reasons = {r.name: r.reason or "" for r in failed.report.results}
    assert set(reasons) == {"notes.gpx", "route.gpx"}
    assert "planned route" in reasons["route.gpx"]
    # A bug on one file is that file's line; the next file is still imported.
    monkeypatch.setattr(jobs, "import_bytes", boom)
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, *GOOD))
    work(store, stop=threading.Event(), once=True)
    results = get_job(store, user_id=LOCAL_USER_ID, job_id=job.id).report.results
    assert [r.reason for r in results] == [jobs._UNEXPECTED] * 2


def test_limits_files_per_upload_and_waiting_uploads_per_user(
    store: Store, clock: FakeClock, fixtures_dir: Path
) -> None:
    store.settings = store.settings.model_copy(update={"max_job_files": 2, "max_queued_jobs": 2})
    one = _uploads(fixtures_dir, GOOD[0])
    with pytest.raises(LimitError, match="too many files in one upload: 3; the limit is 2") as e:
        enqueue_import(store, user_id=LOCAL_USER_ID, uploads=one * 3)
    assert e.value.http_status == 413
    enqueue_import(store, user_id=LOCAL_USER_ID, uploads=one)
    enqueue_import(store, user_id=LOCAL_USER_ID, uploads=one)
    with pytest.raises(LimitError, match="already have 2 uploads waiting") as e:
        enqueue_import(store, user_id=LOCAL_USER_ID, uploads=one)
    assert e.value.http_status == 429
    # Someone else's queue is their own.
    enqueue_import(store, user_id=_other_user(store, clock), uploads=one)
    # Once they are imported, the user can upload again.
    work(store, stop=threading.Event(), once=True)
    enqueue_import(store, user_id=LOCAL_USER_ID, uploads=one)


def test_someone_elses_job_is_not_found(store: Store, clock: FakeClock, fixtures_dir: Path) -> None:
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, GOOD[0]))
    with pytest.raises(NotFoundError):
        get_job(store, user_id=_other_user(store, clock), job_id=job.id)


def test_a_job_whose_worker_died_is_taken_up_where_it_stopped(
    store: Store, clock: FakeClock, fixtures_dir: Path
) -> None:
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, *GOOD))
    assert claim_next(store, worker="dead") == job.id
    # Nobody else takes it while its lease holds.
    assert claim_next(store, worker="other") is None
    clock.advance(2 * LEASE.total_seconds())
    assert claim_next(store, worker="other") == job.id
    run_job(store, job.id)
    done = get_job(store, user_id=LOCAL_USER_ID, job_id=job.id)
    assert done.status == "done" and done.report.count("imported") == 2


def test_a_job_that_keeps_killing_its_workers_fails_and_names_its_files(
    store: Store, clock: FakeClock, fixtures_dir: Path
) -> None:
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, *GOOD))
    for _ in range(MAX_ATTEMPTS):
        assert claim_next(store, worker="dies") == job.id
        clock.advance(2 * LEASE.total_seconds())
    assert claim_next(store, worker="dies") is None
    failed = get_job(store, user_id=LOCAL_USER_ID, job_id=job.id)
    assert failed.status == "failed" and f"stopped {MAX_ATTEMPTS} times" in str(failed.error)
    assert [r.status for r in failed.report.results] == ["skipped", "skipped"]
    assert _file_rows(store) == 0
    with store.factory() as s:
        assert s.get(JobRow, job.id) is not None


def test_the_job_thread_imports_what_is_uploaded(store: Store, fixtures_dir: Path) -> None:
    runner = JobThread(store, poll_s=30)
    runner.start()
    try:
        job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, *GOOD))
        runner.wake()
        assert runner.wait_idle(60)
        assert get_job(store, user_id=LOCAL_USER_ID, job_id=job.id).status == "done"
    finally:
        runner.stop()
    assert runner.wait_idle(0)


def test_a_worker_that_was_thought_dead_stops_when_it_finds_its_job_taken_over(
    store: Store, clock: FakeClock, fixtures_dir: Path
) -> None:
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, *GOOD))
    assert claim_next(store, worker="slow") == job.id
    clock.advance(2 * LEASE.total_seconds())
    assert claim_next(store, worker="fresh") == job.id
    stale = run_job(store, job.id, worker="slow")
    assert (stale.status, stale.files_done) == ("running", 0)
    assert list_runs(store, sport="all", user_id=LOCAL_USER_ID) == []
    assert run_job(store, job.id, worker="fresh").status == "done"


def test_a_long_file_renews_the_lease_and_says_how_far_it_is(
    store: Store, clock: FakeClock, fixtures_dir: Path
) -> None:
    job = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, GOOD[0]))
    claim_next(store, worker="w")
    progress = jobs._beat(store, job.id, "export.zip")
    progress(1, 5000, "a.fit")  # too soon: nothing written
    assert get_job(store, user_id=LOCAL_USER_ID, job_id=job.id).current == "cerknicko-jezero.gpx"
    clock.advance(jobs.HEARTBEAT_S + 1)
    progress(1200, 5000, "b.fit")
    assert (
        get_job(store, user_id=LOCAL_USER_ID, job_id=job.id).current == "export.zip (1200 of 5000)"
    )
    with store.factory() as s:
        row = s.get(JobRow, job.id)
        assert row is not None and row.heartbeat_at == clock.now()


def test_an_export_leaves_the_jobs_out(store: Store, fixtures_dir: Path) -> None:
    from runback.services.backup import export_document

    enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, *GOOD))
    work(store, stop=threading.Event(), once=True)
    enqueue_import(store, user_id=LOCAL_USER_ID, uploads=_uploads(fixtures_dir, GOOD[0]))
    for user_id in (None, LOCAL_USER_ID):
        tables = export_document(store, user_id=user_id)["tables"]
        assert "jobs" not in tables and "job_files" not in tables
        assert len(tables["runs"]) == 2
