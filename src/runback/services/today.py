"""What today looks like: sessions in the user's local day, streaks, and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Integer, Select, bindparam, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.types import Date

from runback.core.slots import DueSlot
from runback.core.streaks import counts_as_practice, current_streak, longest_streak, practice_days
from runback.core.timezones import day_bounds_utc, local_date
from runback.services.sessions import SessionPublic, list_sessions
from runback.services.store import LOCAL_USER_ID, Store
from runback.storage.models import SessionRow

__all__ = ["DEFAULT_ROUTINE", "Streaks", "Suggestion", "TodaySummary", "streaks", "today_summary"]

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


@dataclass(frozen=True)
class Streaks:
    """Whether today counts as back-up work, the current and the longest streak."""

    practiced_today: bool
    current: int
    longest: int


def _streaks_in_python(session: Session, user_id: int, today: date) -> Streaks:
    query = select(
        SessionRow.started_at, SessionRow.zone, SessionRow.completed, SessionRow.steps_done
    ).where(SessionRow.user_id == user_id)
    rows = session.execute(query).all()
    days = practice_days(
        (r.started_at, r.zone) for r in rows if counts_as_practice(r.completed, r.steps_done or [])
    )
    return Streaks(today in days, current_streak(days, today), longest_streak(days))


@cache
def _newest_runs() -> Select[Any]:
    # The same rules as core.streaks, run where the rows are: each practice session's local
    # day in its own zone, then runs of consecutive days ("gaps and islands": day minus its
    # rank is constant along a run). Built once: building it costs more than running it.
    steps = SessionRow.steps_done
    practice = SessionRow.completed | case(
        (func.json_typeof(steps) == "array", func.json_array_length(steps) > 0), else_=False
    )
    day = cast(func.timezone(SessionRow.zone, SessionRow.started_at), Date).label("day")
    days = (
        select(day)
        .distinct()
        .where(SessionRow.user_id == bindparam("user_id"), practice)
        .subquery("days")
    )
    rank = cast(func.row_number().over(order_by=days.c.day), Integer)
    ranked = select(days.c.day, (days.c.day - rank).label("grp")).subquery("ranked")
    runs = (
        select(
            func.min(ranked.c.day).label("first"),
            func.max(ranked.c.day).label("last"),
            func.count().label("n"),
        )
        .group_by(ranked.c.grp)
        .subquery("runs")
    )
    # A session in a zone ahead of the user's can fall on tomorrow (up to two days ahead):
    # the runs that can hold today or yesterday are among the newest four.
    return (
        select(runs.c.first, runs.c.last, func.max(runs.c.n).over().label("longest"))
        .order_by(runs.c.last.desc())
        .limit(4)
    )


def _streaks_in_postgres(session: Session, user_id: int, today: date) -> Streaks:
    # Python reads a handful of rows instead of every session the user ever did.
    newest = session.execute(_newest_runs(), {"user_id": user_id}).all()
    if not newest:
        return Streaks(False, 0, 0)

    def run_with(day: date) -> Any:
        return next((r for r in newest if r.first <= day <= r.last), None)

    found = run_with(today)
    anchor = today if found is not None else today - timedelta(days=1)
    found = found or run_with(anchor)
    current = (anchor - found.first).days + 1 if found is not None else 0
    return Streaks(anchor == today, current, int(newest[0].longest))


def streaks(store: Store, user_id: int, today: date) -> Streaks:
    """Return whether `today` has back-up work, and the current and longest streak."""
    with store.factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            return _streaks_in_postgres(session, user_id, today)
        return _streaks_in_python(session, user_id, today)


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
