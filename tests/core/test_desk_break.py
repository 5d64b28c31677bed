"""The Desk break's walk follows the break length; its one-line brief."""

from __future__ import annotations

import pytest

from runback.core.catalog import Catalog
from runback.core.desk_break import MAX_HOLD_S, brief, dose
from runback.services.catalog import load_builtin


@pytest.fixture
def catalog() -> Catalog:
    return load_builtin()


@pytest.mark.parametrize(
    ("break_min", "walk_s", "reps"), [(1, 60, 1), (3, 120, 1), (5, 240, 1), (30, 580, 3)]
)
def test_walk_is_the_break_less_a_minute(
    catalog: Catalog, break_min: int, walk_s: int, reps: int
) -> None:
    routine = dose(catalog.routines["desk-break"], break_min)
    walk, circles, bend = catalog.resolve(routine)
    assert (walk.hold_s, walk.reps) == (walk_s, reps) and walk.hold_s <= MAX_HOLD_S
    assert walk.hold_total_s() >= (max(1, break_min - 1) * 60) - 60
    # The rest of the routine is untouched.
    assert (circles.hold_s, bend.hold_s) == (15, 20)
    assert routine.steps[1:] == catalog.routines["desk-break"].steps[1:]


def test_brief_says_what_to_do(catalog: Catalog) -> None:
    routine = dose(catalog.routines["desk-break"], 5)
    assert brief(routine, catalog.resolve(routine)) == (
        "Walk for 4 min, 10 shoulder circles each way, one standing back bend."
    )
    longer = dose(catalog.routines["desk-break"], 9)
    assert brief(longer, catalog.resolve(longer)).startswith("Walk for 8 min, ")
