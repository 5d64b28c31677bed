"""Benchmark: runback's FIT summary (parse_fit) against fitdecode reading the same files.

Usage: .venv/bin/python bench/fit.py [--rounds 5] [--big-mb 5] [--json]

Two sets, each timed in interleaved rounds (fitdecode, runback, fitdecode, ...), min and median
reported with the ratio: every activity FIT fixture under ../shared/fixtures (read in one loop),
and one generated big file (a fixture whose record messages are repeated up to --big-mb MB, CRC
recomputed). "fitdecode" is a FitReader over the whole file with CRC checks on, keeping the
file_id and sessions — what runback did before the summary-first pass. Goal: ≥ 10× fitdecode.
"""

from __future__ import annotations

import argparse
import json
import statistics
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

from runback.importers.fit import _decode, parse_fit
from runback.importers.fit_fast import fit_crc

__all__ = ["GOAL_RATIO", "big_fit", "main"]

GOAL_RATIO = 10.0
_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


def _frames(data: bytes) -> list[tuple[int, bytes]]:
    """Split a plain FIT file into (global message number or -1 for a definition, bytes)."""
    header_size = data[0]
    end = header_size + struct.unpack_from("<I", data, 4)[0]
    sizes: dict[int, tuple[int, int]] = {}
    out: list[tuple[int, bytes]] = []
    pos = header_size
    while pos < end:
        head = data[pos]
        local = head & 0x0F
        if head & 0x40:
            count = data[pos + 5]
            stop = pos + 6 + 3 * count
            total = sum(data[i + 1] for i in range(pos + 6, stop, 3))
            if head & 0x20:
                dev = data[stop]
                total += sum(data[i + 1] for i in range(stop + 1, stop + 1 + 3 * dev, 3))
                stop += 1 + 3 * dev
            order = ">H" if data[pos + 2] else "<H"
            sizes[local] = (struct.unpack_from(order, data, pos + 3)[0], total)
            out.append((-1, data[pos:stop]))
            pos = stop
        else:
            mesg, total = sizes[local]
            out.append((mesg, data[pos : pos + 1 + total]))
            pos += 1 + total
    return out


def big_fit(source: bytes, target_bytes: int) -> bytes:
    """Return `source` with its record (GPS point) messages repeated to about target_bytes."""
    frames = _frames(source)
    record_bytes = sum(len(b) for m, b in frames if m == 20) or 1
    repeat = max(1, target_bytes // record_bytes)
    body = b"".join(b * (repeat if m == 20 else 1) for m, b in frames)
    header = bytes([12, source[1]]) + source[2:4] + struct.pack("<I", len(body)) + b".FIT"
    return header + body + struct.pack("<H", fit_crc(header + body))


def _fitdecode(data: bytes) -> object:
    return _decode(data, "bench", check_crc=True)


def _runback(data: bytes) -> object:
    return parse_fit(data, "bench")


def _time(fn: Callable[[bytes], object], files: list[bytes]) -> float:
    began = time.perf_counter()
    for data in files:
        fn(data)
    return time.perf_counter() - began


def _measure(files: list[bytes], rounds: int) -> dict[str, object]:
    fns = {"fitdecode": _fitdecode, "runback": _runback}
    for fn in fns.values():
        _time(fn, files)  # warm-up: imports, caches
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            times[name].append(_time(fn, files))
    mb = sum(len(d) for d in files) / 1e6
    slow, fast = statistics.median(times["fitdecode"]), statistics.median(times["runback"])
    return {
        "files": len(files),
        "mb": round(mb, 2),
        "fitdecode_min_s": round(min(times["fitdecode"]), 4),
        "fitdecode_median_s": round(slow, 4),
        "runback_min_s": round(min(times["runback"]), 4),
        "runback_median_s": round(fast, 4),
        "fitdecode_mb_per_s": round(mb / slow, 2),
        "runback_mb_per_s": round(mb / fast, 2),
        "ratio": round(slow / fast, 1),
        "ok": slow / fast >= GOAL_RATIO,
    }


def main() -> int:
    """Measure both sets; print min/median and ratios; exit 1 under the goal."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--big-mb", type=float, default=5.0, help="generated file's size (MB)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    rounds = max(5, args.rounds)

    paths = sorted((_FIXTURES / "fit").glob("*.fit")) + sorted(_FIXTURES.rglob("same-run/*.fit"))
    fixtures = []
    for path in paths:
        data = path.read_bytes()
        try:
            _fitdecode(data)
        except Exception:  # a file fitdecode cannot read whole is not a fair comparison
            continue
        fixtures.append(data)
    source = (_FIXTURES / "fit" / "activity-small-fenix2-run.fit").read_bytes()
    big = big_fit(source, int(args.big_mb * 1e6))
    assert _runback(big) == parse_fit(big, "bench")
    result = {
        "rounds": rounds,
        "fixtures": _measure(fixtures, rounds),
        "big_file": _measure([big], rounds),
        "goal_ratio": GOAL_RATIO,
    }
    ok = bool(result["fixtures"]["ok"]) and bool(result["big_file"]["ok"])  # type: ignore[index]
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"median (min) of {rounds} interleaved rounds")
        for name in ("fixtures", "big_file"):
            r: dict[str, object] = result[name]  # type: ignore[assignment]
            print(
                f"{name:9} {r['files']:3} files {r['mb']:7.2f} MB: fitdecode "
                f"{r['fitdecode_median_s']:.3f} s ({r['fitdecode_min_s']:.3f}) "
                f"{r['fitdecode_mb_per_s']} MB/s; runback {r['runback_median_s']:.4f} s "
                f"({r['runback_min_s']:.4f}) {r['runback_mb_per_s']} MB/s; ratio {r['ratio']}x"
            )
        print("OK" if ok else f"UNDER {GOAL_RATIO:.0f}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
