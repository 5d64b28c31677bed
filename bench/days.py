"""Benchmark: Today, `stats --json` and `/progress` at 1, 3 and 10 years, before and after rollups.

Usage: .venv/bin/python bench/days.py [--rounds N] [--calls C] [--years 1,3,10] [--before REV]

"Before" is the code at REV (default: the commit this branch started from, 0cea84e), exported
with `git archive` and run by the same Python; "after" is this checkout. Each version runs in
its own worker process, on its own SQLite file per history length, seeded with the same
generated history (Europe/Berlin: a session most days, breaks on weekdays, a run every few
days with pain logged after about half of them). In-process, warm: each measurement is the
median of C calls of the use case (`services.today.today`; `gather_stats` dumped to JSON, what
`runback stats --json` prints; GET /progress through the app; and those two again after
forgetting the kept personal-pattern comparisons, as the first view after a write does).
GET /progress is also timed calling the ASGI app directly ("progress asgi", on one event loop
the worker keeps, with the headers and cookies TestClient sends; its body is checked once to be
TestClient's page apart from the CSRF token), since TestClient's client side (httpx, a thread
hop per request) is not the app; GET /api/v1/health both ways is the framework's floor.
Rounds interleave the versions and the sizes, so a busy machine slows both alike; min and
median over the rounds are printed, with the growth from 1 to 10 years (goal: ≤ 10 ms at 10
years and within 1.5× of 1 year); the same table in CPU time (process time of the worker),
which a loaded machine disturbs less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, MutableMapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASE = "0cea84e"  # main when this branch started: raw-row streaks, habit and progress
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # a Wednesday
ZONE = "Europe/Berlin"
# "… miss": the same call after forgetting the kept personal-pattern comparisons (a write makes
# them stale, so the first view after one computes them; the warm calls above reuse them).
OPS = (
    "today",
    "stats",
    "progress",
    "stats miss",
    "progress miss",
    "progress asgi",
    "progress asgi miss",
    "health",
    "health asgi",
)
# "… asgi": the app called directly on one event loop the worker keeps (the request TestClient
# sends, as an ASGI scope), without TestClient's client side (httpx, a thread hop per request);
# "health": GET /api/v1/health, the framework's floor for a request, both ways.
CSRF = re.compile(rb'(name="csrf-token" content=|name="csrf_token" value=)"[^"]*"')

__all__ = ["main"]


def _history(years: int) -> dict[str, list[dict[str, Any]]]:
    """Return raw rows of `years` of use ending at NOW (the same for every version)."""
    from zoneinfo import ZoneInfo

    rng = random.Random(years)
    tz = ZoneInfo(ZONE)
    rows: dict[str, list[dict[str, Any]]] = {"sessions": [], "breaks": [], "runs": [], "pain": []}
    today = NOW.astimezone(tz).date()
    for back in range(365 * years, 0, -1):
        day = today - timedelta(days=back)

        def at(hour: float, day: date = day) -> datetime:
            local = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(hours=hour)
            return local.astimezone(UTC)

        for hour in [7.0] * (rng.random() < 0.85) + [19.5] * (rng.random() < 0.3):
            start = at(hour + rng.random())
            held = rng.choice([240.0, 240.0, 200.0, 60.0])
            rows["sessions"].append(
                {
                    "started_at": start,
                    "ended_at": start + timedelta(minutes=6),
                    "active_s": 330.0,
                    "planned_s": 240.0,
                    "done_s": held,
                    "steps_done": ["cat-cow", "bird-dog"],
                }
            )
        if day.weekday() < 5:
            for hour in range(9, 17):
                outcome = rng.choice(["taken", "taken", "skipped", "natural", "snoozed", "missed"])
                rows["breaks"].append({"at": at(hour + 0.5), "outcome": outcome})
        if rng.random() < 0.4:
            start = at(18.0)
            rows["runs"].append(
                {
                    "started_at": start,
                    "distance_m": rng.uniform(4000, 15000),
                    "i": len(rows["runs"]),
                }
            )
            if rng.random() < 0.5:
                rows["pain"].append(
                    {"at": start + timedelta(hours=2), "intensity": rng.randint(0, 6), "run": True}
                )
    return rows


def _seed(db: Path, years: int) -> None:
    """Create and fill one database with the running version's code."""
    from sqlalchemy import insert

    from runback.core.clock import FakeClock
    from runback.services.store import open_store
    from runback.settings import Settings
    from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow

    store = open_store(Settings(database_url=f"sqlite:///{db}", zone=ZONE), FakeClock(NOW))
    h = _history(years)
    with store.engine.begin() as conn:
        conn.execute(
            insert(SessionRow),
            [
                {
                    "user_id": 1,
                    "routine_slug": "back-up-basics",
                    "routine_name": "Back-up basics",
                    "zone": ZONE,
                    "steps_total": 5,
                    "steps_skipped": [],
                    "completed": True,
                    "context": "other",
                    **s,
                }
                for s in h["sessions"]
            ],
        )
        conn.execute(
            insert(BreakRow),
            [{"user_id": 1, "due_at": b["at"], "zone": ZONE, **b} for b in h["breaks"]],
        )
        ids = []
        for r in h["runs"]:
            ids.append(
                conn.execute(
                    insert(RunRow).values(
                        user_id=1,
                        started_at=r["started_at"],
                        zone=ZONE,
                        elapsed_s=3000.0,
                        moving_s=2900.0,
                        distance_m=r["distance_m"],
                        sport="running",
                        source_format="gpx",
                        source_file=f"{r['i']}.gpx",
                        content_hash=f"{r['i']:064d}",
                        imported_at=NOW,
                    )
                ).inserted_primary_key[0]
            )
        starts = {r["started_at"]: i for r, i in zip(h["runs"], ids, strict=True)}
        conn.execute(
            insert(PainEntryRow),
            [
                {
                    "user_id": 1,
                    "at": p["at"],
                    "zone": ZONE,
                    "region": "lower-back",
                    "intensity": p["intensity"],
                    "run_id": starts.get(p["at"] - timedelta(hours=2)),
                    "red_flags": [],
                    "notes": "",
                }
                for p in h["pain"]
            ],
        )
        try:  # the rollups, as migration 0011 fills them (the code before has none)
            from runback.storage.rollups import rebuild_all
        except ImportError:
            pass
        else:
            rebuild_all(conn)
    store.close()


