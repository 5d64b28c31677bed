"""Open concerns on the web: "I have been checked", and the emergency number setting."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from runback.errors import ValidationError
from runback.services.concerns import (
    Concern,
    confirm_checked,
    emergency_number,
    open_concern,
    set_emergency_number,
)
from runback.web.api import API
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["CheckedIn", "EmergencyNumber", "router"]

router = APIRouter()


class CheckedIn(BaseModel):
    """A professional checked the warning signs: on which day (default today)."""

    on: date | None = Field(default=None, description="the day of the check, YYYY-MM-DD")


class EmergencyNumber(BaseModel):
    """The number the emergency advice offers to call ("" or null: the zone's usual one)."""

    number: str | None = Field(default=None, examples=["112"])


def _error(request: Request, message: str) -> HTMLResponse:
    return page(request, "error.html", {"status": 422, "message": message}, 422)


@router.post("/pain/checked", response_model=None)
def checked_form(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    on: Annotated[str, Form()] = "",
) -> Response:
    """Close the open concern from the "I have been checked" button and go to the Pain page."""
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        return _error(request, "Day of the check: choose a date, for example today.")
    try:
        confirm_checked(store, user_id=user_id, on=day)
    except ValidationError as exc:
        return _error(request, "; ".join(exc.problems))
    return RedirectResponse("/pain?done=checked", status_code=303)


@router.post("/settings/emergency-number", response_model=None)
def emergency_number_form(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    number: Annotated[str, Form()] = "",
) -> Response:
    """Save the emergency number from Settings (empty: the usual one for the time zone)."""
    try:
        set_emergency_number(store, number, user_id=user_id)
    except ValidationError as exc:
        return _error(request, "; ".join(exc.problems))
    return RedirectResponse("/settings?saved=1#emergency-number", status_code=303)


@router.get(f"{API}/pain/concern")
def api_concern(store: StoreDep, user_id: UserDep) -> Concern | None:
    """Return the open concern (red flags not yet checked by a professional), or null."""
    return open_concern(store, user_id=user_id)


@router.post(f"{API}/pain/checked")
def api_checked(body: CheckedIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Concern:
    """Say a professional has checked: the open concern closes (404 when there is none)."""
    return confirm_checked(store, user_id=user_id, on=body.on)


@router.get(f"{API}/settings/emergency-number")
def api_get_number(store: StoreDep, user_id: UserDep) -> EmergencyNumber:
    """Return the emergency number the advice offers."""
    return EmergencyNumber(number=emergency_number(store, user_id=user_id))


@router.put(f"{API}/settings/emergency-number")
def api_set_number(
    body: EmergencyNumber, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> EmergencyNumber:
    """Set the emergency number (null or "": back to the zone's usual one)."""
    return EmergencyNumber(number=set_emergency_number(store, body.number, user_id=user_id))
