"""The daemon loop over a simulated Monday with a fake clock, notifier and idle source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runback.core.clock import FakeClock
from runback.remind.daemon import Daemon
from runback.remind.idle import FakeIdle
from runback.remind.notify import FakeNotifier, Notice
from runback.services import breaks
from runback.services.store import LOCAL_USER_ID, Store

TZ = ZoneInfo("Europe/Berlin")


def local(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 1, 5, hh, mm, tzinfo=TZ).astimezone(UTC)


class CountingClock(FakeClock):
    """A fake clock that counts sleeps (the daemon must not poll)."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self.sleeps = 0

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        super().sleep(seconds)


def script(answers: list[str | None]) -> FakeNotifier:
    it = iter(answers)

    def answer(notice: Notice) -> str | None:
        if not notice.actions:
            return None  # the pre-run reminder has no actions
        return next(it, "start")

    return FakeNotifier(answers=answer)


def test_simulated_day_adaptive(store: Store) -> None:
    breaks.set_prefs(store, {"run_days": {"mon": "18:00"}}, user_id=LOCAL_USER_ID)
    clock = CountingClock(local(8, 30))
    store.clock = clock

    def idle() -> float:
        now = clock.now()
        if local(12, 0) <= now < local(12, 45):  # lunch away from the desk
            return (now - local(12, 0)).total_seconds()
        return 0.0

    # start, snooze, snooze, (no snooze offered) skip, then no answer once, then start.
    notifier = script(["start", "snooze", "snooze", "skip", None])
    beeps: list[datetime] = []
    launched: list[datetime] = []

    def launch() -> bool:
        launched.append(clock.now())
        return True

    daemon = Daemon(
        store=store,
        notifier=notifier,
        idle=FakeIdle(idle),
        clock=clock,
        beep=lambda: beeps.append(clock.now()),
        launcher=launch,
    )
    daemon.run(until=local(17, 30))

    # Neither the skip at 10:10 nor the missed 10:30 moves the grid; lunch away does.
    assert daemon.log == [
        "Mon 09:30:00 break due 09:30: taken",
        "Mon 10:00:00 break due 10:00: snoozed",
        "Mon 10:05:00 break due 10:05: snoozed",
        "Mon 10:10:00 break due 10:10: skipped",
        "Mon 10:30:00 break due 10:30: missed",
        "Mon 11:00:00 break due 11:00: taken",
        "Mon 11:30:00 break due 11:30: taken",
        "Mon 12:00:00 break due 12:00: taken",
        "Mon 12:05:00 away from the keyboard since 12:00 (idle 5 min)",
        "Mon 12:45:00 back at the keyboard at 12:45: the sitting clock restarts",
        "Mon 13:15:00 break due 13:15: taken",
        "Mon 13:45:00 break due 13:45: taken",
        "Mon 14:15:00 break due 14:15: taken",
        "Mon 14:45:00 break due 14:45: taken",
        "Mon 15:15:00 break due 15:15: taken",
        "Mon 15:45:00 break due 15:45: taken",
        "Mon 16:15:00 break due 16:15: taken",
        "Mon 16:45:00 break due 16:45: taken",
        "Mon 17:00:00 pre-run reminder",
        "Mon 17:15:00 break due 17:15: taken",
    ]
    # The reminder says what the Desk break asks for.
    first = notifier.sent[0]
    assert first.title == "Time to move: a 5-minute desk break"
    assert first.body == "Walk for 4 min, 10 shoulder circles each way, one standing back bend."
    # Snooze is not offered a third time in a row.
    offered = [tuple(k for k, _ in n.actions) for n in notifier.sent if n.actions]
    assert offered[3] == ("start", "skip")
    assert offered[0] == ("start", "snooze", "skip")
    rows = breaks.history(store, local(0), user_id=LOCAL_USER_ID)
    assert [r.outcome for r in rows].count("taken") == 13
    natural = next(r for r in rows if r.outcome == "natural")
    assert (natural.due_at, natural.at) == (local(12, 0), local(12, 45))
    # A snoozed chain keeps the original due time.
    assert {r.due_at for r in rows if r.outcome in ("snoozed", "skipped")} == {local(10, 0)}
    assert len(launched) == 13 and len(beeps) == len(notifier.sent) == 18
    # Every break that fell due was answered once: the tally is the schedule's due count.
    tally = sum(1 for r in rows if r.outcome in ("taken", "skipped", "missed"))
    sched = breaks.schedule_for(store, user_id=LOCAL_USER_ID)
    assert tally == sched.due_count(local(12).date(), local(17, 30), rows) == 15
    # Sleeps: one per deadline or idle check (every 3 min while active), never per second.
    assert clock.sleeps < 200


