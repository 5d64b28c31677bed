"""The API a phone sends the sessions it played offline to (each once, by its own key)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from pydantic import BaseModel, Field

from runback.core.phases import expand, planned_hold_s
from runback.services.played import record_played
from runback.services.player import resolve_for_player
from runback.services.sessions import SessionPublic, get_session
from runback.web.api import API
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes.player import ContextName, Snapshot, resolve_routine
from runback.web.routes.sessions import _step_slugs

__all__ = ["MAX_AGE", "SessionPlayed", "router"]

router = APIRouter()

# A phone that stayed offline longer than this still sends, but the session is dated no earlier.
MAX_AGE = timedelta(days=30)


class SessionPlayed(BaseModel):
    """A whole session played offline, sent when the phone is back online."""

    client_key: str = Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the phone's own name for the session: sent twice, it is stored once",
    )
    routine_slug: str
    context: ContextName | None = None
    completed: bool
    state: Snapshot
    active_s: float = Field(ge=0, le=86_400)
    started_ago_s: float = Field(ge=0, description="seconds before this send that it started")
    ended_ago_s: float = Field(ge=0, description="seconds before this send that it ended")
    enjoyment: int | None = Field(default=None, ge=1, le=5)


@router.post(f"{API}/sessions/played", status_code=200)
def api_played(body: SessionPlayed, store: StoreDep, user_id: UserDep, _: CsrfDep) -> SessionPublic:
    """Store a session played offline (ages, not clock times: the phone's clock may be off)."""
    catalog, routine = resolve_routine(store, user_id, body.routine_slug)
    steps = resolve_for_player(store, catalog, routine, user_id=user_id)[0]
    phases = expand(steps)
    now = store.clock.now()
    oldest = now - MAX_AGE
    ended_at = max(oldest, now - timedelta(seconds=body.ended_ago_s))
    started_at = min(ended_at, max(oldest, now - timedelta(seconds=body.started_ago_s)))
    probe = SessionPublic(
        id=0,
        routine_slug=routine.slug,
        routine_name=routine.name,
        started_at=started_at,
        ended_at=None,
        zone="UTC",
        steps_total=len(steps),
        steps_done=[],
        steps_skipped=[],
        completed=False,
        enjoyment=None,
        context="other",
        active_s=0.0,
        planned_s=None,
        done_s=0.0,
        state=None,
    )
    done, skipped, done_s = _step_slugs(store, user_id, probe, body.state)
    session_id = record_played(
        store,
        routine,
        user_id=user_id,
        client_key=body.client_key,
        context=body.context,
        steps_total=len(steps),
        planned_s=planned_hold_s(phases),
        started_at=started_at,
        ended_at=ended_at,
        completed=body.completed,
        steps_done=done,
        steps_skipped=skipped,
        active_s=body.active_s,
        done_s=done_s,
        enjoyment=body.enjoyment,
    )
    return get_session(store, session_id, user_id=user_id)
