"""Numbers read from day rollups equal the numbers computed from the raw rows, the old way.

Random histories (Hypothesis) of sessions, breaks, pain and runs are written through the ORM
(so the rollups are kept by each flush), some edited or deleted after, sometimes with a zone
change; Today's and progress's numbers must then equal what the raw-row code (as it was before
the rollups, kept here as the oracle) makes of the same rows. Around Europe/Berlin's DST days.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from runback.core.clock import FakeClock
from runback.core.consistency import (
    PainPoint,
    RunPoint,
    SessionPoint,
    before_run,
    heatmap,
    week_start,
    weekly_adherence,
    weekly_load,
)
from runback.core.habit import break_checkmarks, practice_checkmarks, score
from runback.core.runs import plausible, plausible_start
from runback.core.streaks import counts_as_practice, current_streak, longest_streak, practice_days
from runback.core.timezones import local_date
from runback.services.habit import WINDOW_DAYS
from runback.services.progress import gather_stats
from runback.services.rollups import check_rollups
from runback.services.store import LOCAL_USER_ID, Store, open_store
from runback.services.today import today as today_view
from runback.settings import Settings
from runback.storage.models import BreakRow, PainEntryRow, RunRow, SessionRow, UserRow

# Europe's spring-forward (23-hour) and fall-back (25-hour) days, at noon UTC.
NOWS = [datetime(2026, 3, 29, 12, 0, tzinfo=UTC), datetime(2026, 10, 25, 12, 0, tzinfo=UTC)]
ZONES = ["Europe/Berlin", "America/New_York", "Pacific/Kiritimati"]


def _offset() -> st.SearchStrategy[timedelta]:
    # Mostly the last weeks (streaks touching today, midnights around DST), sometimes older,
    # a few after now (a clock set back).
    minutes = st.one_of(
        st.integers(min_value=-3 * 24 * 60, max_value=24 * 60),
        st.integers(min_value=-60 * 24 * 60, max_value=0),
        st.integers(min_value=-500 * 24 * 60, max_value=0),
    )
    return minutes.map(lambda m: timedelta(minutes=m))


session_st = st.fixed_dictionaries(
    {
        "at": _offset(),
        "length_min": st.sampled_from([None, 0, 8, 30, 70]),
        "active_s": st.sampled_from([0.0, 60.0, 480.0, 1234.5]),
        "planned_s": st.sampled_from([None, 0.0, 240.0, 170.0]),
        "done_s": st.sampled_from([0.0, 85.0, 119.99, 120.0, 240.0, 0.1 + 0.05]),
        "steps_done": st.sampled_from([[], ["cat-cow"], ["cat-cow", "bird-dog"]]),
    }
)
break_st = st.fixed_dictionaries(
    {
        "at": _offset(),
        "outcome": st.sampled_from(["taken", "skipped", "missed", "snoozed", "natural"]),
    }
)
run_st = st.fixed_dictionaries(
    {
        "at": _offset(),
        "sport": st.sampled_from(["running", "running", "trail-running", "cycling"]),
        "distance_m": st.sampled_from([0.0, 5000.0, 10012.5, 21097.0])
        | st.floats(min_value=0, max_value=50_000, allow_nan=False),
        "moving_s": st.sampled_from([None, 1800.0, 3600.0]),
        # Pain after it: (hours after the start, intensity), linked to the run.
        "pain": st.none() | st.tuples(st.integers(0, 36), st.integers(0, 10)),
    }
)
pain_st = st.fixed_dictionaries({"at": _offset(), "intensity": st.integers(0, 10)})
history_st = st.fixed_dictionaries(
    {
        "now": st.sampled_from(NOWS),
        "zone": st.sampled_from(ZONES),
        "sessions": st.lists(session_st, max_size=25),
        "breaks": st.lists(break_st, max_size=25),
        "runs": st.lists(run_st, max_size=12),
        "pains": st.lists(pain_st, max_size=8),
        # After writing: move some sessions (an edit), delete some rows, change the zone.
        "moves": st.lists(st.tuples(st.integers(0, 24), st.integers(-30, 30)), max_size=4),
        "deletes": st.lists(
            st.tuples(st.sampled_from(["s", "b", "r", "p"]), st.integers(0, 24)), max_size=4
        ),
        "new_zone": st.none() | st.sampled_from(ZONES),
        "weeks": st.sampled_from([4, 12]),
    }
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Return one SQLite store for the module; each example clears it."""
    path = Path(tmp_path_factory.mktemp("oracle")) / "runback.db"
    clock = FakeClock(NOWS[0])
    store = open_store(Settings(database_url=f"sqlite:///{path}", zone="Europe/Berlin"), clock)
    yield store
    store.close()


