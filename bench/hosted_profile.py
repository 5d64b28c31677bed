"""Profile the hosted miss path: where a worker's time goes on Today and /progress, uncached.

Usage: .venv/bin/python bench/hosted_profile.py [--users N] [--years Y] [--seconds S]
       [--paths /,/progress] [--out DIR]

Seeds a throwaway PostgreSQL like bench/web.py, serves one uvicorn worker with the view cache
off, loads each path with wrk (4 connections, one logged-in user) while py-spy samples the
worker, and prints the share of samples spent in each part of the request: the day's data
(services), templates, SQLAlchemy, the login check, the framework. The collapsed stacks are
left in --out (default test-artifacts/profile) for a closer look. Needs wrk and py-spy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

__all__ = ["main"]

# The first label whose marker is in a sample's stack names the part it is counted in.
PARTS = [
    ("login check", ("stamps.py",)),
    ("history: habit, streaks, progress", ("habit.py", "streaks.py", "services/progress.py")),
    ("templates (Jinja)", ("jinja2/", "templating.py")),
    ("today services", ("services/",)),
    ("charts (SVG)", ("web/charts.py",)),
    ("SQLAlchemy outside services", ("sqlalchemy/",)),
    ("pydantic", ("pydantic",)),
    ("route code", ("web/routes/",)),
    ("framework (uvicorn, starlette, fastapi)", ("uvicorn/", "starlette/", "fastapi/", "anyio/")),
]


def summarize(stacks: Path) -> list[tuple[str, float]]:
    """Return each part's share of the samples in a py-spy raw (collapsed) file."""
    counts: Counter[str] = Counter()
    total = 0
    for line in stacks.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        label = next((name for name, marks in PARTS if any(m in stack for m in marks)), "other")
        counts[label] += int(n)
    return [(name, n / max(total, 1)) for name, n in counts.most_common()]


def main() -> int:
    """Seed, serve one worker uncached, load and sample each path; print the parts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--paths", default="/api/v1/today,/,/progress")
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "profile")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    from bench.web import BARE_APP, SECRET, _login, _wait_up, seed
    from tests.pg import PgServer, find_pg_bin, free_port

    bin_dir = find_pg_bin()
    if bin_dir is None:
        print("PostgreSQL is not installed (make system-deps)", file=sys.stderr)
        return 2
    pg = PgServer(bin_dir)
    pg.start()
    proc = None
    try:
        url = pg.create_database()
        print("seeded", seed(url, args.users, args.years))
        env = {
            **os.environ,
            "RUNBACK_MODE": "hosted",
            "RUNBACK_DATABASE_URL": url,
            "RUNBACK_SECRET_KEY": SECRET,
            "RUNBACK_VIEW_CACHE_ENTRIES": "0",
        }
        port = free_port()
        argv = [sys.executable, str(BARE_APP), "serve", "--port", str(port), "--workers", "1"]
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        _wait_up(base, proc)
        cookie = _login(base, args.users, 1)[0]
        found = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        )
        workers = found.stdout.split() or [str(proc.pid)]
        for path in args.paths.split(","):
            stacks = args.out / f"{path.strip('/').replace('/', '_') or 'page'}.txt"
            wrk = ["wrk", "-t1", "-c4", f"-d{args.seconds + 2}s", "-H", f"Cookie: {cookie}"]
            load = subprocess.Popen([*wrk, f"{base}{path}"], stdout=subprocess.PIPE, text=True)
            time.sleep(1)
            spy = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", workers[0]]
            spy += ["--format", "raw", "--nonblocking", "--rate", "200", "-o", str(stacks)]
            spy += ["--duration", str(args.seconds)]
            subprocess.run(spy, check=True, capture_output=True)
            out, _ = load.communicate()
            rps = next((ln for ln in out.splitlines() if "Requests/sec" in ln), "?")
            print(f"\n{path}: {rps.strip()}")
            for name, share in summarize(stacks):
                print(f"  {100 * share:5.1f} %  {name}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        pg.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
