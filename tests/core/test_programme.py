"""The programme model: routine conversion, TOML export, weekly adherence."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from runback.core.catalog import Catalog, Exercise
from runback.core.programme import (
    Prescribed,
    Programme,
    programme_routine_slug,
    to_routine,
    to_toml,
    week_adherence,
)

CUSTOM = Exercise(
    slug="clam",
    name="Clam",
    areas=["hips"],
    position="floor",
    hold_s=5,
    reps=10,
    summary="Open the knee.",
    instructions=["Lie on your side.", "Open the top knee."],
)
CATALOG = Catalog(
    [
        Exercise(
            slug="pelvic-tilt",
            name="Pelvic tilt",
            areas=["lower-back"],
            position="floor",
            hold_s=5,
            reps=10,
            summary="Tilt.",
            instructions=["Tilt."],
        )
    ],
    [],
)


def programme(**kw: object) -> Programme:
    """Return a valid programme with overrides."""
    data: dict[str, object] = {
        "name": "Back, phase 1",
        "start": date(2026, 1, 5),
        "times_per_day": 2,
        "notes": "Line one\nLine 'two' with \"quotes\" and a \\ backslash",
        "prescription": [
            Prescribed(exercise="pelvic-tilt", sets=2, rest_s=20, notes="slowly"),
            Prescribed(exercise="clam", reps=12, sides="both"),
        ],
        "exercises": [CUSTOM],
    }
    data.update(kw)
    return Programme.model_validate(data)


def test_routine_has_one_step_per_set_and_rest_between_sets() -> None:
    r = to_routine(programme(), CATALOG)
    assert r.origin == "physio"
    assert r.slug == programme_routine_slug(programme()) == "physio-back-phase-1"
    assert [s.exercise for s in r.steps] == ["pelvic-tilt", "pelvic-tilt", "clam"]
    assert [s.rest_s for s in r.steps] == [20, 0, 0]
    assert r.steps[0].note == "set 1 of 2 — slowly"
    assert CATALOG.duration_s(r) > 0
    assert "2×/day, every day" in r.description


def test_toml_export_round_trips() -> None:
    p = programme(review=date(2026, 2, 2), clinician='Dr "Q"')
    text = to_toml(p)
    assert Programme.model_validate(tomllib.loads(text)) == p


def test_review_before_start_is_refused() -> None:
    with pytest.raises(ValidationError, match="before the start date"):
        programme(review=date(2026, 1, 1))


def test_week_adherence_caps_per_day_and_per_week() -> None:
    p = programme(days_per_week=5)
    monday = date(2026, 1, 5)
    done = {monday: 5, monday + timedelta(days=1): 1, monday + timedelta(days=2): 2}
    week = week_adherence(p, monday, done)
    assert week.prescribed == 10
    assert week.done == 5  # 2 + 1 + 2: the five on Monday count as two
    assert week.summary(p) == "prescribed 2×/day, 5 days a week, done 5 of 10"


def test_week_before_start_prescribes_only_active_days() -> None:
    p = programme(start=date(2026, 1, 8))  # a Thursday
    week = week_adherence(p, date(2026, 1, 5), {date(2026, 1, 5): 2})
    assert week.prescribed == 8
    assert week.done == 0
