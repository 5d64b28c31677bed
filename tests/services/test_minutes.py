"""Minutes held today (sessions.done_s) against the daily minutes target."""

from __future__ import annotations

from datetime import date

from runback.core.clock import FakeClock
from runback.services.accounts import Targets, set_targets
from runback.services.catalog import load_builtin
from runback.services.minutes import minutes_today
from runback.services.sessions import finish_session, start_session
from runback.services.store import LOCAL_USER_ID, Store

MONDAY = date(2026, 1, 5)  # the fixture clock's day (09:00 in Berlin)


def _held(store: Store, done_s: float, zone: str | None = None) -> int:
    routine = load_builtin().routines["back-up-basics"]  # 240 s of holding
    sid = start_session(store, routine, zone=zone, user_id=LOCAL_USER_ID)
    finish_session(store, sid, completed=False, done_s=done_s, user_id=LOCAL_USER_ID)
    return sid


def test_minutes_today_sum_held_time_against_the_target(store: Store, clock: FakeClock) -> None:
    set_targets(store, Targets(minutes_per_day=5), user_id=LOCAL_USER_ID)
    assert minutes_today(store, user_id=LOCAL_USER_ID).done == 0
    _held(store, 120)
    _held(store, 90)
    m = minutes_today(store, user_id=LOCAL_USER_ID)
    assert (m.day, m.done, m.target, m.met, m.share) == (MONDAY, 3.5, 5, False, 0.7)
    _held(store, 240)
    assert minutes_today(store, user_id=LOCAL_USER_ID).met
    clock.advance(86400)
    assert minutes_today(store, user_id=LOCAL_USER_ID).done == 0
    assert minutes_today(store, user_id=LOCAL_USER_ID, today=MONDAY).done == 7.5


def test_minutes_count_on_the_users_local_day(store: Store, clock: FakeClock) -> None:
    clock.advance(14 * 3600)  # 23:00 Monday in Berlin, already Tuesday in Tokyo
    _held(store, 240, zone="Asia/Tokyo")
    _held(store, 60)
    # Today lists both on the user's Monday; the minutes agree with it.
    assert minutes_today(store, user_id=LOCAL_USER_ID).done == 5.0
    clock.advance(3600)  # midnight in Berlin
    assert minutes_today(store, user_id=LOCAL_USER_ID).done == 0
    assert minutes_today(store, user_id=LOCAL_USER_ID, today=MONDAY).done == 5.0
