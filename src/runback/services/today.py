"""What today looks like: sessions in the user's local day, streaks, and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel

from runback.core.slots import DueSlot
from runback.core.timezones import day_bounds_utc, local_date
from runback.services.sessions import SessionPublic, list_sessions
from runback.services.store import LOCAL_USER_ID, Store
from runback.services.streaks import streaks

__all__ = ["DEFAULT_ROUTINE", "Suggestion", "TodaySummary", "today_summary"]

DEFAULT_ROUTINE = "back-up-basics"


class Suggestion(BaseModel):
    """The next thing to do, in words and as a command."""

    text: str
    command: str | None = None
    routine_slug: str | None = None


class TodaySummary(BaseModel):
    """Today's sessions, streaks and suggestion (the CLI and the web app render the same)."""

    date: date
    zone: str
    sessions: list[SessionPublic]
    practiced_today: bool
    current_streak: int
    longest_streak: int
    suggestion: Suggestion
    slots: list[DueSlot] = []


def _slot_context(slot: str) -> str:
    return slot if slot in ("before-run", "after-run", "desk-break") else "other"


def _suggest(store: Store, user_id: int, practiced: bool, slots: list[DueSlot]) -> Suggestion:
    from runback.services.routines import routine_name

    for due in slots:
        # Any back-up work today counts for the morning slot, even a partial session.
        if due.status != "due" or not due.routine or (practiced and due.slot == "morning"):
            continue
        context = _slot_context(due.slot)
        command = "runback session"
        if due.routine != DEFAULT_ROUTINE:
            command += f" {due.routine}"
        if context != "other":
            command += f" --context {context}"
        name = routine_name(store, due.routine, user_id)
        return Suggestion(
            text=f"{due.label}: {name} ({due.reason}): {command}",
            command=command,
            routine_slug=due.routine,
        )
    if practiced:
        return Suggestion(text="Done for today: nice work. Your back thanks you.")
    name, minutes = "Back-up basics", None
    try:
        from runback.services.catalog import load_builtin

        catalog = load_builtin()
        routine = catalog.routines[DEFAULT_ROUTINE]
        name, minutes = routine.name, round(catalog.duration_s(routine) / 60)
    except Exception:  # a broken catalog must not hide today's summary; `session` reports it
        pass
    length = f" ({minutes} min)" if minutes else ""
    return Suggestion(
        text=f"Do {name}{length}: runback session",
        command="runback session",
        routine_slug=DEFAULT_ROUTINE,
    )


def today_summary(
    store: Store, user_id: int = LOCAL_USER_ID, *, run_starts: Sequence[datetime] | None = None
) -> TodaySummary:
    """Return today's sessions, current and longest streak, and the next suggested thing.

    `run_starts`: when today's runs were read already (at the store clock's now), their starts.
    """
    with store.reading() as store:
        zone = store.user_zone(user_id)
        today = local_date(store.clock.now(), zone)
        start, end = day_bounds_utc(today, zone)
        sessions = list_sessions(store, user_id, since=start, until=end)
        streak = streaks(store, user_id, today)
        from runback.services.plans import due_slots

        slots = due_slots(store, user_id, sessions=sessions, run_starts=run_starts)
    return TodaySummary(
        date=today,
        zone=zone,
        sessions=sessions,
        practiced_today=streak.practiced_today,
        current_streak=streak.current,
        longest_streak=streak.longest,
        suggestion=_suggest(store, user_id, streak.practiced_today, slots),
        slots=slots,
    )
