"""Uploads reach the services as bytes and a name; routines are replaced by one service."""

from __future__ import annotations

import pytest

from runback.core.catalog import RoutineStep
from runback.errors import ValidationError
from runback.services.catalog import MAX_ROUTINE_BYTES
from runback.services.programmes import MAX_PROGRAMME_BYTES, import_programme_bytes
from runback.services.routines import (
    create_routine,
    export_routine,
    get_routine,
    import_routine_bytes,
    list_routines,
    save_routine,
)
from runback.services.store import Store


def test_routine_bytes_import_like_a_file(store: Store) -> None:
    create_routine(store, "Lunch", [RoutineStep(exercise="seated-twist")], user_id=1)
    data = export_routine(store, "lunch", user_id=1).replace('name = "Lunch"', 'name = "Lunch two"')
    result = import_routine_bytes(store, data.encode(), "lunch.toml", replace=True, user_id=1)
    assert (result.action, get_routine(store, "lunch", user_id=1).name) == ("replaced", "Lunch two")


def test_routine_bytes_refused_with_the_upload_name(store: Store) -> None:
    before = list_routines(store, user_id=1)
    with pytest.raises(ValidationError) as caught:
        import_routine_bytes(store, b"\xff\xfe", "mine.toml", user_id=1)
    assert caught.value.source == "mine.toml"
    assert caught.value.problems == ["mine.toml: not UTF-8 text (byte 0); save it as UTF-8"]
    too_big = b"#" * (MAX_ROUTINE_BYTES + 1)
    with pytest.raises(ValidationError, match=r"mine\.toml is"):
        import_routine_bytes(store, too_big, "mine.toml", user_id=1)
    assert list_routines(store, user_id=1) == before


def test_programme_bytes_refused_with_the_upload_name(store: Store) -> None:
    with pytest.raises(ValidationError) as caught:
        import_programme_bytes(store, b"\xff", "physio.toml", user_id=1)
    assert (caught.value.source, caught.value.problems) == (
        "physio.toml",
        ["not UTF-8 text; save it as UTF-8"],
    )
    with pytest.raises(ValidationError, match="larger than"):
        import_programme_bytes(store, b"#" * (MAX_PROGRAMME_BYTES + 1), "p.toml", user_id=1)


def test_save_routine_replaces_the_users_own_and_never_a_builtin(store: Store) -> None:
    save_routine(store, "Lunch", [{"exercise": "seated-twist"}], user_id=1)
    replaced = save_routine(
        store, "Lunch", [{"exercise": "cat-cow"}], replace_slug="lunch", user_id=1
    )
    assert [s.exercise for s in replaced.steps] == ["cat-cow"]
    with pytest.raises(ValidationError, match="built-in"):
        save_routine(store, "Mine", [{"exercise": "cat-cow"}], replace_slug="desk-break", user_id=1)
