"""Benchmark: the hosted web app on PostgreSQL with 1,000 users x 3 years of data.

Usage: .venv/bin/python bench/web.py [--users N] [--years Y] [--seconds S] [--concurrency C]
       [--workers W] [--client auto|wrk|python|both] [--miss-only] [--json]

Starts a throwaway PostgreSQL (tests/pg.py), seeds it server-side with generate_series (one
INSERT ... SELECT per table), runs `runback serve` with W uvicorn workers in hosted mode, and
loads each endpoint in turn from a second process over loopback (C keep-alive connections,
each logged in as a different user): the bare endpoint (a constant), /api/v1/csrf (a sync route,
no database), /api/v1/me (the login check alone: the smallest logged-in read),
/api/v1/today and the Today page (/), then Today and /progress again with the view cache off
(every request a miss). The load comes from wrk, which the bench installs with apt-get when it
is missing and it runs as root (it is in no test dependency list, as the bench is run by hand),
else from a small asyncio HTTP/1.1 client in Python; `--client both` runs both (bench/load.py).
Reports req/s, p50, p99, each endpoint's share of bare throughput, how the connections were
split over the workers, and the CPU per request of the uvicorn workers, PostgreSQL and the
client, since on a small machine the client competes with them. Goals (on the first client),
cache on and off alike: Today p99 < 50 ms and >= 40 % of bare throughput; /progress >= 25 %.
Exit 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["main"]

P99_GOAL_MS = 50.0
SHARE_GOAL = 0.40
PROGRESS_SHARE_GOAL = 0.25
PASSWORD = "bench password 123"
SECRET = "bench-secret-bench-secret-bench-secret-0123"
# `runback serve` plus the baseline /api/v1/bare, which the shipped app does not have.
BARE_APP = Path(__file__).with_name("bare_app.py")
ENDPOINTS = ["/api/v1/bare", "/api/v1/csrf", "/api/v1/me", "/api/v1/today", "/"]
TODAY = ("/api/v1/today", "/")
PROGRESS = "/progress"


def seed(url: str, users: int, years: int) -> dict[str, int]:
    """Fill the database server-side; return row counts per table."""
    import psycopg
    from argon2 import PasswordHasher

    digest = PasswordHasher().hash(PASSWORD)  # one real hash, shared by every bench user
    days = 365 * years
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    start = "date_trunc('day', now()) - make_interval(days => %(days)s)"
    stmts = [
        f"""INSERT INTO users (id, email, password_hash, zone, prefs, created_at)
            SELECT u, 'user' || u || '@bench.example', %(hash)s,
                   (ARRAY['Europe/Berlin','America/New_York','Asia/Tokyo','UTC'])[1 + u % 4],
                   '{{}}'::json, {start}
            FROM generate_series(1, %(users)s) u""",
        "SELECT setval(pg_get_serial_sequence('users', 'id'), %(users)s)",
        # About six sessions a week: skip one day in seven.
        f"""INSERT INTO sessions (user_id, routine_slug, routine_name, started_at, ended_at, zone,
                steps_total, steps_done, steps_skipped, completed, enjoyment, context, active_s)
            SELECT u, 'desk-reset', 'Desk reset',
                   {start} + make_interval(days => d, hours => 7, mins => u % 50),
                   {start} + make_interval(days => d, hours => 7, mins => u % 50 + 8),
                   'UTC', 6, '["cat-cow","hip-flexor-stretch"]'::json, '[]'::json, true,
                   1 + (u + d) % 5, 'desk', 480
            FROM generate_series(1, %(users)s) u, generate_series(0, %(days)s) d
            WHERE (u + d) % 7 <> 0""",
        # Three runs a week.
        f"""INSERT INTO runs (user_id, started_at, zone, elapsed_s, moving_s, distance_m, ascent_m,
                sport, name, source_format, source_file, device, content_hash, imported_at)
            SELECT u, {start} + make_interval(days => d, hours => 17),
                   'UTC', 2400, 2300, 5000 + (u * d) % 7000, 40, 'run', 'Evening run', 'fit',
                   'run-' || d || '.fit', 'bench watch', md5(u || '-' || d), now()
            FROM generate_series(1, %(users)s) u, generate_series(0, %(days)s) d
            WHERE d % 7 IN (1, 3, 5)""",
        # Pain once a week, after Wednesday's run.
        f"""INSERT INTO pain_entries (user_id, at, zone, region, intensity, red_flags, notes)
            SELECT u, {start} + make_interval(days => d, hours => 18),
                   'UTC', 'lower_back', (u + d) % 6, '[]'::json, ''
            FROM generate_series(1, %(users)s) u, generate_series(0, %(days)s) d
            WHERE d % 7 = 3""",
        # Four movement breaks a working day.
        f"""INSERT INTO breaks (user_id, due_at, at, zone, outcome)
            SELECT u, {start} + make_interval(days => d, hours => 9 + 2 * b),
                   {start} + make_interval(days => d, hours => 9 + 2 * b, mins => 2), 'UTC',
                   (ARRAY['taken','snoozed','skipped','natural','missed'])[1 + (u + d + b) % 5]
            FROM generate_series(1, %(users)s) u, generate_series(0, %(days)s) d,
                 generate_series(0, 3) b
            WHERE d % 7 < 5""",
    ]
    params = {"hash": digest, "users": users, "days": days}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for sql in stmts:
            # psycopg placeholders use %: the SQL modulo operator must be doubled.
            conn.execute(sql.replace(" % ", " %% "), params)
    # The rows went in as plain SQL, past the write path that keeps the day rollups: fill them
    # as `runback doctor --rebuild` would, before the pages read them.
    from runback.storage.db import make_engine
    from runback.storage.rollups import rebuild_all

    engine = make_engine(url)
    with engine.begin() as sa_conn:
        rebuild_all(sa_conn)
    engine.dispose()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        # A second pass marks the pages all-visible (the first after a bulk load leaves
        # pg_class.relallvisible at 0, measured), as autovacuum has in a database that has
        # lived: without it no index-only scan is chosen.
        conn.execute("VACUUM")
        counts = {}
        for table in ("users", "sessions", "runs", "pain_entries", "breaks", "day_rollups"):
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(row[0]) if row else 0
    return counts


def _set_cookie(response: Any, name: str) -> str:
    # Hosted cookies are Secure, so a client on plain-http loopback will not keep them itself.
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return str(header.split(";", 1)[0])
    raise RuntimeError(f"no {name} cookie in the response")


def _login(base: str, users: int, n: int) -> list[str]:
    import httpx

    cookies = []
    # argon2 at its real cost: a login takes seconds when the machine is busy.
    with httpx.Client(base_url=base, timeout=60) as http:
        for i in range(n):
            r = http.get("/api/v1/csrf")
            csrf = _set_cookie(r, "runback_csrf")
            user = 1 + (i * 97) % users  # spread over the users
            r = http.post(
                "/api/v1/login",
                json={"email": f"user{user}@bench.example", "password": PASSWORD},
                headers={"X-CSRF-Token": r.json()["csrf_token"], "Cookie": csrf},
            )
            r.raise_for_status()
            # Both cookies a browser keeps after logging in: the session and the new CSRF one.
            cookies.append(f"{_set_cookie(r, 'runback_session')}; {_set_cookie(r, 'runback_csrf')}")
            http.cookies.clear()
    return cookies


class Writer:
    """While in use, answer a break reminder for each user in turn, each every `every_s` s."""

    def __init__(self, base: str, cookies: list[str], every_s: float | None) -> None:
        import threading

        self.base, self.cookies, self.every_s = base, cookies, every_s
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.writes = 0
        self.error: BaseException | None = None

    def __enter__(self) -> Writer:
        if self.every_s is not None:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.every_s is not None:
            self.stop.set()
            self.thread.join()
            if self.error is not None:
                raise RuntimeError("the writer failed") from self.error

    def _run(self) -> None:
        import httpx

        assert self.every_s is not None
        try:
            with httpx.Client(base_url=self.base) as http:
                tokens = [
                    http.get("/api/v1/csrf", headers={"Cookie": c}).json()["csrf_token"]
                    for c in self.cookies
                ]
                gap = self.every_s / len(self.cookies)
                while not self.stop.wait(gap):
                    i = self.writes % len(self.cookies)
                    due = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                    r = http.post(
                        "/api/v1/breaks",
                        json={"due_at": due, "outcome": "taken"},
                        headers={"Cookie": self.cookies[i], "X-CSRF-Token": tokens[i]},
                    )
                    r.raise_for_status()
                    self.writes += 1
        except BaseException as exc:  # reported by __exit__, in the bench's own thread
            self.error = exc


def _wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError("runback serve exited early")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("runback serve did not come up")


def _install_wrk() -> bool:
    """Install wrk with apt-get when it is missing and we may (root); tell whether it is there."""
    if shutil.which("wrk") is not None:
        return True
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return False
    print("wrk is missing: apt-get install wrk", file=sys.stderr)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    installed = subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False, **quiet)
    if installed.returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=False, **quiet)
        subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False, **quiet)
    return shutil.which("wrk") is not None


def _clients(choice: str) -> list[str]:
    has_wrk = choice != "python" and _install_wrk()
    if choice in ("wrk", "both") and not has_wrk:
        raise SystemExit("wrk is not installed: apt-get install wrk (or --client python)")
    if choice == "both":
        return ["wrk", "python"]
    if choice == "auto":
        return ["wrk" if has_wrk else "python"]
    return [choice]


def _print(report: dict[str, Any], ok: bool) -> None:
    print(f"seeded {report['rows']} in {report['seed_s']:.1f} s; load average {report['load']}")
    print(
        f"{'client':<7}{'cache':<7}{'endpoint':<15}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'of bare':>8}{'errors':>7}{'split':>7}   CPU ms per request: uvicorn / postgres / client"
    )
    for r in report["results"]:
        # CPU % of one core over the run (warm-up included) / requests per second.
        ms = {k: 10 * v / r["rps"] for k, v in r["cpu_pct"].items()}
        split = "/".join(map(str, r["split"]))
        print(
            f"{r['client']:<7}{r['cache']:<7}{r['path']:<15}{r['rps']:>7.0f}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}"
            f"{100 * r['share_of_bare']:>7.0f}%{r['errors']:>7}{split:>7}   "
            f"{ms['uvicorn']:.2f} / {ms['postgres']:.2f} / {ms['client']:.2f}"
        )
    print(
        "goals met"
        if ok
        else f"goal missed: Today p99 < {P99_GOAL_MS} ms and >= 40 % of bare, /progress >= 25 %"
    )


def main() -> int:
    """Seed, serve, load, report; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--client", choices=["auto", "wrk", "python", "both"], default="auto")
    parser.add_argument(
        "--write-every", type=float, default=1.0, help="seconds between each user's writes"
    )
    parser.add_argument(
        "--miss-only",
        action="store_true",
        help="only the server with the view cache off (bare, Today, /progress): a quick look",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    clients = _clients(args.client)

    from bench.load import balanced
    from tests.pg import PgServer, find_pg_bin, free_port

    bin_dir = find_pg_bin()
    if bin_dir is None:
        print("PostgreSQL is not installed (make system-deps)", file=sys.stderr)
        return 2
    pg = PgServer(bin_dir)
    pg.start()
    proc = None
    results = []
    try:
        url = pg.create_database()
        t0 = time.perf_counter()
        counts = seed(url, args.users, args.years)
        seed_s = time.perf_counter() - t0
        env = {
            **os.environ,
            "RUNBACK_MODE": "hosted",
            "RUNBACK_DATABASE_URL": url,
            "RUNBACK_SECRET_KEY": SECRET,
        }
        postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        # First as shipped; then Today while each user's data changes every --write-every
        # seconds (each change makes that user's next look a miss); then with the view cache
        # off: every request a miss, what a look after a change costs.
        configs = (("on", ENDPOINTS), ("writes", list(TODAY)), ("off", [*TODAY, PROGRESS]))
        if args.miss_only:
            configs = (("off", [ENDPOINTS[0], *TODAY, PROGRESS]),)
        for cache, paths in configs:
            port = free_port()
            argv = [sys.executable, str(BARE_APP), "serve", "--port", str(port)]
            argv += ["--workers", str(args.workers)]
            extra = {"RUNBACK_VIEW_CACHE_ENTRIES": "0"} if cache == "off" else {}
            proc = subprocess.Popen(argv, env={**env, **extra}, stdout=subprocess.DEVNULL)
            base = f"http://127.0.0.1:{port}"
            _wait_up(base, proc)
            cookies = _login(base, args.users, args.concurrency)
            servers = {"uvicorn": proc.pid, "postgres": postmaster}
            for client in clients:
                for path in paths:
                    with Writer(base, cookies, args.write_every if cache == "writes" else None):
                        found = balanced(
                            client, port, path, cookies, args.seconds, servers, args.workers
                        )
                    results.append({**found, "cache": cache})
            proc.terminate()
            proc.wait(timeout=30)
            proc = None
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        pg.stop()

    for r in results:
        # ENDPOINTS[0] is bare: the first result of each client.
        bare = next(b["rps"] for b in results if b["client"] == r["client"])
        r["share_of_bare"] = r["rps"] / bare
    report = {
        "users": args.users,
        "years": args.years,
        "rows": counts,
        "seed_s": seed_s,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "load": load,
        "results": results,
    }
    judged = [r for r in results if r["client"] == clients[0] and r["cache"] in ("on", "off")]
    today = [r for r in judged if r["path"] in TODAY]
    ok = all(r["p99_ms"] < P99_GOAL_MS and r["share_of_bare"] >= SHARE_GOAL for r in today)
    progress = [r for r in judged if r["path"] == PROGRESS]
    ok = ok and all(r["share_of_bare"] >= PROGRESS_SHARE_GOAL for r in progress)
    ok = ok and all(r["errors"] == 0 for r in results)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
