"""Fixtures of the reliability suite: a PostgreSQL server, and a web server in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.pg import PgServer, free_port, pg_server_or_skip

__all__ = ["pg", "serve", "serve_env", "stop"]


@pytest.fixture(scope="package")
def pg() -> Iterator[PgServer]:
    """Start one PostgreSQL server for the reliability tests."""
    yield from pg_server_or_skip()


def serve(db_url: str, log: Path, workers: int = 2) -> tuple[subprocess.Popen[bytes], str]:
    """Start `runback serve` on a free loopback port; return the process and its base URL."""
    env = {**os.environ, "RUNBACK_DATABASE_URL": db_url, "RUNBACK_ZONE": "Europe/Berlin"}
    env.pop("RUNBACK_SECRET_KEY", None)
    return serve_env(env, log, workers)


def serve_env(
    env: dict[str, str], log: Path, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `runback serve` with this environment on a free port; return it and its URL."""
    port = free_port()
    out = log.open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "runback", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"runback serve exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)  # waiting on a real server: there is no clock to fake here
    stop(server)
    raise RuntimeError(f"runback serve did not answer:\n{log.read_text(errors='replace')}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a server started by `serve` (its own process group) and reap it."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
