"""Plan a routine from the user's history, save it, and say which daily slots are due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from types import EllipsisType
from typing import TYPE_CHECKING, Protocol

import pydantic
from sqlalchemy import select

from runback.core.catalog import Catalog, Routine
from runback.core.planner import Plan, PlanRequest, plan
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
from runback.core.vocab import PAIN_REGIONS
from runback.errors import PlanError, RunbackError, ValidationError, from_pydantic
from runback.services.routines import upsert_routine
from runback.services.store import Store
from runback.storage.models import PainEntryRow, RunRow, SessionRow, UserRow

if TYPE_CHECKING:
    from runback.services.concerns import Concern

__all__ = [
    "PAIN_DAYS",
    "RECENT_DAYS",
    "SLOTS_KEY",
    "due_slots",
    "get_slots",
    "history_request",
    "infer_session_context",
    "make_plan",
    "save_plan",
    "set_slots",
]

SLOTS_KEY = "slots"
# Pain this recent (and at least this strong) keeps cautious exercises out of a plan.
PAIN_DAYS = 3
PAIN_MIN_INTENSITY = 3
# Exercises done this recently are rotated out for variety when others fit as well.
RECENT_DAYS = 2
_RATING_DAYS = 180


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


def history_request(
    store: Store,
    minutes: float,
    areas: Sequence[str] = (),
    where: str = "anywhere",
    equipment: Sequence[str] | None = None,
    seed: int | None = None,
    *,
    user_id: int,
) -> PlanRequest:
    """Return a plan request with the user's ratings, recent pain and recent exercises."""
    now = store.clock.now()
    ratings: dict[str, list[int]] = {}
    recent: list[str] = []
    with store.factory() as s:
        rows = s.execute(
            select(SessionRow.started_at, SessionRow.steps_done, SessionRow.enjoyment).where(
                SessionRow.user_id == user_id,
                SessionRow.started_at >= now - timedelta(days=_RATING_DAYS),
            )
        )
        for started, steps, enjoyment in rows:
            for slug in steps or []:
                if enjoyment is not None:
                    ratings.setdefault(slug, []).append(enjoyment)
                if started >= now - timedelta(days=RECENT_DAYS) and slug not in recent:
                    recent.append(slug)
        pain = sorted(
            set(
                s.scalars(
                    select(PainEntryRow.region).where(
                        PainEntryRow.user_id == user_id,
                        PainEntryRow.at >= now - timedelta(days=PAIN_DAYS),
                        PainEntryRow.intensity >= PAIN_MIN_INTENSITY,
                    )
                )
            )
            & set(PAIN_REGIONS)
        )
    from runback.services.profile import contraindications

    avoid = sorted(contraindications(store, user_id=user_id))
    if seed is None:
        # Same plan all day (a re-run shows what you saw), a new mix tomorrow.
        from runback.core.timezones import local_date

        seed = local_date(now, store.user_zone(user_id=user_id)).toordinal()
    try:
        return PlanRequest.model_validate(
            {
                "minutes": minutes,
                "areas": list(areas),
                "where": where,
                "equipment": list(equipment) if equipment is not None else None,
                "recent_pain": pain,
                "ratings": {k: sum(v) / len(v) for k, v in sorted(ratings.items())},
                "recently_used": recent,
                "contraindications": avoid,
                "seed": seed,
            }
        )
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc, "plan request", empty="request") from None


def make_plan(
    store: Store,
    minutes: float,
    areas: Sequence[str] = (),
    where: str = "anywhere",
    equipment: Sequence[str] | None = None,
    seed: int | None = None,
    catalog: Catalog | None = None,
    *,
    user_id: int,
) -> Plan:
    """Return a plan for the user that fits `minutes` exactly."""
    if catalog is None:
        from runback.services.catalog import load_builtin

        catalog = load_builtin()
    from runback.services.concerns import blocking_concern

    concern = blocking_concern(store, user_id=user_id)
    if concern is not None:
        raise PlanError(
            f"no plan while a warning sign is open: {concern.advice.headline} "
            "Once a professional has checked you, say so on the Pain page."
        )
    request = history_request(store, minutes, areas, where, equipment, seed, user_id=user_id)
    return plan(catalog, request)


def save_plan(
    store: Store, made: Plan, slug: str, replace: bool = False, *, user_id: int
) -> Routine:
    """Store a plan as one of the user's routines under `slug`."""
    try:
        routine = made.routine.model_copy(update={"slug": slug})
        routine = Routine.model_validate(routine.model_dump())
    except ValueError:
        raise ValidationError(
            "--save", [f"{slug!r} is not a slug; use lowercase letters, digits and hyphens"]
        ) from None
    from runback.services.catalog import load_builtin

    if slug in load_builtin().routines:
        raise ValidationError("--save", [f"{slug!r} is a built-in routine; choose another slug"])
    routine = routine.model_copy(update={"origin": "plan"})
    with store.tx() as s:
        if upsert_routine(s, routine, store.clock.now(), replace, user_id=user_id) == "exists":
            raise ValidationError(
                "--save", [f"you already have a routine {slug!r}; choose another slug"]
            )
    return routine


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
            select(RunRow.start_at)
            .where(
                RunRow.user_id == user_id,
                RunRow.is_run,  # after a ride, a stretch is not after-run work
                RunRow.start_at >= start,
                RunRow.start_at <= now,
            )
            .order_by(RunRow.start_at.desc())
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
                select(RunRow.start_at)
                .where(
                    RunRow.user_id == user_id,
                    RunRow.is_run,  # a ride is not the run the before/after-run slots are about
                    RunRow.start_at >= start,
                    RunRow.start_at < end,
                )
                .order_by(RunRow.start_at)
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
