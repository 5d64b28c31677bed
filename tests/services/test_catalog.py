"""The shipped catalog is valid and complete; broken routine files get messages with lines."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from runback.core.catalog import Catalog
from runback.core.vocab import AREAS
from runback.errors import NotFoundError, ValidationError
from runback.services.catalog import (
    MAX_ROUTINE_BYTES,
    load_builtin,
    parse_routine,
    read_routine_file,
)
from runback.services.toml_locate import TomlLocator

CORE_SIX = {
    "hip-table-stretch",
    "seated-upper-back-stretch",
    "roll-down",
    "walk-around",
    "shoulder-circles",
    "standing-back-extension",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_builtin()


def _data_files(kind: str) -> list[str]:
    folder = files("runback").joinpath("data", kind)
    return sorted(r.name for r in folder.iterdir() if r.name.endswith(".toml"))


def test_every_shipped_routine_file_is_valid_on_its_own(catalog: Catalog) -> None:
    names = _data_files("routines")
    assert len(names) >= 4
    for name in names:
        text = files("runback").joinpath("data", "routines", name).read_text(encoding="utf-8")
        routine = parse_routine(
            text, name, Catalog(list(catalog.exercises.values()), []), builtin=True
        )
        assert routine.origin == "builtin"
        assert f"{routine.slug}.toml" == name
        assert catalog.missing_exercises(routine) == []
        assert catalog.duration_s(routine) > 0


def test_every_shipped_exercise_is_complete(catalog: Catalog) -> None:
    assert len(_data_files("exercises")) >= 2
    for ex in catalog.exercises.values():
        assert ex.instructions and ex.cues and ex.summary, ex.slug
        assert 5 <= ex.hold_s <= 120, ex.slug
        if ex.sides != "none":
            assert ex.side_labels[0] != ex.side_labels[1], ex.slug
        assert ex.cautions and ex.source, ex.slug  # tests/services/test_catalog_content.py


def test_load_builtin_is_cached() -> None:
    assert load_builtin() is load_builtin()


def test_back_up_basics_is_exactly_the_three_stretches(catalog: Catalog) -> None:
    routine = catalog.routines["back-up-basics"]
    assert routine.name == "Back-up basics"
    assert [s.exercise for s in routine.steps] == [
        "hip-table-stretch",
        "seated-upper-back-stretch",
        "roll-down",
    ]
    hip, upper, roll = catalog.resolve(routine)
    assert hip.hold_total_s() + upper.hold_total_s() == 180
    assert (hip.hold_s, hip.sides, upper.hold_s, upper.sides) == (60, "both", 30, "alternate")
    assert hip.exercise.side_labels == ("left knee up", "right knee up")
    assert set(hip.exercise.areas) == {"lower-back", "hips"}
    assert (hip.exercise.position, hip.exercise.equipment) == ("standing", "table")
    assert upper.exercise.side_labels == ("right arm on top", "left arm on top")
    assert set(upper.exercise.areas) == {"upper-back", "mid-back"}
    assert (upper.exercise.position, upper.exercise.equipment) == ("seated", "chair")
    assert roll.exercise.kind == "movement"
    assert (roll.hold_s, roll.reps, roll.sides) == (20, 3, "none")
    assert (roll.exercise.position, roll.exercise.equipment) == ("standing", "none")


def test_desk_break_is_about_five_minutes(catalog: Catalog) -> None:
    routine = catalog.routines["desk-break"]
    assert [s.exercise for s in routine.steps] == [
        "walk-around",
        "shoulder-circles",
        "standing-back-extension",
    ]
    walk, circles, extension = catalog.resolve(routine)
    assert walk.exercise.kind == "movement" and walk.hold_s == 240
    assert circles.sides == "alternate" and circles.hold_s == 15
    assert circles.exercise.side_labels == ("forwards", "backwards")
    assert extension.hold_s == 20
    assert 270 <= catalog.duration_s(routine) <= 330  # break_min 5 by default
    assert all(s.exercise.position != "floor" for s in (walk, circles, extension))


def test_after_run_stretch_covers_the_mid_and_upper_back_standing(catalog: Catalog) -> None:
    routine = catalog.routines["after-run-stretch"]
    assert [s.exercise for s in routine.steps] == [
        "standing-calf-stretch",
        "standing-quad-stretch",
        "standing-hamstring-stretch",
        "standing-hip-flexor-stretch",
        "standing-back-extension",
        "standing-side-bend",
        "wall-angels",
    ]
    steps = catalog.resolve(routine)
    areas = {a for s in steps for a in s.exercise.areas}
    assert {"lower-back", "mid-back", "upper-back", "hamstrings"} <= areas
    assert all(s.exercise.position == "standing" for s in steps)  # no floor after a run
    assert 5 * 60 <= catalog.duration_s(routine) <= 8 * 60


def test_enough_exercises_for_every_area_and_for_the_desk(catalog: Catalog) -> None:
    others = set(catalog.exercises) - CORE_SIX
    assert len(others) >= 15
    expected = {
        "cat-cow",
        "childs-pose",
        "open-book-rotation",
        "thread-the-needle",
        "knee-to-chest",
        "figure-four-stretch",
        "seated-figure-four",
        "kneeling-hip-flexor-stretch",
        "standing-hamstring-stretch",
        "doorway-chest-stretch",
        "seated-twist",
        "glute-bridge",
        "standing-side-bend",
        "chair-thoracic-extension",
        "wall-angels",
        "neck-side-stretch",
        "supine-twist",
        "standing-quad-stretch",
    }
    assert expected <= others
    desk = [e for e in catalog.exercises.values() if e.position != "floor"]
    assert len(desk) >= 15
    for area in AREAS:
        assert any(area in e.areas for e in catalog.exercises.values()), area
    for area in ("lower-back", "mid-back", "upper-back", "neck-shoulders", "hips", "hamstrings"):
        assert sum(area in e.areas for e in desk) >= 2, area
    assert any(e.avoid_with_pain for e in catalog.exercises.values())


# -- broken user files -------------------------------------------------------------------------

GOOD = """\
slug = "my-routine"
name = "My routine"

