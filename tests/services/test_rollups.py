"""Day rollups follow each service write in its transaction; the runs page is counted in SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from runback.core.clock import FakeClock
from runback.core.rollups import DayRollup, DayTotals
from runback.errors import ValidationError
from runback.services.accounts import set_zone
from runback.services.breaks import delete_break, log_break, update_break
from runback.services.catalog import load_builtin
from runback.services.pain import delete_pain, log_pain
from runback.services.rollups import (
    check_rollups,
    day_totals_between,
    rebuild_rollups,
    rollups_between,
    streak_numbers,
)
from runback.services.runs import page_of_runs
from runback.services.sessions import (
    delete_session,
    finish_session,
    start_session,
    update_session,
)
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import RunRow

U = LOCAL_USER_ID
MONDAY = date(2026, 1, 5)  # the clock fixture's day (08:00 UTC, 09:00 in Berlin)


def _day(store: Store, day: date = MONDAY) -> DayRollup | None:
    return rollups_between(store, day, day, user_id=U).get(day)


def _session(store: Store, started: datetime, held: bool = True) -> int:
    routine = load_builtin().routines["back-up-basics"]
    sid = start_session(store, routine, user_id=U, planned_s=240.0, started_at=started)
    finish_session(
        store,
        sid,
        user_id=U,
        completed=held,
        done_s=240.0 if held else 10.0,
        active_s=300.0,
        ended_at=started + timedelta(minutes=5),
    )
    return sid


def test_a_session_counts_on_its_day_and_moves_with_an_edit(store: Store) -> None:
    now = store.clock.now()
    sid = _session(store, now - timedelta(hours=1))
    found = _day(store)
    assert found is not None
    assert (found.sessions, found.practice, found.streak, found.minutes) == (1, 1, 1, 5.0)
    update_session(store, sid, user_id=U, started_at=now - timedelta(days=1))
    assert _day(store) is None  # nothing left on Monday: no row
    moved = _day(store, MONDAY - timedelta(days=1))
    assert moved is not None and moved.practice == 1
    _session(store, now - timedelta(minutes=30))
    assert streak_numbers(store, MONDAY, user_id=U).current == 2
    delete_session(store, sid, user_id=U)
    assert streak_numbers(store, MONDAY, user_id=U).current == 1
    assert check_rollups(store).wrong_days == 0


def test_a_session_under_half_held_is_not_practice(store: Store) -> None:
    _session(store, store.clock.now() - timedelta(hours=1), held=False)
    found = _day(store)
    assert found is not None and (found.sessions, found.practice, found.streak) == (1, 0, 0)


def test_breaks_and_pain_follow_their_writes(store: Store) -> None:
    now = store.clock.now()
    bid = log_break(store, now, "taken", now, user_id=U)
    log_break(store, now, "natural", now, user_id=U)
    found = _day(store)
    assert found is not None and (found.breaks_taken, found.breaks_away, found.breaks_due) == (
        1,
        1,
        1,
    )
    update_break(store, bid, user_id=U, outcome="skipped")
    found = _day(store)
    assert found is not None and (found.breaks_taken, found.breaks_skipped) == (0, 1)
    delete_break(store, bid, user_id=U)
    logged = log_pain(store, user_id=U, region="lower-back", intensity=6, at=now)
    found = _day(store)
    assert found is not None and (found.pain_entries, found.worst_pain) == (1, 6)
    delete_pain(store, logged.entry.id, user_id=U)
    found = _day(store)
    assert found is not None and (found.pain_entries, found.worst_pain) == (0, None)
    assert check_rollups(store).wrong_days == 0


def test_a_zone_change_rebuilds_the_days(store: Store) -> None:
    # 23:30 UTC on Sunday is Sunday in London, Monday in Berlin.
    _session(store, datetime(2026, 1, 4, 23, 30, tzinfo=UTC))
    assert _day(store) is not None
    set_zone(store, "Europe/London", user_id=U)
    assert _day(store) is None
    assert _day(store, MONDAY - timedelta(days=1)) is not None
    assert check_rollups(store).wrong_days == 0


def test_doctor_finds_a_wrong_day_and_rebuilds_it(store: Store) -> None:
    _session(store, store.clock.now() - timedelta(hours=1))
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE day_rollups SET practice = 0, streak = 0"))
    assert check_rollups(store).wrong_days == 1
    report = rebuild_rollups(store)
    assert (report.users, report.days, report.wrong_days, report.rebuilt) == (1, 1, 1, True)
    assert check_rollups(store).ok


def _runs(store: Store, n: int) -> None:
    now = store.clock.now()
    with store.tx() as s:
        for i in range(n):
            s.add(
                RunRow(
                    user_id=U,
                    started_at=now - timedelta(days=i),
                    zone="Europe/Berlin",
                    elapsed_s=1800.0,
                    distance_m=5000.0,
                    sport="cycling" if i % 3 == 0 else "running",
                    source_format="gpx",
                    source_file=f"{i}.gpx",
                    content_hash=f"{i:064d}",
                    imported_at=now,
                )
            )


def test_the_runs_page_is_one_page_and_the_totals(store: Store, clock: FakeClock) -> None:
    _runs(store, 12)
    page = page_of_runs(store, user_id=U, limit=5)
    assert [r.start for r in page.runs] == sorted((r.start for r in page.runs), reverse=True)
    assert len(page.runs) == 5 and page.runs[0].start == clock.now()
    assert (page.shown_total, page.total, page.others, page.total_km) == (12, 8, 4, 40.0)
    rest = page_of_runs(store, user_id=U, limit=5, offset=10)
    assert len(rest.runs) == 2
    only = page_of_runs(store, user_id=U, sport="runs", limit=100)
    assert only.shown_total == 8 and all(r.is_run for r in only.runs)
    with pytest.raises(ValidationError, match="limit"):
        page_of_runs(store, user_id=U, limit=0)


def test_the_day_totals_are_the_rollups_with_the_run_comparisons_made_in_sql(
    store: Store,
) -> None:
    _runs(store, 5)  # 08:00 UTC each day back; days 0 and 3 are rides
    now = store.clock.now()
    _session(store, now - timedelta(hours=1))  # day 0: a ride, not a run day
    _session(store, now - timedelta(days=1, hours=1))  # day 1: ended before the run
    _session(store, now - timedelta(days=2) + timedelta(hours=1))  # day 2: after it
    first = MONDAY - timedelta(days=6)
    totals = day_totals_between(store, first, MONDAY, user_id=U)
    whole = rollups_between(store, first, MONDAY, user_id=U)
    assert totals == {d: DayTotals.of(r) for d, r in whole.items()}
    flags = {(MONDAY - d).days: (t.run_day, t.prepared) for d, t in totals.items()}
    assert flags == {0: (False, False), 1: (True, True), 2: (True, False), 4: (True, False)}
