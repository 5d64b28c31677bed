"""Exercises name what they may not suit (`avoid_with`), validated when the catalog loads."""

from __future__ import annotations

import pytest

from runback.core.profile import EXERCISE_CONTRAINDICATIONS
from runback.errors import ValidationError
from runback.services.catalog import _parse_exercise_file, load_builtin

EXERCISE = """[[exercises]]
slug = "my-fold"
name = "My fold"
areas = ["lower-back"]
position = "standing"
avoid_with = {avoid}
hold_s = 30
summary = "s"
instructions = ["a"]
"""


def test_shipped_exercises_carry_avoid_with_where_it_matters() -> None:
    exercises = load_builtin().exercises
    assert "osteoporosis" in exercises["roll-down"].avoid_with
    assert "hip-replacement" in exercises["hip-table-stretch"].avoid_with
    assert "hip-replacement" in exercises["clamshell"].avoid_with
    assert "pregnancy" in exercises["dead-bug"].avoid_with
    assert "pregnancy" in exercises["supine-twist"].avoid_with
    assert exercises["walk-around"].avoid_with == []
    for ex in exercises.values():
        assert set(ex.avoid_with) <= set(EXERCISE_CONTRAINDICATIONS), ex.slug


@pytest.mark.parametrize(
    ("avoid", "words"),
    [
        ('["knees"]', "my.toml line 6: exercises[0].avoid_with[0] is 'knees'"),
        # Recent surgery flags every exercise: an exercise never names it.
        ('["recent-surgery"]', "avoid_with[0] is 'recent-surgery'"),
        ('"pregnancy"', "my.toml line 6: exercises[0].avoid_with"),
    ],
)
def test_bad_avoid_with_names_file_line_and_field(avoid: str, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        _parse_exercise_file(EXERCISE.format(avoid=avoid), "my.toml")
    assert words in str(err.value)
    assert "hip-replacement" in str(err.value) or "list" in str(err.value)


def test_good_avoid_with_loads() -> None:
    [ex] = _parse_exercise_file(EXERCISE.format(avoid='["pregnancy", "osteoporosis"]'), "my.toml")
    assert ex.avoid_with == ["pregnancy", "osteoporosis"]
