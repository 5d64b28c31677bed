"""Benchmark: cold `runback --help` against `python -c pass`, measured in the same run.

Usage: .venv/bin/python bench/startup.py [--repeat N] [--json]

Each command runs N times as a fresh subprocess (so every run pays the interpreter start and all
imports); the median is reported. The goal is `runback --help` within 0.25 s of bare Python.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["GOAL_S", "main", "measure"]

GOAL_S = 0.25


def measure(argv: list[str], repeat: int, env: dict[str, str] | None = None) -> list[float]:
    """Return wall seconds of `repeat` fresh runs of argv (after one warm-up of the disk cache)."""
    subprocess.run(argv, env=env, capture_output=True, check=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    """Measure, print both medians, the difference and the ratio; exit 1 over the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs per command (default 15)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()

    bin_dir = Path(sys.executable).parent
    runback = bin_dir / "runback"
    if not runback.exists():
        print(f"error: {runback} not found; run `pip install -e .` first", file=sys.stderr)
        return 2
    # A throwaway database, so --help never touches the user's real one (it should not anyway).
    env = {**os.environ, "RUNBACK_DATABASE_URL": "sqlite:///:memory:", "COLUMNS": "100"}
    python = measure([sys.executable, "-c", "pass"], args.repeat, env)
    helped = measure([str(runback), "--help"], args.repeat, env)
    base, cli = statistics.median(python), statistics.median(helped)
    diff = cli - base
    result = {
        "repeat": args.repeat,
        "python_c_pass_s": round(base, 4),
        "runback_help_s": round(cli, 4),
        "difference_s": round(diff, 4),
        "ratio": round(cli / base, 2),
        "goal_difference_s": GOAL_S,
        "ok": diff < GOAL_S,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"python -c pass   median {base * 1000:7.1f} ms  ({args.repeat} runs)")
        print(f"runback --help   median {cli * 1000:7.1f} ms  ({args.repeat} runs)")
        print(f"difference       {diff * 1000:7.1f} ms  (goal < {GOAL_S * 1000:.0f} ms)")
        print(f"ratio            {cli / base:7.2f} x")
        print("OK" if diff < GOAL_S else "TOO SLOW")
    return 0 if diff < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
