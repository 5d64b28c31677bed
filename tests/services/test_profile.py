"""The profile service: stored in one transaction with the run days, risk context by local day."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from runback.core.clock import FakeClock
from runback.core.profile import Profile
from runback.errors import ValidationError
from runback.services.breaks import get_prefs, set_prefs
from runback.services.plans import make_plan
from runback.services.profile import (
    get_profile,
    parse_answers,
    parse_run_days,
    profile_status,
    risk_context,
    save_profile,
    skip_profile,
)
from runback.services.store import LOCAL_USER_ID, Store, apply_zone_setting, open_store
from runback.storage.models import ProfileRow

U = LOCAL_USER_ID


def test_save_and_read_back_with_the_run_days(store: Store) -> None:
    assert profile_status(store, user_id=U) == "new"
    assert get_profile(store, user_id=U) == Profile()
    profile = Profile(
        sitting_hours=9,
        back_pain_history=True,
        birth_year=1970,
        cancer_history=True,
        contraindications=frozenset({"osteoporosis"}),
    )
    save_profile(store, profile, user_id=U, run_days={"tue": time(18, 30)})
    assert get_profile(store, user_id=U) == profile
    assert get_prefs(store, user_id=U).run_days == {"tue": time(18, 30)}
    risk = risk_context(store, user_id=U)
    assert (
        risk.age,
        risk.cancer_history,
        risk.steroids_or_immunosuppression,
        risk.osteoporosis,
    ) == (
        56,
        True,
        False,
        True,
    )
    # Saving without run days leaves the reminder settings' run days alone.
    save_profile(store, profile.model_copy(update={"sitting_hours": 4}), user_id=U)
    assert get_prefs(store, user_id=U).run_days == {"tue": time(18, 30)}


def test_skip_is_remembered_and_keeps_answers(store: Store) -> None:
    assert skip_profile(store, user_id=U) == "skipped"
    assert profile_status(store, user_id=U) == "skipped"
    save_profile(store, Profile(back_pain_history=True), user_id=U)
    assert skip_profile(store, user_id=U) == "answered"
    assert get_profile(store, user_id=U).back_pain_history


def test_nothing_is_half_written_when_the_run_days_are_refused(store: Store) -> None:
    # Reminder settings that cannot hold the change refuse it before anything is written.
    set_prefs(store, {"interval_min": 30, "snooze_min": 5}, user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="run days"):
        save_profile(store, Profile(), user_id=U, run_days={"xyz": time(1, 0)})  # type: ignore[dict-item]
    with store.factory() as s:
        assert s.scalars(select(ProfileRow)).all() == []


def test_age_is_the_users_local_year_at_new_year(store: Store, clock: FakeClock) -> None:
    save_profile(store, Profile(birth_year=1976), user_id=U)
    apply_zone_setting(store, "Pacific/Auckland")
    # 31 December 2026 11:30 UTC is already 1 January 2027 in Auckland: 51 there...
    clock.advance((datetime(2026, 12, 31, 11, 30, tzinfo=UTC) - clock.now()).total_seconds())
    assert risk_context(store, user_id=U).age == 51
    apply_zone_setting(store, "America/New_York")
    # ...and still 50 in New York.
    assert risk_context(store, user_id=U).age == 50


def test_planner_service_reads_the_profile(store: Store) -> None:
    save_profile(store, Profile(contraindications=frozenset({"osteoporosis"})), user_id=U)
    made = make_plan(store, 15, where="home", areas=["lower-back", "hamstrings"], user_id=U)
    used = {s.step.exercise.slug for s in made.steps}
    assert not used & {"roll-down", "childs-pose", "knee-to-chest", "seated-hamstring-stretch"}
    assert any("your profile mentions osteoporosis" in line for line in made.left_out)


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"sitting_hours": "many"}, "sitting hours: 'many'"),
        ({"back_pain_history": "perhaps"}, "back pain history: 'perhaps' is not yes or no"),
        ({"birth_year": "1850"}, "year of birth: '1850' is not a year"),
        ({"age": "old"}, "age: 'old' is not an age"),
        ({"contraindications": "knees, pregnancy"}, "contraindications: knees unknown"),
    ],
)
def test_bad_answers_name_the_field(answers: dict[str, str], words: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_answers(answers, this_year=2026)
    assert words in err.value.problems[0]


def test_run_days_text() -> None:
    assert parse_run_days("Tuesday 18:30; sat") == {"tue": time(18, 30), "sat": time(18, 0)}
    assert parse_run_days("none") == {}
    with pytest.raises(ValidationError, match="not a day and time"):
        parse_run_days("someday")


def test_profile_survives_export_and_restore(store: Store, tmp_path: Path) -> None:
    from runback.services.backup import export_to_zip, restore_from_zip
    from runback.settings import Settings
    from runback.storage.db import make_engine
    from tests.services.test_backup import store_on

    profile = Profile(birth_year=1960, contraindications=frozenset({"hip-replacement"}))
    save_profile(store, profile, user_id=U)
    export_to_zip(store, tmp_path / "out.zip", now=store.clock.now(), user_id=None)
    url = f"sqlite:///{tmp_path / 'restored.db'}"
    engine = make_engine(url)
    try:
        restore_from_zip(store_on(engine), tmp_path / "out.zip")
    finally:
        engine.dispose()
    restored = open_store(Settings(database_url=url, zone="Europe/Berlin"), FakeClock())
    try:
        assert get_profile(restored, user_id=U) == profile
        assert profile_status(restored, user_id=U) == "answered"
    finally:
        restored.close()