def _write(store: Store, h: dict[str, Any]) -> None:
    now: datetime = h["now"]
    assert isinstance(store.clock, FakeClock)
    store.clock.advance((now - store.clock.now()).total_seconds())
    with store.tx() as s:
        for table in (PainEntryRow, BreakRow, RunRow, SessionRow):
            s.execute(delete(table))
        user = s.get(UserRow, LOCAL_USER_ID)
        assert user is not None
        user.zone = h["zone"]
    with store.tx() as s:
        for x in h["sessions"]:
            at = now + x["at"]
            end = None if x["length_min"] is None else at + timedelta(minutes=x["length_min"])
            s.add(
                SessionRow(
                    user_id=LOCAL_USER_ID,
                    routine_slug="back-up-basics",
                    routine_name="Back-up basics",
                    started_at=at,
                    ended_at=end,
                    zone="Europe/Berlin",
                    steps_total=5,
                    steps_done=x["steps_done"],
                    steps_skipped=[],
                    completed=end is not None,
                    context="other",
                    active_s=x["active_s"],
                    planned_s=x["planned_s"],
                    done_s=x["done_s"],
                )
            )
        for x in h["breaks"]:
            at = now + x["at"]
            s.add(
                BreakRow(user_id=LOCAL_USER_ID, due_at=at, at=at, zone="UTC", outcome=x["outcome"])
            )
        for i, x in enumerate(h["runs"]):
            at = now + x["at"]
            run = RunRow(
                user_id=LOCAL_USER_ID,
                started_at=at,
                zone="Europe/Berlin",
                elapsed_s=4000.0,
                moving_s=x["moving_s"],
                distance_m=x["distance_m"],
                sport=x["sport"],
                source_format="gpx",
                source_file=f"run{i}.gpx",
                content_hash=f"{i:064d}",
                imported_at=now,
            )
            s.add(run)
            if x["pain"] is not None:
                s.flush()
                hours, value = x["pain"]
                s.add(_pain(at + timedelta(hours=hours), value, run.id))
        for x in h["pains"]:
            s.add(_pain(now + x["at"], x["intensity"], None))
    # Edits and deletes, each in its own transaction as the services make them.
    for index, hours in h["moves"]:
        with store.tx() as s:
            rows = s.scalars(select(SessionRow).order_by(SessionRow.id)).all()
            if rows:
                rows[index % len(rows)].started_at += timedelta(hours=hours)
    kinds = {"s": SessionRow, "b": BreakRow, "r": RunRow, "p": PainEntryRow}
    for kind, index in h["deletes"]:
        with store.tx() as s:
            model: Any = kinds[kind]
            found: list[Any] = list(s.scalars(select(model).order_by(model.id)))
            if found:
                gone = found[index % len(found)]
                if kind == "r":
                    for p in s.scalars(select(PainEntryRow).where(PainEntryRow.run_id == gone.id)):
                        p.run_id = None
                s.delete(gone)
    if h["new_zone"] is not None:
        with store.tx() as s:
            user = s.get(UserRow, LOCAL_USER_ID)
            assert user is not None
            user.zone = h["new_zone"]


def _pain(at: datetime, value: int, run_id: int | None) -> PainEntryRow:
    return PainEntryRow(
        user_id=LOCAL_USER_ID,
        at=at,
        zone="Europe/Berlin",
        region="lower-back",
        intensity=value,
        run_id=run_id,
        red_flags=[],
        notes="",
    )


# --- the oracle: the raw-row code as it was before the rollups --------------------------------


def _minutes(row: Any) -> float:
    if row.active_s and row.active_s > 0:
        return float(row.active_s) / 60
    if row.ended_at is not None:
        return max(0.0, float((row.ended_at - row.started_at).total_seconds()) / 60)
    return 0.0


def _old_sessions(s: Any, zone: str) -> tuple[list[SessionPoint], list[date]]:
    points = []
    for row in s.execute(select(SessionRow)).scalars():
        if not counts_as_practice(
            planned_s=row.planned_s, done_s=row.done_s, steps_done=row.steps_done
        ):
            continue
        minutes = _minutes(row)
        ended = row.ended_at or row.started_at + timedelta(minutes=minutes)
        points.append(SessionPoint(row.started_at, ended, minutes))
    return points, sorted(practice_days((p.started_at for p in points), zone))


def _old_habit(s: Any, zone: str, today: date, days: list[date]) -> tuple[float, float | None]:
    counts: dict[date, tuple[int, int]] = {}
    for row in s.execute(select(BreakRow)).scalars():
        if row.outcome not in ("taken", "skipped", "missed"):
            continue
        day = local_date(row.at, zone)
        taken, due = counts.get(day, (0, 0))
        counts[day] = (taken + (row.outcome == "taken"), due + 1)
    since = today - timedelta(days=WINDOW_DAYS)
    marks = break_checkmarks({d: c for d, c in counts.items() if d >= since}, today, WINDOW_DAYS)
    routine = score(practice_checkmarks({d for d in days if d >= since}, today, WINDOW_DAYS))
    return routine, score(marks) if marks else None


