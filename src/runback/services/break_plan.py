"""The day's breaks as planned around busy times, each with why it moved; strict and focus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from runback.core.schedule import PlannedBreak, Schedule
from runback.core.timezones import day_bounds_utc, local_date
from runback.services.breaks import history, schedule_for, set_prefs
from runback.services.store import Store

__all__ = [
    "SHORT_BREAK",
    "SKIP_REASONS",
    "BreakPlan",
    "day_plan",
    "long_sit_advice",
    "next_planned",
    "set_focus",
    "set_strict",
]

# The reasons a reminder offers for a skip in strict mode (the web and CLI take any text).
SKIP_REASONS: tuple[str, ...] = ("in a meeting", "on a call", "not feeling well", "other")
# What a 1-minute break asks for when the user is busy (logged as a short taken break).
SHORT_BREAK = "Stand up, roll your shoulders 10 times, sit down again."


@dataclass(frozen=True)
class BreakPlan:
    """A local day's breaks: each planned time with why it moved, and the next one due."""

    day: date
    zone: str
    breaks: list[PlannedBreak]
    next: PlannedBreak | None

    @property
    def moved(self) -> list[PlannedBreak]:
        """The breaks that moved for a busy time."""
        return [b for b in self.breaks if b.reason is not None]


def long_sit_advice(sched: Schedule) -> str:
    """Return what a break after a long meeting asks for: a longer walk and a back stretch."""
    return (
        f"Walk for {sched.prefs.break_min + 5} min, then the seated upper-back stretch "
        "for your mid and upper back."
    )


def _plan_of(sched: Schedule, day: date, user_id: int, store: Store) -> list[PlannedBreak]:
    start, end = day_bounds_utc(day, sched.zone)
    return sched.plan(day, history(store, start, end, user_id=user_id))


def next_planned(store: Store, *, user_id: int) -> PlannedBreak | None:
    """Return the next break due with why it moved (None when none is due in two weeks)."""
    sched = schedule_for(store, user_id=user_id)
    now = store.clock.now()
    if not sched.prefs.enabled:
        return None
    due = sched.next_due(now, history(store, now - timedelta(days=1), None, user_id=user_id))
    if due is None:
        return None
    day = local_date(due, sched.zone)
    found = {b.at: b for b in _plan_of(sched, day, user_id, store)}
    return found.get(due, PlannedBreak(due))


def day_plan(store: Store, *, user_id: int, day: date | None = None) -> BreakPlan:
    """Return a local day's (default today's) planned breaks, and the next one due."""
    zone = store.user_zone(user_id=user_id)
    day = day or local_date(store.clock.now(), zone)
    sched = schedule_for(store, user_id=user_id, around=day_bounds_utc(day, zone)[0])
    return BreakPlan(
        day, zone, _plan_of(sched, day, user_id, store), next_planned(store, user_id=user_id)
    )


def set_strict(store: Store, on: bool, *, user_id: int) -> bool:
    """Turn strict mode on or off (no snooze; a skip says why); return the new state."""
    return set_prefs(store, {"strict": on}, merge=True, user_id=user_id).strict


def set_focus(store: Store, on: bool, *, user_id: int) -> bool:
    """Turn focus on or off (a break in a meeting waits for its end); return the new state."""
    return set_prefs(store, {"focus": on}, merge=True, user_id=user_id).focus
