"""Settings change as one use case: every part stored together, or nothing."""

from __future__ import annotations

from typing import Any

import pytest

from runback.errors import ValidationError
from runback.services.accounts import Targets, get_account, get_targets
from runback.services.breaks import get_prefs
from runback.services.player import PlayerPrefs, get_player_prefs
from runback.services.store import Store
from runback.services.user_settings import update_settings


class _Unstorable(PlayerPrefs):
    """Player settings that fail when written (the last part of the change)."""

    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("disk trouble")


def test_every_part_is_stored(store: Store) -> None:
    update_settings(
        store,
        user_id=1,
        zone="Europe/Berlin",
        targets=Targets(days_per_week=3),
        reminders={"interval_min": 40},
        player=PlayerPrefs(extra_ready_s=5),
    )
    assert get_account(store, user_id=1).zone == "Europe/Berlin"
    assert get_targets(store, user_id=1).days_per_week == 3
    assert get_prefs(store, user_id=1).interval_min == 40
    assert get_player_prefs(store, user_id=1).extra_ready_s == 5


def test_a_failure_in_the_last_part_leaves_nothing_changed(store: Store) -> None:
    def now() -> tuple[object, ...]:
        return (
            get_account(store, user_id=1).zone,
            get_targets(store, user_id=1),
            get_prefs(store, user_id=1),
        )

    before = now()
    with pytest.raises(RuntimeError, match="disk trouble"):
        update_settings(
            store,
            user_id=1,
            zone="Europe/Berlin",
            targets=Targets(days_per_week=3),
            reminders={"interval_min": 40},
            player=_Unstorable(extra_ready_s=5),
        )
    assert now() == before


def test_bad_fields_are_all_named_and_nothing_stored(store: Store) -> None:
    zone = get_account(store, user_id=1).zone
    with pytest.raises(ValidationError) as caught:
        update_settings(store, user_id=1, zone="Nowhere/Else", reminders={"interval_min": -1})
    problems = "; ".join(caught.value.problems)
    assert "zone" in problems
    assert "reminders.interval_min" in problems
    assert get_account(store, user_id=1).zone == zone
