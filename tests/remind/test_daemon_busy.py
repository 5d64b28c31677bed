"""The daemon over a simulated Monday with meetings: breaks around them, idle in them no break."""

from __future__ import annotations

from datetime import UTC, datetime

from runback.core.busy import BusyBlock
from runback.core.clock import FakeClock
from runback.remind.daemon import Daemon
from runback.remind.idle import FakeIdle
from runback.remind.notify import FakeNotifier, Notice
from runback.services import breaks
from runback.services.busy import replace_source_blocks
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import CalendarSourceRow
from tests.remind.test_daemon import TZ, local


def busy_calendar(store: Store, blocks: list[BusyBlock]) -> None:
    with store.tx() as session:
        row = CalendarSourceRow(
            user_id=LOCAL_USER_ID,
            kind="ics-file",
            name="work",
            location="/work.ics",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        session.add(row)
        session.flush()
        source = row.id
    replace_source_blocks(store, user_id=LOCAL_USER_ID, source_id=source, blocks=blocks)


MEETINGS = [
    BusyBlock(local(10), local(11, 30)),
    BusyBlock(local(14), local(14, 20)),
    BusyBlock(local(15), local(16), transparency="transparent"),  # "free": no meeting
]


def test_simulated_day_with_meetings(store: Store) -> None:
    busy_calendar(store, MEETINGS)
    clock = FakeClock(local(8, 30))
    store.clock = clock

    def idle() -> float:
        now = clock.now()
        if local(10, 40) <= now < local(11, 20):  # listening in the call, hands off the keys
            return (now - local(10, 40)).total_seconds()
        if local(12, 12) <= now < local(12, 47):  # lunch away from the desk
            return (now - local(12, 12)).total_seconds()
        return 0.0

    notifier = FakeNotifier(answers=lambda n: "start" if n.actions else None)
    daemon = Daemon(store=store, notifier=notifier, idle=FakeIdle(idle), clock=clock)
    daemon.run(until=local(17, 30))

    assert daemon.log == [
        "Mon 09:30:00 break due 09:30: taken",
        "Mon 09:55:00 break due 09:55: taken",
        "Mon 10:45:00 in a meeting until 11:30 (idle 5 min): not a break, "
        "the sitting clock keeps running",
        "Mon 11:30:00 break due 11:30: taken",
        "Mon 12:00:00 break due 12:00: taken",
        "Mon 12:17:00 away from the keyboard since 12:12 (idle 5 min)",
        "Mon 12:47:00 back at the keyboard at 12:47: the sitting clock restarts",
        "Mon 13:17:00 break due 13:17: taken",
        "Mon 13:47:00 break due 13:47: taken",
        # 14:17 falls in the 14:00 meeting; 13:55 would be only 8 min after 13:47: after it.
        "Mon 14:20:00 break due 14:20: taken",
        "Mon 14:50:00 break due 14:50: taken",
        # 15:00-16:00 is marked free: breaks stay on the grid.
        "Mon 15:20:00 break due 15:20: taken",
        "Mon 15:50:00 break due 15:50: taken",
        "Mon 16:20:00 break due 16:20: taken",
        "Mon 16:50:00 break due 16:50: taken",
        "Mon 17:20:00 break due 17:20: taken",
    ]
    bodies = {
        f"{f.due.astimezone(TZ):%H:%M}": n.body
        for f, n in zip(daemon.fired, notifier.sent, strict=True)
    }
    assert bodies["09:55"].startswith("Moved before your 10:00 meeting. Walk for 4 min")
    assert bodies["14:20"].startswith("After your 14:00–14:20 meeting. Walk for 4 min")
    # After sitting through 90 minutes: a longer walk and the upper-back stretch.
    assert bodies["11:30"] == (
        "After your 10:00–11:30 meeting. Walk for 10 min, then the seated upper-back stretch "
        "for your mid and upper back."
    )
    # Just before the meeting no snooze fits: a 1-minute break is offered instead.
    offered = {
        f"{f.due.astimezone(TZ):%H:%M}": tuple(k for k, _ in n.actions)
        for f, n in zip(daemon.fired, notifier.sent, strict=True)
    }
    assert offered["09:55"] == ("start", "short", "skip")
    assert offered["09:30"] == ("start", "snooze", "skip")
    rows = breaks.history(store, local(0), user_id=LOCAL_USER_ID)
    # The idle stretch in the meeting logged nothing; lunch is the one natural break.
    assert [r.outcome for r in rows].count("natural") == 1
    tally = sum(1 for r in rows if r.outcome in ("taken", "skipped", "missed"))
    sched = breaks.schedule_for(store, user_id=LOCAL_USER_ID)
    assert tally == sched.due_count(local(12).date(), local(17, 30), rows) == 13
    for r in rows:
        assert sched.busy_at(r.due_at) is None


def test_strict_mode_no_snooze_skip_says_why_short_break(store: Store) -> None:
    breaks.set_prefs(store, {"strict": True}, user_id=LOCAL_USER_ID)
    clock = FakeClock(local(9))
    store.clock = clock
    script = iter(["skip", "0", "short", "snooze", "skip", None])

    def answer(notice: Notice) -> str | None:
        return next(script, "start") if notice.actions else None

    notifier = FakeNotifier(answers=answer)
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(11, 1))
    assert daemon.log == [
        "Mon 09:30:00 break due 09:30: skipped (in a meeting)",
        "Mon 10:00:00 break due 10:00: taken (1-minute break)",
        # A snooze is not offered; answered all the same, it counts as no answer.
        "Mon 10:30:00 break due 10:30: missed",
        # A skip with no reason given is no answer either.
        "Mon 11:00:00 break due 11:00: missed",
    ]
    offered = [tuple(k for k, _ in n.actions) for n in notifier.sent]
    assert offered[0] == ("start", "short", "skip")
    assert offered[1] == ("0", "1", "2", "3") and notifier.sent[1].title == "Why skip this break?"
    rows = breaks.list_breaks(store, user_id=LOCAL_USER_ID)
    assert [(r.outcome, r.reason, r.short) for r in reversed(rows)] == [
        ("skipped", "in a meeting", False),
        ("taken", None, True),
        ("missed", None, False),
        ("missed", None, False),
    ]
