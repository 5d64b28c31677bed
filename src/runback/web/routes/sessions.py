"""Sessions, the thing a routine played becomes: start, progress, finish, rate, list, edit, delete.

The player (routes/player.py) logs through this API; the History page edits the same sessions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from runback.core.phases import expand, held_s, planned_hold_s
from runback.core.vocab import Context
from runback.errors import ValidationError
from runback.services.played import start_once
from runback.services.player import resolve_for_player
from runback.services.sessions import (
    SessionPublic,
    delete_session,
    finish_session,
    get_session,
    list_sessions,
    rate_session,
    record_progress,
    update_session,
)
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import CsrfDep, IdPath, StoreDep, UserDep
from runback.web.routes.player import ContextName, Snapshot, resolve_routine

__all__ = [
    "EnjoymentIn",
    "SessionFinish",
    "SessionProgress",
    "SessionStart",
    "SessionUpdate",
    "router",
]

router = APIRouter()


class SessionStart(BaseModel):
    """Start a session of a routine."""

    routine_slug: str
    context: ContextName | None = Field(
        default=None, description="when it is done; inferred from the routine and the time"
    )
    client_key: str | None = Field(
        default=None,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the device's own name for it, if the network may go before it ends",
    )


class SessionProgress(BaseModel):
    """How far a running session got."""

    state: Snapshot
    active_s: float = Field(default=0.0, ge=0)


class SessionFinish(BaseModel):
    """End a session: completed (every phase ran out; stored so only if no step was skipped)."""

    completed: bool
    state: Snapshot | None = None
    active_s: float | None = Field(default=None, ge=0)
    enjoyment: int | None = Field(default=None, ge=1, le=5)


class EnjoymentIn(BaseModel):
    """How much the session was enjoyed, 1 (not at all) to 5 (a lot)."""

    enjoyment: int = Field(ge=1, le=5)


class SessionUpdate(BaseModel):
    """Change a session; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    enjoyment: int | None = Field(default=None, ge=1, le=5, description="1 (meh) to 5 (great)")
    context: Context | None = None
    started_at: AwareDatetime | None = Field(
        default=None, description="a new start; the end moves with it"
    )


def _step_slugs(
    store: Store, user_id: int, session: SessionPublic, state: Snapshot
) -> tuple[list[str], list[str], float]:
    """Turn step indices from the browser into exercise slugs and hold seconds counted down.

    The seconds come from the snapshot (as the terminal's Engine.done_s does), not from the
    browser's word, and impossible snapshots are refused.
    """
    catalog, routine = resolve_routine(store, user_id, session.routine_slug)
    # Timed as the player timed them (the user's longer get-ready), so the snapshot matches.
    steps = resolve_for_player(store, catalog, routine, user_id=user_id)[0]
    slugs = [s.exercise.slug for s in steps]
    phases = expand(steps)
    n_phases = len(phases)
    problems = [
        f"state.{name}: step {i} is outside 0..{len(slugs) - 1}"
        for name, lst in (("done_steps", state.done_steps), ("skipped_steps", state.skipped_steps))
        for i in lst
        if not 0 <= i < len(slugs)
    ]
    if state.phase_index >= n_phases:
        problems.append(f"state.phase_index: {state.phase_index} is outside 0..{n_phases - 1}")
    if problems:
        raise ValidationError(f"session {session.id}", problems)
    done_s = held_s(
        phases, state.done_steps, state.skipped_steps, state.phase_index, state.remaining_s
    )
    return [slugs[i] for i in state.done_steps], [slugs[i] for i in state.skipped_steps], done_s


@router.get(f"{API}/sessions")
def api_sessions(
    store: StoreDep, user_id: UserDep, days: int = Query(30, ge=1, le=3660)
) -> list[SessionPublic]:
    """Return the sessions started in the last `days` days, oldest first."""
    since = store.clock.now() - timedelta(days=days)
    return list_sessions(store, since=since, user_id=user_id)


@router.get(f"{API}/sessions/{{session_id}}")
def api_session(session_id: IdPath, store: StoreDep, user_id: UserDep) -> SessionPublic:
    """Return one session."""
    return get_session(store, session_id, user_id=user_id)


@router.post(f"{API}/sessions", status_code=201)
def api_start(body: SessionStart, store: StoreDep, user_id: UserDep, _: CsrfDep) -> SessionPublic:
    """Start a session now; it is stored (as partial) before any step runs (once per key)."""
    catalog, routine = resolve_routine(store, user_id, body.routine_slug)
    # The first get-ready lasts what the player plays: the user's extra seconds included.
    steps = resolve_for_player(store, catalog, routine, user_id=user_id)[0]
    phases = expand(steps)
    state = Snapshot(phase_index=0, remaining_s=phases[0].duration_s, paused=True)
    session_id = start_once(
        store,
        routine,
        body.context,
        steps_total=len(steps),
        planned_s=planned_hold_s(phases),
        state=state.model_dump(),
        client_key=body.client_key,
        user_id=user_id,
    )[0]
    return get_session(store, session_id, user_id=user_id)


@router.post(f"{API}/sessions/{{session_id}}/progress")
def api_progress(
    session_id: IdPath, body: SessionProgress, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> SessionPublic:
    """Store how far the session got and where the player is."""
    session = get_session(store, session_id, user_id=user_id)
    done, skipped, done_s = _step_slugs(store, user_id, session, body.state)
    record_progress(
        store,
        session_id,
        steps_done=done,
        steps_skipped=skipped,
        active_s=body.active_s,
        done_s=done_s,
        state=body.state.model_dump(),
        user_id=user_id,
    )
    return get_session(store, session_id, user_id=user_id)


@router.post(f"{API}/sessions/{{session_id}}/finish")
def api_finish(
    session_id: IdPath, body: SessionFinish, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> SessionPublic:
    """End the session, completed or stopped early, keeping what was done."""
    session = get_session(store, session_id, user_id=user_id)
    done = skipped = None
    done_s: float | None = None
    if body.state is not None:
        done, skipped, done_s = _step_slugs(store, user_id, session, body.state)
    finish_session(
        store,
        session_id,
        completed=body.completed,
        enjoyment=body.enjoyment,
        steps_done=done,
        steps_skipped=skipped,
        active_s=body.active_s,
        done_s=done_s,
        user_id=user_id,
    )
    return get_session(store, session_id, user_id=user_id)


@router.post(f"{API}/sessions/{{session_id}}/enjoyment")
def api_enjoyment(
    session_id: IdPath, body: EnjoymentIn, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> SessionPublic:
    """Store how much the session was enjoyed (1–5)."""
    rate_session(store, session_id, body.enjoyment, user_id=user_id)
    return get_session(store, session_id, user_id=user_id)


@router.patch(f"{API}/sessions/{{session_id}}")
def api_session_update(
    session_id: IdPath, body: SessionUpdate, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> SessionPublic:
    """Change a session's enjoyment, context or start time."""
    return update_session(store, session_id, user_id=user_id, **_given(body))


@router.delete(f"{API}/sessions/{{session_id}}", status_code=204)
def api_session_delete(session_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep) -> None:
    """Delete a session (a break it counted as stays, unlinked)."""
    delete_session(store, session_id, user_id=user_id)


def _given(body: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump().items() if v is not None}
