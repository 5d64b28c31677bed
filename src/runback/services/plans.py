"""Plan a routine from the user's history and save it (the daily slots: services/slots.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import pydantic
from sqlalchemy import select

from runback.core.catalog import Catalog, Routine
from runback.core.planner import Plan, PlanRequest, plan
from runback.core.vocab import PAIN_REGIONS
from runback.errors import PlanError, ValidationError, from_pydantic
from runback.services.routines import upsert_routine
from runback.services.store import Store
from runback.storage.models import PainEntryRow, SessionRow

if TYPE_CHECKING:
    pass

__all__ = [
    "PAIN_DAYS",
    "RECENT_DAYS",
    "history_request",
    "make_plan",
    "save_plan",
]

# Pain this recent (and at least this strong) keeps cautious exercises out of a plan.
PAIN_DAYS = 3
PAIN_MIN_INTENSITY = 3
# Exercises done this recently are rotated out for variety when others fit as well.
RECENT_DAYS = 2
_RATING_DAYS = 180


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
    from runback.services.patterns import helpful_exercises

    favoured = helpful_exercises(store, user_id=user_id)
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
                "favoured": favoured,
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
