"""The subscribable calendar feed: a user's break calendar at a secret URL, served without login."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from runback.errors import NotFoundError
from runback.services import accounts, breaks
from runback.web.deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["settings"])


@router.get("/calendar/{token}.ics", response_class=Response, include_in_schema=False)
def calendar_feed(token: str, store: StoreDep) -> Response:
    """Serve a user's break calendar to whoever holds the secret token (no login)."""
    from runback.remind.calendar import build_calendar

    user_id = accounts.user_for_calendar_token(store, token)
    if user_id is None:
        raise NotFoundError("no calendar feed at this address (it may have been revoked)")
    body = build_calendar(
        breaks.get_prefs(store, user_id=user_id), store.user_zone(user_id=user_id)
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
