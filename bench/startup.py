"""Benchmark: cold CLI commands against `python -c pass`, interleaved in the same run.

Usage: .venv/bin/python bench/startup.py [--repeat N] [--json] [--commands "today,stats --json"]
       [--days N] [--src /work/main/src]

Each round runs `python -c pass` and then every command once, each as a fresh subprocess (so
every run pays the interpreter start and all imports), on a throwaway database that is already
at the current schema (created and migrated once before timing) and holds `--days` days of
data (sessions, runs, breaks and pain entries up to today; 90 by default, 0 for none).
`--src` also times every command run from another source tree (e.g. main's, for "before"), in
the same rounds, as `python -c "from runback.cli.app import main; main()"` with that tree first
on PYTHONPATH. The row `floor` imports only the libraries these commands cannot do without
(typer with its pydantic adapters, SQLAlchemy's ORM and SQLite dialect, rich's console and
table) and nothing of runback: what is left over it is runback's own. Rounds interleave, so a busy
machine slows baseline and commands alike. Min and median wall time are reported with the difference
and the ratio to the baseline, and the median CPU time (user + system) of each, which a busy
machine disturbs less. Goals: `--help` within 0.25 s of bare Python; `today`, `stats --json`,
`runs` and `breaks` within 0.15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["GOALS_S", "main", "measure"]

GOALS_S = {"--help": 0.25, "today": 0.15, "stats --json": 0.15, "runs": 0.15, "breaks": 0.15}


CPU_TIMES: dict[str, list[float]] = {}
"""CPU seconds (user + system) of each run, by command: steadier than wall time on a busy box."""


def _once(argv: list[str], env: dict[str, str]) -> float:
    key = " ".join(argv)
    if argv[0] == "env":  # ["env", "PYTHONPATH=...", *argv]: this command's own variable
        var, value = argv[1].split("=", 1)
        env, argv = {**env, var: value}, argv[2:]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU_TIMES.setdefault(key, []).append(cpu)
    return took


def measure(
    commands: dict[str, list[str]], repeat: int, env: dict[str, str]
) -> dict[str, list[float]]:
    """Return wall seconds per command over `repeat` interleaved rounds (after one warm-up)."""
    for argv in commands.values():
        _once(argv, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            times[name].append(_once(argv, env))
    return times


SEED = """
import sys
from datetime import timedelta
from runback.services.store import LOCAL_USER_ID, open_store
from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow
days = int(sys.argv[1])
st = open_store()
now = st.clock.now().replace(microsecond=0)
zone = st.user_zone(user_id=LOCAL_USER_ID)
with st.tx() as s:
    for d in range(days, 0, -1):
        day = now - timedelta(days=d)
        for h in (0, 8):
            at = day + timedelta(hours=h)
            s.add(SessionRow(user_id=LOCAL_USER_ID, routine_slug="back-up-basics",
                routine_name="Back-up basics", started_at=at, ended_at=at + timedelta(minutes=9),
                zone=zone, steps_total=6, steps_done=["cat-cow"] * 6, steps_skipped=[],
                completed=True, context="morning", active_s=540.0, planned_s=540.0, done_s=540.0))
        for k in range(8):
            due = day + timedelta(hours=1, minutes=30 * k)
            s.add(BreakRow(user_id=LOCAL_USER_ID, due_at=due, at=due + timedelta(minutes=2),
                zone=zone, outcome="taken" if k % 3 else "skipped"))
        if d % 2 == 0:
            s.add(RunRow(user_id=LOCAL_USER_ID, started_at=day + timedelta(hours=10), zone=zone,
                elapsed_s=2700.0, moving_s=2600.0, distance_m=8000.0 + d, ascent_m=40.0,
                sport="running", name=f"Run {d}", source_format="gpx", source_file=f"r{d}.gpx",
                device=None, content_hash=f"{d:064d}", imported_at=now))
            s.add(PainEntryRow(user_id=LOCAL_USER_ID, at=day + timedelta(hours=12), zone=zone,
                region="lower-back", intensity=2 + d % 3, red_flags=[], notes=""))
