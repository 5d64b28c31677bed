"""Benchmark: GPX and TCX import against the bare ElementTree iterparse loop, same bytes.

Usage: .venv/bin/python bench/xml_import.py [--mb 50] [--rounds 5] [--old] [--no-cli]
       [--before SRC] [--json]

Generates one GPX and one TCX of about --mb MB (a run of points with elevation, time, heart
rate and cadence: about 4,300 GPX points a MB, so a 50 MB GPX holds ~214,000, over the
200,000-point limit; the in-process modes lift the limit, the command keeps it and refuses the
file, so end to end use --mb 45 or less), then, in interleaved rounds, runs each reader in a
fresh process (so peak memory is its own):
- "bare": `for _e, el in iterparse(f): el.clear()` over the bytes, timed inside the process;
- "runback": parse_activity (the importer's whole parse, protections on), timed the same way;
- "old" (with --old): the careful path (gpxpy / a whole tree) that the fast passes fall back to;
- end to end, timed from outside as whole processes: "bare-process" (`python -c` reading the
  file and running the bare loop) against "cli" (`runback import FILE` into a fresh copy of a
  migrated SQLite database: start-up, hash, sandboxed parse, the run stored);
- "before" and "cli-before" (with --before SRC, e.g. a `git archive` of an older commit's
  `src`): "runback" and "cli" with that code first on PYTHONPATH, interleaved in the same rounds.
Peak RSS is the largest process of each (RUSAGE_CHILDREN of a fresh wrapper: for the CLI the
larger of the command and its sandbox worker). Reported: min/median seconds, MB/s, peak RSS,
and the ratios to bare. Goals: ≥ 0.8× the bare loop's MB/s, peak memory ≤ 2× the bare loop's.
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
    limits.MAX_TRACK_POINTS = 10**7  # in case a bigger file holds more points than allowed
    if mode == "old":
        from runback.importers import tcx
        gpx_fast.read_gpx = lambda _data: None
        xmlsafe._vetted_tree = lambda _data: None
        tcx._stream = lambda _data, _source: None
    began = time.perf_counter()
    files.parse_activity(Path(path).name, data)
took = time.perf_counter() - began
print(took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# Runs one command as a child and reports its wall time and the largest descendant's peak RSS.
_WRAP = """
import resource, subprocess, sys, time
began = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
took = time.perf_counter() - began
if out.returncode != 0 or "error" in out.stdout.lower():
    sys.exit("failed: " + out.stdout[-500:] + out.stderr[-500:])