class _Target:
    """One database opened once, with the three operations ready to call."""

    def __init__(self, db: Path) -> None:
        from fastapi.testclient import TestClient

        from runback.core.clock import FakeClock
        from runback.services.progress import gather_stats
        from runback.services.store import open_store
        from runback.services.today import today
        from runback.settings import Settings
        from runback.web.app import create_app

        settings = Settings(database_url=f"sqlite:///{db}", zone=ZONE)
        self.store = open_store(settings, FakeClock(NOW))
        self.http = TestClient(create_app(settings, self.store), base_url="http://127.0.0.1:8630")
        self.ops = {
            "today": lambda: today(self.store, user_id=1),
            "stats": lambda: gather_stats(self.store, user_id=1).model_dump_json(),
            "progress": lambda: self.http.get("/progress").raise_for_status(),
            "health": lambda: self.http.get("/api/v1/health").raise_for_status(),
        }
        self.app = self.http.app
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue[tuple[Callable[[], Any], asyncio.Future[bytes]]]
        self.queue = self.loop.run_until_complete(_make_queue())
        self.server = self.loop.create_task(_serve(self.queue))
        first = self.http.get("/progress")  # sets the CSRF cookie the next requests send
        self.ops["progress asgi"] = self._direct("/progress", first.content)
        self.ops["health asgi"] = self._direct("/api/v1/health", None)
        forget: Callable[[], None] | None = None
        with contextlib.suppress(ImportError):  # older code keeps no comparisons
            from runback.services.patterns import clear_cache as forget
        for name in ("stats", "progress", "progress asgi"):
            self.ops[f"{name} miss"] = _missing(self.ops[name], forget)
        for op in self.ops.values():
            op()  # warm: imports, catalog, templates, statement caches

    def close(self) -> None:
        """End the serving task (the thread pool's threads end with it) and the loop."""
        self.server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            self.loop.run_until_complete(self.server)
        self.loop.close()

    def _scope(self, path: str) -> dict[str, Any]:
        """Return the ASGI scope of the GET TestClient sends for `path` (headers, cookies)."""
        request = self.http.build_request("GET", path)
        headers = [(k.lower().encode(), v.encode()) for k, v in request.headers.multi_items()]
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("testclient", 50000),
            "server": ("127.0.0.1", 8630),
            "extensions": {"http.response.debug": {}},
        }

    def _direct(self, path: str, expected: bytes | None) -> Callable[[], bytes]:
        """Return a call of the app for GET `path`, checked against TestClient's body once."""
        template = self._scope(path)

        async def call() -> bytes:
            status, body = 0, []

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message: MutableMapping[str, Any]) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                elif message["type"] == "http.response.body":
                    body.append(message.get("body", b""))

            await self.app(dict(template), receive, send)
            if status != 200:
                raise SystemExit(f"GET {path} answered {status} called directly")
            return b"".join(body)

        def run() -> bytes:
            # Served by the worker's long-lived task, as a server's requests are: the thread
            # pool's threads live as long as that task, so each call does not start one.
            answer: asyncio.Future[bytes] = self.loop.create_future()
            self.queue.put_nowait((call, answer))
            return self.loop.run_until_complete(answer)

        got = run()
        if expected is not None and CSRF.sub(b"", got) != CSRF.sub(b"", expected):
            raise SystemExit(f"GET {path} called directly differs from TestClient's page")
        return run


