"""Browser-test harness: a real uvicorn server on a free localhost port, and headless Chromium.

Debian's /usr/bin/chromium is driven by Playwright (no browser download). The server runs in a
subprocess from `create_app_from_env`, on its own SQLite file, exactly as `runback serve` would.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "SCREENSHOTS",
    "LiveServer",
    "chromium_path",
    "free_port",
    "live_server",
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The player beeps before any click in some flows; let audio start without a gesture.
    "--autoplay-policy=no-user-gesture-required",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
STARTUP_TIMEOUT_S = 20.0


def chromium_path() -> str | None:
    """Return the Chromium binary to drive, or None when it is not installed."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LiveServer:
    """A running uvicorn process and its base URL."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log

    def output(self) -> str:
        """Return what the server printed so far (for failure messages)."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextmanager
def live_server(folder: Path, zone: str = "Europe/Berlin") -> Iterator[LiveServer]:
    """Start `uvicorn --factory runback.web.app:create_app_from_env` on a free port."""
    port = free_port()
    env = {
        **os.environ,
        "RUNBACK_DATABASE_URL": f"sqlite:///{folder / 'runback.db'}",
        "RUNBACK_ZONE": zone,
        "RUNBACK_MODE": "local",
    }
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "runback.web.app:create_app_from_env",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited at startup:\n{server.output()}")
            try:
                if httpx.get(f"{server.url}/api/v1/bare", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer in time:\n{server.output()}")
            time.sleep(0.05)  # waiting for a real process to bind its port, not for app time
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
