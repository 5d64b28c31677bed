"""Benchmark the reminder daemon over a simulated 8-hour day: peak memory, CPU and lateness.

Usage: .venv/bin/python bench/remind.py [--speed 5000] [--repeat 5] [--json] [--src DIR]

Each round runs, one after the other in fresh processes (rounds interleave, so a busy machine
disturbs all alike): the baseline `python -c pass`; the daemon (`remind/daemon.py`) driven
directly, as before, which reports its loop CPU and how late each break fired; and the real
command, `runback remind --speed S --start-at ... --run-for 8h --record`, through the CLI entry
point with a fake notifier that answers every break "Start" (no D-Bus, no beep, no launched
player). Both daemons run on a SQLite file already at the current schema (as a daemon finds it
on any day but the first) with the default prefs (Mon 09:00-17:00, 30-minute breaks). The peak
RSS of each child is its own `ru_maxrss` (os.wait4), imports included. Lateness is in clock
seconds (real lateness times the speed). Goal: the command's median peak RSS at most 45 MB
(exit 1 over it). `--src` also runs both daemons from another source tree (e.g. the code
before a change), in the same rounds. The row `floor` imports only the libraries the daemon
cannot do without (SQLAlchemy's ORM and SQLite dialect, pydantic, zoneinfo) and nothing of
runback.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["GOAL_BYTES", "main"]

GOAL_BYTES = 45_000_000
"""The goal for the daemon's peak RSS (45 MB)."""

START = "2026-01-05T09:00:00+00:00"  # a Monday; zone UTC: inside the default active hours

MIGRATE = r"""
import sys
from runback.services.store import open_store
from runback.settings import Settings
open_store(Settings(database_url=sys.argv[1], zone="UTC")).close()
"""

DAEMON = r"""
import json, sys, time
from datetime import UTC, datetime, timedelta
from runback.core.clock import ScaledClock
from runback.remind.daemon import Daemon, StartAtClock
from runback.remind.notify import FakeNotifier
from runback.services.store import open_store
from runback.settings import Settings

speed = float(sys.argv[1])
start = datetime.fromisoformat(sys.argv[3])
clock = ScaledClock(speed, base=StartAtClock(start))
store = open_store(Settings(database_url=sys.argv[2], zone="UTC"), clock)
daemon = Daemon(store=store, notifier=FakeNotifier(answers=lambda n: "start"), idle=None,
                clock=clock, real_per_clock_s=1 / speed)
t0 = time.process_time()
daemon.run(until=start + timedelta(hours=8))
cpu = time.process_time() - t0
late = [(f.at - f.due).total_seconds() for f in daemon.fired if f.kind == "break"]
print(json.dumps({"cpu_s": cpu, "fired": len(late), "late_s": late}))
"""

COMMAND = r"""
import sys
from runback.remind import daemon, launch, notify

# Everything the command does, but the desktop: every break answered "Start", no sound, and
# no guided break opened (that would be another process).
notify.choose_notifier = lambda kind="auto": (notify.FakeNotifier(answers=lambda n: "start"), None)
launch.choose_launcher = lambda *args, **kwargs: None
daemon.default_beeper = lambda: lambda: None
sys.argv = ["runback", "remind", "--speed", sys.argv[1], "--start-at", sys.argv[2],
            "--run-for", "8h", "--record"]
from runback.cli.app import main
main()
"""


FLOOR = "import sqlalchemy.orm, sqlalchemy.dialects.sqlite, sqlite3, pydantic, zoneinfo"
"""The third-party imports every daemon needs: its store is SQLAlchemy, its prefs pydantic."""


def _child(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run one child; return its wall and CPU seconds, peak RSS (bytes) and stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"error: {argv[:3]} exited {proc.returncode}")
    return {
        "wall_s": time.perf_counter() - start,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss * 1024,  # KiB on Linux
        "out": out,
    }


def _mib(n: float) -> str:
    return f"{n / 2**20:.1f}"


