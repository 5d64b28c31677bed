"""Today: what is due, breaks so far, today's run and the pain prompt after it; break reminders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import AwareDatetime, BaseModel, Field

from runback.services.breaks import get_prefs, log_break, next_break
from runback.services.concerns import blocking_concern
from runback.services.store import Store, UserStamp
from runback.services.today import Today, today
from runback.web.deps import CsrfDep, StampDep, StoreDep, UserDep
from runback.web.routes._helpers import page
from runback.web.security import CSRF_COOKIE
from runback.web.view_cache import ViewCache, minute_of

__all__ = ["BREAK_ROUTINE", "BreakIn", "BreakNext", "router"]

router = APIRouter()

API = "/api/v1"
BREAK_ROUTINE = ("desk-break", "Desk break")


class BreakNext(BaseModel):
    """When the next movement break is due (what the open browser tabs poll)."""

    enabled: bool
    due_at: datetime | None
    seconds_until: float | None = Field(description="negative when the break is overdue")
    message: str
    routine_slug: str
    routine_name: str


class BreakIn(BaseModel):
    """Answer a break reminder: taken, snoozed or skipped."""

    due_at: AwareDatetime
    outcome: Literal["taken", "snoozed", "skipped"]


async def _cached_view(
    request: Request, store: Store, stamp: UserStamp, view: str, build: Callable[[], bytes]
) -> bytes:
    """Return the view's body from this worker's cache, or build it (in the thread pool)."""
    # Today's content moves with the user's data (the version) and with the clock (the minute);
    # the page also carries this browser's CSRF token, so it is kept per browser.
    nonce = ""
    if view == "page":
        nonce = request.scope.get("state", {}).get("csrf_nonce", "")
        if request.cookies.get(CSRF_COOKIE) != nonce:
            nonce = ""  # the browser is being given a new nonce with this very response
    key = (view, stamp.id, stamp.data_version, minute_of(store.clock.now()), nonce)
    views: ViewCache = request.app.state.views
    body = views.get(key)
    if body is None:
        body = await run_in_threadpool(build)
        if view != "page" or nonce:  # a page for a new nonce would never be asked for again
            views.put(key, body)
    return body


def _render_page(request: Request, store: Store, user_id: int) -> bytes:
    from runback.core.profile import PHYSIO_ADVICE
    from runback.services.profile import profile_prompts

    with store.reading() as scope:  # one connection for both, as the page always had
        context = {
            "t": today(scope, user_id=user_id),
            "prompts": profile_prompts(scope, user_id=user_id),
            "physio_advice": PHYSIO_ADVICE,
        }
    return bytes(page(request, "today.html", context).body)


@router.get("/", response_class=HTMLResponse)
async def today_page(request: Request, store: StoreDep, stamp: StampDep) -> HTMLResponse:
    """Show what is due today, the streak, breaks so far and today's run."""
    body = await _cached_view(
        request, store, stamp, "page", lambda: _render_page(request, store, stamp.id)
    )
    return HTMLResponse(body, headers={"cache-control": "no-store"})


@router.get(f"{API}/today", response_model=Today)
async def api_today(request: Request, store: StoreDep, stamp: StampDep) -> Response:
    """Return today's sessions, streaks, suggestion, breaks, runs and the pain prompt."""
    body = await _cached_view(
        request,
        store,
        stamp,
        "api",
        lambda: today(store, user_id=stamp.id).model_dump_json().encode(),
    )
    return Response(body, media_type="application/json")


@router.get(f"{API}/breaks/next")
def api_next_break(store: StoreDep, user_id: UserDep) -> BreakNext:
    """Return when the next movement break is due, from the user's reminder schedule."""
    prefs = get_prefs(store, user_id=user_id)
    # An open emergency or urgent warning sign pauses the open tabs' reminders too.
    care = blocking_concern(store, user_id=user_id)
    due = next_break(store, user_id=user_id) if prefs.enabled and care is None else None
    now = store.clock.now()
    message = f"Time for a movement break: stand up and move for {prefs.break_min} minutes."
    if care is not None:
        message = f"Movement breaks are paused. {care.advice.headline}"
    return BreakNext(
        enabled=due is not None,
        due_at=due,
        seconds_until=(due - now).total_seconds() if due is not None else None,
        message=message,
        routine_slug=BREAK_ROUTINE[0],
        routine_name=BREAK_ROUTINE[1],
    )


@router.post(f"{API}/breaks", status_code=201)
def api_log_break(body: BreakIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> BreakNext:
    """Record the answer to a break reminder and return the next one."""
    log_break(store, body.due_at, body.outcome, user_id=user_id)
    return api_next_break(store, user_id)