def test_fixed_mode_ignores_idle_and_wakes_only_for_breaks(store: Store) -> None:
    breaks.set_prefs(store, {"mode": "fixed"}, user_id=LOCAL_USER_ID)
    clock = CountingClock(local(9))
    store.clock = clock
    notifier = script([])
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(17, 30))
    assert len(notifier.sent) == 16
    assert daemon.fired[0].due == local(9, 30) and daemon.fired[-1].due == local(17, 0)
    # One sleep per deadline, the longest 10 minutes (to see changed settings): no polling.
    assert clock.sleeps <= 8.5 * 6 + 16


def test_wakes_late_after_suspend_logs_missed(store: Store) -> None:
    clock = FakeClock(local(9))
    store.clock = clock
    notifier = script([])
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock, max_sleep_s=86400)
    daemon.step()  # sleeps to 09:30 and reminds
    assert daemon.fired[-1].outcome == "taken"
    real_sleep = clock.sleep
    # Suspended for an hour: the sleep overshoots the 10:00 deadline.
    clock.sleep = lambda seconds: real_sleep(seconds + 3600)  # type: ignore[method-assign]
    daemon.step()
    assert daemon.fired[-1].outcome == "missed"
    assert breaks.history(store, local(0), user_id=LOCAL_USER_ID)[-1].outcome == "missed"
    assert notifier.sent and len(notifier.sent) == 1


def test_pause_is_picked_up_and_holds_reminders(store: Store) -> None:
    clock = FakeClock(local(9))
    store.clock = clock
    breaks.pause(store, timedelta(hours=2), user_id=LOCAL_USER_ID)
    notifier = script([])
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(11, 30))
    assert [f.due for f in daemon.fired] == [local(11, 0)]


class AnsweringNotifier(FakeNotifier):
    """Answers from a script after a delay on the fake clock; no answer takes the full wait."""

    def __init__(self, clock: FakeClock, answers: list[tuple[str | None, int]]) -> None:
        super().__init__()
        self.clock = clock
        self.script = answers
        self.i = 0

    def wait_action(self, seconds: float) -> str | None:
        """Return the next scripted answer, the clock moved on by its delay."""
        answer, delay_s = self.script[self.i % len(self.script)]
        self.i += 1
        self.clock.advance(seconds if answer is None else min(delay_s, seconds))
        return answer


