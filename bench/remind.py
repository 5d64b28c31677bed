"""Benchmark the reminder daemon over a simulated 8-hour day at high speed.

Prints CPU time and peak memory of the daemon process, and how late each fired break was
against its due time (clock seconds: real lateness times the speed).
Usage: python bench/remind.py [--speed 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, sys, time
from datetime import UTC, datetime, timedelta
from runback.core.clock import ScaledClock
from runback.remind.daemon import Daemon, StartAtClock
from runback.remind.notify import FakeNotifier
from runback.services import breaks
from runback.services.store import open_store
from runback.settings import Settings

speed = float(sys.argv[1])
start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # Monday, zone UTC: an 8.5-hour window
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


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--speed", type=float, default=2000.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        env = {**os.environ, "RUNBACK_DATABASE_URL": url}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(args.speed), url],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    data = json.loads(done.stdout)
    late = data["late_s"]
    wall_s = 8 * 3600 / args.speed
    print(f"simulated day: 8 h at speed {args.speed:g} ({wall_s:.1f} s real)")
    print(f"breaks fired: {data['fired']}")
    print(
        f"daemon loop CPU: {data['cpu_s']:.3f} s; whole process CPU: "
        f"{usage.ru_utime + usage.ru_stime:.2f} s; peak RSS: {usage.ru_maxrss / 1024:.1f} MiB"
    )
    if late:
        mean = sum(late) / len(late)
        print(
            f"lateness (clock s): mean {mean:.2f}, max {max(late):.2f} "
            f"(= real ms: mean {mean / args.speed * 1000:.2f}, "
            f"max {max(late) / args.speed * 1000:.2f})"
        )


if __name__ == "__main__":
    main()
