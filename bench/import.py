"""Benchmark: `import_paths` with the sandboxed parser against the in-process parser, same files.

Usage: .venv/bin/python bench/import.py [--files 500] [--rounds 5] [--max-kb 40] [--json]

The files are the shared fixtures (../shared/fixtures) no larger than --max-kb, repeated to
--files (real activities, damaged and non-activity files alike: the mix an import meets). Each
run imports all of them into a fresh SQLite database; the two modes alternate (in-process,
sandboxed, in-process, ...) so a busy machine slows both alike, and the medians are compared.
One untimed run of each mode comes first, so the sandbox is measured with its worker warm; the
cost of starting a worker is measured on its own. The goal: the sandbox costs under 15 %.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from runback.core.clock import SystemClock
from runback.importers import files as in_process
from runback.importers import sandbox
from runback.importers.activity import Activity
from runback.services.run_import import import_paths
from runback.services.store import LOCAL_USER_ID, open_store
from runback.settings import Settings

__all__ = ["GOAL_OVERHEAD", "main", "make_files", "run_once"]

GOAL_OVERHEAD = 0.15
_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def make_files(folder: Path, count: int, max_bytes: int, fixtures: Path = _FIXTURES) -> list[Path]:
    """Copy the small activity fixtures into folder, repeated to count files; return the paths."""
    sources = sorted(
        p
        for p in fixtures.rglob("*")
        if p.is_file() and in_process.is_activity_name(p.name) and p.stat().st_size <= max_bytes
    )
    if not sources:
        raise SystemExit(f"error: no activity files under {fixtures}")
    paths = []
    for i in range(count):
        source = sources[i % len(sources)]
        target = folder / f"{i:04d}-{source.name}"
        shutil.copyfile(source, target)
        paths.append(target)
    return paths


def run_once(
    paths: list[Path], parse: Callable[[str, bytes, int], Activity], workdir: Path
) -> float:
    """Import paths into a fresh database with this parser; return the wall seconds."""
    db = workdir / "bench.db"
    for leftover in workdir.glob("bench.db*"):
        leftover.unlink()
    store = open_store(Settings(database_url=f"sqlite:///{db}"), SystemClock())
    try:
        began = time.perf_counter()
        import_paths(store, paths, parser=parse, user_id=LOCAL_USER_ID)
        return time.perf_counter() - began
    finally:
        store.close()


def _worker_start_s() -> float:
    pool = sandbox.SandboxPool()
    try:
        began = time.perf_counter()
        pool.run("probe", b"up", {}, "probe")
        return time.perf_counter() - began
    finally:
        pool.close()


def main() -> int:
    """Measure both modes interleaved; print medians, files/s and the ratio; exit 1 over goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500, help="files per run (default 500)")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per mode (default 5)")
    parser.add_argument("--max-kb", type=int, default=40, help="largest fixture used (KB)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="runback-bench-") as tmp:
        work = Path(tmp)
        folder = work / "files"
        folder.mkdir()
        paths = make_files(folder, args.files, args.max_kb * 1024)
        modes: dict[str, Callable[[str, bytes, int], Activity]] = {
            "in_process": in_process.parse_activity,
            "sandboxed": sandbox.parse_activity,
        }
        for parse in modes.values():  # warm-up: disk cache, imports, the sandbox's worker
            run_once(paths, parse, work)
        times: dict[str, list[float]] = {mode: [] for mode in modes}
        for _ in range(args.rounds):
            for mode, parse in modes.items():
                times[mode].append(run_once(paths, parse, work))
        start_s = statistics.median(_worker_start_s() for _ in range(3))
    sandbox.shutdown()

    inside, boxed = (statistics.median(times[m]) for m in modes)
    overhead = boxed / inside - 1
    result = {
        "files": args.files,
        "rounds": args.rounds,
        "in_process_s": round(inside, 3),
        "sandboxed_s": round(boxed, 3),
        "in_process_files_per_s": round(args.files / inside, 1),
        "sandboxed_files_per_s": round(args.files / boxed, 1),
        "ratio": round(boxed / inside, 3),
        "best_ratio": round(min(times["sandboxed"]) / min(times["in_process"]), 3),
        "overhead_pct": round(100 * overhead, 1),
        "goal_overhead_pct": 100 * GOAL_OVERHEAD,
        "worker_start_s": round(start_s, 3),
        "runs_s": {m: [round(t, 3) for t in ts] for m, ts in times.items()},
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"{args.files} files, median of {args.rounds} interleaved runs each")
        print(f"in-process: {inside:.2f} s  ({result['in_process_files_per_s']} files/s)")
        print(f"sandboxed:  {boxed:.2f} s  ({result['sandboxed_files_per_s']} files/s)")
        print(
            f"ratio {boxed / inside:.3f}: the sandbox costs {100 * overhead:+.1f} % (goal < 15 %)"
        )
        print(f"ratio of the fastest runs: {result['best_ratio']}")
        print(f"starting a worker (once per process, overlapped with listing): {start_s:.3f} s")
    return 0 if overhead < GOAL_OVERHEAD else 1


if __name__ == "__main__":
    sys.exit(main())