def _week(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 1, 5 + d, hh, mm, tzinfo=TZ).astimezone(UTC)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.lists(
        st.tuples(
            st.sampled_from(["start", "snooze", "skip", None]),
            st.integers(min_value=0, max_value=240),
        ),
        min_size=1,
        max_size=30,
    ),
    away=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=4),
            st.integers(min_value=0, max_value=8 * 60),
            st.integers(min_value=1, max_value=90),
        ),
        max_size=6,
    ),
)
def test_simulated_week_tally_equals_due_count(
    store: Store,
    answers: list[tuple[str | None, int]],
    away: list[tuple[int, int, int]],
) -> None:
    from sqlalchemy import delete

    from runback.storage.models import BreakRow

    with store.tx() as s:
        s.execute(delete(BreakRow))
    clock = FakeClock(_week(0, 7))
    store.clock = clock
    stretches = [(_week(d, 9) + timedelta(minutes=m), timedelta(minutes=n)) for d, m, n in away]

    def idle() -> float:
        now = clock.now()
        gone = [now - start for start, span in stretches if start <= now < start + span]
        return max(gone).total_seconds() if gone else 0.0

    daemon = Daemon(
        store=store, notifier=AnsweringNotifier(clock, answers), idle=FakeIdle(idle), clock=clock
    )
    daemon.run(until=_week(5, 0))
    sched = breaks.schedule_for(store, user_id=LOCAL_USER_ID)
    rows = breaks.history(store, _week(0, 0), user_id=LOCAL_USER_ID)
    for d in range(5):
        day = _week(d, 12).astimezone(TZ).date()
        of_day = [r for r in rows if r.at.astimezone(TZ).date() == day]
        tally = sum(1 for r in of_day if r.outcome in ("taken", "skipped", "missed"))
        assert tally == sched.due_count(day, _week(d, 23), rows)
        assert tally == len(sched.due_times(day, rows))
        # No missed or skipped break moves a later one: each sits on the grid restarted by
        # the last movement (a taken break, or coming back to the keyboard) before it.
        start = _week(d, 9)
        for r in of_day:
            if r.outcome not in ("taken", "skipped", "missed"):
                continue
            moves = [m.at for m in of_day if m.outcome in ("taken", "natural") and m.at < r.due_at]
            anchor = max([start, *moves])
            assert (r.due_at - anchor) % sched.interval == timedelta(0), (r, anchor)


def test_started_late_reminds_only_of_the_current_break(store: Store) -> None:
    clock = FakeClock(local(16, 10))
    store.clock = clock
    notifier = script([])
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(17, 30))
    # Not 09:30 and the rest of the morning: 16:00 at once; taken at 16:10, the grid restarts.
    assert [f.due for f in daemon.fired] == [local(16, 0), local(16, 40), local(17, 10)]


def test_clock_set_back_does_not_silence_reminders(store: Store) -> None:
    clock = FakeClock(local(9))
    store.clock = clock
    notifier = script([])
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(12, 5))
    assert daemon.fired[-1].due == local(12, 0)
    clock.jump(-3 * 3600)  # set back to 09:05: breaks logged "later" exist now
    before = len(daemon.fired)
    daemon.run(until=local(10, 5))
    assert len(daemon.jumps) == 1 and daemon.jumps[0] < timedelta(0)
    assert any("the clock moved back 180 min" in line for line in daemon.log)
    # Reminded again on the grid from the new time, not silent until 12:00 comes round.
    assert [f.due for f in daemon.fired[before:]] == [local(9, 30), local(10, 0)]


def test_clock_set_forward_is_noticed_and_skips_stale_reminders(store: Store) -> None:
    breaks.set_prefs(store, {"run_days": {"mon": "12:00"}}, user_id=LOCAL_USER_ID)
    clock = FakeClock(local(9))
    store.clock = clock
    notifier = script([])
    daemon = Daemon(store=store, notifier=notifier, idle=None, clock=clock)
    daemon.run(until=local(9, 35))
    clock.jump(4 * 3600)  # to 13:35: the pre-run reminder's time went by unseen
    daemon.run(until=local(14, 5))
    assert len(daemon.jumps) == 1 and daemon.jumps[0] > timedelta(0)
    assert not [f for f in daemon.fired if f.kind == "prerun"]
    assert daemon.fired[-1].due == local(13, 30)  # the current break, reminded at once


def test_small_drift_is_not_a_jump(store: Store) -> None:
    clock = FakeClock(local(9))
    store.clock = clock
    daemon = Daemon(store=store, notifier=script([]), idle=None, clock=clock)
    daemon.step()
    clock.jump(30)  # NTP nudging the clock by half a minute
    daemon.step()
    assert daemon.jumps == []
