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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "SCREENSHOTS",
    "WAIT_MS",
    "LiveServer",
    "chromium_path",
    "free_port",
    "launch_chromium",
    "live_server",
    "phone_page",
    "shot",
    "wait_for_job",
]

WAIT_MS = 20_000

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
def live_server(
    folder: Path, zone: str = "Europe/Berlin", start_at: datetime | None = None
) -> Iterator[LiveServer]:
    """Start `uvicorn --factory runback.web.app:create_app_from_env` on a free port.

    With `start_at`, the server's clock starts at that instant (tests/web/clocked_app.py).
    """
    port = free_port()
    env = {
        **os.environ,
        "RUNBACK_DATABASE_URL": f"sqlite:///{folder / 'runback.db'}",
        "RUNBACK_ZONE": zone,
        "RUNBACK_MODE": "local",
    }
    factory = "runback.web.app:create_app_from_env"
    if start_at is not None:
        env["RUNBACK_TEST_START"] = start_at.isoformat()
        factory = "tests.web.clocked_app:create"
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                factory,
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
                if httpx.get(f"{server.url}/api/v1/health", timeout=1.0).status_code == 200:
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


def launch_chromium() -> Iterator[Browser]:
    """Launch Debian's Chromium headless through Playwright (skip the test if it is missing)."""
    import pytest

    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed (.ci/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def phone_page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    """Open a phone-sized page; fail the test on any script error or failed response."""
    context = browser.new_context(
        base_url=server.url, viewport={"width": 412, "height": 915}, device_scale_factor=1
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # Resource failures are checked by URL below; browsers ask for /favicon.ico on their own.
    pg.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    pg.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    pg.set_default_timeout(WAIT_MS)
    yield pg
    context.close()
    assert not errors, f"browser errors: {errors}\nserver log:\n{server.output()}"


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_for_job(
    server: LiveServer, reply: httpx.Response, timeout_s: float = 60.0
) -> dict[str, Any]:
    """Follow the import job an upload answered with (202) until it is done; return the job."""
    assert reply.status_code == 202, reply.text
    deadline = time.monotonic() + timeout_s
    while True:
        job: dict[str, Any] = httpx.get(server.url + reply.headers["location"], timeout=10).json()
        if job["status"] in ("done", "failed"):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"the import job did not finish in {timeout_s} s: {job}")
        time.sleep(0.05)  # the real server's job thread imports it: real time, no app clock


def answer_safety_questions(page: Page, yes: Sequence[str] = (), stops: bool = False) -> None:
    """Answer every safety question on the pain form: yes for these ids, no for the rest."""
    from runback.core.triage import QUESTIONS

    for q in QUESTIONS:
        page.check(f"input[name='q-{q.id}'][value={'yes' if q.id in yes else 'no'}]")
    page.check(f"input[name=stops_activities][value={'yes' if stops else 'no'}]")
