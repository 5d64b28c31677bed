"""Today: what is due, breaks so far, today's run and the pain prompt after it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from runback.services.store import Store, UserStamp
from runback.services.today import Today, today
from runback.web.api import API
from runback.web.deps import StampDep, StoreDep
from runback.web.routes._helpers import page
from runback.web.security import CSRF_COOKIE
from runback.web.view_cache import ViewCache, minute_of

__all__ = ["router"]

router = APIRouter()


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
