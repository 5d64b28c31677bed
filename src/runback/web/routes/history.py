"""History: recent sessions and breaks, each with Edit and Delete (a page confirms a delete).

The pages work without JavaScript: Delete opens a confirmation page whose form posts the delete,
then the History page says in plain words what changed. The same edits are in the JSON API
(routes/sessions.py, routes/breaks.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from runback.core.timezones import to_zone
from runback.core.vocab import CONTEXTS, OUTCOMES
from runback.errors import NotFoundError, ValidationError
from runback.services.breaks import BreakEntry, delete_break, get_break, list_breaks, update_break
from runback.services.sessions import (
    SessionPublic,
    delete_session,
    get_session,
    list_sessions,
    update_session,
)
from runback.services.store import Store
from runback.web.deps import CsrfDep, IdPath, StoreDep, UserDep
from runback.web.routes._helpers import confirm_page, gone_page, local_time, page

__all__ = [
    "router",
]

router = APIRouter()

SESSION_DAYS = 28
BREAK_DAYS = 7
CONTEXT_LABELS = {
    "before-run": "Before a run",
    "after-run": "After a run",
    "desk-break": "Desk break",
    "other": "Other",
}
OUTCOME_LABELS = {
    "taken": "Taken",
    "snoozed": "Snoozed",
    "skipped": "Skipped",
    "natural": "Got up on my own",
    "missed": "Missed",
}
# What the History page says after a change (a key in the address, never text from it).
NOTICES = {
    "session-saved": "Session changed.",
    "session-deleted": "Session deleted. Your streak and charts no longer count it.",
    "break-saved": "Break changed.",
    "break-deleted": "Break deleted. Your break counts no longer include it.",
}


def _result(s: SessionPublic) -> str:
    if s.completed:
        return "Completed"
    if s.ended_at is None:
        return "Not finished"
    return f"Stopped early: {len(s.steps_done)} of {s.steps_total} steps"


def _local_input(at: datetime, zone: str) -> str:
    """Return an instant as a datetime-local field value in `zone`."""
    return at.astimezone(to_zone(zone)).strftime("%Y-%m-%dT%H:%M")


def _changed_time(value: str, current: datetime, zone: str) -> datetime | None:
    """Return the time typed into a datetime-local field, or None if left as it was shown."""
    value = value.strip()
    if not value or value == _local_input(current, zone):
        return None  # the field shows minutes only: resubmitting it must not move the time
    try:
        typed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("time", [f"{value!r} is not a date and time"]) from None
    return typed.replace(tzinfo=to_zone(zone)) if typed.tzinfo is None else typed


def _history(request: Request, store: Store, user_id: int, done: str) -> HTMLResponse:
    now = store.clock.now()
    sessions = list_sessions(store, since=now - timedelta(days=SESSION_DAYS), user_id=user_id)
    return page(
        request,
        "history.html",
        {
            "sessions": list(reversed(sessions)),
            "breaks": list_breaks(store, user_id=user_id, days=BREAK_DAYS),
            "session_days": SESSION_DAYS,
            "break_days": BREAK_DAYS,
            "notice": NOTICES.get(done),
            "result": _result,
            "contexts": CONTEXT_LABELS,
            "outcomes": OUTCOME_LABELS,
        },
    )


@router.get("/history", response_class=HTMLResponse)
def history_page(
    request: Request, store: StoreDep, user_id: UserDep, done: str = ""
) -> HTMLResponse:
    """Show recent sessions and breaks, each with Edit and Delete."""
    return _history(request, store, user_id, done)


# ---- sessions ------------------------------------------------------------------------------


def _session_form(
    request: Request,
    s: SessionPublic,
    errors: list[str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "history_session.html",
        {
            "s": s,
            "started": _local_input(s.started_at, s.zone),
            "contexts": [(c, CONTEXT_LABELS.get(c, c)) for c in CONTEXTS],
            "errors": errors or [],
            "result": _result,
        },
        status_code,
    )


@router.get("/history/sessions/{session_id}/edit", response_class=HTMLResponse)
def session_edit_page(
    request: Request, session_id: IdPath, store: StoreDep, user_id: UserDep
) -> HTMLResponse:
    """Show the form to change a session's rating, context or start time."""
    try:
        return _session_form(request, get_session(store, session_id, user_id=user_id))
    except NotFoundError:
        return gone_page(request, "session")


