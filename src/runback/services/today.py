"""What today looks like: sessions in the user's local day, streaks, and what to do next."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import select

from runback.core.slots import DueSlot
from runback.core.streaks import counts_as_practice, current_streak, longest_streak, practice_days
from runback.core.timezones import day_bounds_utc, local_date
from runback.services.sessions import SessionPublic, list_sessions
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import SessionRow

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


def _routine_name(slug: str) -> str:
    try:
        from runback.services.catalog import load_builtin

        return load_builtin().routines[slug].name
    except Exception:  # a user routine or a broken catalog: the slug will do
        return slug


def _suggest(practiced: bool, slots: list[DueSlot]) -> Suggestion:
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
        return Suggestion(
            text=f"{due.label}: {_routine_name(due.routine)} ({due.reason}): {command}",
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


def today_summary(store: Store, user_id: int = LOCAL_USER_ID) -> TodaySummary:
    """Return today's sessions, current and longest streak, and the next suggested thing."""
    zone = store.user_zone(user_id)
    today = local_date(store.clock.now(), zone)
    start, end = day_bounds_utc(today, zone)
    sessions = list_sessions(store, user_id, since=start, until=end)
    query = select(
        SessionRow.started_at, SessionRow.zone, SessionRow.completed, SessionRow.steps_done
    ).where(SessionRow.user_id == user_id)
    with store.factory() as s:
        rows = s.execute(query).all()
    days = practice_days(
        (r.started_at, r.zone) for r in rows if counts_as_practice(r.completed, r.steps_done or [])
    )
    practiced = today in days
    from runback.services.plans import due_slots

    slots = due_slots(store, user_id)
    return TodaySummary(
        date=today,
        zone=zone,
        sessions=sessions,
        practiced_today=practiced,
        current_streak=current_streak(days, today),
        longest_streak=longest_streak(days),
        suggestion=_suggest(practiced, slots),
        slots=slots,
    )
