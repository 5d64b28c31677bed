"""Small helpers shared by the page routes: formatting for templates, and `page()` to render."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from runback.core.format import duration, km, minutes, pace
from runback.core.timezones import to_zone
from runback.web.deps import render

__all__ = [
    "confirm_page",
    "gone_page",
    "local_day",
    "local_time",
    "page",
]


def local_time(at: datetime | None, zone: str) -> str:
    """Format an instant in a zone as "Mon 5 Jan 2026, 09:00"."""
    if at is None:
        return "—"
    local = at.astimezone(to_zone(zone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def local_day(at: datetime | None, zone: str) -> str:
    """Format an instant's local day as "Mon 5 Jan"."""
    if at is None:
        return "—"
    local = at.astimezone(to_zone(zone))
    return f"{local:%a} {local.day} {local:%b}"


_HELPERS = {
    "local_time": local_time,
    "local_day": local_day,
    "duration": duration,
    "minutes": minutes,
    "km": km,
    "pace": pace,
}


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page template with the formatting helpers available."""
    return render(request, template, {**_HELPERS, **context}, status_code)


def gone_page(request: Request, what: str) -> HTMLResponse:
    """Say in plain words that the thing asked for is not (or no longer) there."""
    message = f"That {what} is not in your history: it may have been deleted already."
    return page(request, "error.html", {"status": 404, "message": message}, 404)


def confirm_page(
    request: Request, *, title: str, lines: list[str], note: str, action: str, back: str
) -> HTMLResponse:
    """Show a page asking to confirm a delete; its form posts to `action`."""
    return page(
        request,
        "confirm_delete.html",
        {"title": title, "lines": lines, "note": note, "action": action, "back": back},
    )