async def _make_queue() -> asyncio.Queue[tuple[Callable[[], Any], asyncio.Future[bytes]]]:
    """Return a queue made on the running loop (the worker's)."""
    return asyncio.Queue()


async def _serve(queue: asyncio.Queue[tuple[Callable[[], Any], asyncio.Future[bytes]]]) -> None:
    """Run the requests put on `queue`, one at a time, setting each one's future."""
    while True:
        call, answer = await queue.get()
        try:
            answer.set_result(await call())
        except BaseException as exc:  # the bench reports it from the worker's call
            answer.set_exception(exc)


def _missing(warm: Callable[[], object], forget: Callable[[], None] | None) -> Callable[[], object]:
    """Return `warm` run after `forget` (the comparisons kept between calls), if there is one."""
    if forget is None:
        return warm

    def miss() -> object:
        forget()
        return warm()

    return miss


def _worker(src: str) -> int:
    """Serve measurements for the code under `src`: one JSON request per line on stdin."""
    sys.path.insert(0, src)
    import runback

    if not runback.__file__ or not runback.__file__.startswith(src):
        print(json.dumps({"error": f"runback came from {runback.__file__}, not {src}"}))
        return 1
    targets: dict[str, _Target] = {}
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        db = Path(req["db"])
        if req.get("seed"):
            _seed(db, req["years"])
            print(json.dumps({"seeded": True}), flush=True)
            continue
        target = targets.get(req["db"]) or targets.setdefault(req["db"], _Target(db))
        times, cpu = [], []
        for _ in range(req["calls"]):
            t0, c0 = time.perf_counter(), time.process_time()
            target.ops[req["op"]]()
            times.append(1000 * (time.perf_counter() - t0))
            cpu.append(1000 * (time.process_time() - c0))
        answer = {"ms": statistics.median(times), "cpu": statistics.median(cpu)}
        print(json.dumps(answer), flush=True)
    for target in targets.values():
        target.close()
    return 0


class _Worker:
    def __init__(self, src: Path) -> None:
        argv = [sys.executable, __file__, "--worker", str(src)]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert "ready" in self.ask(None)

    def ask(self, req: dict[str, Any] | None) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if req is not None:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        answer: dict[str, Any] = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise SystemExit(answer["error"])
        return answer

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def _table(
    name: str,
    results: dict[tuple[str, int, str], list[float]],
    years: list[int],
    rounds: int,
    calls: int,
) -> None:
    print(f"{name}: {rounds} interleaved rounds, each the median of {calls} calls; ms min / median")
    print(
        "| work | version | "
        + " | ".join(f"{y} y" for y in years)
        + f" | {years[-1]} y / {years[0]} y |"
    )
    print("|" + "---|" * (3 + len(years)))
    for op in OPS:
        for version in ("before", "after"):
            cells = []
            for y in years:
                ms = results[(version, y, op)]
                cells.append(f"{min(ms):.2f} / {statistics.median(ms):.2f}")
            growth = statistics.median(results[(version, years[-1], op)]) / statistics.median(
                results[(version, years[0], op)]
            )
            print(f"| {op} | {version} | " + " | ".join(cells) + f" | {growth:.2f}× |")


def main() -> int:
    """Seed, then measure both versions interleaved and print the growth table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--years", default="1,3,10")
    parser.add_argument("--before", default=BASE, help="git revision of the code before")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _worker(args.worker)
    years = [int(y) for y in args.years.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-days-") as tmp:
        before_src = Path(tmp) / "before"
        before_src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before, "src"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(before_src)], input=archive, check=True)
        workers = {
            "before": _Worker(before_src / "src"),
            "after": _Worker(ROOT / "src"),
        }
        dbs = {(v, y): str(Path(tmp) / f"{v}-{y}y.db") for v in workers for y in years}
        for (version, y), db in dbs.items():
            workers[version].ask({"db": db, "seed": True, "years": y})
        results: dict[tuple[str, int, str], list[float]] = {}
        cpu: dict[tuple[str, int, str], list[float]] = {}
        for _round in range(args.rounds):
            for y in years:
                for version, worker in workers.items():
                    for op in OPS:
                        req = {"db": dbs[(version, y)], "op": op, "calls": args.calls}
                        answer = worker.ask(req)
                        results.setdefault((version, y, op), []).append(answer["ms"])
                        cpu.setdefault((version, y, op), []).append(answer["cpu"])
        for worker in workers.values():
            worker.close()
    for name, found in (("wall", results), ("CPU (process time)", cpu)):
        _table(name, found, years, args.rounds, args.calls)
    for op in OPS:
        for y in years:
            ratio = statistics.median(results[("before", y, op)]) / statistics.median(
                results[("after", y, op)]
            )
            print(f"{op} at {y} y: after is {ratio:.1f}× faster than before")
    return 0


if __name__ == "__main__":
    sys.exit(main())
