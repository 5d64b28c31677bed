"""Session engine timing, driven by a FakeClock."""

from __future__ import annotations

import random

import pytest

from runback.core.catalog import SETUP_S, TRANSITION_S, Catalog, Exercise, Routine, RoutineStep
from runback.core.clock import FakeClock
from runback.core.engine import Engine
from runback.core.phases import Event, expand, whole_seconds


def _ex(slug: str, hold_s: int, sides: str = "none", reps: int = 1, **kw: object) -> Exercise:
    return Exercise.model_validate(
        {
            "slug": slug,
            "name": slug.replace("-", " ").title(),
            "areas": ["lower-back"],
            "position": "standing",
            "hold_s": hold_s,
            "sides": sides,
            "reps": reps,
            "summary": "test exercise",
            "instructions": ["do it"],
            **kw,
        }
    )


def back_up_basics() -> tuple[Catalog, Routine]:
    """Return a stand-in for the built-in Back-up basics routine."""
    exercises = [
        _ex("hip-table-stretch", 60, "both"),
        _ex("seated-upper-back-stretch", 30, "alternate", side_labels=("right arm", "left arm")),
        _ex("roll-down", 20, reps=3, kind="movement"),
    ]
    routine = Routine(
        slug="back-up-basics",
        name="Back-up basics",
        origin="builtin",
        steps=[RoutineStep(exercise=e.slug) for e in exercises],
    )
    return Catalog(exercises, [routine]), routine


def _engine(clock: FakeClock, rest_s: int = 0) -> Engine:
    catalog, routine = back_up_basics()
    steps = catalog.resolve(routine)
    if rest_s:
        routine = routine.model_copy(
            update={"steps": [s.model_copy(update={"rest_s": rest_s}) for s in routine.steps]}
        )
        steps = catalog.resolve(routine)
    return Engine(expand(steps), clock)


def _run_to_end(engine: Engine, clock: FakeClock) -> list[Event]:
    events: list[Event] = []
    while not engine.over:
        wait = engine.seconds_until_next_event()
        assert wait is not None and wait > 0
        clock.advance(wait)
        events += engine.tick()
    return events


def test_phase_durations_sum_to_step_durations() -> None:
    catalog, routine = back_up_basics()
    steps = catalog.resolve(routine)
    phases = expand(steps)
    assert sum(p.duration_s for p in phases) == sum(s.duration_s() for s in steps)
    assert sum(p.duration_s for p in phases) == catalog.duration_s(routine)


def test_back_up_basics_holds_180_s_plus_roll_down() -> None:
    catalog, routine = back_up_basics()
    phases = expand(catalog.resolve(routine))
    holds = [p for p in phases if p.kind == "hold"]
    stretch = sum(p.duration_s for p in holds if p.exercise.slug != "roll-down")
    assert stretch == 180
    assert sum(p.duration_s for p in holds if p.exercise.slug == "roll-down") == 60


def test_both_sides_and_alternate_labels() -> None:
    catalog, routine = back_up_basics()
    phases = expand(catalog.resolve(routine))
    hip = [(p.kind, p.side, p.text) for p in phases if p.step_index == 0]
    assert hip == [
        ("setup", None, "get ready: Hip Table Stretch"),
        ("hold", "left", "Hip Table Stretch (left)"),
        ("transition", "right", "switch sides"),
        ("hold", "right", "Hip Table Stretch (right)"),
    ]
    upper = [p.side for p in phases if p.step_index == 1 and p.kind == "hold"]
    assert upper == ["right arm", "left arm"]
    roll = [(p.kind, p.rep, p.text) for p in phases if p.step_index == 2]
    assert [k for k, _, _ in roll] == ["setup", "hold", "transition", "hold", "transition", "hold"]
    assert [t for k, _, t in roll if k == "transition"] == ["again", "again"]
    assert [r for k, r, _ in roll if k == "hold"] == [1, 2, 3]


def test_rest_phase_added_and_counted() -> None:
    clock = FakeClock()
    engine = _engine(clock, rest_s=10)
    assert [p.kind for p in engine.phases].count("rest") == 3
    events = engine.start() + _run_to_end(engine, clock)
    assert engine.completed
    assert engine.active_s == pytest.approx(engine.total_s)
    assert [e.text for e in events if e.kind == "cue"].count("rest") == 3


def test_full_run_events_and_exact_active_time() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    start = clock.monotonic()
    events = engine.start()
    assert events[0].kind == "phase" and events[1] == Event("cue", 0, events[0].text)
    events += _run_to_end(engine, clock)
    assert engine.state == "finished" and engine.completed
    assert clock.monotonic() - start == engine.total_s == SETUP_S * 3 + 180 + 60 + TRANSITION_S * 4
    assert engine.active_s == engine.total_s
    assert engine.progress == 1.0
    assert engine.steps_done == ["hip-table-stretch", "seated-upper-back-stretch", "roll-down"]
    assert engine.steps_skipped == []
    assert [e.text for e in events if e.kind == "step_done"] == engine.steps_done
    assert events[-1].kind == "finished"
    # 3-2-1 on each of the 7 holds, exactly once each.
    counts = [e.count for e in events if e.kind == "countdown"]
    assert counts == [3, 2, 1] * 7
    assert [e.text for e in events if e.kind == "cue"].count("switch sides") == 2


