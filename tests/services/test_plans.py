"""Plans from history (ratings, pain, recent exercises), saved plans, slots and what is due."""

from __future__ import annotations

from datetime import datetime, timedelta

from runback.core.clock import FakeClock
from runback.core.slots import Slot
from runback.services.plans import history_request, make_plan
from runback.services.programmes import import_programme
from runback.services.slots import due_slots, get_slots, set_slots
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import PainEntryRow, RunRow, SessionRow


def add_session(
    store: Store, at: datetime, steps: list[str], enjoyment: int | None, **kw: object
) -> None:
    with store.tx() as s:
        s.add(
            SessionRow(
                user_id=LOCAL_USER_ID,
                routine_slug=str(kw.get("slug", "r")),
                routine_name="R",
                started_at=at,
                ended_at=at + timedelta(minutes=5),
                zone="Europe/Berlin",
                steps_total=len(steps),
                steps_done=steps,
                completed=True,
                enjoyment=enjoyment,
                context=str(kw.get("context", "other")),
            )
        )


def test_history_fills_ratings_pain_and_recent(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    add_session(store, now - timedelta(days=10), ["cat-cow", "childs-pose"], 5)
    add_session(store, now - timedelta(days=9), ["cat-cow"], 3)
    add_session(store, now - timedelta(hours=3), ["knee-to-chest"], None)
    with store.tx() as s:
        s.add(
            PainEntryRow(
                user_id=1,
                at=now - timedelta(days=1),
                zone="Europe/Berlin",
                region="lower-back",
                intensity=5,
                red_flags=[],
                notes="",
            )
        )
        s.add(
            PainEntryRow(
                user_id=1,
                at=now - timedelta(days=1),
                zone="Europe/Berlin",
                region="hips",
                intensity=1,
                red_flags=[],
                notes="",
            )
        )
        s.add(
            PainEntryRow(
                user_id=1,
                at=now - timedelta(days=6),
                zone="Europe/Berlin",
                region="neck-shoulders",
                intensity=8,
                red_flags=[],
                notes="",
            )
        )
    req = history_request(store, 8, ["hips"], "home", user_id=LOCAL_USER_ID)
    assert req.ratings == {"cat-cow": 4.0, "childs-pose": 5.0}
    assert req.recent_pain == ["lower-back"]
    assert req.recently_used == ["knee-to-chest"]
    # The default seed is the local day: the same plan all day long.
    assert req.seed == history_request(store, 8, user_id=LOCAL_USER_ID).seed
    made = make_plan(store, 8, ["hips"], "home", user_id=LOCAL_USER_ID)
    assert made.duration_s == 480
    for step in made.steps:
        assert "lower-back" not in step.step.exercise.avoid_with_pain


def test_slots_round_trip_through_prefs(store: Store) -> None:
    slots = get_slots(store, user_id=LOCAL_USER_ID)
    slots[0] = Slot(name="morning", routine="back-up-basics")
    set_slots(store, slots, user_id=LOCAL_USER_ID)
    assert get_slots(store, user_id=LOCAL_USER_ID)[0].routine == "back-up-basics"


def test_due_slots_with_run_and_programme(store: Store, clock: FakeClock) -> None:
    # Monday 2026-01-05 08:00 UTC = 09:00 Berlin.
    import_programme(
        store,
        'name = "Back"\nstart = 2026-01-01\ntimes_per_day = 2\n\n'
        '[[prescription]]\nexercise = "cat-cow"\n',
        "p.toml",
        user_id=LOCAL_USER_ID,
    )
    now = clock.now()
    add_session(store, now - timedelta(minutes=30), ["cat-cow"], 4, slug="physio-back")
    with store.tx() as s:
        s.add(
            RunRow(
                user_id=1,
                started_at=now - timedelta(hours=1),
                zone="Europe/Berlin",
                elapsed_s=1800,
                moving_s=1800,
                distance_m=5000,
                ascent_m=0,
                sport="running",
                name=None,
                source_format="gpx",
                source_file="a.gpx",
                device=None,
                content_hash="x",
                imported_at=now,
            )
        )
    due = {d.slot: d for d in due_slots(store, user_id=LOCAL_USER_ID)}
    assert due["programme"].done == 1 and due["programme"].wanted == 2
    assert due["morning"].routine == "physio-back" and due["morning"].status == "done"
    assert due["before-run"].status == "missed"
    assert due["after-run"].status == "due" and due["after-run"].routine == "physio-back"
    # 09:00: the first break of the schedule is at 09:30.
    assert (due["desk-break"].status, due["desk-break"].reason) == ("upcoming", "next at 09:30")
    # Given today's sessions already read (what Today does), the answer is the same.
    from runback.core.timezones import day_bounds_utc
    from runback.services.sessions import list_sessions

    start, end = day_bounds_utc(now.date(), "Europe/Berlin")
    today = list_sessions(store, since=start, until=end, user_id=LOCAL_USER_ID)
    assert len(today) == 1
    assert due_slots(store, sessions=today, user_id=LOCAL_USER_ID) == due_slots(
        store, user_id=LOCAL_USER_ID
    )


def test_due_slots_without_anything(store: Store) -> None:
    due = {d.slot: d for d in due_slots(store, user_id=LOCAL_USER_ID)}
    assert "programme" not in due
    assert due["before-run"].status == "not-today"
    assert due["morning"].routine == "back-up-basics"


def test_the_after_run_plan_reaches_the_mid_and_upper_back_in_eight_minutes() -> None:
    from runback.core.planner import PlanRequest, plan
    from runback.core.slots import DEFAULT_SLOTS
    from runback.services.catalog import load_builtin

    spec = next(s for s in DEFAULT_SLOTS if s.name == "after-run").plan
    assert spec is not None
    made = plan(
        load_builtin(), PlanRequest(minutes=spec.minutes, areas=spec.areas, where=spec.where)
    )
    covered = {a for p in made.steps for a in p.step.exercise.areas}
    assert {"mid-back", "upper-back", "lower-back", "hamstrings", "glutes"} <= covered
    assert made.duration_s <= spec.minutes * 60
