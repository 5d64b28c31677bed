"""`runback worker`: imports the waiting uploads (`--once`), and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from runback.services.jobs import Upload, enqueue_import, get_job
from runback.services.store import LOCAL_USER_ID, Store
from tests.conftest import Cli


def test_worker_once_imports_every_waiting_upload(
    cli: Cli, store: Store, fixtures_dir: Path
) -> None:
    data = (fixtures_dir / "gpx/cerknicko-jezero.gpx").read_bytes()
    first = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=[Upload("a.gpx", data)])
    second = enqueue_import(store, user_id=LOCAL_USER_ID, uploads=[Upload("b.gpx", data)])
    result = cli("worker", "--once")
    assert result.exit_code == 0, result.output
    assert "2 uploads imported." in result.output
    assert get_job(store, user_id=LOCAL_USER_ID, job_id=first.id).report.count("imported") == 1
    assert get_job(store, user_id=LOCAL_USER_ID, job_id=second.id).report.count("duplicate") == 1


def test_worker_stops_cleanly_on_sigterm(cli_env: dict[str, str]) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "runback", "worker", "--poll", "0.1"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert worker.stdout is not None
    assert "importing uploads" in worker.stdout.readline()  # it is up and looking
    worker.send_signal(signal.SIGTERM)
    out, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, out
    assert "0 uploads imported." in out and "Traceback" not in out
