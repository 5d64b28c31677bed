"""Today, as one model: sessions, streak, slots, breaks, runs, the pain prompt and what is next.

`runback today`, `runback today --json`, the Today page and `/api/v1/today` all render this
one model; each surface says the suggestion in its own words (a command in the terminal, a
button on the web), so the model holds data, never a sentence or a command line.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import Field

from runback.core.model import Model
from runback.core.slots import BreakDay, DueSlot
from runback.core.timezones import day_bounds_utc, local_date
from runback.core.triage import Advice
from runback.core.vocab import CONTEXT_SLOTS
from runback.services.checkins import CheckIn, RunSpan, due_checkins
from runback.services.concerns import Concern, open_concern
from runback.services.habit import HabitStrength, habit_strength
from runback.services.runs import Run, list_runs
from runback.services.sessions import SessionPublic, list_sessions
from runback.services.store import Store
from runback.services.streaks import streaks

__all__ = [
    "DEFAULT_ROUTINE",
    "PAIN_PROMPT_WINDOW",
    "BreaksToday",
    "MovedBreak",
    "PainPrompt",
    "Suggestion",
    "Today",
    "today",
]

DEFAULT_ROUTINE = "back-up-basics"
# After a run, ask about the back for this long (unless pain was logged since).
PAIN_PROMPT_WINDOW = timedelta(hours=24)


class Suggestion(Model):
    """The next thing to do, as data: a slot due now, the daily routine, a slot due later today
    after the day's back-up work, nothing left today, or care first (an open red flag)."""

    kind: Literal["slot", "routine", "later", "done", "care"]
    routine: str | None = Field(default=None, description="routine slug to play")
    slot: str | None = Field(default=None, description="the due slot it is for")
    context: str | None = Field(default=None, description="session context to start it in")
    until: time | None = Field(default=None, description="local time the slot's window ends")
    at: time | None = Field(default=None, description="local time a later slot is due")
    minutes: int | None = Field(default=None, description="length of the routine, rounded")
    advice: Advice | None = Field(default=None, description="care first: the advice to follow")


class MovedBreak(Model):
    """A break of today's plan moved for a busy time: when, and why."""

    at: datetime
    reason: str
    long_sit: bool = Field(description="after a long meeting: a longer walk and a back stretch")


class BreaksToday(Model):
    """Movement breaks today: the schedule's count, what was taken, and the next one due."""

    enabled: bool
    planned: int = Field(description="breaks in today's schedule")
    due: int = Field(description="breaks fallen due so far")
    taken: int
    away: int = Field(description="times away from the keyboard (restart the sit, not a break)")
    skipped: int
    missed: int
    longest_sit_min: float
    next_due: datetime | None
    next_reason: str | None = Field(
        default=None, description="why the next break moved, e.g. after your 10:00–11:30 meeting"
    )
    moved: list[MovedBreak] = Field(
        default_factory=list, description="today's breaks moved for busy times, and why"
    )
    strict: bool = Field(default=False, description="strict mode: no snooze, a skip says why")


class PainPrompt(Model):
    """A run without a pain entry since: ask how the back feels."""

    run_id: int
    run_start: datetime


class Today(Model):
    """Everything Today shows, for every surface."""

    date: date
    zone: str
    sessions: list[SessionPublic]
    practiced_today: bool
    current_streak: int
    longest_streak: int
    habit: HabitStrength = Field(description="forgiving habit strength of the routine and breaks")
    minutes_done: float = Field(description="minutes held today (skipped steps hold none)")
    minutes_target: int = Field(description="the daily minutes target")
    slots: list[DueSlot]
    suggestion: Suggestion
    breaks: BreaksToday
    runs: list[Run]
    pain_prompt: PainPrompt | None
    routine_names: dict[str, str] = Field(description="display name of each routine named here")
    concern: Concern | None = Field(
        default=None, description="red flags reported and not yet checked by a professional"
    )
    checkins: list[CheckIn] = Field(
        default_factory=list, description="check-ins asked for now (before or after a run)"
    )


def _context(slot: str) -> str:
    return slot if slot in CONTEXT_SLOTS else "other"


def _suggest(practiced: bool, slots: list[DueSlot], minutes: dict[str, int]) -> Suggestion:
    for due in slots:
        # Any back-up work today counts for the morning slot, even a partial session.
        if due.status != "due" or not due.routine or (practiced and due.slot == "morning"):
            continue
        return Suggestion(
            kind="slot",
            routine=due.routine,
            slot=due.slot,
            context=_context(due.slot),
            until=due.until,
            minutes=minutes.get(due.routine),
        )
    if practiced:
        for due in slots:
            if due.status == "upcoming" and due.routine and due.next_at is not None:
                return Suggestion(
                    kind="later",
                    routine=due.routine,
                    slot=due.slot,
                    context=_context(due.slot),
                    at=due.next_at,
                    minutes=minutes.get(due.routine),
                )
        return Suggestion(kind="done")
    return Suggestion(kind="routine", routine=DEFAULT_ROUTINE, minutes=minutes.get(DEFAULT_ROUTINE))


