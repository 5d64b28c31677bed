"""The "Your calendars" section of the Settings page: add an address, see how reading went, remove.

Forms only; the use cases are services.calendars. The section's outcome travels in the redirect
(`?calendars=…`) so a reload never adds a calendar twice.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from runback.errors import RunbackError, ValidationError
from runback.services import calendars
from runback.services.store import Store
from runback.web.deps import CsrfDep, StoreDep, UserDep

__all__ = ["CalendarView", "YourCalendars", "calendars_view", "router"]

router = APIRouter(tags=["settings"])

_KIND_WORDS = {"ics-url": "web address", "ics-file": "file", "caldav": "calendar server"}
_NOTICES = {
    "added": (True, "Calendar added."),
    "removed": (True, "Calendar removed."),
    "read": (True, "Calendars read again."),
}


class CalendarView(BaseModel):
    """One calendar as the page shows it."""

    id: int
    name: str
    kind: str  # in words: web address, file, calendar server
    where: str
    ok: bool
    status: str  # "last read 10 min ago" / "could not read: …"
    busy_count: int


class YourCalendars(BaseModel):
    """What the section shows: the calendars, and the outcome of the last form."""

    items: list[CalendarView]
    notice: tuple[bool, str] | None
    files_allowed: bool  # local mode reads .ics files on this computer


def _notice(request: Request) -> tuple[bool, str] | None:
    params = request.query_params
    found = _NOTICES.get(params.get("calendars", ""))
    if found is not None:
        return found
    problem = params.get("calendar-problem")
    return (False, f"Not added: {problem[:200]}.") if problem else None


def calendars_view(request: Request, store: Store, user_id: int, now: datetime) -> YourCalendars:
    """Return the section's content for the user."""
    items = [
        CalendarView(
            id=c.id,
            name=c.name,
            kind=_KIND_WORDS.get(c.kind, c.kind),
            where=c.where,
            ok=c.ok,
            status=calendars.describe(c, now),
            busy_count=c.busy_count,
        )
        for c in calendars.list_sources(store, user_id=user_id)
    ]
    files = request.app.state.settings.mode == "local"
    return YourCalendars(items=items, notice=_notice(request), files_allowed=files)


def _problem_line(exc: RunbackError) -> str:
    if isinstance(exc, ValidationError):
        # "address: the address must start with…": the page has no field names, only words.
        return "; ".join(p.split(": ", 1)[-1] for p in exc.problems)
    return str(exc)


@router.post("/settings/calendars", response_class=Response)
async def add_calendar(request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Add a calendar from the form (name, address, and for a server its user and password)."""
    from urllib.parse import quote

    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    address = form.get("address", "").strip()
    # A user name means a calendar server (CalDAV); without one, an ICS address or file.
    server = bool(form.get("username", "").strip())
    local = request.app.state.settings.mode == "local"
    kind: calendars.Kind = (
        "caldav" if server else ("ics-url" if "://" in address or not local else "ics-file")
    )

    def add() -> str:
        try:
            source = calendars.add_source(
                store,
                user_id=user_id,
                name=form.get("name", ""),
                kind=kind,
                location=address,
                username=form.get("username") if server else None,
                password=form.get("password") if server else None,
            )
        except RunbackError as exc:
            return "calendar-problem=" + quote(_problem_line(exc)[:200])
        calendars.sync_source(store, user_id=user_id, source_id=source.id)
        return "calendars=added"

    outcome = await run_in_threadpool(add)
    return RedirectResponse(f"/settings?{outcome}#calendars", 303)


@router.post("/settings/calendars/{source_id}/remove", response_class=Response)
async def remove_calendar(
    source_id: int, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Remove one of the user's calendars (404 for anyone else's)."""
    await run_in_threadpool(calendars.remove_source, store, user_id=user_id, source_id=source_id)
    return RedirectResponse("/settings?calendars=removed#calendars", 303)


@router.post("/settings/calendars/read", response_class=Response)
async def read_calendars(store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Read every calendar of the user again now."""
    await run_in_threadpool(calendars.sync_all, store, user_id=user_id)
    return RedirectResponse("/settings?calendars=read#calendars", 303)
