"""The daemon offers the pre-run check-in with the pre-run reminder, and asks after runs once."""

from __future__ import annotations

from runback.core.clock import FakeClock
from runback.remind.daemon import Daemon
from runback.services import breaks
from runback.services.checkins import answer_checkin
from runback.services.store import LOCAL_USER_ID, Store
from tests.remind.test_daemon import local, script
from tests.services.test_pain import add_run


def test_pre_run_reminder_offers_the_check_in_and_the_after_run_one_follows(
    store: Store,
) -> None:
    breaks.set_prefs(
        store, {"run_days": {"mon": "18:00"}, "active_hours": {}}, user_id=LOCAL_USER_ID
    )
    clock = FakeClock(local(16, 30))
    store.clock = clock
    notifier = script([])
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(22))
    kinds = [(f.kind, f.due) for f in daemon.fired]
    assert kinds == [("prerun", local(17)), ("checkin", local(19))]
    notices = notifier.sent
    assert "Check in first" in notices[0].body and "warning signs" in notices[0].body
    assert notices[1].title == "After-run check-in" and "a 0 is useful too" in notices[1].body


def test_an_imported_run_is_asked_about_once_and_not_after_it_is_answered(
    store: Store,
) -> None:
    breaks.set_prefs(store, {"active_hours": {}}, user_id=LOCAL_USER_ID)
    clock = FakeClock(local(7))
    store.clock = clock
    add_run(store, local(6))  # 06:00-06:50: asked at 07:50
    daemon = Daemon(store=store, notifier=script([]), idle=None, clock=clock)
    daemon.run(until=local(8))
    assert [(f.kind, f.due) for f in daemon.fired] == [("checkin", local(7, 50))]
    daemon.run(until=local(9))
    assert len(daemon.fired) == 1  # asked once, not every wake-up

    # Answered before its window opens: not asked at all.
    add_run(store, local(12))
    clock.advance((local(13) - clock.now()).total_seconds())
    answer_checkin(store, user_id=LOCAL_USER_ID, kind="after-run", intensity=0, red_flags=[])
    daemon.run(until=local(16))
    assert len(daemon.fired) == 1