@router.post("/history/sessions/{session_id}/edit", response_model=None)
def session_edit(
    request: Request,
    session_id: IdPath,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    enjoyment: Annotated[str, Form()] = "",
    context: Annotated[str, Form()] = "",
    started: Annotated[str, Form()] = "",
) -> Response:
    """Save the session form and go back to the History page."""
    try:
        current = get_session(store, session_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "session")
    try:
        rating = int(enjoyment) if enjoyment.strip() else None
        update_session(
            store,
            session_id,
            user_id=user_id,
            enjoyment=rating,
            context=context or None,
            started_at=_changed_time(started, current.started_at, current.zone),
        )
    except ValueError:
        return _session_form(request, current, ["How it felt: choose 1 to 5"], 422)
    except ValidationError as exc:
        return _session_form(request, current, exc.problems, 422)
    return RedirectResponse("/history?done=session-saved", status_code=303)


@router.get("/history/sessions/{session_id}/delete", response_class=HTMLResponse)
def session_delete_page(
    request: Request, session_id: IdPath, store: StoreDep, user_id: UserDep
) -> HTMLResponse:
    """Ask before deleting a session."""
    try:
        s = get_session(store, session_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "session")
    return confirm_page(
        request,
        title="Delete this session?",
        lines=[s.routine_name, local_time(s.started_at, s.zone), _result(s)],
        note="Your streak and charts will no longer count it. A movement break it counted as "
        "stays in your log; delete that too if it did not happen.",
        action=f"/history/sessions/{s.id}/delete",
        back="/history",
    )


@router.post("/history/sessions/{session_id}/delete", response_model=None)
def session_delete(
    request: Request, session_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Delete the session and go back to the History page."""
    try:
        delete_session(store, session_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "session")
    return RedirectResponse("/history?done=session-deleted", status_code=303)


# ---- breaks --------------------------------------------------------------------------------


def _break_what(b: BreakEntry) -> str:
    """Return "Skipped — in a meeting": the outcome and what the answer added."""
    label = OUTCOME_LABELS.get(b.outcome, b.outcome)
    return label if b.note is None else f"{label} — {b.note}"


def _break_form(
    request: Request, b: BreakEntry, errors: list[str] | None = None, status_code: int = 200
) -> HTMLResponse:
    return page(
        request,
        "history_break.html",
        {
            "b": b,
            "at": _local_input(b.at, b.zone),
            "outcomes": [(o, OUTCOME_LABELS.get(o, o)) for o in OUTCOMES],
            "errors": errors or [],
        },
        status_code,
    )


@router.get("/history/breaks/{break_id}/edit", response_class=HTMLResponse)
def break_edit_page(
    request: Request, break_id: IdPath, store: StoreDep, user_id: UserDep
) -> HTMLResponse:
    """Show the form to change a break's outcome or time."""
    try:
        return _break_form(request, get_break(store, break_id, user_id=user_id))
    except NotFoundError:
        return gone_page(request, "break")


@router.post("/history/breaks/{break_id}/edit", response_model=None)
def break_edit(
    request: Request,
    break_id: IdPath,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    outcome: Annotated[str, Form()] = "",
    at: Annotated[str, Form()] = "",
) -> Response:
    """Save the break form and go back to the History page."""
    try:
        current = get_break(store, break_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "break")
    try:
        when = _changed_time(at, current.at, current.zone)
        update_break(store, break_id, when, outcome=outcome or None, user_id=user_id)
    except ValidationError as exc:
        return _break_form(request, current, exc.problems, 422)
    return RedirectResponse("/history?done=break-saved", status_code=303)


@router.get("/history/breaks/{break_id}/delete", response_class=HTMLResponse)
def break_delete_page(
    request: Request, break_id: IdPath, store: StoreDep, user_id: UserDep
) -> HTMLResponse:
    """Ask before deleting a break."""
    try:
        b = get_break(store, break_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "break")
    return confirm_page(
        request,
        title="Delete this break?",
        lines=[_break_what(b), local_time(b.at, b.zone)],
        note="Today's and this week's break counts will no longer include it.",
        action=f"/history/breaks/{b.id}/delete",
        back="/history",
    )


@router.post("/history/breaks/{break_id}/delete", response_model=None)
def break_delete(
    request: Request, break_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> Response:
    """Delete the break and go back to the History page."""
    try:
        delete_break(store, break_id, user_id=user_id)
    except NotFoundError:
        return gone_page(request, "break")
    return RedirectResponse("/history?done=break-deleted", status_code=303)
