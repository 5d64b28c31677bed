"""The first-day profile model, the "check first" flags and the planner's contraindications."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from runback.core.catalog import Catalog, Exercise
from runback.core.planner import PlanRequest, plan
from runback.core.profile import (
    CONTRAINDICATIONS,
    EXERCISE_DISCLAIMER,
    Profile,
    age_in,
    exercise_flag,
    left_out_by,
)


def ex(slug: str, avoid: list[str], position: str = "standing") -> Exercise:
    return Exercise.model_validate(
        {
            "slug": slug,
            "name": slug.replace("-", " ").title(),
            "areas": ["lower-back"],
            "position": position,
            "hold_s": 30,
            "summary": "s",
            "instructions": ["do it"],
            "avoid_with": avoid,
        }
    )


CATALOG = Catalog(
    [
        ex("fold", ["osteoporosis"]),
        ex("table-hip", ["hip-replacement"]),
        ex("supine-core", ["pregnancy"], position="floor"),
        ex("twist", ["osteoporosis", "pregnancy"]),
        ex("walk", []),
        ex("circles", []),
    ],
    [],
)


@pytest.mark.parametrize(
    ("mine", "gone"),
    [
        ([], set()),
        (["osteoporosis"], {"fold", "twist"}),
        (["hip-replacement"], {"table-hip"}),
        (["pregnancy"], {"supine-core", "twist"}),
        (
            ["pregnancy", "osteoporosis", "hip-replacement"],
            {"fold", "table-hip", "supine-core", "twist"},
        ),
        # Recent surgery applies to every exercise: it flags them all and leaves none out.
        (["recent-surgery"], set()),
    ],
)
def test_the_planner_leaves_out_what_the_profile_rules_out(mine: list[str], gone: set[str]) -> None:
    request = PlanRequest(minutes=10, where="home", contraindications=mine)
    made = plan(CATALOG, request)
    used = {s.step.exercise.slug for s in made.steps}
    assert not used & gone
    for slug in gone:
        name = CATALOG.exercises[slug].name
        assert any(
            line.startswith(f"{name}: left out because your profile mentions")
            for line in made.left_out
        )
    assert len([line for line in made.left_out if "profile" in line]) == len(gone)
    assert made.duration_s == request.budget_s


def test_planner_refuses_an_unknown_contraindication() -> None:
    with pytest.raises(ValidationError):
        PlanRequest(minutes=5, contraindications=["knees"])


def test_flags_say_check_first_and_never_diagnose() -> None:
    assert exercise_flag(["osteoporosis"], []) is None
    assert exercise_flag(["osteoporosis"], ["pregnancy"]) is None
    line = exercise_flag(["osteoporosis", "pregnancy"], ["pregnancy", "osteoporosis"])
    assert line == "Check with your physio first: your profile mentions pregnancy and osteoporosis."
    surgery = exercise_flag([], ["recent-surgery"])
    assert surgery is not None and surgery.startswith("Check with your surgeon or physio first")
    for text in (line, surgery, EXERCISE_DISCLAIMER):
        assert "you have" not in text.lower()
    assert "stop if anything hurts more than a mild, steady stretch" in EXERCISE_DISCLAIMER
    assert left_out_by(["osteoporosis"], ["recent-surgery", "osteoporosis"]) == ["osteoporosis"]


def test_profile_validates_its_vocabulary_and_age_errs_towards_caution() -> None:
    p = Profile(contraindications="pregnancy, Osteoporosis")
    assert p.contraindications == {"pregnancy", "osteoporosis"} and p.osteoporosis
    with pytest.raises(ValidationError, match="unknown knees"):
        Profile(contraindications=["knees"])
    with pytest.raises(ValidationError):
        Profile(sitting_hours=25)
    assert set(CONTRAINDICATIONS) == {
        "recent-surgery",
        "hip-replacement",
        "pregnancy",
        "osteoporosis",
    }
    # Born in 1975: 51 from 1 January 2026, whatever the day of birth (caution first).
    assert age_in(1975, date(2026, 1, 1)) == 51
    assert age_in(None, date(2026, 1, 1)) is None
