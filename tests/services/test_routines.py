"""Routine use cases against a real SQLite file: list, import, create, export, delete."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from runback.core.catalog import RoutineStep
from runback.core.clock import FakeClock
from runback.errors import NotFoundError, RunbackError, ValidationError
from runback.services.catalog import load_builtin, parse_routine
from runback.services.routines import (
    create_routine,
    delete_routine,
    export_routine,
    get_routine,
    import_routine,
    import_routine_text,
    list_routines,
    routine_name,
    routine_to_toml,
    slugify,
    user_catalog,
)
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import RoutineRow, UserRow

DOC = Path(__file__).resolve().parents[2] / "docs" / "routine-format.md"

MINE = """\
slug = "my-morning"
name = "My morning"
description = "Before coffee."

[[steps]]
exercise = "cat-cow"
hold_s = 30

[[steps]]
exercise = "my-twist"
rest_s = 10

[[exercises]]
slug = "my-twist"
name = "My twist"
areas = ["mid-back"]
position = "seated"
equipment = "chair"
hold_s = 20
sides = "both"
side_labels = ["turn \\"left\\"", "turn right"]
summary = "A twist my physio showed me."
instructions = ["Sit tall.", "Turn gently — no forcing."]
"""


def _rows(store: Store) -> list[tuple[Any, ...]]:
    with store.factory() as session:
        rows = session.scalars(select(RoutineRow).order_by(RoutineRow.id))
        return [(r.user_id, r.slug, r.name, r.origin, r.body, r.updated_at) for r in rows]


def _write(tmp_path: Path, text: str, name: str = "routine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_list_has_builtins_with_durations(store: Store) -> None:
    items = {i.slug: i for i in list_routines(store, user_id=LOCAL_USER_ID)}
    assert {"back-up-basics", "desk-break"} <= set(items)
    assert items["back-up-basics"].duration_s == 285
    assert items["back-up-basics"].builtin and items["back-up-basics"].steps == 3


def test_import_then_list_show_and_catalog(store: Store, tmp_path: Path) -> None:
    result = import_routine(store, _write(tmp_path, MINE), user_id=LOCAL_USER_ID)
    assert result.action == "created"
    # Getting ready: 12 s down to the floor for cat-cow, 8 s to sit for the twist.
    assert result.duration_s == 12 + 30 + (8 + 20 + 5 + 20 + 10)
    items = list_routines(store, user_id=LOCAL_USER_ID)
    assert items[-1].slug == "my-morning" and not items[-1].builtin
    assert items[-1].duration_s == result.duration_s
    assert get_routine(store, "my-morning", user_id=LOCAL_USER_ID) == result.routine
    catalog = user_catalog(store, user_id=LOCAL_USER_ID)
    assert "my-twist" in catalog.exercises
    assert catalog.exercises["cat-cow"] is load_builtin().exercises["cat-cow"]
    assert "my-morning" in catalog.routines
    [(user_id, slug, name, origin, body, _)] = _rows(store)
    assert (user_id, slug, name, origin) == (LOCAL_USER_ID, "my-morning", "My morning", "user")
    assert body["steps"][1]["rest_s"] == 10


def test_reimport_needs_replace_and_then_updates(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    path = _write(tmp_path, MINE)
    import_routine(store, path, user_id=LOCAL_USER_ID)
    before = _rows(store)
    changed = _write(tmp_path, MINE.replace('name = "My morning"', 'name = "Mornings"'))
    with pytest.raises(ValidationError) as info:
        import_routine(store, changed, user_id=LOCAL_USER_ID)
    assert "routine.toml line 1: you already have a routine 'my-morning'" in str(info.value)
    assert "--replace" in str(info.value)
    assert _rows(store) == before
    clock.advance(300)
    result = import_routine(store, changed, replace=True, user_id=LOCAL_USER_ID)
    assert result.action == "replaced"
    [row] = _rows(store)
    assert row[2] == "Mornings" and row[5] == clock.now()


@pytest.mark.parametrize(
    "broken",
    [
        MINE.replace('exercise = "cat-cow"', 'exercise = "cat-cows"'),
        MINE.replace("hold_s = 30", "hold_s = 3"),
        MINE.replace('name = "My morning"', 'name = "My morning'),
        MINE.replace('slug = "my-twist"', 'slug = "cat-cow"'),
        MINE.replace('"mid-back"', '"back"'),
    ],
    ids=["unknown-exercise", "bad-hold", "syntax", "inline-clash", "bad-area"],
)
def test_failed_import_leaves_stored_routines_unchanged(
    store: Store, tmp_path: Path, broken: str
) -> None:
    import_routine(store, _write(tmp_path, MINE), user_id=LOCAL_USER_ID)
    import_routine(
        store,
        _write(tmp_path, MINE.replace("my-morning", "other"), "other.toml"),
        user_id=LOCAL_USER_ID,
    )
    before = _rows(store)
    with pytest.raises(ValidationError) as info:
        import_routine(
            store, _write(tmp_path, broken, "broken.toml"), replace=True, user_id=LOCAL_USER_ID
        )
    assert re.search(r"broken\.toml line \d+: ", str(info.value))
    assert _rows(store) == before


def test_import_refuses_builtin_slug_and_missing_file(store: Store, tmp_path: Path) -> None:
    text = export_routine(store, "back-up-basics", user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="already a built-in routine"):
        import_routine_text(store, text, "export.toml", user_id=LOCAL_USER_ID)
    with pytest.raises(NotFoundError):
        import_routine(store, tmp_path / "missing.toml", user_id=LOCAL_USER_ID)
    assert _rows(store) == []


def test_export_import_round_trip(store: Store, tmp_path: Path) -> None:
    original = import_routine(store, _write(tmp_path, MINE), user_id=LOCAL_USER_ID).routine
    text = export_routine(store, "my-morning", user_id=LOCAL_USER_ID)
    assert parse_routine(text, "export.toml") == original
    again = import_routine_text(store, text, "export.toml", replace=True, user_id=LOCAL_USER_ID)
    assert again.routine == original
    # Every built-in routine survives the trip under a new slug.
    for slug in load_builtin().routines:
        exported = export_routine(store, slug, user_id=LOCAL_USER_ID).replace(
            f'slug = "{slug}"', f'slug = "my-{slug}"'
        )
        mine = import_routine_text(store, exported, f"{slug}.toml", user_id=LOCAL_USER_ID).routine
        assert mine.steps == load_builtin().routines[slug].steps
        assert mine.origin == "user"


def test_toml_writer_escapes_awkward_text() -> None:
    routine = parse_routine(MINE, "mine.toml").model_copy(
        update={"description": 'Line one\nline "two" \\ tab\there — ünïcode', "origin": "physio"}
    )
    back = parse_routine(routine_to_toml(routine), "back.toml")
    assert back == routine


def test_create_routine(store: Store) -> None:
    routine = create_routine(
        store,
        "Quick: lunch!",
        [RoutineStep(exercise="seated-twist"), {"exercise": "neck-side-stretch", "hold_s": 20}],
        user_id=LOCAL_USER_ID,
    )
    assert routine.slug == "quick-lunch"
    assert get_routine(store, "quick-lunch", user_id=LOCAL_USER_ID).steps[1].hold_s == 20
    with pytest.raises(ValidationError, match="you already have a routine 'quick-lunch'"):
        create_routine(
            store, "Quick lunch", [RoutineStep(exercise="seated-twist")], user_id=LOCAL_USER_ID
        )
    with pytest.raises(ValidationError) as info:
        create_routine(
            store,
            "Bad",
            [{"exercise": "seated-twits"}, {"exercise": "cat-cow", "hold_s": 2}],
            user_id=LOCAL_USER_ID,
        )
    assert info.value.problems == [
        "new routine: steps[0].exercise 'seated-twits' is not in the catalog; did you mean "
        "'seated-twist'? (runback routine list --exercises)",
        "new routine: steps[1].hold_s is 2; use a whole number from 5 to 600 seconds",
    ]
    with pytest.raises(ValidationError, match="already a built-in routine"):
        create_routine(
            store, "Desk break", [RoutineStep(exercise="cat-cow")], user_id=LOCAL_USER_ID
        )
    assert [r[1] for r in _rows(store)] == ["quick-lunch"]


def test_slugify() -> None:
    assert slugify("  Évening — Unwind 2 ") == "vening-unwind-2"
    assert slugify("!!!") == "my-routine"
    assert len(slugify("a" * 200)) == 80


def test_delete(store: Store, tmp_path: Path) -> None:
    import_routine(store, _write(tmp_path, MINE), user_id=LOCAL_USER_ID)
    with pytest.raises(RunbackError, match="built-in routine and cannot be deleted"):
        delete_routine(store, "desk-break", user_id=LOCAL_USER_ID)
    with pytest.raises(NotFoundError):
        delete_routine(store, "nope", user_id=LOCAL_USER_ID)
    delete_routine(store, "my-morning", user_id=LOCAL_USER_ID)
    assert _rows(store) == []
    with pytest.raises(NotFoundError, match="no routine 'my-morning'"):
        get_routine(store, "my-morning", user_id=LOCAL_USER_ID)


def test_get_routine_suggests_close_slug(store: Store) -> None:
    with pytest.raises(NotFoundError, match="did you mean 'desk-break'"):
        get_routine(store, "desk-brake", user_id=LOCAL_USER_ID)


def test_users_see_only_their_own_routines(store: Store, tmp_path: Path) -> None:
    with store.tx() as session:
        session.add(UserRow(id=2, zone="UTC", prefs={}, created_at=store.clock.now()))
    import_routine(store, _write(tmp_path, MINE), user_id=2)
    import_routine(
        store, _write(tmp_path, MINE), user_id=LOCAL_USER_ID
    )  # same slug, other user: no clash
    assert "my-morning" in user_catalog(store, user_id=2).routines
    delete_routine(store, "my-morning", user_id=2)
    assert "my-morning" in user_catalog(store, user_id=LOCAL_USER_ID).routines
    assert "my-morning" not in user_catalog(store, user_id=2).routines


def test_documented_example_is_valid() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        routine = parse_routine(block, "routine-format.md")
        assert load_builtin().duration_s(routine) > 0


def test_routine_name_for_builtin_own_and_unknown(store: Store) -> None:
    create_routine(
        store, "Quick lunch", [RoutineStep(exercise="seated-twist")], user_id=LOCAL_USER_ID
    )
    assert routine_name(store, "back-up-basics", user_id=LOCAL_USER_ID) == "Back-up basics"
    assert routine_name(store, "quick-lunch", user_id=LOCAL_USER_ID) == "Quick lunch"
    assert routine_name(store, "quick-lunch", user_id=999) == "quick-lunch"
    assert routine_name(store, "no-such-routine", user_id=LOCAL_USER_ID) == "no-such-routine"


def test_desk_break_follows_the_break_length(store: Store) -> None:
    from runback.services import breaks
    from runback.services.routines import desk_break, desk_break_brief, get_routine

    def walk_s() -> int:
        return (
            user_catalog(store, user_id=LOCAL_USER_ID)
            .resolve(get_routine(store, "desk-break", user_id=LOCAL_USER_ID))[0]
            .hold_total_s()
        )

    assert walk_s() == 240
    assert desk_break_brief(store, user_id=LOCAL_USER_ID).startswith("Walk for 4 min, ")
    breaks.set_prefs(store, {"break_min": 8}, merge=True, user_id=LOCAL_USER_ID)
    assert walk_s() == 420
    assert desk_break(store, user_id=LOCAL_USER_ID) == get_routine(
        store, "desk-break", user_id=LOCAL_USER_ID
    )
    assert desk_break_brief(store, user_id=LOCAL_USER_ID) == (
        "Walk for 7 min, 10 shoulder circles each way, one standing back bend."
    )
    listed = {r.slug: r.duration_s for r in list_routines(store, user_id=LOCAL_USER_ID)}
    assert 480 <= listed["desk-break"] <= 540