def _old_stats(store: Store, weeks: int) -> dict[str, Any]:
    now = store.clock.now()
    zone = store.user_zone(user_id=LOCAL_USER_ID)
    today = local_date(now, zone)
    first_day = week_start(today) - timedelta(weeks=weeks - 1)
    cells_from = week_start(today - timedelta(days=364))
    since = now - timedelta(days=(today - min(first_day, cells_from)).days + 2)
    with store.factory() as s:
        sessions, days = _old_sessions(s, zone)
        runs = [
            RunPoint(r.id, r.started_at, plausible(r.distance_m) or 0.0)
            for r in s.execute(
                select(RunRow).where(RunRow.started_at >= since, RunRow.is_run)
            ).scalars()
            if plausible_start(r.started_at)
        ]
        pains = [
            PainPoint(p.at, p.zone, p.intensity, p.run_id)
            for p in s.execute(select(PainEntryRow).where(PainEntryRow.at >= since)).scalars()
        ]
        so_far = [d for d in days if d <= today]
        routine, breaks = _old_habit(s, zone, today, days)
    return {
        "today": today,
        "streaks": (current_streak(so_far, today), longest_streak(so_far), len(so_far)),
        "habit": (routine, breaks),
        "adherence": weekly_adherence(so_far, today, weeks, 6),
        "before_run": before_run(sessions, runs, zone, first_day, today),
        "weekly_load": weekly_load(runs, pains, zone, today, weeks),
        "heatmap": heatmap(sessions, runs, pains, zone, today),
        "all_days": days,
    }


def _km(loads: list[Any]) -> list[Any]:
    # Summed per day first, then per week: the same km to the rounding's last digit or one off.
    return [w.model_copy(update={"km": 0.0}) for w in loads]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(h=history_st)
def test_rollups_give_the_numbers_the_raw_rows_give(store: Store, h: dict[str, Any]) -> None:
    _write(store, h)
    assert check_rollups(store).wrong_days == 0
    old = _old_stats(store, h["weeks"])
    new = gather_stats(store, user_id=LOCAL_USER_ID, weeks=h["weeks"], target=6)
    assert new.today == old["today"]
    assert (new.streaks.current, new.streaks.longest, new.streaks.practice_days) == old["streaks"]
    assert (new.habit.routine, new.habit.breaks) == old["habit"]
    assert new.adherence == old["adherence"]
    assert new.before_run == old["before_run"]
    assert _km(new.weekly_load) == _km(old["weekly_load"])
    for a, b in zip(new.weekly_load, old["weekly_load"], strict=True):
        assert abs(a.km - b.km) <= 0.0100001
    assert new.heatmap == old["heatmap"]
    # Today: the streak over every practice day (a session after now too) and the habit.
    day = old["today"]
    shown = today_view(store, user_id=LOCAL_USER_ID)
    days = old["all_days"]
    assert shown.date == day
    assert shown.practiced_today == (day in days)
    assert shown.current_streak == current_streak(days, day)
    assert shown.longest_streak == longest_streak(days)
    assert (shown.habit.routine, shown.habit.breaks) == old["habit"]


def test_a_zone_change_moves_the_days(store: Store) -> None:
    # 21:30 UTC on the spring-forward day: 23:30 in Berlin (the 29th), 11:30 on the 30th in
    # Kiritimati (UTC+14), where noon UTC is already 02:00 on the 30th.
    h: dict[str, Any] = {
        "now": NOWS[0],
        "zone": "Europe/Berlin",
        "sessions": [
            {
                "at": timedelta(hours=9, minutes=30),
                "length_min": 8,
                "active_s": 480.0,
                "planned_s": 240.0,
                "done_s": 240.0,
                "steps_done": ["cat-cow"],
            }
        ],
        "breaks": [],
        "runs": [],
        "pains": [],
        "moves": [],
        "deletes": [],
        "new_zone": None,
        "weeks": 4,
    }
    _write(store, h)
    assert gather_stats(store, user_id=LOCAL_USER_ID).streaks.practice_days == 1
    with store.tx() as s:
        user = s.get(UserRow, LOCAL_USER_ID)
        assert user is not None
        user.zone = "Pacific/Kiritimati"
    # The zone change rebuilt the days: the session is on the user's today now.
    assert check_rollups(store).wrong_days == 0
    stats = gather_stats(store, user_id=LOCAL_USER_ID)
    assert stats.today == date(2026, 3, 30)
    assert stats.streaks.current == 1
