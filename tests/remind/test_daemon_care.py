"""While an emergency or urgent warning sign is open, the daemon shows the advice, not breaks."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from runback.core.clock import FakeClock
from runback.remind.daemon import Daemon
from runback.remind.notify import FakeNotifier
from runback.services import breaks
from runback.services.concerns import confirm_checked
from runback.services.pain import log_pain
from runback.services.store import LOCAL_USER_ID, Store

TZ = ZoneInfo("Europe/Berlin")


def local(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 1, 5, hh, mm, tzinfo=TZ).astimezone(UTC)


def test_an_open_emergency_silences_breaks_and_shows_the_advice_once(store: Store) -> None:
    breaks.set_prefs(store, {"mode": "fixed"}, user_id=LOCAL_USER_ID)
    clock = FakeClock(local(8))
    store.clock = clock
    log_pain(
        store, region="lower-back", intensity=4, red_flags=["bladder-bowel"], user_id=LOCAL_USER_ID
    )
    notifier = FakeNotifier(answers=lambda _n: "start")
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(12))
    [care] = notifier.sent
    assert care.actions == ()  # nothing to start: no stretching suggested
    assert "Get emergency care now" in care.body and "Emergency number: 112" in care.body
    assert "stretch" not in care.title.lower()
    assert [f.kind for f in daemon.fired] == ["care"]
    assert (
        breaks.history(store, local(0), user_id=LOCAL_USER_ID) == []
    )  # no break was owed, none is missed
    confirm_checked(store, user_id=LOCAL_USER_ID)
    daemon.run(until=local(13, 1))
    assert [f.kind for f in daemon.fired][1:] == ["break"] * 3  # 12:00, 12:30 and 13:00


def test_a_see_a_physio_concern_keeps_the_breaks(store: Store) -> None:
    breaks.set_prefs(store, {"mode": "fixed"}, user_id=LOCAL_USER_ID)
    clock = FakeClock(local(9))
    store.clock = clock
    log_pain(
        store,
        region="lower-back",
        intensity=4,
        red_flags=["morning-stiffness"],
        user_id=LOCAL_USER_ID,
    )
    notifier = FakeNotifier(answers=lambda _n: "start")
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(10, 1))
    assert [f.kind for f in daemon.fired] == ["break", "break"]
