"""Schedule rules over a simulated work week, with a fake clock's instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pydantic
import pytest

from runback.core.schedule import BreakEvent, ReminderPrefs, Schedule

ZONE = "Europe/Berlin"
TZ = ZoneInfo(ZONE)


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(UTC)


def ev(due: datetime, at: datetime, outcome: str) -> BreakEvent:
    return BreakEvent(due, at, outcome)  # type: ignore[arg-type]


@pytest.fixture
def sched() -> Schedule:
    return Schedule(ReminderPrefs(), ZONE)


def test_defaults_validate() -> None:
    p = ReminderPrefs()
    assert (p.interval_min, p.break_min, p.snooze_min, p.max_snoozes) == (30, 5, 5, 2)
    assert set(p.active_hours) == {"mon", "tue", "wed", "thu", "fri"}
    assert p.active_hours["mon"].start == time(9) and p.active_hours["mon"].end == time(17, 30)
    assert p.idle_threshold_min == 5 and p.prerun_lead_min == 60 and p.mode == "adaptive"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"interval_min": 2}, "interval_min"),
        ({"active_hours": {"mon": {"start": "18:00", "end": "09:00"}}}, "active_hours.mon"),
        ({"active_hours": {"funday": {"start": "09:00", "end": "10:00"}}}, "active_hours.funday"),
        ({"snooze_min": 40}, "snooze_min"),
        ({"paused_until": "2026-01-05T10:00:00"}, "paused_until"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_prefs_name_the_field(raw: dict[str, object], field: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        ReminderPrefs.model_validate(raw)
    assert field.split(".")[0] in str(info.value)


def test_work_week_on_time_breaks(sched: Schedule) -> None:
    """Taking every break when due gives 09:30, 10:00 ... 17:00 on each workday only."""
    now = local(2026, 1, 5, 7)  # Monday
    history: list[BreakEvent] = []
    dues: list[datetime] = []
    while now < local(2026, 1, 12, 0):
        due = sched.next_due(now, history)
        assert due is not None
        if due >= local(2026, 1, 12, 0):
            break
        dues.append(due)
        history.append(ev(due, due, "taken"))
        now = due
    by_day: dict[date, list[datetime]] = {}
    for d in dues:
        by_day.setdefault(d.astimezone(TZ).date(), []).append(d)
    assert sorted(by_day) == [date(2026, 1, n) for n in range(5, 10)]
    for day, times in by_day.items():
        assert times == sched.day_slots(day)
        assert [t.astimezone(TZ).strftime("%H:%M") for t in times][:2] == ["09:30", "10:00"]
        assert times[-1].astimezone(TZ).time() == time(17, 0)
        assert len(times) == 16
    # Friday's last break leads to Monday morning, not the weekend.
    assert sched.next_due(local(2026, 1, 9, 17, 1), history) == local(2026, 1, 12, 9, 30)


def test_taken_late_restarts_the_clock(sched: Schedule) -> None:
    due = local(2026, 1, 5, 9, 30)
    history = [ev(due, local(2026, 1, 5, 9, 41), "taken")]
    assert sched.next_due(local(2026, 1, 5, 9, 45), history) == local(2026, 1, 5, 10, 11)


def test_skip_and_missed_keep_the_grid(sched: Schedule) -> None:
    due = local(2026, 1, 5, 9, 30)
    for outcome in ("skipped", "missed"):
        history = [ev(due, local(2026, 1, 5, 9, 35), outcome)]
        assert sched.next_due(local(2026, 1, 5, 9, 36), history) == local(2026, 1, 5, 10, 0)


def test_snooze_limit(sched: Schedule) -> None:
    due = local(2026, 1, 5, 9, 30)
    h = [ev(due, due, "snoozed")]
    assert sched.next_due(due, h) == local(2026, 1, 5, 9, 35)
    assert sched.can_snooze(h)
    h.append(ev(due, local(2026, 1, 5, 9, 35), "snoozed"))
    assert sched.next_due(due, h) == local(2026, 1, 5, 9, 40)
    assert sched.snoozes_in_a_row(h) == 2
    assert not sched.can_snooze(h)
    # A third snooze beyond the limit is not honoured: the break is due again at once.
    h.append(ev(due, local(2026, 1, 5, 9, 40), "snoozed"))
    assert sched.next_due(local(2026, 1, 5, 9, 40), h) == due
    # After the break is finally taken, snoozing is allowed again.
    h.append(ev(due, local(2026, 1, 5, 10, 10), "taken"))
    assert sched.can_snooze(h)


def test_snooze_past_the_end_of_the_day_goes_to_tomorrow(sched: Schedule) -> None:
    due = local(2026, 1, 5, 17, 0)
    h = [ev(due, local(2026, 1, 5, 17, 27), "snoozed")]
    assert sched.next_due(local(2026, 1, 5, 17, 27), h) == local(2026, 1, 6, 9, 30)


def test_natural_break_resets_adaptive_not_fixed() -> None:
    h = [ev(local(2026, 1, 5, 9, 30), local(2026, 1, 5, 9, 20), "natural")]
    adaptive = Schedule(ReminderPrefs(), ZONE)
    fixed = Schedule(ReminderPrefs(mode="fixed"), ZONE)
    now = local(2026, 1, 5, 9, 21)
    assert adaptive.next_due(now, h) == local(2026, 1, 5, 9, 50)
    assert fixed.next_due(now, h) == local(2026, 1, 5, 9, 30)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 1, 5, 8, 59), local(2026, 1, 5, 9, 30)),
        (local(2026, 1, 5, 9, 0), local(2026, 1, 5, 9, 30)),
        # Starting late in the day with nothing logged: only the current break, not 09:30.
        (local(2026, 1, 5, 11, 0), local(2026, 1, 5, 11, 0)),
        (local(2026, 1, 5, 16, 10), local(2026, 1, 5, 16, 0)),
        (local(2026, 1, 5, 17, 30), local(2026, 1, 6, 9, 30)),
        (local(2026, 1, 10, 12, 0), local(2026, 1, 12, 9, 30)),  # Saturday
    ],
)
def test_active_hours_edges(sched: Schedule, now: datetime, expected: datetime) -> None:
    assert sched.next_due(now, []) == expected


def test_break_never_due_at_or_after_the_window_end(sched: Schedule) -> None:
    h = [ev(local(2026, 1, 5, 17, 0), local(2026, 1, 5, 17, 0), "taken")]
    assert sched.next_due(local(2026, 1, 5, 17, 0), h) == local(2026, 1, 6, 9, 30)
    assert sched.is_active(local(2026, 1, 5, 9, 0))
    assert not sched.is_active(local(2026, 1, 5, 17, 30))


def test_dst_change_keeps_local_times(sched: Schedule) -> None:
    """Across 2026-03-29 (CET -> CEST) the first break stays at 09:30 local."""
    fri = sched.next_due(local(2026, 3, 27, 7), [])
    mon = sched.next_due(local(2026, 3, 30, 7), [])
    assert fri is not None and mon is not None
    assert fri.astimezone(TZ).time() == mon.astimezone(TZ).time() == time(9, 30)
    assert fri.hour == 8 and mon.hour == 7  # UTC hour moved by one
    # A weekend window that spans the change: Sunday hours on the DST day.
    prefs = ReminderPrefs(active_hours={"sun": {"start": "01:00", "end": "05:00"}})
    s = Schedule(prefs, ZONE)
    slots = s.day_slots(date(2026, 3, 29))
    assert len(slots) == 5  # three real hours: 01:30 .. 03:30 CET/CEST absolute half hours


def test_pause_one_hour_and_until_tomorrow() -> None:
    now = local(2026, 1, 5, 10, 0)
    base = ReminderPrefs()
    s = Schedule(base, ZONE)
    hour = s.pause_until(now, "1h")
    assert hour == local(2026, 1, 5, 11, 0)
    paused = Schedule(base.model_copy(update={"paused_until": hour}), ZONE)
    h = [ev(local(2026, 1, 5, 9, 30), local(2026, 1, 5, 9, 45), "taken")]
    # 10:15 and 10:45 fall in the pause: the grid goes on at 11:15.
    assert paused.next_due(now, h) == local(2026, 1, 5, 11, 15)
    tomorrow = s.pause_until(now, "tomorrow")
    assert tomorrow == local(2026, 1, 6, 0, 0)
    quiet = Schedule(base.model_copy(update={"paused_until": tomorrow}), ZONE)
    assert quiet.next_due(now, h) == local(2026, 1, 6, 9, 30)
    # A pause that ended long ago changes nothing.
    old = Schedule(base.model_copy(update={"paused_until": local(2026, 1, 1, 0)}), ZONE)
    assert old.next_due(now, h) == local(2026, 1, 5, 10, 15)
    # With its start known, a pause that is over removes only its own breaks from the day.
    ended = Schedule(base.model_copy(update={"paused_since": now, "paused_until": hour}), ZONE)
    assert ended.due_count(date(2026, 1, 5), local(2026, 1, 5, 12), h) == 3  # 9:30, 11:15, 11:45


def test_prerun_reminder_on_run_days() -> None:
    prefs = ReminderPrefs(run_days={"tue": time(18, 30), "thu": time(18, 30)})
    s = Schedule(prefs, ZONE)
    assert s.next_prerun(local(2026, 1, 5, 12)) == local(2026, 1, 6, 17, 30)
    assert s.next_prerun(local(2026, 1, 6, 17, 30)) == local(2026, 1, 8, 17, 30)
    assert Schedule(ReminderPrefs(), ZONE).next_prerun(local(2026, 1, 5, 12)) is None
    paused = Schedule(prefs.model_copy(update={"paused_until": local(2026, 1, 7, 0)}), ZONE)
    assert paused.next_prerun(local(2026, 1, 5, 12)) == local(2026, 1, 8, 17, 30)


def test_longest_sit(sched: Schedule) -> None:
    start, end = local(2026, 1, 5, 9), local(2026, 1, 5, 17, 30)
    h = [
        ev(local(2026, 1, 5, 9, 30), local(2026, 1, 5, 9, 30), "taken"),
        ev(local(2026, 1, 5, 10, 0), local(2026, 1, 5, 10, 0), "skipped"),
        ev(local(2026, 1, 5, 12, 0), local(2026, 1, 5, 12, 0), "natural"),
    ]
    # Away from the keyboard may be a meeting: only the taken break ends a sit.
    assert sched.longest_sit(h, start, end) == timedelta(hours=8)
    assert sched.longest_sit([], start, end) == timedelta(hours=8, minutes=30)


def test_no_active_hours_means_no_breaks() -> None:
    s = Schedule(ReminderPrefs(active_hours={}), ZONE)
    assert s.next_due(local(2026, 1, 5, 10), []) is None


MON = date(2026, 1, 5)


def hm(times: list[datetime]) -> list[str]:
    return [t.astimezone(TZ).strftime("%H:%M") for t in times]


def test_due_times_of_a_day_with_nothing_logged(sched: Schedule) -> None:
    times = sched.due_times(MON, [])
    assert times == sched.day_slots(MON) and len(times) == 16
    assert sched.planned_count(MON) == 16
    assert sched.due_count(MON, local(2026, 1, 5, 10, 59), []) == 3
    assert sched.due_count(MON, local(2026, 1, 5, 11, 0), []) == 4
    assert sched.due_times(date(2026, 1, 10), []) == []  # Saturday


def test_missed_and_skipped_breaks_do_not_drift_the_day(sched: Schedule) -> None:
    # Nobody answers at 09:30 (missed five minutes later), 10:00 is skipped late.
    h = [
        ev(local(2026, 1, 5, 9, 30), local(2026, 1, 5, 9, 35), "missed"),
        ev(local(2026, 1, 5, 10, 0), local(2026, 1, 5, 10, 7), "skipped"),
    ]
    assert sched.due_times(MON, h) == sched.day_slots(MON)
    assert sched.next_due(local(2026, 1, 5, 10, 7), h) == local(2026, 1, 5, 10, 30)


def test_movement_restarts_the_grid(sched: Schedule) -> None:
    h = [ev(local(2026, 1, 5, 9, 30), local(2026, 1, 5, 9, 41), "taken")]
    assert hm(sched.due_times(MON, h))[:3] == ["09:30", "10:11", "10:41"]
    # Away from 10:20 to 10:52: 10:41 was not due, the clock restarts at 10:52.
    h.append(ev(local(2026, 1, 5, 10, 20), local(2026, 1, 5, 10, 52), "natural"))
    assert hm(sched.due_times(MON, h))[:4] == ["09:30", "10:11", "11:22", "11:52"]
    assert sched.next_due(local(2026, 1, 5, 10, 52), h) == local(2026, 1, 5, 11, 22)
    # Fixed mode ignores idle.
    fixed = Schedule(ReminderPrefs(mode="fixed"), ZONE)
    assert hm(fixed.due_times(MON, h))[:3] == ["09:30", "10:11", "10:41"]


def test_a_snooze_chain_is_one_break(sched: Schedule) -> None:
    prefs = ReminderPrefs(snooze_min=25)
    s = Schedule(prefs, ZONE)
    d = local(2026, 1, 5, 10, 0)
    h = [
        ev(local(2026, 1, 5, 9, 30), local(2026, 1, 5, 9, 30), "taken"),
        ev(d, d, "snoozed"),
        ev(d, local(2026, 1, 5, 10, 25), "snoozed"),
    ]
    # 10:30 passes while the 10:00 break is snoozed: not a second break.
    assert s.due_count(MON, local(2026, 1, 5, 10, 40), h) == 2
    assert s.next_due(local(2026, 1, 5, 10, 40), h) == local(2026, 1, 5, 10, 50)
    h.append(ev(d, local(2026, 1, 5, 10, 50), "skipped"))
    assert s.due_count(MON, local(2026, 1, 5, 11, 0), h) == 3
    assert s.next_due(local(2026, 1, 5, 10, 50), h) == local(2026, 1, 5, 11, 0)


def test_unanswered_breaks_before_the_start_are_left_behind(sched: Schedule) -> None:
    now = local(2026, 1, 5, 16, 0)
    assert sched.next_due(now, []) == now
    # From a start at 10:00, the 10:00 break and later ones are still to be handled.
    assert sched.next_due(now, [], since=local(2026, 1, 5, 10, 0)) == local(2026, 1, 5, 10, 0)
    assert sched.next_due(now, [], since=local(2026, 1, 5, 10, 10)) == local(2026, 1, 5, 10, 0)
    assert sched.next_due(now, [], since=local(2026, 1, 5, 10, 40)) == local(2026, 1, 5, 10, 30)


def test_reminders_off_means_nothing_due() -> None:
    off = Schedule(ReminderPrefs(enabled=False), ZONE)
    assert off.due_times(MON, []) == [] and off.due_count(MON, local(2026, 1, 5, 17), []) == 0
    assert off.next_due(local(2026, 1, 5, 10), []) is None
