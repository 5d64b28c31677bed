"""The load service: runs on the user's local days, heart rates from prefs or the profile."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runback.core.clock import FakeClock
from runback.core.load import HeartRates
from runback.errors import ValidationError
from runback.services.load import gather_load, heart_rates
from runback.services.patterns import gather_patterns, min_breaks
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import UserRow
from tests.services.test_progress import add_run, local


def set_prefs(store: Store, **prefs: object) -> None:
    with store.tx() as s:
        user = s.get(UserRow, LOCAL_USER_ID)
        assert user is not None
        user.prefs = {**(user.prefs or {}), **prefs}


def test_only_runs_count_on_their_local_day(store: Store) -> None:
    # The clock is Monday 2026-01-05 09:00 in Berlin.
    add_run(store, local(2026, 1, 4, 23, 30), 10)  # Sunday night, Berlin: yesterday
    add_run(store, local(2026, 1, 3, 10), 30, sport="cycling")  # a ride is not a run
    summary = gather_load(store, user_id=LOCAL_USER_ID)
    assert summary.today.isoformat() == "2026-01-05"
    by_day = {d.day.isoformat(): d for d in summary.days}
    # add_run stores 3600 s elapsed: 60 minutes of load.
    assert by_day["2026-01-04"].load == 60 and by_day["2026-01-04"].km == 10
    assert by_day["2026-01-03"].load == 0
    assert summary.km_last_7 == 10 and summary.ramp_percent is None
    assert summary.acute == round(60 / 7, 1) and summary.nudge is None


def test_days_are_checked(store: Store) -> None:
    with pytest.raises(ValidationError, match="days"):
        gather_load(store, days=0, user_id=LOCAL_USER_ID)
    with pytest.raises(ValidationError, match="days"):
        gather_patterns(store, days=3, user_id=LOCAL_USER_ID)


def test_heart_rates_measured_estimated_or_default(store: Store) -> None:
    assert heart_rates(store, user_id=LOCAL_USER_ID) == HeartRates(rest=60, max=190)
    from runback.core.profile import Profile
    from runback.services.profile import save_profile

    save_profile(store, Profile(birth_year=1986), user_id=LOCAL_USER_ID)
    # Age 40 in 2026: 208 - 0.7 x 40 = 180.
    assert heart_rates(store, user_id=LOCAL_USER_ID) == HeartRates(rest=60, max=180)
    set_prefs(store, load={"rest_hr": 48, "max_hr": 186})
    assert heart_rates(store, user_id=LOCAL_USER_ID) == HeartRates(rest=48, max=186)
    set_prefs(store, load={"rest_hr": "fast", "max_hr": 999})  # nonsense is not used
    assert heart_rates(store, user_id=LOCAL_USER_ID) == HeartRates(rest=60, max=180)


def test_min_breaks_from_prefs_or_six(store: Store) -> None:
    assert min_breaks(store, user_id=LOCAL_USER_ID) == 6
    set_prefs(store, patterns={"min_breaks": 4})
    assert min_breaks(store, user_id=LOCAL_USER_ID) == 4
    set_prefs(store, patterns={"min_breaks": True})
    assert min_breaks(store, user_id=LOCAL_USER_ID) == 6


def test_an_empty_log_shows_no_pattern_and_says_what_is_needed(store: Store) -> None:
    found = gather_patterns(store, user_id=LOCAL_USER_ID)
    assert not found.shown
    assert found.last == found.first + timedelta(days=118)
    assert found.patterns[0].text.startswith("Not enough days yet to compare pain after the run")


def test_patterns_are_kept_until_data_or_day_change(store: Store, clock: FakeClock) -> None:
    from runback.services import patterns

    found = gather_patterns(store, user_id=LOCAL_USER_ID)
    assert gather_patterns(store, user_id=LOCAL_USER_ID) is found  # unchanged: kept
    add_run(store, local(2026, 1, 4, 8), 5)  # a write bumps the data version
    changed = gather_patterns(store, user_id=LOCAL_USER_ID)
    assert changed is not found
    set_prefs(store, patterns={"min_breaks": 3})  # prefs count as the user's data too
    reread = gather_patterns(store, user_id=LOCAL_USER_ID)
    assert reread is not changed and "at least 3 movement breaks" in reread.patterns[2].habit
    clock.advance(86400)  # a new local day moves the window
    moved = gather_patterns(store, user_id=LOCAL_USER_ID)
    assert moved is not reread and moved.last == reread.last + timedelta(days=1)
    patterns.clear_cache()
    assert gather_patterns(store, user_id=LOCAL_USER_ID) == moved  # recomputed: the same


def test_a_run_with_heart_rate_weighs_by_trimp(store: Store) -> None:
    from runback.core.load import trimp_factor
    from runback.storage.models import RunRow

    easy = add_run(store, local(2026, 1, 4, 8), 10)
    add_run(store, local(2026, 1, 3, 8), 10)  # no heart rate: its 60 minutes
    with store.tx() as s:
        row = s.get(RunRow, easy)
        assert row is not None
        row.avg_hr, row.max_hr = 150, 170
    summary = gather_load(store, user_id=LOCAL_USER_ID)
    by_day = {d.day.isoformat(): d for d in summary.days}
    # HRr = (150 - 60) / (190 - 60) = 0.692; 60 x 0.692 x 0.64 e^(1.92 x 0.692) = 100.4
    want = 60 * trimp_factor(150, HeartRates(rest=60, max=190))
    assert by_day["2026-01-04"].load == round(want, 1) == 100.4
    assert by_day["2026-01-03"].load == 60
    assert summary.heart_rate_runs == 1


def test_imported_heart_rate_is_stored_and_a_later_copy_fills_it(store: Store) -> None:
    from runback.importers.files import parse_activity
    from runback.services.run_import import import_paths
    from runback.services.runs import get_run
    from tests.conftest import SHARED_FIXTURES

    strava = SHARED_FIXTURES / "strava-export" / "activities" / "12866632127.fit.gz"
    watch = SHARED_FIXTURES / "same-run" / "2022-05-29-15-53-35_Laufen_Landal_Park.fit"

    def parse(name: str, data: bytes, _max: int) -> object:
        return parse_activity(name, data)

    first = import_paths(store, [strava], user_id=LOCAL_USER_ID, parser=parse)  # type: ignore[arg-type]
    run_id = first.results[0].run_id
    assert run_id is not None
    assert get_run(store, user_id=LOCAL_USER_ID, run_id=run_id).avg_hr is None
    again = import_paths(store, [watch], user_id=LOCAL_USER_ID, parser=parse)  # type: ignore[arg-type]
    assert again.results[0].status == "duplicate"
    run = get_run(store, user_id=LOCAL_USER_ID, run_id=run_id)
    assert (run.avg_hr, run.max_hr) == (136, 169)
    assert run.to_json()["avg_hr"] == 136
