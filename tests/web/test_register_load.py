"""80 sign-ups at once against a live hosted server with the real argon2 cost (64 MiB each).

argon2 runs behind a gate of 2 per worker (8 more may wait; the rest are told at once to retry),
so the worker's memory stays bounded and its threads stay free for everything else: the health
check answers within 1 s throughout.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.web.conftest import PASSWORD
from tests.web.live import hosted_env, rss_mb, serve_hosted, stop

# Waits of other requests are timed: run alone, not beside other tests (Makefile).
pytestmark = [pytest.mark.postgres, pytest.mark.realtime]

CONCURRENT = 80
MAX_RSS_MB = 600
MAX_HEALTH_S = 1.0


def test_80_concurrent_registrations_keep_memory_and_health_bounded(
    pg_db_url: str, tmp_path: Path
) -> None:
    # The sign-up limits are raised here so that the gate, not the limit, is what is tested.
    env = hosted_env(
        pg_db_url,
        RUNBACK_REGISTER_LIMIT_PER_ADDRESS="1000",
        RUNBACK_REGISTER_LIMIT_GLOBAL="1000",
    )
    server, base = serve_hosted(env, tmp_path / "serve.log", workers=1)
    try:
        with httpx.Client(base_url=base) as c:
            token = c.get("/api/v1/csrf").json()["csrf_token"]
            cookies = dict(c.cookies)  # Secure cookies, carried by hand over plain http
        start_rss = rss_mb(server.pid)
        done = threading.Event()
        health: list[float] = []
        rss: list[float] = []

        def watch() -> None:
            with httpx.Client(base_url=base, timeout=30) as h:
                while not done.is_set():
                    t0 = time.perf_counter()
                    assert h.get("/api/v1/health").status_code == 200
                    health.append(time.perf_counter() - t0)
                    rss.append(rss_mb(server.pid))
                    done.wait(0.1)  # a real server under real load: no clock to fake

        barrier = threading.Barrier(CONCURRENT)
        statuses: list[int] = []

        def register(i: int) -> None:
            body = {"email": f"load{i}@example.org", "password": PASSWORD}
            with httpx.Client(base_url=base, cookies=cookies, timeout=120) as c:
                barrier.wait()
                r = c.post("/api/v1/register", json=body, headers={"X-CSRF-Token": token})
            statuses.append(r.status_code)

        watcher = threading.Thread(target=watch)
        watcher.start()
        threads = [threading.Thread(target=register, args=(i,)) for i in range(CONCURRENT)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        done.set()
        watcher.join(timeout=60)
        peak = rss_mb(server.pid, "VmHWM")
        counted = Counter(statuses)
        print(
            f"\n{CONCURRENT} sign-ups: {dict(counted)}; RSS {start_rss:.0f} MB at start, "
            f"{max(rss):.0f} MB most seen, peak (VmHWM) {peak:.0f} MB; health check "
            f"slowest {max(health):.3f} s over {len(health)} polls"
        )
        assert set(counted) <= {201, 429} and counted[201] >= 2, counted
        assert peak < MAX_RSS_MB
        assert len(health) >= 3 and max(health) < MAX_HEALTH_S
    finally:
        stop(server)