[[steps]]
exercise = "cat-cow"
"""

BROKEN = [
    pytest.param(
        GOOD + '\n[[steps]]\nexercise = "cat-cows"\n',
        8,
        "steps[1].exercise 'cat-cows' is not in the catalog; did you mean 'cat-cow'? "
        "(runback routine list --exercises)",
        id="unknown-exercise",
    ),
    pytest.param(
        GOOD + '\n[[steps]]\nexercise = "zzzz-qqqq"\n',
        8,
        "steps[1].exercise 'zzzz-qqqq' is not in the catalog; (runback routine list",
        id="unknown-exercise-no-suggestion",
    ),
    pytest.param(
        GOOD + "hold_s = 2\n",
        6,
        "steps[0].hold_s is 2; use a whole number from 5 to 600 seconds",
        id="hold-too-short",
    ),
    pytest.param(
        GOOD + 'hold_s = "thirty"\n',
        6,
        "steps[0].hold_s is 'thirty'; use a whole number from 5 to 600 seconds",
        id="hold-not-a-number",
    ),
    pytest.param(
        GOOD + "hold_s = 30.5\n",
        6,
        "steps[0].hold_s is 30.5; use a whole number (no decimals)",
        id="hold-fraction",
    ),
    pytest.param(
        'slug = "mine"\nname = "Mine"\nsteps = [\n  { exercise = "cat-cow" },\n'
        '  { exercise = "childs-pose", hold_s = 9000 },\n]\n',
        5,
        "steps[1].hold_s is 9000; use a whole number from 5 to 600 seconds",
        id="hold-too-long-inline-table",
    ),
    pytest.param(
        GOOD + 'sides = "left"\n',
        6,
        "steps[0].sides is 'left'; use one of 'none', 'both' or 'alternate'",
        id="bad-sides",
    ),
    pytest.param(
        GOOD + "holds = 30\n",
        6,
        "steps[0].holds: unknown field 'holds'; did you mean 'hold_s'?",
        id="misspelt-field",
    ),
    pytest.param(
        'slug = "desk-break"\nname = "Mine"\n\n[[steps]]\nexercise = "cat-cow"\n',
        1,
        "slug 'desk-break' is already a built-in routine; choose another slug",
        id="clash-with-builtin",
    ),
    pytest.param(
        'slug = "mine"\n\n[[steps]]\nexercise = "cat-cow"\n',
        1,
        'name is missing; add name = "My routine"',
        id="missing-name",
    ),
    pytest.param(
        GOOD + "\n[[steps]]\nhold_s = 30\n",
        7,
        "steps[1].exercise is missing; add exercise =",
        id="missing-step-exercise",
    ),
    pytest.param(
        'slug = "My Routine"\nname = "Mine"\n\n[[steps]]\nexercise = "cat-cow"\n',
        1,
        "slug 'My Routine' is not a valid slug; use lowercase letters",
        id="bad-slug",
    ),
    pytest.param(
        'slug = "mine"\nname = "Mine"\nsteps = []\n',
        3,
        "steps is empty; add at least one [[steps]] table",
        id="no-steps",
    ),
    pytest.param(
        'slug = "mine"\nname = "Mine\n\n[[steps]]\nexercise = "cat-cow"\n',
        2,
        "TOML syntax error",
        id="syntax-unclosed-string",
    ),
    pytest.param(
        GOOD + "\n[[steps]\nexercise = 'cat-cow'\n",
        7,
        "TOML syntax error: Expected ']]'",
        id="syntax-bad-header",
    ),
    pytest.param(
        'origin = "builtin"\n' + GOOD,
        1,
        "origin 'builtin' is reserved",
        id="reserved-origin",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_broken_file_names_file_line_and_fix(text: str, line: int, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_routine(text, "/home/me/routine.toml")
    assert info.value.source == "/home/me/routine.toml"
    assert f"routine.toml line {line}: {message}" in str(info.value), str(info.value)


INLINE_EXERCISE = """
[[exercises]]
slug = "{slug}"
name = "My stretch"
areas = ["mid-back"]
position = "seated"
hold_s = 20
summary = "A stretch of my own."
instructions = ["Sit.", "Stretch."]
"""


def test_inline_exercise_problems_are_all_reported_in_line_order() -> None:
    text = (
        'slug = "mine"\nname = "Mine"\n\n[[steps]]\nexercise = "my-stretch"\n'
        + INLINE_EXERCISE.format(slug="my-stretch")
        + INLINE_EXERCISE.format(slug="my-stretch")
        + INLINE_EXERCISE.format(slug="cat-cow").replace('"mid-back"', '"back"')
    )
    with pytest.raises(ValidationError) as info:
        parse_routine(text, "routine.toml")
    problems = info.value.problems
    assert len(problems) == 3, problems
    assert problems[0].startswith("routine.toml line 17: exercises[1].slug 'my-stretch' is defined")
    assert problems[1].startswith("routine.toml line 26: exercises[2].slug 'cat-cow' is already")
    assert problems[2].startswith("routine.toml line 28: exercises[2].areas[0] is 'back'; use one")


def test_inline_exercise_is_accepted_and_resolvable() -> None:
    text = (
        'slug = "mine"\nname = "Mine"\n\n[[steps]]\nexercise = "my-stretch"\n'
        + INLINE_EXERCISE.format(slug="my-stretch")
    )
    routine = parse_routine(text, "routine.toml")
    assert load_builtin().duration_s(routine) == 28  # 8 s to sit down, a 20 s hold


def test_locator_handles_comments_multiline_strings_and_inline_tables() -> None:
    text = '''# [[steps]] in a comment is not a table
slug = "x"  # trailing comment
description = """
[[steps]] inside a string
"""
"quoted key" = 1
a.b = 2
steps = [
  { exercise = "cat-cow" }, # first
  { exercise = "childs-pose",
    hold_s = 3 },
]

[[exercises]]
slug = "e1"
instructions = [
  "one",
  "two",
]
[[exercises]]
slug = "e2"
'''
    where = TomlLocator(text)
    assert where.line_of(("slug",)) == 2
    assert where.line_of(("description",)) == 3
    assert where.line_of(("quoted key",)) == 6
    assert where.line_of(("a", "b")) == 7
    assert where.line_of(("steps", 0, "exercise")) == 9
    assert where.line_of(("steps", 1, "hold_s")) == 11
    assert where.line_of(("exercises", 0, "instructions", 1)) == 18
    assert where.line_of(("exercises", 1, "slug")) == 21
    assert where.line_of(("exercises", 1, "missing")) == 20
    assert where.line_of(("nothing",)) is None


def test_read_routine_file_refuses_missing_huge_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such file"):
        read_routine_file(tmp_path / "nope.toml")
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_ROUTINE_BYTES + 1))
    with pytest.raises(ValidationError, match=r"big\.toml is \d+ bytes"):
        read_routine_file(big)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"slug = '\xff\xfe'")
    with pytest.raises(ValidationError, match="not UTF-8"):
        read_routine_file(binary)
    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff".encode() + GOOD.encode())
    assert parse_routine(read_routine_file(bom), str(bom)).slug == "my-routine"


def test_broken_builtin_exercise_file_names_file_line_and_field() -> None:
    from runback.services.catalog import _parse_exercise_file

    text = (
        '[[exercises]]\nslug = "a"\nname = "A"\nareas = ["hips"]\nposition = "floor"\n'
        'hold_s = 30\nsummary = "s"\ninstructions = ["x"]\n\n[[exercises]]\nslug = "b"\n'
        'name = "B"\nareas = ["hips"]\nposition = "lying"\nhold_s = 30\nsummary = "s"\n'
        'instructions = ["x"]\n'
    )
    with pytest.raises(ValidationError) as info:
        _parse_exercise_file(text, "runback/data/exercises/hips.toml")
    assert info.value.problems == [
        "hips.toml line 14: exercises[1].position is 'lying'; use one of 'standing', "
        "'seated' or 'floor'"
    ]


def test_a_routine_of_too_many_steps_is_refused_by_field(tmp_path: Path) -> None:
    from runback.core.catalog import MAX_ROUTINE_STEPS

    steps = '\n[[steps]]\nexercise = "cat-cow"\n' * (MAX_ROUTINE_STEPS + 1)
    path = tmp_path / "long.toml"
    path.write_text(f'slug = "long"\nname = "Long"\n{steps}')
    with pytest.raises(ValidationError) as info:
        parse_routine(read_routine_file(path), str(path))
    assert "long.toml" in str(info.value) and "steps" in str(info.value)
    assert "60" in str(info.value)
