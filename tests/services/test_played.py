"""Starting a session under a client's key: once per key, whatever the resends or races."""

from __future__ import annotations

import pytest

from runback.core.catalog import Routine, RoutineStep
from runback.services import played
from runback.services.played import find_by_key, start_once
from runback.services.sessions import finish_session, list_sessions
from runback.services.store import LOCAL_USER_ID, Store

ROUTINE = Routine(
    slug="back-up-basics",
    name="Back-up basics",
    origin="builtin",
    steps=[RoutineStep(exercise="hip-table-stretch"), RoutineStep(exercise="roll-down")],
)


def _start(store: Store, key: str | None) -> tuple[int, bool]:
    return start_once(
        store,
        ROUTINE,
        "desk-break",
        user_id=LOCAL_USER_ID,
        client_key=key,
        steps_total=2,
        planned_s=60,
        state={"phase_index": 0, "remaining_s": 10.0, "paused": True},
    )


def test_the_same_key_finds_the_session_it_started(store: Store) -> None:
    first = _start(store, "phone0001abc")
    assert first[1] is False
    assert _start(store, "phone0001abc") == first
    assert len(list_sessions(store, user_id=LOCAL_USER_ID)) == 1


def test_a_finished_session_is_found_ended(store: Store) -> None:
    sid, _ = _start(store, "phone0001abc")
    finish_session(store, sid, completed=False, user_id=LOCAL_USER_ID)
    assert _start(store, "phone0001abc") == (sid, True)


def test_without_a_key_every_start_is_a_new_session(store: Store) -> None:
    assert _start(store, None)[0] != _start(store, None)[0]
    assert len(list_sessions(store, user_id=LOCAL_USER_ID)) == 2


def test_a_race_on_one_key_returns_the_other_sends_session(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    other, _ = _start(store, "phone0001abc")
    looks: list[str] = []

    def late_find(store: Store, *, user_id: int, client_key: str) -> tuple[int, bool] | None:
        # The first look misses (the other send had not committed yet); the store refuses the key.
        looks.append(client_key)
        if len(looks) == 1:
            return None
        return find_by_key(store, user_id=user_id, client_key=client_key)

    monkeypatch.setattr(played, "find_by_key", late_find)
    assert _start(store, "phone0001abc") == (other, False)
    assert len(looks) == 2
    assert len(list_sessions(store, user_id=LOCAL_USER_ID)) == 1
