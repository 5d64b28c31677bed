"""Uploads as jobs over the web: 202 and polling, the page without JavaScript, per-user limits,
isolation, and on PostgreSQL `runback worker --once` processes that never take a job twice."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from runback.services.jobs import claim_next, work
from runback.services.store import Store
from runback.storage.web_models import JobRow
from tests.web.conftest import HostedClient, finished_job, signup

Make = Callable[..., HostedClient]
GOOD = ("gpx/cerknicko-jezero.gpx", "fit/garmin-fenix-5-run.fit", "fit/garmin-fenix-5-walk.fit")


def _files(fixtures_dir: Path, *names: str) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (Path(n).name, (fixtures_dir / n).read_bytes())) for n in names]


def _upload(c: HostedClient, fixtures_dir: Path, *names: str) -> int:
    r = c.unsafe("POST", "/api/v1/runs/import", files=_files(fixtures_dir, *names))
    assert r.status_code == 202, r.text
    job_id: int = r.json()["id"]
    return job_id


def _worker(db_url: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "RUNBACK_DATABASE_URL": db_url, "RUNBACK_MODE": "hosted"}
    return subprocess.Popen(
        [sys.executable, "-m", "runback", "worker", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_local_upload_answers_at_once_and_the_job_says_how_far_it_is(
    client: TestClient, fixtures_dir: Path
) -> None:
    r = client.post("/api/v1/runs/import", files=_files(fixtures_dir, *GOOD))
    assert r.status_code == 202
    queued = r.json()
    assert queued["files_total"] == 3 and queued["status"] in ("queued", "running")
    job = finished_job(client, r)
    assert (job["status"], job["files_done"], job["message"]) == ("done", 3, "Imported.")
    assert job["result"]["summary"] == "3 imported."


def test_the_page_without_javascript_says_reload_until_the_import_is_done(
    db_url: str, hosted_client: Make, fixtures_dir: Path
) -> None:
    c = hosted_client(db_url)  # hosted mode: no job thread, the worker is `runback worker`
    signup(c, "runner@example.org")
    form = {"csrf_token": c.csrf}
    r = c.post("/runs", data=form, files=_files(fixtures_dir, *GOOD), follow_redirects=False)
    assert r.status_code == 303
    target = r.headers["location"]
    waiting = c.get(target).text
    visible = " ".join(re.sub(r"<[^>]+>", " ", waiting).split())
    assert "Waiting to import 3 files… Reload this page to see the result." in visible
    assert "/api/" not in visible and "job" not in visible.lower()
    work(c.app.state.store, stop=threading.Event(), once=True)  # type: ignore[attr-defined]
    shown = c.get(target).text
    assert "3 imported." in shown and "Reload" not in shown
    assert 'class="result result-imported"><strong>garmin-fenix-5-walk.fit</strong>' in shown


def test_limits_have_their_own_messages(
    db_url: str, hosted_client: Make, fixtures_dir: Path
) -> None:
    c = hosted_client(db_url, max_job_files=3, max_queued_jobs=2)
    signup(c, "runner@example.org")
    r = c.unsafe("POST", "/api/v1/runs/import", files=_files(fixtures_dir, *GOOD, GOOD[0]))
    assert r.status_code == 413
    assert r.json()["detail"].startswith("too many files in one upload: 4; the limit is 3")
    _upload(c, fixtures_dir, GOOD[0])
    _upload(c, fixtures_dir, GOOD[1])
    r = c.unsafe("POST", "/api/v1/runs/import", files=_files(fixtures_dir, GOOD[2]))
    assert r.status_code == 429
    assert "already have 2 uploads waiting to be imported" in r.json()["detail"]
    page = c.post("/runs", data={"csrf_token": c.csrf}, files=_files(fixtures_dir, GOOD[2]))
    assert page.status_code == 429 and "wait until they are done" in page.text


def test_another_users_job_is_not_found(
    any_db_url: str, hosted_client: Make, fixtures_dir: Path
) -> None:
    a = hosted_client(any_db_url)
    signup(a, "alpha@example.org")
    job_id = _upload(a, fixtures_dir, GOOD[0])
    b = HostedClient(a.app, base_url="https://testserver")
    with b:
        signup(b, "bravo@example.org")
        assert b.get(f"/api/v1/jobs/{job_id}").status_code == 404
        page = b.get(f"/runs?job={job_id}")
        assert page.status_code == 200 and "That upload is not known" in page.text
        assert "cerknicko" not in page.text
    assert a.get(f"/api/v1/jobs/{job_id}").status_code == 200


@pytest.mark.postgres
def test_runback_worker_once_imports_the_uploads_on_postgres(
    pg_db_url: str, hosted_client: Make, fixtures_dir: Path
) -> None:
    c = hosted_client(pg_db_url)
    signup(c, "runner@example.org")
    job_id = _upload(c, fixtures_dir, *GOOD, "gpx/route.gpx")
    assert c.get(f"/api/v1/jobs/{job_id}").json()["status"] == "queued"
    out, _ = _worker(pg_db_url, "--once").communicate(timeout=120)
    assert "1 upload imported." in out
    job = c.get(f"/api/v1/jobs/{job_id}").json()
    assert (job["status"], job["files_done"], job["files_total"]) == ("done", 4, 4)
    assert [f["status"] for f in job["result"]["files"]] == ["imported"] * 3 + ["skipped"]
    assert "planned route" in job["result"]["files"][3]["message"]
    assert len(c.get("/api/v1/runs?sport=all").json()) == 3


@pytest.mark.postgres
def test_a_worker_skips_a_job_another_worker_holds(
    pg_db_url: str, hosted_client: Make, fixtures_dir: Path
) -> None:
    c = hosted_client(pg_db_url)
    signup(c, "runner@example.org")
    first, second = _upload(c, fixtures_dir, GOOD[0]), _upload(c, fixtures_dir, GOOD[1])
    store: Store = c.app.state.store  # type: ignore[attr-defined]
    # Another worker's claim, caught before it commits: its row stays locked.
    with store.factory() as held, held.begin():
        locked = held.scalars(
            select(JobRow).order_by(JobRow.id).limit(1).with_for_update(skip_locked=True)
        ).one()
        assert locked.id == first
        assert claim_next(store, worker="b") == second  # not blocked, and not the held one
        assert claim_next(store, worker="c") is None


@pytest.mark.postgres
def test_two_workers_never_take_the_same_job(
    pg_db_url: str, hosted_client: Make, fixtures_dir: Path
) -> None:
    c = hosted_client(pg_db_url, max_queued_jobs=20)
    signup(c, "runner@example.org")
    names = [*GOOD, "fit/sample-activity.fit", "tcx/test.tcx"]
    ids = [_upload(c, fixtures_dir, name) for name in names for _ in range(2)]
    workers = [_worker(pg_db_url, "--once") for _ in range(2)]
    for w in workers:
        assert w.wait(timeout=180) == 0
    store: Store = c.app.state.store  # type: ignore[attr-defined]
    with store.factory() as s:
        rows = s.scalars(select(JobRow).where(JobRow.id.in_(ids))).all()
    assert len(rows) == len(ids)
    assert all(r.status == "done" and r.attempts == 1 for r in rows), [
        (r.status, r.attempts, r.results, r.error) for r in rows
    ]
    # Each file is there twice: one of each pair imported, the other its duplicate.
    statuses = sorted(r.results[0]["status"] for r in rows)
    assert statuses == ["duplicate"] * len(names) + ["imported"] * len(names)
    assert len(c.get("/api/v1/runs?sport=all").json()) == len(names)