st.close()
"""
"""Seed the bench database (run in a subprocess, like the commands): `days` days of data."""


FLOOR = (
    "import typer, typer._adapters, sqlalchemy.orm, sqlalchemy.dialects.sqlite, sqlite3, "
    "rich.console, rich.table"
)
"""The third-party imports every one of the four commands needs (rich: all but --json)."""


def main() -> int:
    """Measure, print min/median, difference and ratio per command; exit 1 over a goal."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="rounds (default 9, at least 5)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--src", help="also time the commands from this source tree")
    parser.add_argument("--days", type=int, default=90, help="days of data (default 90)")
    parser.add_argument(
        "--commands", default=",".join(GOALS_S), help="comma-separated runback commands"
    )
    args = parser.parse_args()
    repeat = max(5, args.repeat)

    runback = Path(sys.executable).parent / "runback"
    if not runback.exists():
        print(f"error: {runback} not found; run `pip install -e .` first", file=sys.stderr)
        return 2
    folder = tempfile.mkdtemp(prefix="runback-startup-")
    env = {
        **os.environ,
        "RUNBACK_DATABASE_URL": f"sqlite:///{folder}/runback.db",
        "RUNBACK_ZONE": "Europe/Berlin",
        "COLUMNS": "100",
    }
    # An installed runback runs from cached bytecode: let the warm-up write it, as pip would.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Create and migrate the database once: the timed runs see a current database.
    subprocess.run([str(runback), "today"], env=env, capture_output=True, check=True)
    if args.days > 0:
        subprocess.run(
            [sys.executable, "-c", SEED, str(args.days)], env=env, capture_output=True, check=True
        )
    names = [c.strip() for c in args.commands.split(",") if c.strip()]
    commands = {"python -c pass": [sys.executable, "-c", "pass"]}
    commands |= {name: [str(runback), *name.split()] for name in names}
    entry = "from runback.cli.app import main; main()"
    if args.src:
        commands |= {
            f"{name} (src)": [
                *("env", f"PYTHONPATH={args.src}", sys.executable, "-c", entry),
                *name.split(),
            ]
            for name in names
        }
        names += [f"{name} (src)" for name in names]
    # The floor has no "(src)" twin: it imports no runback.
    commands["floor"] = [sys.executable, "-c", FLOOR]
    names.append("floor")
    times = measure(commands, repeat, env)

    cpu = {
        name: statistics.median(CPU_TIMES[" ".join(argv)][1:]) for name, argv in commands.items()
    }
    base = times["python -c pass"]
    base_min, base_med = min(base), statistics.median(base)
    rows = []
    ok = True
    for name in names:
        med = statistics.median(times[name])
        diff = med - base_med
        goal = GOALS_S.get(name.removesuffix(" (src)"), 0.15)
        ok = ok and (diff <= goal or name.endswith(" (src)") or name == "floor")
        rows.append(
            {
                "command": name if name == "floor" else f"runback {name}",
                "min_s": round(min(times[name]), 4),
                "median_s": round(med, 4),
                "over_python_s": round(diff, 4),
                "ratio": round(med / base_med, 1),
                "cpu_median_s": round(cpu[name], 4),
                "cpu_over_python_s": round(cpu[name] - cpu["python -c pass"], 4),
                "goal_over_python_s": goal,
                "ok": diff <= goal,
            }
        )
    result = {
        "rounds": repeat,
        "days_of_data": args.days,
        "python_c_pass": {
            "min_s": round(base_min, 4),
            "median_s": round(base_med, 4),
            "cpu_median_s": round(cpu["python -c pass"], 4),
        },
        "commands": rows,
        "ok": ok,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{repeat} interleaved rounds; current database with {args.days} days of data "
            f"in {folder}"
        )
        print(
            f"{'command':24} {'min ms':>8} {'median ms':>10} {'over py':>9} {'ratio':>7}  "
            f"{'cpu ms':>7} {'cpu over py':>11}  goal"
        )
        print(
            f"{'python -c pass':24} {base_min * 1000:8.1f} {base_med * 1000:10.1f} {'':9} "
            f"{'':7}  {cpu['python -c pass'] * 1000:7.1f}"
        )
        for row in rows:
            print(
                f"{row['command']:24} {row['min_s'] * 1000:8.1f} {row['median_s'] * 1000:10.1f} "
                f"{row['over_python_s'] * 1000:9.1f} {row['ratio']:6.1f}x  "
                f"{row['cpu_median_s'] * 1000:7.1f} {row['cpu_over_python_s'] * 1000:11.1f}  "
                f"{'ok' if row['ok'] else 'SLOW'} (≤ {row['goal_over_python_s'] * 1000:.0f} ms)"
            )
        print("OK" if ok else "TOO SLOW")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
