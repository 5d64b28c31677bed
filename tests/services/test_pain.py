"""Pain entries are validated, linked to the latest run within 24 h, listed, and advised on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from runback.core.clock import FakeClock
from runback.errors import NotFoundError, ValidationError
from runback.services.pain import (
    current_advice,
    log_pain,
    pain_history,
    red_flag_questions,
)
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import PainEntryRow, RunRow, UserRow


def add_run(
    store: Store,
    start: datetime,
    km: float = 8.0,
    user_id: int = LOCAL_USER_ID,
    sport: str = "running",
) -> int:
    """Insert a run row directly and return its id."""
    with store.tx() as s:
        row = RunRow(
            user_id=user_id,
            started_at=start,
            zone="Europe/Berlin",
            elapsed_s=3000.0,
            moving_s=2900.0,
            distance_m=km * 1000,
            ascent_m=None,
            sport=sport,
            name=None,
            source_format="gpx",
            source_file="run.gpx",
            device=None,
            content_hash=f"{start.isoformat()}-{km}-{user_id}",
            imported_at=start,
        )
        s.add(row)
        s.flush()
        return row.id


def count_entries(store: Store) -> int:
    with store.factory() as s:
        return s.scalar(select(func.count()).select_from(PainEntryRow)) or 0


def test_entry_links_to_the_latest_run_within_24_hours(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    add_run(store, now - timedelta(hours=30))
    older = add_run(store, now - timedelta(hours=20))
    latest = add_run(store, now - timedelta(hours=2))
    add_run(store, now + timedelta(hours=1))  # later than the entry: never linked
    add_run(store, now - timedelta(hours=1), sport="cycling")  # a ride is not a run
    logged = log_pain(
        store, region="lower-back", intensity=3, notes="  stiff  ", user_id=LOCAL_USER_ID
    )
    assert logged.entry.run_id == latest != older
    assert logged.entry.notes == "stiff"
    assert logged.entry.zone == "Europe/Berlin"
    assert logged.entry.at == now


def test_a_run_25_hours_ago_is_not_linked(store: Store, clock: FakeClock) -> None:
    add_run(store, clock.now() - timedelta(hours=25))
    assert log_pain(store, region="hips", intensity=2, user_id=LOCAL_USER_ID).entry.run_id is None
    exactly = add_run(store, clock.now() - timedelta(hours=24))
    assert (
        log_pain(store, region="hips", intensity=2, user_id=LOCAL_USER_ID).entry.run_id == exactly
    )


def test_explicit_run_and_no_run(store: Store, clock: FakeClock) -> None:
    old = add_run(store, clock.now() - timedelta(days=3))
    add_run(store, clock.now() - timedelta(hours=1))
    assert (
        log_pain(
            store, region="neck-shoulders", intensity=1, run_id=old, user_id=LOCAL_USER_ID
        ).entry.run_id
        == old
    )
    assert (
        log_pain(
            store, region="mid-back", intensity=1, link_run=False, user_id=LOCAL_USER_ID
        ).entry.run_id
        is None
    )


def test_someone_elses_or_a_missing_run_is_not_found(store: Store, clock: FakeClock) -> None:
    with store.tx() as s:
        s.add(UserRow(id=2, zone="UTC", prefs={}, created_at=clock.now()))
    theirs = add_run(store, clock.now() - timedelta(hours=1), user_id=2)
    with pytest.raises(NotFoundError, match=f"no run {theirs}"):
        log_pain(store, region="hips", intensity=2, run_id=theirs, user_id=LOCAL_USER_ID)
    with pytest.raises(NotFoundError, match="no run 999"):
        log_pain(store, region="hips", intensity=2, run_id=999, user_id=LOCAL_USER_ID)
    assert count_entries(store) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region": "knee", "intensity": 3}, "region: 'knee' is not a pain region; use one of"),
        ({"region": "hips", "intensity": 11}, "intensity: must be a whole number from 0"),
        ({"region": "hips", "intensity": -1}, "got -1"),
        ({"region": "hips", "intensity": True}, "got True"),
        ({"region": "hips", "intensity": 2, "notes": "x" * 2001}, "notes: at most 2000"),
        ({"region": "hips", "intensity": 2, "red_flags": ["dizzy"]}, "red flag: unknown"),
        ({"region": "hips", "intensity": 2, "run_id": 1, "link_run": False}, "not both"),
        ({"region": "hips", "intensity": 2, "at": datetime(2026, 1, 5, 8)}, "at: needs a time"),
        ({"region": "hips", "intensity": 2, "at": datetime(2027, 1, 1, tzinfo=UTC)}, "future"),
    ],
)
def test_bad_entries_are_refused_clearly_and_nothing_is_stored(
    store: Store, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match="pain entry") as err:
        log_pain(store, user_id=LOCAL_USER_ID, **kwargs)  # type: ignore[arg-type]
    assert message in str(err.value)
    assert count_entries(store) == 0


def test_every_problem_is_reported_at_once(store: Store) -> None:
    with pytest.raises(ValidationError) as err:
        log_pain(store, region="elbow", intensity=42, red_flags=["x"], user_id=LOCAL_USER_ID)
    assert len(err.value.problems) == 3


def test_red_flag_answers_are_stored_and_the_advice_says_emergency(store: Store) -> None:
    logged = log_pain(
        store,
        region="lower-back",
        intensity=7,
        red_flags=["night-pain", "both-legs"],
        user_id=LOCAL_USER_ID,
    )
    assert logged.entry.red_flags == ["both-legs", "night-pain"]
    assert logged.advice.level == "emergency"
    with store.factory() as s:
        row = s.get(PainEntryRow, logged.entry.id)
        assert row is not None and row.red_flags == ["both-legs", "night-pain"]


def test_three_bad_days_in_two_weeks_advise_a_physio(store: Store, clock: FakeClock) -> None:
    levels = []
    for _ in range(3):
        levels.append(
            log_pain(store, region="lower-back", intensity=5, user_id=LOCAL_USER_ID).advice.level
        )
        clock.advance(4 * 86400)
    assert levels == ["self-care", "self-care", "see-physio"]
    clock.advance(20 * 86400)  # long quiet spell: the old entries age out
    assert current_advice(store, user_id=LOCAL_USER_ID).level == "self-care"
    assert (
        current_advice(store, red_flags=["fever-unwell"], user_id=LOCAL_USER_ID).level == "urgent"
    )


def test_history_lists_recent_local_days_newest_first(store: Store, clock: FakeClock) -> None:
    log_pain(
        store,
        region="hips",
        intensity=1,
        at=clock.now() - timedelta(days=40),
        user_id=LOCAL_USER_ID,
    )
    log_pain(
        store, region="hips", intensity=2, at=clock.now() - timedelta(days=3), user_id=LOCAL_USER_ID
    )
    log_pain(store, region="mid-back", intensity=3, user_id=LOCAL_USER_ID)
    recent = pain_history(store, user_id=LOCAL_USER_ID)
    assert [e.intensity for e in recent] == [3, 2]
    assert [e.intensity for e in pain_history(store, days=None, user_id=LOCAL_USER_ID)] == [3, 2, 1]
    assert [e.intensity for e in pain_history(store, days=1, user_id=LOCAL_USER_ID)] == [3]
    with pytest.raises(ValidationError, match="days"):
        pain_history(store, days=0, user_id=LOCAL_USER_ID)


def test_questions_are_offered_most_serious_first() -> None:
    questions = red_flag_questions()
    assert questions[0].level == "emergency"
    assert questions[-1].level == "see-physio"


def test_red_flags_stay_in_the_advice_until_answered_again_without_them(
    store: Store, clock: FakeClock
) -> None:
    log_pain(
        store, region="lower-back", intensity=4, red_flags=["fever-unwell"], user_id=LOCAL_USER_ID
    )
    clock.advance(25 * 3600)  # they used to be forgotten after 24 hours
    assert current_advice(store, user_id=LOCAL_USER_ID).level == "urgent"
    assert (
        current_advice(store, red_flags=["chest-pain"], user_id=LOCAL_USER_ID).level == "emergency"
    )
    assert log_pain(store, region="hips", intensity=1, user_id=LOCAL_USER_ID).advice.flags == []
    assert current_advice(store, user_id=LOCAL_USER_ID).level == "self-care"
