"""Phases: get-ready timed per exercise, notes on every phase, cues rotating through a hold."""

from __future__ import annotations

from runback.core.catalog import SETUP_S, Catalog, Exercise, Routine, RoutineStep
from runback.core.phases import CUE_EVERY_S, current_cue, expand


def _ex(slug: str, **kw: object) -> Exercise:
    base: dict[str, object] = {
        "slug": slug,
        "name": slug,
        "areas": ["hips"],
        "position": "standing",
        "hold_s": 30,
        "summary": "s",
        "instructions": ["a", "b"],
    }
    return Exercise.model_validate({**base, **kw})


def test_get_ready_time_comes_from_the_field_else_position_and_equipment() -> None:
    assert _ex("a").ready_s == SETUP_S
    assert _ex("b", equipment="table").ready_s == 12
    assert _ex("c", position="floor").ready_s == 12
    assert _ex("d", position="seated").ready_s == 8
    assert _ex("e", position="floor", setup_s=20).ready_s == 20


def test_the_step_note_is_on_every_phase_and_extra_ready_lengthens_get_ready() -> None:
    ex = _ex("a", sides="both")
    routine = Routine(
        slug="r", name="R", steps=[RoutineStep(exercise="a", note="ten each way", rest_s=5)]
    )
    catalog = Catalog([ex], [routine])
    phases = expand(catalog.resolve(routine, extra_ready_s=7))
    assert [p.kind for p in phases] == ["setup", "hold", "transition", "hold", "rest"]
    assert all(p.note == "ten each way" for p in phases)
    assert phases[0].duration_s == SETUP_S + 7
    assert catalog.resolve(routine)[0].duration_s() == SETUP_S + 30 + 5 + 30 + 5


def test_a_hold_rotates_through_the_cues() -> None:
    ex = _ex("a", cues=["one", "two", "three"])
    routine = Routine(slug="r", name="R", steps=[RoutineStep(exercise="a", reps=2)])
    holds = [p for p in expand(Catalog([ex], [routine]).resolve(routine)) if p.kind == "hold"]
    first, second = holds
    seen = [current_cue(first, t) for t in (0, CUE_EVERY_S - 0.1, CUE_EVERY_S, 2 * CUE_EVERY_S)]
    assert seen == ["one", "one", "two", "three"]
    assert current_cue(first, 3 * CUE_EVERY_S) == "one"
    assert current_cue(second, 0) == "two"  # the next rep starts one cue on
    assert (
        current_cue(
            expand(
                Catalog([_ex("b")], [routine]).resolve(
                    Routine(slug="q", name="Q", steps=[RoutineStep(exercise="b")])
                )
            )[1],
            0,
        )
        == "s"
    )
