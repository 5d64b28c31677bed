"""Benchmark: importing a whole Strava history (1,000 activities) end to end, then again.

Usage: .venv/bin/python bench/strava_history.py [--activities 1000] [--json]

Builds an unpacked Strava export (activities.csv and activities/) from the shared fixtures that
import as activities, each copy with its times shifted (one activity every ~1.7 days back from
2026) so every copy is a new run: GPX and TCX by rewriting their timestamps, FIT by shifting
its timestamp fields (and fixing the CRC); every third file gzipped as Strava stores them.
Then `runback import FOLDER` runs twice as a command into a fresh database: the first adds
every activity, the second adds nothing. Goals: first under 60 s, second under 10 s.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runback.importers.files import parse_activity
from runback.importers.fit_fast import fit_crc, summary_messages

__all__ = ["GOAL_FIRST_S", "GOAL_SECOND_S", "main", "make_export"]

GOAL_FIRST_S = 60.0
GOAL_SECOND_S = 10.0
_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
_ISO = re.compile(rb"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")
_FIT_EPOCH = 631065600  # 1989-12-31 00:00 UTC in Unix seconds
# (global message, field) pairs holding a date_time: every timestamp, session/lap start_time,
# file_id time_created, activity local_timestamp.
_FIT_TIMES = {(0, 4), (18, 2), (19, 2), (34, 5)}


def _shift_text(data: bytes, delta: timedelta) -> bytes:
    def shifted(match: re.Match[bytes]) -> bytes:
        when = datetime.fromisoformat(match.group(1).decode()) + delta
        return when.strftime("%Y-%m-%dT%H:%M:%S").encode()

    return _ISO.sub(shifted, data)


def _shift_fit(data: bytes, delta: timedelta) -> bytes:
    out = bytearray(data)
    header_size = data[0]
    end = header_size + struct.unpack_from("<I", data, 4)[0]
    defs: dict[int, tuple[int, str, list[tuple[int, int, int]], int]] = {}
    seconds = int(delta.total_seconds())
    pos = header_size
    while pos < end:
        head = data[pos]
        if head & 0x40:
            order = ">" if data[pos + 2] else "<"
            mesg = struct.unpack_from(order + "H", data, pos + 3)[0]
            count = data[pos + 5]
            fields = [tuple(data[pos + 6 + 3 * i : pos + 9 + 3 * i]) for i in range(count)]
            stop = pos + 6 + 3 * count
            size = sum(f[1] for f in fields)
            if head & 0x20:
                dev = data[stop]
                size += sum(data[i + 1] for i in range(stop + 1, stop + 1 + 3 * dev, 3))
                stop += 1 + 3 * dev
            defs[head & 0x0F] = (mesg, order, fields, size)  # type: ignore[assignment]
            pos = stop
            continue
        local = (head >> 5) & 0x03 if head & 0x80 else head & 0x0F
        mesg, order, fields, size = defs[local]
        at = pos + 1
        for num, fsize, _base in fields:
            if fsize == 4 and (num == 253 or (mesg, num) in _FIT_TIMES):
                value = struct.unpack_from(order + "I", data, at)[0]
                if 0x10000000 <= value < 0xFFFFFFFF:
                    struct.pack_into(order + "I", out, at, value + seconds)
            at += fsize
        pos += 1 + size
    struct.pack_into("<H", out, end, fit_crc(bytes(out[:end])))
    return bytes(out)


def _sources() -> list[tuple[str, bytes, datetime]]:
    """Return the fixtures that import as activities: (name, bytes, start)."""
    found = []
    for path in sorted(_FIXTURES.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".fit", ".gpx", ".tcx"):
            continue
        data = path.read_bytes()
        if path.suffix.lower() == ".fit" and summary_messages(data, 10**6) is None:
            continue  # a file repaired on import (text-mode copy) cannot be re-timed here
        try:
            activity = parse_activity(path.name, data)
        except Exception:  # damaged, not an activity: not part of a history
            continue
        found.append((path.name, data, activity.start))
    return found


def make_export(folder: Path, count: int) -> int:
    """Write an unpacked Strava export of `count` shifted activities; return the count."""
    sources = _sources()
    (folder / "activities").mkdir(parents=True)
    newest = datetime(2026, 1, 1, 7, 0, tzinfo=UTC)
    rows = []
    for i in range(count):
        name, data, start = sources[i % len(sources)]
        target = newest - timedelta(hours=41 * i)
        delta = target - start
        suffix = Path(name).suffix.lower()
        shifted = _shift_fit(data, delta) if suffix == ".fit" else _shift_text(data, delta)
        member = f"activities/{1000000 + i}{suffix}"
        if i % 3 == 0:
            shifted = gzip.compress(shifted, mtime=0)
            member += ".gz"
        (folder / member).write_bytes(shifted)
        rows.append(
            [str(1000000 + i), target.strftime("%b %d, %Y, %I:%M:%S %p"), f"Run {i}", "Run", member]
        )
    with (folder / "activities.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Filename"]
        )
        writer.writerows(rows)
    return count


def _import(folder: Path, env: dict[str, str]) -> tuple[float, str]:
    runback = Path(sys.executable).parent / "runback"
    began = time.perf_counter()
    out = subprocess.run(
        [str(runback), "import", str(folder)], env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - began
    lines = (out.stdout + out.stderr).strip().splitlines()
    summary = next((line for line in reversed(lines) if "imported" in line), lines[-1:] or [""])
    return took, str(summary).strip()


def main() -> int:
    """Build the export, import it twice, print both times; exit 1 over a goal."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--activities", type=int, default=1000, help="activities (default 1000)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runback-history-") as tmp:
        folder = Path(tmp) / "export"
        made = make_export(folder, args.activities)
        env = {
            **os.environ,
            "RUNBACK_DATABASE_URL": f"sqlite:///{tmp}/runback.db",
            "RUNBACK_ZONE": "Europe/Berlin",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        first, first_line = _import(folder, env)
        second, second_line = _import(folder, env)
    result = {
        "activities": made,
        "cpus": os.cpu_count(),
        "first_import_s": round(first, 2),
        "first_summary": first_line,
        "second_import_s": round(second, 2),
        "second_summary": second_line,
        "ok": first < GOAL_FIRST_S and second < GOAL_SECOND_S,
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"{made} activities, {os.cpu_count()} cores")
        print(f"first import:  {first:6.1f} s (goal < {GOAL_FIRST_S:.0f})  {first_line}")
        print(f"second import: {second:6.1f} s (goal < {GOAL_SECOND_S:.0f})  {second_line}")
        print("OK" if result["ok"] else "GOAL MISSED")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
