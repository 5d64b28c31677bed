"""The subscribable calendar feed: a user's break calendar at a secret URL, served without login."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from runback.errors import NotFoundError
from runback.services import accounts, breaks
from runback.web.deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["settings"])


@router.get("/calendar/{token}.ics", response_class=Response, include_in_schema=False)
def calendar_feed(token: str, request: Request, store: StoreDep) -> Response:
    """Serve a user's break calendar to whoever holds the secret token (no login)."""
    from runback.core.timezones import local_date
    from runback.remind.calendar import build_calendar
    from runback.web.lan import feed_base

    user_id = accounts.user_for_calendar_token(store, token)
    if user_id is None:
        raise NotFoundError("no calendar feed at this address (it may have been revoked)")
    # Planned around the user's busy times; each break links to the guided break here.
    sched = breaks.schedule_for(store, user_id=user_id)
    body = build_calendar(
        sched.prefs,
        sched.zone,
        busy=sched.busy,
        today=local_date(store.clock.now(), sched.zone),
        base_url=feed_base(request),
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
