"""A big upload on a live uvicorn server leaves every other request answered at once.

45 runs in one upload: the server answers 202 as soon as the files are stored, and a health
check and /api/v1/csrf polled every 200 ms meanwhile never wait 1 s, while the job thread
imports the files. (Before uploads became jobs, such an upload froze the worker for seconds.)
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.web.browser import live_server
from tests.web.uploads import many_runs

# Waits of other requests are timed: run alone, not beside other tests (Makefile).
pytestmark = pytest.mark.realtime

FILES = 45
POINTS = 1000
MAX_WAIT_S = 1.0


def test_other_requests_are_answered_during_a_big_upload(tmp_path: Path) -> None:
    waits: list[tuple[float, str]] = []
    stop = threading.Event()
    with live_server(tmp_path) as server:

        def poll() -> None:
            with httpx.Client(base_url=server.url, timeout=30) as c:
                while not stop.is_set():
                    for path in ("/api/v1/csrf", "/api/v1/health"):
                        t = time.perf_counter()
                        assert c.get(path).status_code == 200
                        waits.append((time.perf_counter() - t, path))
                    stop.wait(0.2)  # a real server and real time: no app clock here

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            with httpx.Client(base_url=server.url, timeout=120) as c:
                r = c.post("/api/v1/runs/import", files=many_runs(FILES, POINTS))
                assert r.status_code == 202, r.text
                job_url = r.headers["location"]
                deadline = time.monotonic() + 120
                while (job := c.get(job_url).json())["status"] not in ("done", "failed"):
                    assert time.monotonic() < deadline, job
                    stop.wait(0.2)
        finally:
            stop.set()
            poller.join()
        assert job["status"] == "done" and job["result"]["imported"] == FILES, job["message"]
    slowest = max(waits)
    assert len(waits) >= 4
    assert slowest[0] < MAX_WAIT_S, f"{slowest[1]} waited {slowest[0]:.2f} s during the upload"
