"""Daily slots (morning, desk breaks, before and after a run) and what is due in them now.

Slots live in users.prefs["slots"] as a list of Slot documents; a missing or partial list is
completed with DEFAULT_SLOTS. Each slot names a routine, or a plan request that the planner
turns into a routine sized for the slot. An active physio programme takes over the first slots
of the day (programme_slots), and is also shown as its own line with today's count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from runback.core.model import Model
from runback.core.vocab import CONTEXT_SLOTS, Place, SlotName

__all__ = [
    "DEFAULT_SLOTS",
    "BreakDay",
    "DueSlot",
    "PlanSpec",
    "Slot",
    "SlotSession",
    "infer_context",
    "parse_slots",
    "programme_slots",
    "slot_label",
    "what_is_due",
]

# "paused": an open warning sign (services.concerns) puts every slot on hold.
Status = Literal["due", "done", "upcoming", "missed", "not-today", "paused"]
_LABELS = {
    "morning": "Morning",
    "desk-break": "Desk breaks",
    "before-run": "Before the run",
    "after-run": "After the run",
    "programme": "Physio programme",
}
# A session this close before a planned run (or after a run started) belongs to that run.
_BEFORE_RUN = timedelta(hours=3)
_AFTER_RUN = timedelta(hours=4)
# Programme sessions go into these slots first; never before a run (floor work at a trailhead).
_PROGRAMME_ORDER = ("morning", "after-run", "desk-break")


def slot_label(name: str) -> str:
    """Return a slot's name as people read it ("desk-break" -> "Desk breaks")."""
    return _LABELS.get(name, name)


class PlanSpec(Model):
    """The part of a plan request a slot stores; history is added when the plan is made."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minutes: float = Field(gt=0, le=60)
    areas: list[str] = Field(default_factory=list)
    where: Place = "anywhere"


class Slot(Model):
    """One moment of the day and what to do in it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: SlotName
    enabled: bool = True
    routine: str | None = None
    plan: PlanSpec | None = None
    times: int = Field(default=1, ge=1, le=12, description="sessions wanted per day")
    # Local window (morning, desk breaks); None for the run slots, which follow the run.
    start: time | None = None
    end: time | None = None
    weekdays_only: bool = False

    @model_validator(mode="after")
    def _one_thing_to_do(self) -> Slot:
        if (self.routine is None) == (self.plan is None):
            raise ValueError(f"slot {self.name!r}: give either a routine or a plan, not both")
        if (self.start is None) != (self.end is None):
            raise ValueError(f"slot {self.name!r}: give both start and end, or neither")
        return self


# The seed: Back-up basics daily, the Desk break every half hour at work, and back-up work done
# before the evening run; after the run a short plan for what running tightened. That includes
# the mid and upper back (arm swing and an upright trunk hold them for the whole run), not only
# the lower back and legs.
DEFAULT_SLOTS: tuple[Slot, ...] = (
    Slot(name="morning", routine="back-up-basics", start=time(6), end=time(11)),
    # Its window and count come from the break schedule (see BreakDay); these are fallbacks.
    Slot(
        name="desk-break",
        routine="desk-break",
        times=3,
        start=time(9),
        end=time(17, 30),
        weekdays_only=True,
    ),
    Slot(name="before-run", routine="back-up-basics"),
    Slot(
        name="after-run",
        plan=PlanSpec(
            minutes=8,
            areas=["lower-back", "mid-back", "upper-back", "hamstrings", "glutes"],
            where="home",
        ),
    ),
)


def parse_slots(value: Any) -> list[Slot]:
    """Return slots from a prefs value, completed with the defaults for any slot not set."""
    mine = {s.name: s for s in (Slot.model_validate(v) for v in (value or []))}
    return [mine.get(d.name, d) for d in DEFAULT_SLOTS]


def programme_slots(slots: Sequence[Slot], routine_slug: str, times_per_day: int) -> list[Slot]:
    """Return slots with the programme's routine in the first times_per_day suitable ones."""
    out = list(slots)
    left = times_per_day
    for name in _PROGRAMME_ORDER:
        for i, slot in enumerate(out):
            if left and slot.name == name and slot.enabled:
                out[i] = slot.model_copy(update={"routine": routine_slug, "plan": None})
                left -= 1
    return out


@dataclass(frozen=True)
class SlotSession:
    """A session of today, as the slots see it."""

    started_local: datetime
    context: str
    routine_slug: str
    completed: bool


class DueSlot(Model):
    """A slot's state right now: what to do, how many done, and why it is (or is not) due."""

    slot: str
    label: str
    status: Status
    done: int
    wanted: int
    routine: str | None = None
    plan: PlanSpec | None = None
    reason: str
    until: time | None = Field(default=None, description="local end of the slot's window today")
    next_at: time | None = Field(default=None, description="local time it is next due, if later")


@dataclass(frozen=True)
class BreakDay:
    """Today's movement breaks as the reminder schedule sees them: the desk-break slot's day.

    The reminders and the desk-break slot are one thing: its count is the schedule's, not the
    slot's `times`, and a break counts as done when it was taken (a finished Desk break
    session logs a taken break), never when the user was merely away from the keyboard.
    """

    window: tuple[time, time] | None  # today's active hours (local); None on a day off
    planned: int  # breaks in today's schedule
    due: int  # breaks fallen due by now
    taken: int
    next_due: datetime | None  # local


