"""The user's daily slots: read and store them, say which are due, and change them with every
check in one place (the web editor and the CLI), so nothing half-valid is ever saved.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from datetime import datetime
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Protocol

import pydantic
from sqlalchemy import select

from runback.core.schedule import WEEKDAYS
from runback.core.slots import (
    BreakDay,
    DueSlot,
    Slot,
    SlotSession,
    infer_context,
    parse_slots,
    programme_slots,
    what_is_due,
)
from runback.core.vocab import AREAS, SLOT_NAMES
from runback.errors import PlanError, RunbackError, ValidationError, from_pydantic
from runback.services.store import Store
from runback.storage.models import RunRow, SessionRow, UserRow

if TYPE_CHECKING:
    from runback.services.concerns import Concern

__all__ = [
    "RUN_SLOTS",
    "SLOTS_KEY",
    "WINDOW_SLOTS",
    "change_slot",
    "check_slots",
    "due_slots",
    "get_slots",
    "infer_session_context",
    "save_slots",
    "set_slots",
]

# These follow the clock and need a window; the run slots follow the run and have none.
WINDOW_SLOTS = ("morning", "desk-break")
RUN_SLOTS = ("before-run", "after-run")
_SOURCE = "slots"
SLOTS_KEY = "slots"  # in users.prefs


class _Started(Protocol):
    """What due_slots needs of a session: a stored row, or a SessionPublic."""

    @property
    def started_at(self) -> datetime: ...
    @property
    def context(self) -> str: ...
    @property
    def routine_slug(self) -> str: ...
    @property
    def completed(self) -> bool: ...


def _routine_problem(slug: str, known: list[str]) -> str:
    close = difflib.get_close_matches(slug, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"no routine {slug!r}; {hint}(runback routine list)"


def check_slots(store: Store, slots: Sequence[Slot], *, user_id: int) -> None:
    """Raise ValidationError listing every problem with these slots (routines, plans, windows)."""
    # Imported here: only a change of slots plans; Today and the breaks only read them.
    from runback.services.plans import make_plan
    from runback.services.routines import list_routines

    known = [r.slug for r in list_routines(store, user_id=user_id)]
    problems: list[str] = []
    seen: set[str] = set()
    for slot in slots:
        where = f"slots.{slot.name}"
        if slot.name in seen:
            problems.append(f"{where}: given twice; give each slot once")
        seen.add(slot.name)
        if slot.routine is not None and slot.routine not in known:
            problems.append(f"{where}.routine: {_routine_problem(slot.routine, known)}")
        if slot.plan is not None:
            unknown = [a for a in slot.plan.areas if a not in AREAS]
            if unknown:
                problems.append(
                    f"{where}.plan.areas: unknown area(s) {', '.join(unknown)}; "
                    f"use: {', '.join(AREAS)}"
                )
            else:
                try:
                    # Plan once now so a slot never asks for what the planner cannot make.
                    make_plan(
                        store, slot.plan.minutes, slot.plan.areas, slot.plan.where, user_id=user_id
                    )
                except (PlanError, ValidationError) as exc:
                    problems.append(f"{where}.plan: {exc}")
        if slot.name in WINDOW_SLOTS:
            if slot.start is None or slot.end is None:
                problems.append(f"{where}: needs a time window; give start and end, e.g. 06:00")
            elif slot.start >= slot.end:
                problems.append(
                    f"{where}: start {slot.start:%H:%M} is not before end {slot.end:%H:%M}"
                )
        elif slot.start is not None:
            problems.append(f"{where}: follows your run, so it takes no start or end time")
    if problems:
        raise ValidationError(_SOURCE, problems)


def save_slots(store: Store, slots: Sequence[Slot], *, user_id: int) -> list[Slot]:
    """Check and store the user's slots (missing ones keep the defaults); return them all."""
    check_slots(store, slots, user_id=user_id)
    set_slots(store, slots, user_id=user_id)
    return get_slots(store, user_id=user_id)


def change_slot(store: Store, name: str = "", *, user_id: int, **changes: Any) -> Slot:
    """Change one slot's fields (routine= clears its plan, plan= its routine); return it."""
    if name not in SLOT_NAMES:
        close = difflib.get_close_matches(name, SLOT_NAMES, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValidationError(_SOURCE, [f"no slot {name!r}; {hint}use: {', '.join(SLOT_NAMES)}"])
    current = get_slots(store, user_id=user_id)
    old = next(s for s in current if s.name == name)
    data = old.model_dump()
    if changes.get("routine") is not None:
        data["plan"] = None
    if changes.get("plan") is not None:
        data["routine"] = None
    data.update(changes)
    try:
        new = Slot.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc, _SOURCE, f"slots.{name}", empty="slot") from None
    save_slots(store, [new if s.name == name else s for s in current], user_id=user_id)
    return new


def get_slots(store: Store, *, user_id: int) -> list[Slot]:
    """Return the user's slots (defaults for any not set)."""
    with store.factory() as s:
        user = s.get(UserRow, user_id)
        raw = (user.prefs or {}).get(SLOTS_KEY) if user else None
    try:
        return parse_slots(raw)
    except ValueError as exc:
        raise ValidationError(f"users.prefs[{SLOTS_KEY!r}]", [str(exc)]) from None