def main() -> int:
    """Run the rounds, print the figures; exit 1 when the command's peak RSS is over the goal."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--speed", type=float, default=5000.0, help="clock speed (default 5000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5, at least 5)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--src", help="also run both daemons from this source tree")
    args = parser.parse_args()
    repeat = max(5, args.repeat)
    speed = f"{args.speed:g}"
    with tempfile.TemporaryDirectory(prefix="runback-remind-") as tmp:
        env = {
            **os.environ,
            "RUNBACK_ZONE": "UTC",
            "XDG_RUNTIME_DIR": tmp,  # the daemon's lock file
            "XDG_STATE_HOME": tmp,
            "COLUMNS": "100",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # run from cached bytecode, as installed
        trees = {"": None} | ({" (src)": args.src} if args.src else {})
        kinds: dict[str, tuple[list[str], dict[str, str]]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            "floor": ([sys.executable, "-c", FLOOR], env),
        }
        templates: dict[str, Path] = {}
        for suffix, src in trees.items():
            template = Path(tmp) / f"template{len(templates)}.db"
            tree_env = {**env, "RUNBACK_DATABASE_URL": f"sqlite:///{template}"}
            if src:
                tree_env["PYTHONPATH"] = src
            # The current schema, like any day but the first: no migration in the timed runs.
            _child([sys.executable, "-c", MIGRATE, f"sqlite:///{template}"], tree_env)
            daemon_argv = [sys.executable, "-c", DAEMON, speed, "URL", START]
            kinds[f"daemon{suffix}"] = (daemon_argv, tree_env)
            kinds[f"runback remind{suffix}"] = (
                [sys.executable, "-c", COMMAND, speed, START],
                tree_env,
            )
            templates[f"daemon{suffix}"] = templates[f"runback remind{suffix}"] = template
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in kinds}
        for round_no in range(repeat):
            for name, (argv, kind_env) in kinds.items():
                if name in templates:
                    # Each run starts the same day afresh: a copy of the migrated database.
                    db = Path(tmp) / f"run{round_no}-{len(runs[name])}-{name.replace(' ', '_')}.db"
                    shutil.copyfile(templates[name], db)
                    url = f"sqlite:///{db}"
                    argv = [url if a == "URL" else a for a in argv]
                    kind_env = {**kind_env, "RUNBACK_DATABASE_URL": url}
                runs[name].append(_child(argv, kind_env))

    base = statistics.median(r["rss"] for r in runs["python -c pass"])
    rows = []
    for name, got in runs.items():
        rss = [r["rss"] for r in got]
        row: dict[str, Any] = {
            "process": name,
            "peak_rss_min_mib": round(min(rss) / 2**20, 1),
            "peak_rss_median_mib": round(statistics.median(rss) / 2**20, 1),
            "over_baseline_mib": round((statistics.median(rss) - base) / 2**20, 1),
            "ratio": round(statistics.median(rss) / base, 2),
            "cpu_median_s": round(statistics.median(r["cpu_s"] for r in got), 3),
        }
        if name.startswith("daemon"):
            loads = [json.loads(r["out"]) for r in got]
            late = [s for d in loads for s in d["late_s"]]
            row["breaks_fired"] = [d["fired"] for d in loads]
            row["loop_cpu_median_s"] = round(statistics.median(d["cpu_s"] for d in loads), 3)
            row["late_mean_s"] = round(sum(late) / len(late), 2) if late else None
            row["late_max_s"] = round(max(late), 2) if late else None
        rows.append(row)
    command = statistics.median(r["rss"] for r in runs["runback remind"])
    ok = command <= GOAL_BYTES
    result = {
        "rounds": repeat,
        "speed": args.speed,
        "simulated_hours": 8,
        "goal_peak_rss_bytes": GOAL_BYTES,
        "rows": rows,
        "ok": ok,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0 if ok else 1
    print(
        f"{repeat} interleaved rounds; 8 simulated hours at speed {speed} "
        f"({8 * 3600 / args.speed:.1f} s real each)"
    )
    print(
        f"{'process':24} {'peak RSS min':>12} {'median':>8} {'over py':>8} {'ratio':>6} "
        f"{'CPU s':>6}  loop CPU, breaks, late mean/max (clock s; real ms)"
    )
    for row in rows:
        extra = ""
        if "loop_cpu_median_s" in row:
            mean, most = row["late_mean_s"] or 0.0, row["late_max_s"] or 0.0
            extra = (
                f"{row['loop_cpu_median_s']:.3f} s, {min(row['breaks_fired'])}, "
                f"{mean:.1f}/{most:.1f} ({mean / args.speed * 1000:.1f}/"
                f"{most / args.speed * 1000:.1f} ms)"
            )
        print(
            f"{row['process']:24} {row['peak_rss_min_mib']:9.1f} MiB "
            f"{row['peak_rss_median_mib']:8.1f} {row['over_baseline_mib']:8.1f} "
            f"{row['ratio']:5.2f}x {row['cpu_median_s']:6.2f}  {extra}"
        )
    print(
        f"runback remind: median peak {_mib(command)} MiB ({command / 1e6:.1f} MB), goal "
        f"{GOAL_BYTES / 1e6:.0f} MB: {'OK' if ok else 'OVER'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