def _break_status(b: BreakDay, now: datetime) -> tuple[Status, str]:
    if b.window is None or b.planned == 0:
        return "not-today", "no breaks planned today"
    start, end = b.window
    if b.taken >= b.planned:
        return "done", "every break taken today"
    if now.time() < start:
        return "upcoming", f"from {start:%H:%M}"
    if now.time() >= end:
        return "missed", f"{b.planned - b.taken} not taken before {end:%H:%M}"
    if b.next_due is not None and b.next_due <= now:
        return "due", f"due since {b.next_due:%H:%M}"
    if b.next_due is not None and b.next_due.date() == now.date():
        return "upcoming", f"next at {b.next_due:%H:%M}"
    return "upcoming", f"until {end:%H:%M}"


def infer_context(
    slots: Sequence[Slot],
    routine_slug: str,
    now_local: datetime,
    ran_at: datetime | None,
    run_planned_at: datetime | None,
) -> str:
    """Return the context of a session started now with no context given (any button).

    The desk-break slot's routine is a break; shortly after today's run it is after-run work;
    shortly before a run planned today (and not run yet) the before-run slot's routine is
    before-run work; anything else is "other" (the morning slot counts it by its window).
    """
    by_name = {s.name: s for s in slots if s.enabled}
    desk = by_name.get("desk-break")
    if desk is not None and desk.routine == routine_slug:
        return "desk-break"
    if ran_at is not None and timedelta(0) <= now_local - ran_at <= _AFTER_RUN:
        return "after-run"
    before = by_name.get("before-run")
    if (
        ran_at is None
        and run_planned_at is not None
        and before is not None
        and before.routine == routine_slug
        and timedelta(0) <= run_planned_at - now_local <= _BEFORE_RUN
    ):
        return "before-run"
    return "other"


def _done(slot: Slot, sessions: Sequence[SlotSession]) -> int:
    if slot.name in CONTEXT_SLOTS:
        return sum(1 for s in sessions if s.context == slot.name)
    # Morning: any other session in the morning window (or of the slot's routine).
    count = 0
    for s in sessions:
        if s.context in CONTEXT_SLOTS:
            continue
        in_window = slot.start is not None and slot.end is not None
        if (in_window and slot.start <= s.started_local.time() < slot.end) or (  # type: ignore[operator]
            slot.routine is not None and s.routine_slug == slot.routine
        ):
            count += 1
    return count


def what_is_due(
    slots: Sequence[Slot],
    sessions: Sequence[SlotSession],
    run_day: bool,
    ran_at: datetime | None,
    now_local: datetime,
    programme: tuple[str, int] | None = None,
    breaks: BreakDay | None = None,
) -> list[DueSlot]:
    """Return every enabled slot's state now; programme is (routine slug, times per day) or None.

    sessions are today's completed sessions; run_day says a run is planned or done today;
    ran_at is when today's run started (local), if one is recorded; breaks is today's break
    schedule, which the desk-break slot follows when given.
    """
    done_sessions = [s for s in sessions if s.completed]
    out: list[DueSlot] = []
    now = now_local.time()
    for slot in slots:
        if not slot.enabled:
            continue
        done = _done(slot, done_sessions)
        wanted = slot.times
        until = slot.end
        next_at: time | None = None
        status: Status
        if slot.name == "desk-break" and breaks is not None:
            done, wanted = breaks.taken, breaks.planned
            until = breaks.window[1] if breaks.window else None
            status, reason = _break_status(breaks, now_local)
            if status == "upcoming" and breaks.next_due is not None:
                next_at = (
                    breaks.next_due.time() if breaks.next_due.date() == now_local.date() else None
                )
            elif status == "upcoming" and breaks.window is not None:
                next_at = breaks.window[0]
        elif slot.name in ("before-run", "after-run"):
            if not run_day:
                status, reason = "not-today", "no run planned today"
            elif done >= slot.times:
                status, reason = "done", "done today"
            elif slot.name == "before-run":
                status, reason = (
                    ("missed", "the run is done") if ran_at else ("due", "before you head out")
                )
            else:
                status, reason = (
                    ("due", "your run is in") if ran_at else ("upcoming", "after your run")
                )
        elif slot.weekdays_only and now_local.weekday() >= 5:
            status, reason = "not-today", "weekend"
        elif done >= slot.times:
            status, reason = "done", "done today"
        else:
            assert slot.start is not None and slot.end is not None
            window = f"{slot.start:%H:%M}–{slot.end:%H:%M}"
            if now < slot.start:
                status, reason, next_at = "upcoming", f"from {slot.start:%H:%M}", slot.start
            elif now >= slot.end:
                status, reason = "missed", f"the {window} window has passed"
            else:
                status, reason = "due", f"until {slot.end:%H:%M}"
        out.append(
            DueSlot(
                slot=slot.name,
                label=_LABELS[slot.name],
                status=status,
                done=done,
                wanted=wanted,
                routine=slot.routine,
                plan=slot.plan,
                reason=reason,
                until=until,
                next_at=next_at,
            )
        )
    if programme is not None:
        slug, times = programme
        done = sum(1 for s in done_sessions if s.routine_slug == slug)
        out.append(
            DueSlot(
                slot="programme",
                label=_LABELS["programme"],
                status="done" if done >= times else "due",
                done=min(done, times),
                wanted=times,
                routine=slug,
                reason=f"prescribed {times}×/day, done {min(done, times)} today",
            )
        )
    return out
