"""Real servers for the concurrency and proxy tests: uvicorn in a thread, or `runback serve`."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.pg import free_port
from tests.reliability.conftest import serve_env, stop
from tests.web.conftest import SECRET

__all__ = ["hosted_env", "in_thread", "rss_mb", "serve_hosted", "stop"]


@contextmanager
def in_thread(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)  # a real server starting in a thread: nothing to fake
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def hosted_env(db_url: str, **extra: str) -> dict[str, str]:
    """Return the environment of a hosted-mode `runback serve` on `db_url`."""
    env = {
        **os.environ,
        "RUNBACK_MODE": "hosted",
        "RUNBACK_DATABASE_URL": db_url,
        "RUNBACK_SECRET_KEY": SECRET,
        "RUNBACK_ZONE": "UTC",
    }
    env.update(extra)
    return env


def serve_hosted(
    env: dict[str, str], log: Path, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `runback serve` (hosted) on a free loopback port; return the process and its URL."""
    return serve_env(env, log, workers)


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Return a process's resident memory (or its peak, field="VmHWM") in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)