def test_countdown_fires_at_the_right_second() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(SETUP_S)
    assert engine.tick()[0].text.startswith("Hip Table Stretch")
    clock.advance(56.5)
    assert engine.tick() == []
    assert whole_seconds(engine.remaining_s) == 4
    clock.advance(0.5)
    assert engine.tick() == [Event("countdown", 1, "3", 3)]
    assert engine.tick() == []  # no double beep


def test_late_tick_beeps_once_for_latest_mark() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(SETUP_S + 58.5)
    events = engine.tick()
    assert [e.count for e in events if e.kind == "countdown"] == [2]


def test_no_drift_with_irregular_ticks() -> None:
    """Late, jittery ticks over a long routine still end exactly on the planned total."""
    clock = FakeClock()
    steps = []
    catalog, routine = back_up_basics()
    for _ in range(6):  # about 20 minutes
        steps += catalog.resolve(routine)
    engine = Engine(expand(steps), clock)
    start = clock.monotonic()
    engine.start()
    rng = random.Random(7)
    boundaries: list[float] = []
    while not engine.over:
        before = engine.index
        clock.advance(rng.uniform(0.05, 1.7))
        engine.tick()
        if engine.index != before and not engine.over:
            # The new phase ends its full duration after the old deadline, not after "now".
            boundaries.append(engine.remaining_s + (clock.monotonic() - start))
    planned = []
    acc = 0.0
    for p in engine.phases:
        acc += p.duration_s
        planned.append(acc)
    assert engine.total_s > 20 * 60
    for got in boundaries:
        assert min(abs(got - p) for p in planned) < 1e-6
    assert engine.active_s == pytest.approx(engine.total_s, abs=1e-6)


def test_pause_shifts_deadline_and_excludes_active_time() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(2)
    engine.pause()
    assert engine.state == "paused"
    assert engine.seconds_until_next_event() is None
    clock.advance(100)
    assert engine.tick() == []
    assert engine.remaining_s == SETUP_S - 2
    engine.resume()
    assert engine.remaining_s == SETUP_S - 2
    assert engine.active_s == 2
    clock.advance(3)
    assert engine.tick()[0].kind == "phase"
    assert engine.phase is not None and engine.phase.kind == "hold"
    _run_to_end(engine, clock)
    assert engine.active_s == engine.total_s


def test_toggle_pause() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    engine.toggle_pause()
    paused = engine.state
    engine.toggle_pause()
    assert (paused, engine.state) == ("paused", "running")


def test_skip_marks_step_skipped_and_moves_on() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(10)
    engine.tick()
    events = engine.skip()
    assert events[0] == Event("step_skipped", 1, "hip-table-stretch")
    assert engine.phase is not None and engine.phase.step_index == 1
    assert engine.phase.kind == "setup" and engine.remaining_s == SETUP_S
    assert engine.steps_skipped == ["hip-table-stretch"]
    _run_to_end(engine, clock)
    assert engine.completed
    assert engine.steps_done == ["seated-upper-back-stretch", "roll-down"]


def test_skip_last_step_finishes() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    engine.skip()
    engine.skip()
    events = engine.skip()
    assert [e.kind for e in events] == ["step_skipped", "finished"]
    assert engine.over and engine.steps_skipped == [
        "hip-table-stretch",
        "seated-upper-back-stretch",
        "roll-down",
    ]
    assert engine.skip() == []


def test_skip_while_paused_stays_paused() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    engine.pause()
    engine.skip()
    clock.advance(50)
    assert engine.remaining_s == SETUP_S
    engine.resume()
    clock.advance(1)
    assert engine.remaining_s == SETUP_S - 1


def test_back_restarts_current_step_or_goes_to_previous() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(SETUP_S + 60 + TRANSITION_S + 60)
    engine.tick()
    assert engine.steps_done == ["hip-table-stretch"]
    clock.advance(SETUP_S + 10)  # into the upper-back hold
    engine.tick()
    engine.back()
    assert engine.phase is not None and engine.phase.step_index == 1
    assert engine.phase.kind == "setup" and engine.remaining_s == SETUP_S
    engine.back()  # just restarted: go to the previous step, which is redone
    assert engine.phase is not None and engine.phase.step_index == 0
    assert engine.steps_done == []
    engine.back()  # first step: restart it
    assert engine.index == 0


def test_back_after_skip_unskips() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    engine.skip()
    engine.back()
    assert engine.steps_skipped == [] and engine.index == 0


