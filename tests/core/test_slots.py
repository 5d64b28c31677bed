"""Daily slots: defaults, validation, what is due now, and the programme taking over."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from runback.core.slots import (
    DEFAULT_SLOTS,
    BreakDay,
    DueSlot,
    PlanSpec,
    Slot,
    SlotSession,
    infer_context,
    parse_slots,
    programme_slots,
    what_is_due,
)

TZ = ZoneInfo("Europe/Berlin")


def at(hour: int, minute: int = 0, day: int = 7) -> datetime:
    """Return a local time on Wednesday 2026-01-07 (day=10 is a Saturday)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=TZ)


def sess(hour: int, context: str = "other", slug: str = "x", done: bool = True) -> SlotSession:
    return SlotSession(at(hour), context, slug, done)


def by_name(items: list[DueSlot], name: str) -> DueSlot:
    return next(i for i in items if i.slot == name)


def test_defaults_fill_missing_slots() -> None:
    slots = parse_slots([{"name": "morning", "routine": "back-up-basics"}])
    assert [s.name for s in slots] == ["morning", "desk-break", "before-run", "after-run"]
    assert slots[0].routine == "back-up-basics" and slots[0].plan is None
    assert slots[1] == DEFAULT_SLOTS[1]


def test_slot_needs_exactly_one_thing_to_do() -> None:
    with pytest.raises(ValueError, match="either a routine or a plan"):
        Slot(name="morning", routine="a", plan=PlanSpec(minutes=3))
    with pytest.raises(ValueError, match="either a routine or a plan"):
        Slot(name="morning")


def test_morning_window() -> None:
    slots = list(DEFAULT_SLOTS)
    assert by_name(what_is_due(slots, [], False, None, at(5)), "morning").status == "upcoming"
    assert by_name(what_is_due(slots, [], False, None, at(7)), "morning").status == "due"
    assert by_name(what_is_due(slots, [], False, None, at(12)), "morning").status == "missed"
    done = what_is_due(slots, [sess(7)], False, None, at(12))
    assert by_name(done, "morning").status == "done"


def test_desk_breaks_count_and_weekends() -> None:
    sessions = [sess(10, "desk-break"), sess(11, "desk-break")]
    due = by_name(what_is_due(list(DEFAULT_SLOTS), sessions, False, None, at(14)), "desk-break")
    assert (due.status, due.done, due.wanted) == ("due", 2, 3)
    weekend = what_is_due(list(DEFAULT_SLOTS), [], False, None, at(14, day=10))
    assert by_name(weekend, "desk-break").status == "not-today"


def test_run_slots_follow_the_run() -> None:
    slots = list(DEFAULT_SLOTS)
    none = what_is_due(slots, [], False, None, at(8))
    assert by_name(none, "before-run").status == "not-today"
    planned = what_is_due(slots, [], True, None, at(8))
    assert by_name(planned, "before-run").status == "due"
    assert by_name(planned, "after-run").status == "upcoming"
    ran = what_is_due(slots, [], True, at(17), at(18))
    assert by_name(ran, "before-run").status == "missed"
    assert by_name(ran, "after-run").status == "due"
    after = what_is_due(slots, [sess(18, "after-run")], True, at(17), at(19))
    assert by_name(after, "after-run").status == "done"


def test_disabled_slots_are_hidden_and_incomplete_sessions_do_not_count() -> None:
    slots = parse_slots([{"name": "desk-break", "enabled": False, "routine": "desk-break"}])
    due = what_is_due(slots, [sess(7, done=False)], False, None, at(8))
    assert "desk-break" not in {d.slot for d in due}
    assert by_name(due, "morning").status == "due"


def test_programme_takes_first_slots_and_is_counted() -> None:
    slots = programme_slots(list(DEFAULT_SLOTS), "physio-back", 2)
    assert [s.routine for s in slots] == [
        "physio-back",
        "desk-break",
        "back-up-basics",
        "physio-back",
    ]
    due = what_is_due(slots, [sess(7, slug="physio-back")], True, None, at(8), ("physio-back", 2))
    line = by_name(due, "programme")
    assert (line.status, line.done, line.wanted) == ("due", 1, 2)
    assert line.reason == "prescribed 2×/day, done 1 today"
    assert by_name(due, "morning").status == "done"


def test_windows_are_local_times() -> None:
    slot = Slot(name="morning", routine="r", start=time(6), end=time(7))
    assert what_is_due([slot], [], False, None, at(6, 30))[0].status == "due"


def _day(taken: int, next_due: datetime | None, planned: int = 16) -> BreakDay:
    return BreakDay(
        window=(time(9), time(17, 30)), planned=planned, due=0, taken=taken, next_due=next_due
    )


def test_desk_breaks_follow_the_break_schedule_not_the_slot_times() -> None:
    slots = list(DEFAULT_SLOTS)

    def desk(now: datetime, day: BreakDay):  # type: ignore[no-untyped-def]
        return by_name(what_is_due(slots, [], False, None, now, None, day), "desk-break")

    early = desk(at(8), _day(0, at(9, 30)))
    assert (early.status, early.reason, early.next_at) == ("upcoming", "from 09:00", time(9, 30))
    due = desk(at(9, 40), _day(0, at(9, 30)))
    assert (due.status, due.reason, due.done, due.wanted) == ("due", "due since 09:30", 0, 16)
    later = desk(at(10), _day(1, at(10, 30)))
    assert (later.status, later.reason, later.next_at) == (
        "upcoming",
        "next at 10:30",
        time(10, 30),
    )
    assert desk(at(17, 45), _day(3, None)).status == "missed"
    assert desk(at(17, 45), _day(16, None)).status == "done"  # a ✓ only when every one was taken
    off = BreakDay(window=None, planned=0, due=0, taken=0, next_due=None)
    assert desk(at(10, day=10), off).status == "not-today"


def test_context_is_inferred_from_the_routine_and_the_time() -> None:
    slots = list(DEFAULT_SLOTS)
    assert infer_context(slots, "desk-break", at(10), None, None) == "desk-break"
    assert infer_context(slots, "back-up-basics", at(7), None, None) == "other"
    # Two hours before a planned 18:30 run, Back-up basics is the before-run work ...
    assert infer_context(slots, "back-up-basics", at(16, 30), None, at(18, 30)) == "before-run"
    assert infer_context(slots, "back-up-basics", at(12), None, at(18, 30)) == "other"
    # ... and after the run, any routine is after-run work (a Desk break stays a break).
    assert infer_context(slots, "evening-unwind", at(19, 30), at(18, 30), at(18, 30)) == "after-run"
    assert infer_context(slots, "desk-break", at(19, 30), at(18, 30), None) == "desk-break"
    assert infer_context(slots, "evening-unwind", at(23, 30), at(18, 30), None) == "other"


def test_the_default_after_run_plan_covers_the_whole_back() -> None:
    after = next(s for s in DEFAULT_SLOTS if s.name == "after-run")
    assert after.plan is not None and after.plan.minutes == 8
    assert {"lower-back", "mid-back", "upper-back"} <= set(after.plan.areas)
