"""Benchmark: GPX and TCX parsing against the bare ElementTree iterparse loop, same bytes.

Usage: .venv/bin/python bench/xml_import.py [--mb 50] [--rounds 5] [--old] [--json]

Generates one GPX and one TCX of about --mb MB (a run of points with elevation, time and heart
rate), then, in interleaved rounds, runs each reader in a fresh process (so peak memory is its
own): "bare" is `for _e, el in iterparse(f): el.clear()` over the bytes, "runback" is
parse_activity (the importer's whole parse, protections on), "old" (with --old) the previous
three-pass path. The track-point limit is lifted in the children (50 MB holds ~220,000).
Reported: min/median seconds, MB/s, peak RSS, and runback's ratio to bare.
Goals: runback ≥ 0.8× the bare loop's MB/s, peak memory ≤ 2× the bare loop's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["GOAL_MEMORY", "GOAL_SPEED", "main", "make_gpx", "make_tcx"]

GOAL_SPEED = 0.8
GOAL_MEMORY = 2.0
_START = datetime(2026, 5, 3, 7, 0, tzinfo=UTC)

_CHILD = """
import resource, sys, time
from pathlib import Path
mode, path = sys.argv[1], sys.argv[2]
data = Path(path).read_bytes()
if mode == "bare":
    import io
    from xml.etree.ElementTree import iterparse
    began = time.perf_counter()
    for _event, elem in iterparse(io.BytesIO(data)):
        elem.clear()
else:
    from runback.importers import files, gpx_fast, limits, xmlsafe
    limits.MAX_TRACK_POINTS = 10**7  # a 50 MB file holds more points than an import allows
    if mode == "old":
        gpx_fast.read_gpx = lambda _data: None
        xmlsafe._vetted_tree = lambda _data: None
    began = time.perf_counter()
    files.parse_activity(Path(path).name, data)
took = time.perf_counter() - began
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_gpx(path: Path, mb: float) -> None:
    """Write a GPX 1.1 track of about `mb` MB, as a Garmin watch writes one."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        "<trk><name>Bench run</name><type>running</type><trkseg>\n"
    )
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        i, size = 0, len(head)
        while size < mb * 1e6:
            when = (_START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            line = (
                f'<trkpt lat="{52.5 + i * 1e-6:.7f}" lon="{13.4 + i * 1e-6:.7f}">'
                f"<ele>{34 + (i % 100) / 10:.1f}</ele><time>{when}</time><extensions>"
                f"<gpxtpx:TrackPointExtension><gpxtpx:hr>{120 + i % 40}</gpxtpx:hr>"
                "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
            )
            out.write(line)
            size += len(line)
            i += 1
        out.write("</trkseg></trk></gpx>\n")


def make_tcx(path: Path, mb: float) -> None:
    """Write a TCX activity of about `mb` MB with one lap."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase '
        'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">\n'
        '<Activities><Activity Sport="Running"><Id>2026-05-03T07:00:00Z</Id>\n'
        '<Lap StartTime="2026-05-03T07:00:00Z"><TotalTimeSeconds>0</TotalTimeSeconds>'
        "<DistanceMeters>0</DistanceMeters><Track>\n"
    )
    body: list[str] = []
    i, size = 0, len(head)
    while size < mb * 1e6:
        when = (_START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = (
            f"<Trackpoint><Time>{when}</Time><Position><LatitudeDegrees>{52.5 + i * 1e-6:.7f}"
            f"</LatitudeDegrees><LongitudeDegrees>{13.4 + i * 1e-6:.7f}</LongitudeDegrees>"
            f"</Position><AltitudeMeters>{34 + (i % 100) / 10:.1f}</AltitudeMeters>"
            f"<DistanceMeters>{i * 2.5:.1f}</DistanceMeters><HeartRateBpm><Value>"
            f"{120 + i % 40}</Value></HeartRateBpm></Trackpoint>\n"
        )
        body.append(line)
        size += len(line)
        i += 1
    head = head.replace("<TotalTimeSeconds>0<", f"<TotalTimeSeconds>{i}<").replace(
        "<DistanceMeters>0<", f"<DistanceMeters>{i * 2.5:.1f}<", 1
    )
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        out.writelines(body)
        out.write("</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n")


def _child(mode: str, path: Path) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path)], capture_output=True, text=True, check=True
    )
    took, rss = out.stdout.split()
    return float(took), int(rss) * 1024


def _measure(path: Path, modes: list[str], rounds: int) -> dict[str, object]:
    mb = path.stat().st_size / 1e6
    times: dict[str, list[float]] = {m: [] for m in modes}
    peaks: dict[str, list[int]] = {m: [] for m in modes}
    for mode in modes:
        _child(mode, path)  # warm-up: disk cache, bytecode
    for _ in range(rounds):
        for mode in modes:
            took, rss = _child(mode, path)
            times[mode].append(took)
            peaks[mode].append(rss)
    result: dict[str, object] = {"mb": round(mb, 1)}
    for mode in modes:
        med = statistics.median(times[mode])
        result[mode] = {
            "min_s": round(min(times[mode]), 3),
            "median_s": round(med, 3),
            "mb_per_s": round(mb / med, 1),
            "peak_mib": round(max(peaks[mode]) / 2**20, 1),
        }
    bare, fast = statistics.median(times["bare"]), statistics.median(times["runback"])
    result["speed_ratio"] = round(bare / fast, 2)
    result["memory_ratio"] = round(max(peaks["runback"]) / max(peaks["bare"]), 2)
    if "old" in modes:
        result["old_speed_ratio"] = round(bare / statistics.median(times["old"]), 2)
        result["old_memory_ratio"] = round(max(peaks["old"]) / max(peaks["bare"]), 2)
    result["ok"] = bare / fast >= GOAL_SPEED and result["memory_ratio"] <= GOAL_MEMORY  # type: ignore[operator]
    return result


def main() -> int:
    """Generate, measure, print; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each file (default 50)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5, at least 5)")
    parser.add_argument("--old", action="store_true", help="also time the previous path")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    rounds = max(5, args.rounds)
    modes = ["bare", "runback"] + (["old"] if args.old else [])
    with tempfile.TemporaryDirectory(prefix="runback-xml-") as tmp:
        gpx, tcx = Path(tmp) / "bench.gpx", Path(tmp) / "bench.tcx"
        make_gpx(gpx, args.mb)
        make_tcx(tcx, args.mb)
        result = {"rounds": rounds, "gpx": _measure(gpx, modes, rounds)}
        result["tcx"] = _measure(tcx, modes, rounds)
    ok = all(r["ok"] for r in (result["gpx"], result["tcx"]))  # type: ignore[index]
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"median (min) of {rounds} interleaved rounds, each in a fresh process")
        for kind in ("gpx", "tcx"):
            r: dict[str, object] = result[kind]  # type: ignore[assignment]
            print(f"{kind.upper()} {r['mb']} MB")
            for mode in modes:
                m: dict[str, float] = r[mode]  # type: ignore[assignment]
                print(
                    f"  {mode:8} {m['median_s']:7.2f} s ({m['min_s']:.2f})  {m['mb_per_s']:6.1f} "
                    f"MB/s  peak {m['peak_mib']:7.1f} MiB"
                )
            print(f"  runback/bare: speed {r['speed_ratio']}x, memory {r['memory_ratio']}x")
        print("OK" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
