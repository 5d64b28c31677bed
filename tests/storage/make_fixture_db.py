"""Make a stored fixture database: realistic rows, written through the services, at one revision.

    .venv/bin/python -m tests.storage.make_fixture_db 0001

writes tests/storage/fixtures/rev_0001.sqlite. Run it once per released schema, with the code
of that release checked out, and commit the file: the upgrade test
(tests/reliability/test_upgrade.py) migrates a copy of every stored fixture to head and
checks the rows. `populate` is also used by the export/restore and reliability tests.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from runback.core.clock import FakeClock
from runback.services.store import LOCAL_USER_ID, Store
from tests.conftest import SHARED_FIXTURES

__all__ = ["BAD_NUMBERS", "FIXTURES", "PROGRAMME", "make_bad_numbers", "populate"]

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = SHARED_FIXTURES
START = datetime(2026, 1, 5, 7, 30, tzinfo=UTC)

PROGRAMME = """\
name = "Back, phase 1 — Dr. Müller"
start = 2026-01-05
times_per_day = 2

[[prescription]]
exercise = "pelvic-tilt"
sets = 2

[[prescription]]
exercise = "cat-cow"
"""

ACTIVITY_FILES = [
    "fit/garmin-fenix-5-run.fit",
    "fit/activity-small-fenix2-run.fit",
    "gpx/cerknicko-jezero.gpx",
    "tcx/test.tcx",
    "gpx/unicode_with_bom.gpx",
]


def _at(clock: FakeClock, when: datetime) -> None:
    clock.advance((when - clock.now()).total_seconds())


def populate(store: Store, clock: FakeClock, days: int = 6) -> None:
    """Fill a store with a week of realistic use: runs, sessions, pain, breaks, routines."""
    from runback.services import breaks, pain, programmes, routines, run_import, sessions
    from runback.services.accounts import Targets, new_calendar_token, set_targets

    _at(clock, START)
    set_targets(store, Targets(), user_id=LOCAL_USER_ID)
    new_calendar_token(store, user_id=LOCAL_USER_ID)
    breaks.set_prefs(
        store, {"interval_min": 45, "run_days": {"tue": "18:30"}}, user_id=LOCAL_USER_ID
    )
    routines.create_routine(
        store,
        "Lunch ‘desk’ reset",
        [{"exercise": "seated-twist"}, {"exercise": "neck-side-stretch", "hold_s": 20}],
        description="Zwei Übungen; =not a formula",
        user_id=LOCAL_USER_ID,
    )
    programmes.import_programme(store, PROGRAMME, "physio.toml", user_id=LOCAL_USER_ID)
    run_import.import_paths(store, [SHARED / f for f in ACTIVITY_FILES], user_id=LOCAL_USER_ID)
    routine = routines.get_routine(store, "back-up-basics", user_id=LOCAL_USER_ID)
    steps = [s.exercise for s in routine.steps]
    for day in range(days):
        _at(clock, START + timedelta(days=day))
        sid = sessions.start_session(store, routine, "after-run", user_id=LOCAL_USER_ID)
        clock.advance(8 * 60)
        done = steps if day % 3 else steps[:2]
        sessions.finish_session(
            store,
            sid,
            completed=day % 3 != 0,
            enjoyment=1 + day % 5,
            steps_done=done,
            steps_skipped=[] if day % 3 else steps[2:3],
            active_s=61.5 * len(done),
            user_id=LOCAL_USER_ID,
        )
        for hour in (2, 3, 4):
            due = START + timedelta(days=day, hours=hour)
            _at(clock, due + timedelta(minutes=1))
            outcome = ("taken", "snoozed", "natural", "skipped")[(day + hour) % 4]
            breaks.log_break(store, due, outcome, user_id=LOCAL_USER_ID)  # type: ignore[arg-type]
        _at(clock, START + timedelta(days=day, hours=11))
        pain.log_pain(
            store,
            region="lower-back",
            intensity=day % 6,
            notes=f"Tag {day}: leicht 😐, after hills" if day % 2 else "",
            user_id=LOCAL_USER_ID,
        )
    # A session cut short (the process died): never ended, state kept for a resume.
    _at(clock, START + timedelta(days=days, hours=1))
    sid = sessions.start_session(
        store, routine, "desk-break", state={"step": 1}, user_id=LOCAL_USER_ID
    )
    sessions.record_progress(
        store,
        sid,
        steps_done=steps[:1],
        steps_skipped=[],
        active_s=30.25,
        state={"step": 1},
        user_id=LOCAL_USER_ID,
    )


BAD_NUMBERS = FIXTURES / "bad_numbers_0003.sqlite"
"""A database at 0003 with runs, sessions and pain holding numbers hostile files slipped in."""

_RUN_COLUMNS = (
    "user_id, start_at, zone, elapsed_s, moving_s, distance_m, ascent_m, sport, name, "
    "source_format, source_file, device, content_hash, imported_at"
)
_IMPORTED = "2026-01-05 07:30:00.000000"
# (name, start_at, elapsed_s, moving_s, distance_m, ascent_m): NaN is stored as NULL by SQLite.
BAD_RUNS = [
    ("good", "2026-01-04 07:00:00.000000", 3600.0, 3500.0, 10000.0, 50.0),
    ("inf distance", "2026-01-03 07:00:00.000000", 1800.0, None, float("inf"), None),
    ("inf elapsed", "2026-01-02 07:00:00.000000", float("inf"), float("nan"), 5000.0, -1e309),
    ("year 9999", "9999-12-31 23:59:59.000000", 1800.0, 1700.0, 5000.0, 10.0),
    ("year 1", "0001-01-01 00:00:00.000000", 1800.0, 1700.0, 5000.0, 10.0),
    ("negative", "2026-01-01 07:00:00.000000", -60.0, -1.0, -5.0, 0.0),
    ("huge", "2025-12-31 07:00:00.000000", 1e300, 1e300, 1e300, 1e300),
]


def make_bad_numbers(target: Path = BAD_NUMBERS) -> Path:
    """Write a database at revision 0003 holding implausible numbers, as hostile files did."""
    from runback.storage.db import make_engine
    from runback.storage.migrate import upgrade

    target.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{target}")
    upgrade(engine, "0003")
    engine.dispose()
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute(
        "INSERT INTO users (id, zone, prefs, created_at, data_version) "
        f"VALUES (1, 'Europe/Berlin', '{{}}', '{_IMPORTED}', 0)"
    )
    for i, (name, start, elapsed, moving, distance, ascent) in enumerate(BAD_RUNS):
        conn.execute(
            f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES (1, ?, 'Europe/Berlin', ?, ?, ?, ?, "
            "'running', ?, 'tcx', ?, NULL, ?, ?)",
            (start, elapsed, moving, distance, ascent, name, f"{i}.tcx", f"hash{i}", _IMPORTED),
        )
    conn.execute(
        "INSERT INTO sessions (user_id, routine_slug, routine_name, started_at, zone, "
        "steps_total, steps_done, steps_skipped, completed, context, active_s, done_s, "
        "planned_s, enjoyment) VALUES (1, 'back-up-basics', 'Back-up basics', "
        f"'{_IMPORTED}', 'Europe/Berlin', -3, '[]', '[]', 1, 'other', ?, ?, ?, 9)",
        (float("inf"), -5.0, 1e300),
    )
    conn.execute(
        "INSERT INTO pain_entries (user_id, at, zone, region, intensity, red_flags, notes) "
        f"VALUES (1, '{_IMPORTED}', 'Europe/Berlin', 'lower-back', 99, '[]', '')"
    )
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("VACUUM")
    conn.close()
    return target


def main(argv: list[str]) -> int:
    """Write tests/storage/fixtures/rev_<REVISION>.sqlite for the given revision."""
    from runback.services.store import open_store
    from runback.settings import Settings
    from runback.storage.db import make_engine
    from runback.storage.migrate import upgrade

    if argv and argv[0] == "bad-numbers":
        print(f"wrote {make_bad_numbers()}")
        return 0
    revision = argv[0] if argv else "0001"
    target = FIXTURES / f"rev_{revision}.sqlite"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    upgrade(engine, revision)
    engine.dispose()
    clock = FakeClock(START)
    store = open_store(Settings(database_url=url, zone="Europe/Berlin"), clock)
    try:
        populate(store, clock)
    finally:
        store.close()
    # One self-contained, compact file (no -wal beside it) that git can store.
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("VACUUM")
    conn.close()
    print(f"wrote {target} ({target.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