def test_quit_keeps_progress_and_is_not_completed() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(SETUP_S + 60 + TRANSITION_S + 60 + 1)
    engine.tick()
    engine.quit()
    clock.advance(1000)
    assert engine.state == "quit" and not engine.completed and engine.over
    assert engine.steps_done == ["hip-table-stretch"]
    assert engine.active_s == SETUP_S + 60 + TRANSITION_S + 60 + 1
    assert 0 < engine.progress < 1
    assert engine.tick() == [] and engine.phase is None
    assert engine.seconds_until_next_event() is None


def test_next_phase_and_next_step() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    assert engine.next_phase is not None and engine.next_phase.kind == "hold"
    nxt = engine.next_step_phase()
    assert nxt is not None and nxt.exercise.slug == "seated-upper-back-stretch"


def test_progress_grows_monotonically() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    seen = [engine.progress]
    while not engine.over:
        clock.advance(7.3)
        engine.tick()
        seen.append(engine.progress)
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] == 1


def test_snapshot_and_restore() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    engine.skip()
    clock.advance(SETUP_S + 12)
    engine.tick()
    engine.pause()
    state = engine.snapshot()
    assert state == {
        "phase_index": engine.index,
        "remaining_s": 18.0,
        "paused": True,
        "done_steps": [],
        "skipped_steps": [0],
    }
    again = _engine(clock)
    again.restore(state)
    assert again.state == "paused" and again.remaining_s == 18.0
    assert again.steps_skipped == ["hip-table-stretch"]
    again.resume()
    _run_to_end(again, clock)
    assert again.steps_done == ["seated-upper-back-stretch", "roll-down"]


def test_restore_rejects_bad_index() -> None:
    engine = _engine(FakeClock())
    with pytest.raises(ValueError, match="phase_index 99"):
        engine.restore({"phase_index": 99, "remaining_s": 1, "paused": False})


def test_engine_refuses_empty_and_double_start() -> None:
    with pytest.raises(ValueError):
        Engine([], FakeClock())
    engine = _engine(FakeClock())
    engine.start()
    with pytest.raises(RuntimeError):
        engine.start()


def test_quit_before_start() -> None:
    engine = _engine(FakeClock())
    engine.quit()
    assert engine.active_s == 0 and engine.state == "quit"


def test_builtin_back_up_basics_timing() -> None:
    from runback.services.catalog import load_builtin

    catalog = load_builtin()
    routine = catalog.routines["back-up-basics"]
    steps = catalog.resolve(routine)
    phases = expand(steps)
    holds = [p for p in phases if p.kind == "hold"]
    assert sum(p.duration_s for p in holds if p.exercise.slug != "roll-down") == 180
    assert [p.duration_s for p in holds if p.exercise.slug == "roll-down"] == [20, 20, 20]
    assert sum(p.duration_s for p in phases) == catalog.duration_s(routine)
    clock = FakeClock()
    engine = Engine(phases, clock)
    engine.start()
    _run_to_end(engine, clock)
    assert engine.active_s == catalog.duration_s(routine)
    assert engine.steps_done == ["hip-table-stretch", "seated-upper-back-stretch", "roll-down"]


# ---- hold time counted down (what makes a session count, core/streaks.py) -----------------

PLANNED = 2 * 60 + 2 * 30 + 3 * 20  # both sides, alternate, three reps


def test_planned_hold_time_leaves_out_setup_switches_and_rests() -> None:
    engine = _engine(FakeClock(), rest_s=10)
    assert engine.planned_s == PLANNED
    assert engine.done_s == 0.0


def test_a_full_run_holds_everything() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    _run_to_end(engine, clock)
    assert engine.done_s == PLANNED and engine.all_steps_done


def test_skipping_every_step_holds_nothing() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    while not engine.over:
        clock.advance(1)
        engine.tick()
        engine.skip()
    assert engine.completed and not engine.all_steps_done
    assert engine.done_s == 0.0 and engine.steps_done == []


def test_a_skipped_step_counts_none_of_its_holds() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(SETUP_S + 60 + TRANSITION_S + 50)  # first side held, 50 s into the second
    engine.tick()
    assert engine.done_s == pytest.approx(110)
    engine.skip()
    assert engine.done_s == 0.0
    _run_to_end(engine, clock)
    assert engine.done_s == 120 and engine.completed and not engine.all_steps_done


def test_quitting_mid_hold_keeps_the_seconds_held() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(SETUP_S + 45)
    engine.tick()
    engine.pause()
    clock.advance(600)  # a pause holds nothing
    engine.quit()
    assert engine.done_s == pytest.approx(45)


def test_restored_snapshot_gives_the_same_hold_time() -> None:
    clock = FakeClock()
    engine = _engine(clock)
    engine.start()
    clock.advance(SETUP_S + 60 + TRANSITION_S + 60 + 7)
    engine.tick()
    again = _engine(clock)
    again.restore(engine.snapshot())
    held = 120 + max(0, 7 - SETUP_S)  # the second step may have begun its hold
    assert again.done_s == pytest.approx(engine.done_s) == pytest.approx(held)