def set_slots(store: Store, slots: Sequence[Slot], *, user_id: int) -> None:
    """Store the user's slots."""
    with store.tx() as s:
        user = s.get(UserRow, user_id)
        if user is None:
            raise ValidationError("user", [f"no user {user_id}"])
        user.prefs = {
            **(user.prefs or {}),
            SLOTS_KEY: [slot.model_dump(mode="json", exclude_defaults=True) for slot in slots],
        }


def _run_day(store: Store, user_id: int, weekday: int) -> bool:
    try:
        from runback.services.breaks import get_prefs

        days = get_prefs(store, user_id=user_id).run_days
    except RunbackError:
        # Broken reminder prefs must not hide the slots; a recorded run still makes a run day.
        return False
    return WEEKDAYS[weekday] in days


def infer_session_context(store: Store, routine_slug: str, *, user_id: int) -> str:
    """Return the context of a session of this routine started now when none was given."""
    from runback.core.timezones import day_bounds_utc, local_date, to_zone
    from runback.services.breaks import get_prefs

    zone = store.user_zone(user_id=user_id)
    tz = to_zone(zone)
    now = store.clock.now()
    today = local_date(now, zone)
    start = day_bounds_utc(today, zone)[0]
    with store.factory() as s:
        ran = s.scalars(
            select(RunRow.started_at)
            .where(
                RunRow.user_id == user_id,
                RunRow.is_run,  # after a ride, a stretch is not after-run work
                RunRow.started_at >= start,
                RunRow.started_at <= now,
            )
            .order_by(RunRow.started_at.desc())
            .limit(1)
        ).first()
    planned = None
    try:
        run_at = get_prefs(store, user_id=user_id).run_days.get(WEEKDAYS[today.weekday()])
    except RunbackError:
        run_at = None  # broken reminder prefs: no planned run, the rest still holds
    if run_at is not None:
        planned = datetime.combine(today, run_at, tzinfo=tz)
    return infer_context(
        get_slots(store, user_id=user_id),
        routine_slug,
        now.astimezone(tz),
        ran.astimezone(tz) if ran is not None else None,
        planned,
    )


def due_slots(
    store: Store,
    *,
    user_id: int,
    sessions: Sequence[_Started] | None = None,
    run_starts: Sequence[datetime] | None = None,
    breaks: BreakDay | None = None,
    concern: Concern | EllipsisType | None = ...,
) -> list[DueSlot]:
    """Return what is due in each daily slot now (and the programme's count for today).

    `sessions`, `run_starts` and `breaks`: today's sessions, run start instants (in the user's
    local day, at the store clock's now) and break day when the caller has read them already;
    `concern` likewise, the open concern (None: none open; `...`: read it here).
    Runs only: rides and walks are not runs (`list_runs` gives runs by default).
    """
    from runback.core.timezones import day_bounds_utc, local_date, to_zone
    from runback.services.programmes import active_programme

    zone = store.user_zone(user_id=user_id)
    now = store.clock.now()
    today = local_date(now, zone)
    start, end = day_bounds_utc(today, zone)
    tz = to_zone(zone)
    with store.factory() as s:
        if sessions is None:
            sessions = s.execute(
                select(
                    SessionRow.started_at,
                    SessionRow.context,
                    SessionRow.routine_slug,
                    SessionRow.completed,
                ).where(
                    SessionRow.user_id == user_id,
                    SessionRow.started_at >= start,
                    SessionRow.started_at < end,
                )
            ).all()
        done = [
            SlotSession(r.started_at.astimezone(tz), r.context, r.routine_slug, r.completed)
            for r in sessions
        ]
        if run_starts is None:
            ran = s.scalars(
                select(RunRow.started_at)
                .where(
                    RunRow.user_id == user_id,
                    RunRow.is_run,  # a ride is not the run the before/after-run slots are about
                    RunRow.started_at >= start,
                    RunRow.started_at < end,
                )
                .order_by(RunRow.started_at)
                .limit(1)
            ).first()
        else:
            ran = min(run_starts, default=None)
    slots = get_slots(store, user_id=user_id)
    programme: tuple[str, int] | None = None
    stored = active_programme(store, user_id=user_id)
    if stored is not None:
        from runback.core.programme import programme_routine_slug

        p = stored.programme
        if p.start <= today and (p.review is None or today <= p.review):
            programme = (programme_routine_slug(p), p.times_per_day)
            slots = programme_slots(slots, programme[0], p.times_per_day)
    run_day = ran is not None or _run_day(store, user_id, today.weekday())
    if breaks is None:
        from runback.services.breaks import breaks_today

        breaks = breaks_today(store, user_id=user_id).day
    due = what_is_due(
        slots,
        done,
        run_day,
        ran.astimezone(tz) if ran is not None else None,
        now.astimezone(tz),
        programme,
        breaks,
    )
    if concern is ...:
        from runback.services.concerns import open_concern

        concern = open_concern(store, user_id=user_id)
    return _care_first(concern, due)


def _care_first(concern: Concern | None, due: list[DueSlot]) -> list[DueSlot]:
    """Pause every slot while an emergency or urgent concern is open: care comes first."""
    if concern is None or not concern.blocking:
        return due
    reason = "paused until a professional has checked the warning signs"
    return [
        d.model_copy(
            update={
                "status": "paused",
                "routine": None,
                "plan": None,
                "reason": reason,
                "next_at": None,
                "until": None,
            }
        )
        for d in due
    ]
