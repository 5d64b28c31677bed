"""The shipped content: every exercise says when to stop and where it comes from; strengthening."""

from __future__ import annotations

from pathlib import Path

import pytest

from runback.core.catalog import Catalog
from runback.core.planner import PlanRequest, plan
from runback.core.vocab import AREAS
from runback.errors import PlanError
from runback.services.catalog import load_builtin

SEED = "recommended by a physio, from a runner's blog"
SEED_MOVES = {"hip-table-stretch", "seated-upper-back-stretch", "roll-down"}
STRENGTH = {"bird-dog", "dead-bug", "side-plank-knees", "clamshell"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_builtin()


def test_every_exercise_has_a_caution_and_a_source(catalog: Catalog) -> None:
    for ex in catalog.exercises.values():
        assert ex.cautions, f"{ex.slug} has no cautions"
        assert all(c.strip() and c.endswith(".") for c in ex.cautions), ex.slug
        assert ex.source == (SEED if ex.slug in SEED_MOVES else "runback"), ex.slug


def test_the_seed_routine_is_the_three_moves_from_the_blog(catalog: Catalog) -> None:
    steps = catalog.routines["back-up-basics"].steps
    assert {s.exercise for s in steps} == SEED_MOVES


def test_strengthening_exercises_have_a_dose_and_cautions(catalog: Catalog) -> None:
    for slug in sorted(STRENGTH):
        ex = catalog.exercises[slug]
        assert "core" in ex.areas or "glutes" in ex.areas, slug
        assert (ex.position, ex.equipment) == ("floor", "mat"), slug
        assert len(ex.instructions) >= 4 and len(ex.cues) >= 3, slug
        assert len(ex.cautions) >= 2, slug
        assert ex.reps * ex.hold_s >= 20 and 5 <= ex.hold_s <= 60, slug
        if ex.sides != "none":
            assert ex.side_labels[0] != ex.side_labels[1], slug
    assert catalog.exercises["side-plank-knees"].sides == "both"
    assert catalog.exercises["bird-dog"].sides == "alternate"


def test_back_strength_resolves_and_takes_eight_to_ten_minutes(catalog: Catalog) -> None:
    routine = catalog.routines["back-strength"]
    assert routine.name == "Back strength" and routine.origin == "builtin"
    assert catalog.missing_exercises(routine) == []
    slugs = [s.exercise.slug for s in catalog.resolve(routine)]
    assert set(slugs) == STRENGTH | {"glute-bridge"}
    assert 8 * 60 <= catalog.duration_s(routine) <= 10 * 60


def test_every_area_has_an_exercise_and_core_is_strengthening(catalog: Catalog) -> None:
    for area in AREAS:
        assert any(area in e.areas for e in catalog.exercises.values()), area
    core = {e.slug for e in catalog.exercises.values() if "core" in e.areas}
    assert core >= STRENGTH - {"clamshell"}


def test_the_planner_picks_strengthening_at_home(catalog: Catalog) -> None:
    picked: set[str] = set()
    for areas in (["core"], ["glutes"], ["core", "glutes", "lower-back"]):
        for seed in range(8):
            req = PlanRequest(minutes=8, areas=areas, where="home", seed=seed)
            p = plan(catalog, req)
            assert p.duration_s == req.budget_s and p.uncovered == []
            picked |= {s.step.exercise.slug for s in p.steps}
    assert picked >= STRENGTH
    only_core = plan(catalog, PlanRequest(minutes=5, areas=["core"], where="home"))
    assert {s.step.exercise.slug for s in only_core.steps} <= STRENGTH
    assert "needs a mat" in only_core.steps[0].why


def test_strengthening_doses_are_kept_and_never_planned_at_a_desk(catalog: Catalog) -> None:
    for seed in range(6):
        p = plan(catalog, PlanRequest(minutes=12, areas=["core"], where="home", seed=seed))
        for s in p.steps:
            if s.step.exercise.slug in STRENGTH:
                assert s.step.hold_s == s.step.exercise.hold_s
    desk = plan(catalog, PlanRequest(minutes=6, areas=["lower-back", "glutes"], where="desk"))
    assert not {s.step.exercise.slug for s in desk.steps} & STRENGTH
    own = PlanRequest(minutes=6, areas=["glutes"], where="home", equipment=["chair"])
    assert not {s.step.exercise.slug for s in plan(catalog, own).steps} & STRENGTH
    no_mat = PlanRequest(minutes=6, areas=["core"], where="home", equipment=["chair"])
    with pytest.raises(PlanError, match="at home: try adding mat to the equipment"):
        plan(catalog, no_mat)


def test_the_readme_counts_the_exercises(catalog: Catalog) -> None:
    readme = Path(__file__).parents[2] / "README.md"
    assert f"{len(catalog.exercises)} exercises" in readme.read_text(encoding="utf-8")
