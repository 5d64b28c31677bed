"""Profile one Today request in-process: SQL statements, connection checkouts and milliseconds.

Usage: .venv/bin/python bench/today_profile.py [--users N] [--years Y] [--repeat R] [--profile]
       [--show-sql] [--strace] [--miss]

Seeds a throwaway PostgreSQL the way bench/web.py does, then calls the Today use case
(`services.today.today`, what GET /api/v1/today runs) and the Today page through the app, counting
the SQL statements and pool checkouts of one request and timing R requests for users spread over
the data set; --strace counts the round trips to PostgreSQL (sendto calls) per request.
--profile prints a cProfile of the use case (top 25 by cumulative time). --miss turns the
view cache off (every request a miss) and adds /progress; the CPU this process spent per
request (all its threads, PostgreSQL not included) is printed with each path.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["main"]


class Counter:
    """Count SQL statements and pool checkouts on an engine."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements: list[str] = []
        self.checkouts = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine.pool, "checkout", self._checkout)

    def _statement(self, *args: Any) -> None:
        self.statements.append(" ".join(str(args[2]).split())[:100])

    def _checkout(self, *args: Any) -> None:
        self.checkouts += 1

    def reset(self) -> None:
        """Forget what was counted."""
        self.statements.clear()
        self.checkouts = 0


def round_trips(request: Any, n: int) -> float:
    """Return the sendto() calls per request over n requests, counted by strace on this process."""
    import os
    import signal
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".strace") as out:
        argv = ["strace", "-f", "-e", "trace=sendto", "-o", out.name, "-p", str(os.getpid())]
        tracer = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        assert tracer.stderr is not None
        tracer.stderr.readline()  # "strace: Process N attached ...": tracing has started
        time.sleep(0.5)  # let it attach to every thread
        for _ in range(n):
            request()
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=30)
        lines = Path(out.name).read_text().splitlines()
    # The one-byte "\\0" sends are the event loop's self-pipe (thread hand-offs), not PostgreSQL.
    return sum(1 for line in lines if "sendto(" in line and '"\\0", 1,' not in line) / n


def main() -> int:
    """Seed, then count and time Today requests."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument("--strace", action="store_true", help="count round trips (needs strace)")
    parser.add_argument("--miss", action="store_true", help="view cache off; add /progress")
    args = parser.parse_args()

    from bench.web import PASSWORD, SECRET, seed
    from fastapi.testclient import TestClient
    from tests.pg import PgServer, find_pg_bin

    from runback.services.store import open_store
    from runback.services.today import today as today_data
    from runback.settings import Settings
    from runback.web.app import create_app

    bin_dir = find_pg_bin()
    if bin_dir is None:
        print("PostgreSQL is not installed (make system-deps)", file=sys.stderr)
        return 2
    pg = PgServer(bin_dir)
    pg.start()
    try:
        url = pg.create_database()
        print("seeded", seed(url, args.users, args.years))
        settings = Settings(mode="hosted", database_url=url, secret_key=SECRET)
        if args.miss:
            settings = settings.model_copy(update={"view_cache_entries": 0})
        store = open_store(settings)
        counter = Counter(store.engine)
        users = [1 + (i * 97) % args.users for i in range(args.repeat)]
        today_data(store, user_id=users[0])  # warm-up: imports, catalog, statement caches
        counter.reset()
        today_data(store, user_id=users[1])
        print(f"today_data: {len(counter.statements)} statements, {counter.checkouts} checkouts")
        if args.show_sql:
            for sql in counter.statements:
                print("   ", sql)
        times = []
        for user in users:
            t0 = time.perf_counter()
            today_data(store, user_id=user)
            times.append(1000 * (time.perf_counter() - t0))
        times.sort()
        print(
            f"today_data: p50 {statistics.median(times):.2f} ms, "
            f"p99 {times[int(len(times) * 0.99)]:.2f} ms over {len(times)} calls"
        )
        if args.profile:
            import cProfile
            import pstats

            with cProfile.Profile() as prof:
                for user in users[:50]:
                    today_data(store, user_id=user)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)

        app = create_app(settings, store)
        with TestClient(app, base_url="https://testserver") as http:
            r = http.get("/api/v1/csrf")
            token = r.json()["csrf_token"]
            r = http.post(
                "/api/v1/login",
                json={"email": f"user{users[1]}@bench.example", "password": PASSWORD},
                headers={"X-CSRF-Token": token},
            )
            r.raise_for_status()
            for path in ("/api/v1/today", "/", *(("/progress",) if args.miss else ())):
                http.get(path).raise_for_status()
                counter.reset()
                http.get(path).raise_for_status()
                n, c = len(counter.statements), counter.checkouts
                times = []
                cpu0 = time.process_time()
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    http.get(path)
                    times.append(1000 * (time.perf_counter() - t0))
                cpu = 1000 * (time.process_time() - cpu0) / args.repeat
                times.sort()
                print(
                    f"GET {path}: {n} statements, {c} checkouts, p50 "
                    f"{statistics.median(times):.2f} ms, p99 {times[int(len(times) * 0.99)]:.2f} "
                    f"ms, CPU {cpu:.2f} ms per request"
                )
                if args.strace:
                    sent = round_trips(lambda: http.get(path), 50)  # noqa: B023
                    print(f"GET {path}: {sent:.1f} round trips to PostgreSQL (sendto, strace)")
                if args.show_sql:
                    counter.reset()
                    http.get(path)
                    for sql in counter.statements:
                        print("   ", sql)
        store.close()
    finally:
        pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