print(took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
_BARE_PROCESS = """
import io, sys
from pathlib import Path
from xml.etree.ElementTree import iterparse
for _event, elem in iterparse(io.BytesIO(Path(sys.argv[1]).read_bytes())):
    elem.clear()
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
                f"<gpxtpx:cad>{80 + i % 9}</gpxtpx:cad>"
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


_BEFORE: dict[str, str] = {}  # mode -> the PYTHONPATH its code comes from (--before)


def _env(mode: str) -> dict[str, str]:
    env = dict(os.environ)
    if mode in _BEFORE:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_BEFORE[mode], env.get("PYTHONPATH")]))
    return env


def _child(mode: str, path: Path) -> tuple[float, int]:
    if mode in ("bare-process", "cli", "cli-before"):
        return _whole(mode, path)
    kind = "runback" if mode == "before" else mode
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=_env(mode),
    )
    took, rss = out.stdout.split()
    return float(took), int(rss) * 1024


def _whole(mode: str, path: Path) -> tuple[float, int]:
    """Time a whole process from outside: the bare loop, or `runback import` into a fresh db."""
    env = _env(mode)
    if mode == "bare-process":
        command = [sys.executable, "-c", _BARE_PROCESS, str(path)]
    else:
        template = path.parent / "template.db"
        database = path.parent / "runback.db"
        env["RUNBACK_DATABASE_URL"] = f"sqlite:///{database}"
        env["RUNBACK_ZONE"] = "Europe/Berlin"
        runback = str(Path(sys.executable).parent / "runback")
        if not template.exists():
            subprocess.run([runback, "runs"], env=env, capture_output=True, check=True)
            shutil.copy(database, template)
        shutil.copy(template, database)  # each round stores the run anew
        command = [runback, "import", "--json", str(path)]
    out = subprocess.run(
        [sys.executable, "-c", _WRAP, *command], capture_output=True, text=True, env=env
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed on {path.name}: {out.stderr.strip()[-500:]}")
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
    ok = True
    for name, mode, base in (
        ("", "runback", "bare"),
        ("old_", "old", "bare"),
        ("cli_", "cli", "bare-process"),
        ("before_", "before", "bare"),
        ("cli_before_", "cli-before", "bare-process"),
    ):
        if mode not in modes:
            continue
        speed = statistics.median(times[base]) / statistics.median(times[mode])
        memory = max(peaks[mode]) / max(peaks[base])
        result[f"{name}speed_ratio"] = round(speed, 2)
        result[f"{name}speed_ratio_min"] = round(min(times[base]) / min(times[mode]), 2)
        result[f"{name}memory_ratio"] = round(memory, 2)
        if mode in ("runback", "cli"):
            ok = ok and speed >= GOAL_SPEED and memory <= GOAL_MEMORY
    result["ok"] = ok
    return result


def main() -> int:
    """Generate, measure, print; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of each file (default 50)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5, at least 5)")
    parser.add_argument("--old", action="store_true", help="also time the previous path")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end runs")
    parser.add_argument("--before", metavar="SRC", help="also time this src (older code)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    rounds = max(5, args.rounds)
    modes = ["bare", "runback"] + (["old"] if args.old else [])
    if args.before:
        _BEFORE["before"] = _BEFORE["cli-before"] = str(Path(args.before).resolve())
        modes.append("before")
    if not args.no_cli:
        modes += ["bare-process", "cli"] + (["cli-before"] if args.before else [])
    with tempfile.TemporaryDirectory(prefix="runback-xml-") as tmp:
        gpx, tcx = Path(tmp) / "bench.gpx", Path(tmp) / "bench.tcx"
        make_gpx(gpx, args.mb)
        make_tcx(tcx, args.mb)
        result = {"rounds": rounds, "gpx": _measure(gpx, modes, rounds)}
        result["tcx"] = _measure(tcx, modes, rounds)
    ok = all(r["ok"] for r in (result["gpx"], result["tcx"]))
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"median (min) of {rounds} interleaved rounds, each in a fresh process")
        for kind in ("gpx", "tcx"):
            r: dict[str, object] = result[kind]
            print(f"{kind.upper()} {r['mb']} MB")
            for mode in modes:
                m: dict[str, float] = r[mode]  # type: ignore[assignment]
                print(
                    f"  {mode:12} {m['median_s']:7.2f} s ({m['min_s']:.2f})  {m['mb_per_s']:6.1f} "
                    f"MB/s  peak {m['peak_mib']:7.1f} MiB"
                )
            print(
                f"  runback/bare (in process): speed {r['speed_ratio']}x "
                f"({r['speed_ratio_min']}x on min), memory {r['memory_ratio']}x"
            )
            if "cli_speed_ratio" in r:
                print(
                    f"  cli/bare-process (end to end): speed {r['cli_speed_ratio']}x "
                    f"({r['cli_speed_ratio_min']}x on min), memory {r['cli_memory_ratio']}x"
                )
            for label, key in (("before", "before_"), ("cli-before", "cli_before_")):
                if f"{key}speed_ratio" in r:
                    print(
                        f"  {label}/bare: speed {r[f'{key}speed_ratio']}x "
                        f"({r[f'{key}speed_ratio_min']}x on min), memory {r[f'{key}memory_ratio']}x"
                    )
            if "old_speed_ratio" in r:
                print(f"  old/bare: speed {r['old_speed_ratio']}x, memory {r['old_memory_ratio']}x")
        print("OK" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
