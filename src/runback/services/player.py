"""What the session players share: the user's player settings and the exercises already done."""

from __future__ import annotations

from dataclasses import replace

from pydantic import ConfigDict, Field
from sqlalchemy import select

from runback.core.catalog import Catalog, ResolvedStep, Routine
from runback.core.model import Model
from runback.errors import ValidationError
from runback.services.store import Store, get_user
from runback.storage.models import SessionRow

__all__ = [
    "NEW_EXERCISE_EXTRA_S",
    "PLAYER_KEY",
    "PlayerPrefs",
    "done_exercises",
    "get_player_prefs",
    "new_exercises",
    "resolve_for_player",
    "set_player_prefs",
]

PLAYER_KEY = "player"
# A first time gets a longer get-ready, to read the how-to and the cautions.
NEW_EXERCISE_EXTRA_S = 10


class PlayerPrefs(Model):
    """How the player runs for this user (users.prefs["player"])."""

    model_config = ConfigDict(extra="forbid")

    extra_ready_s: int = Field(
        default=0, ge=0, le=60, description="seconds added to every get-ready"
    )


def get_player_prefs(store: Store, *, user_id: int) -> PlayerPrefs:
    """Return the user's player settings (defaults for anything not set)."""
    with store.factory() as session:
        raw = (get_user(session, user_id=user_id).prefs or {}).get(PLAYER_KEY) or {}
    try:
        return PlayerPrefs.model_validate(raw)
    except ValueError as exc:
        raise ValidationError(f"users.prefs[{PLAYER_KEY!r}]", [str(exc)]) from None


def set_player_prefs(store: Store, prefs: PlayerPrefs, *, user_id: int) -> PlayerPrefs:
    """Store the user's player settings, keeping every other preference."""
    with store.tx() as session:
        row = get_user(session, user_id=user_id)
        # Reassign the dict so SQLAlchemy sees the JSON change.
        row.prefs = {**(row.prefs or {}), PLAYER_KEY: prefs.model_dump(mode="json")}
    return prefs


def done_exercises(store: Store, *, user_id: int) -> frozenset[str]:
    """Return the slugs of every exercise done in any of the user's sessions."""
    with store.factory() as session:
        rows = session.scalars(select(SessionRow.steps_done).where(SessionRow.user_id == user_id))
        return frozenset(slug for done in rows for slug in (done or []))


def new_exercises(store: Store, steps: list[ResolvedStep], *, user_id: int) -> frozenset[str]:
    """Return the exercises of these steps that no earlier session of the user contains."""
    done = done_exercises(store, user_id=user_id)
    return frozenset(s.exercise.slug for s in steps if s.exercise.slug not in done)


def resolve_for_player(
    store: Store, catalog: Catalog, routine: Routine, *, user_id: int, ready_s: int | None = None
) -> tuple[list[ResolvedStep], frozenset[str]]:
    """Return the routine's steps as the player times them, and the exercises new to the user.

    Every get-ready is lengthened by the user's setting (ready_s overrides it); the first
    step of an exercise never done before gets NEW_EXERCISE_EXTRA_S more, to read the how-to.
    """
    prefs = get_player_prefs(store, user_id=user_id)
    extra = ready_s if ready_s is not None else prefs.extra_ready_s
    steps = catalog.resolve(routine, extra_ready_s=extra)
    new = new_exercises(store, steps, user_id=user_id)
    seen: set[str] = set()
    out = []
    for step in steps:
        slug = step.exercise.slug
        if slug in new and slug not in seen:
            step = replace(step, setup_s=step.setup_s + NEW_EXERCISE_EXTRA_S)
        seen.add(slug)
        out.append(step)
    return out, new
