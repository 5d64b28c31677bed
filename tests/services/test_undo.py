"""Mistakes can be undone: sessions, pain and breaks edited or deleted, by their owner only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from runback.core.catalog import RoutineStep
from runback.core.clock import FakeClock
from runback.core.timezones import local_date
from runback.errors import InUseError, NotFoundError, ValidationError
from runback.services import breaks
from runback.services.pain import delete_pain, get_pain, log_pain, pain_history, update_pain
from runback.services.programmes import import_programme
from runback.services.routines import create_routine, delete_routine, get_routine, routine_uses
from runback.services.sessions import (
    delete_session,
    finish_session,
    get_session,
    recent_sessions,
    start_session,
    update_session,
)
from runback.services.slots import change_slot
from runback.services.store import LOCAL_USER_ID, Store
from runback.services.streaks import streaks
from runback.storage.models import BreakRow, UserRow

OTHER = 2


@pytest.fixture(autouse=True)
def _other_user(store: Store, clock: FakeClock) -> None:
    with store.tx() as s:
        s.add(UserRow(id=OTHER, zone="UTC", prefs={}, created_at=clock.now()))


def _done_session(store: Store, slug: str = "back-up-basics", context: str = "other") -> int:
    routine = get_routine(store, slug, user_id=LOCAL_USER_ID)
    sid = start_session(store, routine, context, user_id=LOCAL_USER_ID)
    store.clock.advance(300)  # type: ignore[attr-defined]
    every = [step.exercise for step in routine.steps]
    finish_session(store, sid, completed=True, steps_done=every, user_id=LOCAL_USER_ID)
    return sid


def _today(store: Store) -> object:
    return local_date(store.clock.now(), "Europe/Berlin")


# ---- sessions ------------------------------------------------------------------------------


def test_deleting_todays_only_session_drops_practice_and_streak(store: Store) -> None:
    sid = _done_session(store)
    before = streaks(store, _today(store), user_id=LOCAL_USER_ID)  # type: ignore[arg-type]
    assert before.practiced_today and before.current == 1
    delete_session(store, sid, user_id=LOCAL_USER_ID)
    after = streaks(store, _today(store), user_id=LOCAL_USER_ID)  # type: ignore[arg-type]
    assert not after.practiced_today and after.current == 0
    assert recent_sessions(store, user_id=LOCAL_USER_ID) == []
    with pytest.raises(NotFoundError, match=f"no session {sid}"):
        get_session(store, sid, user_id=LOCAL_USER_ID)


def test_deleting_a_desk_break_session_keeps_its_break_unlinked(store: Store) -> None:
    sid = _done_session(store, "desk-break", "desk-break")
    with store.factory() as s:
        (brk,) = s.scalars(select(BreakRow)).all()
        assert brk.session_id == sid
    delete_session(store, sid, user_id=LOCAL_USER_ID)
    (kept,) = breaks.list_breaks(store, user_id=LOCAL_USER_ID)
    assert kept.id == brk.id and kept.outcome == "taken" and kept.session_id is None


def test_update_session_changes_enjoyment_context_and_moves_the_whole_session(
    store: Store, clock: FakeClock
) -> None:
    sid = _done_session(store)
    old = get_session(store, sid, user_id=LOCAL_USER_ID)
    earlier = old.started_at - timedelta(hours=2)
    new = update_session(
        store,
        sid,
        user_id=LOCAL_USER_ID,
        enjoyment=4,
        context="after-run",
        started_at=earlier,
    )
    assert (new.enjoyment, new.context, new.started_at) == (4, "after-run", earlier)
    assert new.ended_at is not None and old.ended_at is not None
    assert new.ended_at - new.started_at == old.ended_at - old.started_at
    # Nothing given: nothing changes.
    assert update_session(store, sid, user_id=LOCAL_USER_ID) == new


def test_update_session_refuses_bad_values_naming_the_field(store: Store, clock: FakeClock) -> None:
    sid = _done_session(store)
    with pytest.raises(ValidationError, match="enjoyment"):
        update_session(store, sid, user_id=LOCAL_USER_ID, enjoyment=9)
    with pytest.raises(ValidationError, match="context"):
        update_session(store, sid, user_id=LOCAL_USER_ID, context="in-bed")
    with pytest.raises(ValidationError, match="started_at"):
        update_session(
            store, sid, user_id=LOCAL_USER_ID, started_at=clock.now() + timedelta(hours=1)
        )
    assert get_session(store, sid, user_id=LOCAL_USER_ID).enjoyment is None


def test_someone_elses_session_cannot_be_edited_or_deleted(store: Store) -> None:
    sid = _done_session(store)
    with pytest.raises(NotFoundError):
        update_session(store, sid, user_id=OTHER, enjoyment=1)
    with pytest.raises(NotFoundError):
        delete_session(store, sid, user_id=OTHER)
    assert get_session(store, sid, user_id=LOCAL_USER_ID).enjoyment is None


# ---- pain ----------------------------------------------------------------------------------


def test_update_pain_changes_the_entry_and_triages_again(store: Store) -> None:
    logged = log_pain(
        store, region="lower-back", intensity=3, notes="after hills", user_id=LOCAL_USER_ID
    )
    assert logged.advice.level == "self-care"
    entry_id = logged.entry.id
    changed = update_pain(
        store, entry_id, user_id=LOCAL_USER_ID, intensity=5, region="hips", notes=" stiff "
    )
    assert (changed.entry.intensity, changed.entry.region, changed.entry.notes) == (
        5,
        "hips",
        "stiff",
    )
    # A warning sign added later gets the advice it calls for.
    flagged = update_pain(store, entry_id, user_id=LOCAL_USER_ID, red_flags=["saddle-numbness"])
    assert flagged.advice.level == "emergency"
    assert get_pain(store, entry_id, user_id=LOCAL_USER_ID).red_flags == ["saddle-numbness"]
    cleared = update_pain(store, entry_id, user_id=LOCAL_USER_ID, red_flags=[])
    assert cleared.advice.level != "emergency"


def test_update_pain_refuses_bad_values_and_changes_nothing(store: Store) -> None:
    entry_id = log_pain(store, region="lower-back", intensity=3, user_id=LOCAL_USER_ID).entry.id
    with pytest.raises(ValidationError, match="intensity"):
        update_pain(store, entry_id, user_id=LOCAL_USER_ID, intensity=11, region="hips")
    with pytest.raises(ValidationError, match="red flag"):
        update_pain(store, entry_id, user_id=LOCAL_USER_ID, red_flags=["nope"])
    entry = get_pain(store, entry_id, user_id=LOCAL_USER_ID)
    assert (entry.intensity, entry.region) == (3, "lower-back")


def test_delete_pain_and_owner_check(store: Store) -> None:
    entry_id = log_pain(store, region="lower-back", intensity=3, user_id=LOCAL_USER_ID).entry.id
    for call in (
        lambda: delete_pain(store, entry_id, user_id=OTHER),
        lambda: update_pain(store, entry_id, user_id=OTHER, intensity=1),
        lambda: get_pain(store, entry_id, user_id=OTHER),
    ):
        with pytest.raises(NotFoundError, match=f"no pain entry {entry_id}"):
            call()
    delete_pain(store, entry_id, user_id=LOCAL_USER_ID)
    assert pain_history(store, user_id=LOCAL_USER_ID) == []


# ---- breaks --------------------------------------------------------------------------------


def test_break_outcome_edit_and_delete_follow_into_the_summary(
    store: Store, clock: FakeClock
) -> None:
    break_id = breaks.log_break(store, clock.now(), "taken", user_id=LOCAL_USER_ID)
    assert breaks.summary(store, user_id=LOCAL_USER_ID).today.taken == 1
    entry = breaks.update_break(store, break_id, user_id=LOCAL_USER_ID, outcome="skipped")
    assert entry.outcome == "skipped"
    today = breaks.summary(store, user_id=LOCAL_USER_ID).today
    assert (today.taken, today.skipped) == (0, 1)
    breaks.delete_break(store, break_id, user_id=LOCAL_USER_ID)
    assert breaks.summary(store, user_id=LOCAL_USER_ID).today.skipped == 0
    assert breaks.list_breaks(store, user_id=LOCAL_USER_ID) == []


def test_break_edit_refuses_bad_values_and_other_users(store: Store, clock: FakeClock) -> None:
    break_id = breaks.log_break(store, clock.now(), "taken", user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="outcome: 'napped'"):
        breaks.update_break(store, break_id, user_id=LOCAL_USER_ID, outcome="napped")
    with pytest.raises(ValidationError, match=r"at: .* future"):
        breaks.update_break(
            store, break_id, clock.now() + timedelta(hours=1), user_id=LOCAL_USER_ID
        )
    with pytest.raises(NotFoundError, match=f"no break {break_id}"):
        breaks.update_break(store, break_id, user_id=OTHER, outcome="skipped")
    with pytest.raises(NotFoundError):
        breaks.delete_break(store, break_id, user_id=OTHER)
    assert breaks.get_break(store, break_id, user_id=LOCAL_USER_ID).outcome == "taken"


# ---- routines in use -----------------------------------------------------------------------


def test_deleting_a_routine_a_slot_uses_is_refused_naming_the_slot(store: Store) -> None:
    create_routine(
        store, "Lunch stretch", [RoutineStep(exercise="roll-down")], user_id=LOCAL_USER_ID
    )
    change_slot(store, "desk-break", routine="lunch-stretch", user_id=LOCAL_USER_ID)
    assert routine_uses(store, "lunch-stretch", user_id=LOCAL_USER_ID) == ["Desk breaks slot"]
    with pytest.raises(InUseError) as refused:
        delete_routine(store, "lunch-stretch", user_id=LOCAL_USER_ID)
    assert str(refused.value) == (
        "Desk breaks slot uses 'Lunch stretch': pick another routine for it first"
    )
    change_slot(store, "morning", routine="lunch-stretch", user_id=LOCAL_USER_ID)
    with pytest.raises(InUseError, match="Morning and Desk breaks slots use 'Lunch stretch'"):
        delete_routine(store, "lunch-stretch", user_id=LOCAL_USER_ID)
    change_slot(store, "desk-break", routine="desk-break", user_id=LOCAL_USER_ID)
    change_slot(store, "morning", routine="back-up-basics", user_id=LOCAL_USER_ID)
    delete_routine(store, "lunch-stretch", user_id=LOCAL_USER_ID)
    with pytest.raises(NotFoundError):
        get_routine(store, "lunch-stretch", user_id=LOCAL_USER_ID)


def test_the_active_programmes_routine_cannot_be_deleted(store: Store) -> None:
    text = 'name = "Spring rehab"\nstart = 2026-01-05\n[[prescription]]\nexercise = "roll-down"\n'
    import_programme(store, text, "rehab.toml", user_id=LOCAL_USER_ID)
    with pytest.raises(InUseError, match="physio programme 'Spring rehab' is played from"):
        delete_routine(store, "physio-spring-rehab", user_id=LOCAL_USER_ID)


def test_delete_with_reassign_moves_the_slots_then_deletes(store: Store) -> None:
    from runback.services.slots import get_slots

    create_routine(
        store, "Lunch stretch", [RoutineStep(exercise="roll-down")], user_id=LOCAL_USER_ID
    )
    change_slot(store, "desk-break", routine="lunch-stretch", user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="no routine 'nope'"):
        delete_routine(store, "lunch-stretch", reassign_to="nope", user_id=LOCAL_USER_ID)
    delete_routine(store, "lunch-stretch", reassign_to="desk-break", user_id=LOCAL_USER_ID)
    desk = next(s for s in get_slots(store, user_id=LOCAL_USER_ID) if s.name == "desk-break")
    assert desk.routine == "desk-break"
    with pytest.raises(NotFoundError):
        get_routine(store, "lunch-stretch", user_id=LOCAL_USER_ID)


def test_every_edit_and_delete_moves_the_data_version(store: Store, clock: FakeClock) -> None:
    def version() -> int:
        with store.factory() as s:
            user = s.get(UserRow, LOCAL_USER_ID)
            assert user is not None
            return user.data_version

    sid = _done_session(store)
    entry_id = log_pain(store, region="hips", intensity=2, user_id=LOCAL_USER_ID).entry.id
    break_id = breaks.log_break(store, clock.now(), "taken", user_id=LOCAL_USER_ID)
    for change in (
        lambda: update_session(store, sid, user_id=LOCAL_USER_ID, enjoyment=2),
        lambda: delete_session(store, sid, user_id=LOCAL_USER_ID),
        lambda: update_pain(store, entry_id, user_id=LOCAL_USER_ID, intensity=3),
        lambda: delete_pain(store, entry_id, user_id=LOCAL_USER_ID),
        lambda: breaks.update_break(store, break_id, user_id=LOCAL_USER_ID, outcome="skipped"),
        lambda: breaks.delete_break(store, break_id, user_id=LOCAL_USER_ID),
    ):
        before = version()
        change()
        assert version() > before  # the Today view cached at `before` is stale now