def _routines(store: Store, user_id: int, slugs: set[str]) -> tuple[dict[str, str], dict[str, int]]:
    """Return the names and lengths (whole minutes) of these routines; unknown ones are left out."""
    from runback.errors import RunbackError
    from runback.services.catalog import load_builtin

    catalog = load_builtin()
    try:
        if not slugs <= catalog.routines.keys():
            # One read (and the routines module), only when the user's own are named.
            from runback.services.routines import user_catalog

            catalog = user_catalog(store, user_id=user_id)
        found = [catalog.routines[slug] for slug in slugs if slug in catalog.routines]
        names = {r.slug: r.name for r in found}
        minutes = {r.slug: max(1, round(catalog.duration_s(r) / 60)) for r in found}
    except RunbackError:
        return {}, {}  # a broken routine must not hide Today; playing it reports the problem
    return names, minutes


def _pain_prompt(store: Store, user_id: int, recent: list[Run]) -> PainPrompt | None:
    from runback.services.pain import pain_history

    if not recent:
        return None
    run = recent[-1]
    if any(e.at >= run.start for e in pain_history(store, days=2, user_id=user_id)):
        return None
    return PainPrompt(run_id=run.id, run_start=run.start)


def _breaks(store: Store, user_id: int) -> tuple[BreaksToday, BreakDay]:
    from runback.services.breaks import breaks_today

    found = breaks_today(store, user_id=user_id)
    day = found.summary.today
    out = BreaksToday(
        enabled=found.prefs.enabled,
        planned=found.day.planned,
        due=found.day.due,
        taken=day.taken,
        away=day.away_from_keyboard,
        skipped=day.skipped,
        missed=day.missed,
        longest_sit_min=day.longest_sit_min,
        next_due=found.next_due,
        next_reason=found.next_reason,
        moved=[
            MovedBreak(at=b.at, reason=b.reason, long_sit=b.long_sit)
            for b in found.plan
            if b.reason is not None
        ],
        strict=found.prefs.strict,
    )
    return out, found.day


def today(store: Store, *, user_id: int) -> Today:
    """Return Today for the user at the store clock's now (one read scope, one instant)."""
    from runback.services.accounts import get_targets
    from runback.services.slots import due_slots

    with store.reading() as store:
        zone = store.user_zone(user_id=user_id)
        now = store.clock.now()
        day = local_date(now, zone)
        start, end = day_bounds_utc(day, zone)
        since = now - PAIN_PROMPT_WINDOW
        sessions = list_sessions(store, since=start, until=end, user_id=user_id)
        streak = streaks(store, day, user_id=user_id)
        # One read of the runs serves the slots, today's list and the pain prompt's last 24 h.
        runs = list_runs(store, since=min(start, since), until=max(end, now), user_id=user_id)
        runs_today = [r for r in runs if start <= r.start < end]
        breaks, break_day = _breaks(store, user_id)
        concern = open_concern(store, user_id=user_id)
        slots = due_slots(
            store,
            sessions=sessions,
            run_starts=[r.start for r in runs_today],
            breaks=break_day,
            concern=concern,
            user_id=user_id,
        )
        names, minutes = _routines(
            store, user_id, {d.routine for d in slots if d.routine} | {DEFAULT_ROUTINE}
        )
        for s in sessions:
            names.setdefault(s.routine_slug, s.routine_name)
        suggestion = _suggest(streak.practiced_today, slots, minutes)
        if concern is not None and concern.blocking:
            # Care first: no stretching or running until a professional has checked.
            suggestion = Suggestion(kind="care", advice=concern.advice)
        return Today(
            date=day,
            zone=zone,
            sessions=sessions,
            practiced_today=streak.practiced_today,
            current_streak=streak.current,
            longest_streak=streak.longest,
            habit=habit_strength(store, user_id=user_id, today=day),
            # The sum services.minutes makes, from the sessions already read.
            minutes_done=round(sum(s.done_s for s in sessions) / 60, 1),
            minutes_target=get_targets(store, user_id=user_id).minutes_per_day,
            slots=slots,
            suggestion=suggestion,
            breaks=breaks,
            runs=runs_today,
            pain_prompt=_pain_prompt(store, user_id, [r for r in runs if since <= r.start < now]),
            routine_names=dict(sorted(names.items())),
            concern=concern,
            checkins=due_checkins(
                store,
                user_id=user_id,
                at=now,
                # The runs already read (the last 24 h and today) are the ones check-ins follow.
                runs=[
                    RunSpan(r.id, r.start, r.start + timedelta(seconds=r.elapsed_s))
                    for r in runs
                    if r.is_run
                ],
            ),
        )
