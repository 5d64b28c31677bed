"""Open concerns: a red flag is remembered until checked or answered again without it."""

from __future__ import annotations

from datetime import date

import pytest

from runback.core.clock import FakeClock
from runback.errors import NotFoundError, ValidationError
from runback.services.accounts import set_zone
from runback.services.concerns import (
    blocking_concern,
    confirm_checked,
    emergency_number,
    open_concern,
    set_emergency_number,
)
from runback.services.pain import current_advice, last_answers, log_pain
from runback.services.store import LOCAL_USER_ID, Store

U = LOCAL_USER_ID


def test_a_flag_two_weeks_old_is_still_shown_until_confirmed(
    store: Store, clock: FakeClock
) -> None:
    log_pain(store, region="lower-back", intensity=3, red_flags=["saddle-numbness"], user_id=U)
    reported = open_concern(store, user_id=U)
    assert reported is not None and reported.level == "emergency" and reported.blocking
    clock.advance(14 * 86400)
    later = open_concern(store, user_id=U)
    assert later is not None and later.flags == ["saddle-numbness"]
    assert later.opened_on == reported.opened_on
    assert current_advice(store, user_id=U).level == "emergency"
    assert "No warning signs" not in current_advice(store, user_id=U).headline
    with pytest.raises(ValidationError, match="before the signs were reported"):
        confirm_checked(store, user_id=U, on=date(2000, 1, 1))
    confirm_checked(store, user_id=U)
    assert open_concern(store, user_id=U) is None
    assert current_advice(store, user_id=U).level == "self-care"
    with pytest.raises(NotFoundError, match="no open concern"):
        confirm_checked(store, user_id=U)


def test_same_as_last_keeps_the_concern_and_a_fresh_answer_replaces_it(
    store: Store, clock: FakeClock
) -> None:
    with pytest.raises(ValidationError, match="no earlier answers"):
        log_pain(store, region="hips", intensity=2, same_as_last=True, user_id=U)
    log_pain(store, region="hips", intensity=2, red_flags=["night-pain"], user_id=U)
    first = last_answers(store, user_id=U)
    clock.advance(3 * 86400)
    again = log_pain(store, region="hips", intensity=3, same_as_last=True, user_id=U)
    assert again.entry.same_as_last and again.entry.red_flags == ["night-pain"]
    assert last_answers(store, user_id=U) == first  # the date shown stays the answers' date
    concern = blocking_concern(store, user_id=U)
    assert concern is not None and concern.level == "urgent"
    log_pain(store, region="hips", intensity=3, red_flags=["morning-stiffness"], user_id=U)
    concern = open_concern(store, user_id=U)
    assert concern is not None and concern.flags == ["morning-stiffness"]
    assert not concern.blocking  # see a physio: stretching may go on
    assert blocking_concern(store, user_id=U) is None
    log_pain(store, region="hips", intensity=3, red_flags=[], user_id=U)
    assert open_concern(store, user_id=U) is None


def test_answers_and_same_as_last_together_are_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="not both"):
        log_pain(
            store,
            region="hips",
            intensity=2,
            red_flags=["night-pain"],
            same_as_last=True,
            user_id=U,
        )


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Europe/Berlin", "112"),
        ("Europe/London", "999"),
        ("America/New_York", "911"),
        ("America/Toronto", "911"),
        ("Australia/Sydney", "000"),
        ("Pacific/Auckland", "111"),
        ("Asia/Tokyo", "112"),
        ("UTC", "112"),
    ],
)
def test_the_emergency_number_defaults_from_the_zone(store: Store, zone: str, number: str) -> None:
    set_zone(store, zone, user_id=U)
    assert emergency_number(store, user_id=U) == number


def test_the_emergency_number_is_a_setting(store: Store) -> None:
    set_zone(store, "Europe/London", user_id=U)
    assert set_emergency_number(store, "112", user_id=U) == "112"
    assert emergency_number(store, user_id=U) == "112"
    with pytest.raises(ValidationError, match="2 to 6 digits"):
        set_emergency_number(store, "call 911", user_id=U)
    assert emergency_number(store, user_id=U) == "112"
    assert set_emergency_number(store, "", user_id=U) == "999"  # back to the zone's


def test_the_risk_context_passes_through_the_service(store: Store) -> None:
    from runback.core.triage import RiskContext

    plain = log_pain(store, region="hips", intensity=2, red_flags=[], user_id=U)
    assert plain.advice.level == "self-care"
    risky = log_pain(
        store,
        region="hips",
        intensity=2,
        red_flags=[],
        risk=RiskContext(cancer_history=True),
        user_id=U,
    )
    assert risky.advice.level == "see-physio"
    assert current_advice(store, risk=RiskContext(age=70), user_id=U).level == "see-physio"
    assert current_advice(store, user_id=U).level == "self-care"


def test_a_day_stopping_entry_means_see_someone_soon(store: Store) -> None:
    logged = log_pain(
        store, region="hips", intensity=3, red_flags=[], stops_activities=True, user_id=U
    )
    assert logged.entry.stops_activities and logged.advice.level == "see-physio"
    assert "severe-pain" in logged.advice.rules


def test_the_first_day_profile_is_weighed_without_being_passed(store: Store) -> None:
    from runback.core.profile import Profile
    from runback.services.profile import save_profile

    assert (
        log_pain(store, region="hips", intensity=2, red_flags=[], user_id=U).advice.level
        == "self-care"
    )
    save_profile(store, Profile(cancer_history=True), user_id=U)
    logged = log_pain(store, region="hips", intensity=2, red_flags=[], user_id=U)
    assert logged.advice.level == "see-physio"
    assert any("a history of cancer" in r for r in logged.advice.reasons)
    assert current_advice(store, user_id=U).level == "see-physio"
