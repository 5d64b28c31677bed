"""Movement breaks: when the next one is due (what the open tabs poll), answering one, and
listing, changing or deleting the breaks logged."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from runback.core.vocab import Outcome
from runback.services.break_plan import next_planned
from runback.services.breaks import (
    BreakEntry,
    delete_break,
    get_prefs,
    list_breaks,
    log_break,
    schedule_for,
    update_break,
)
from runback.services.concerns import blocking_concern
from runback.web.api import API
from runback.web.deps import CsrfDep, IdPath, StoreDep, UserDep
from runback.web.routes.history import BREAK_DAYS

__all__ = ["BREAK_ROUTINE", "BreakIn", "BreakNext", "BreakUpdate", "router"]

router = APIRouter()

BREAK_ROUTINE = ("desk-break", "Desk break")


class BreakUpdate(BaseModel):
    """Change a logged break; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome | None = None
    at: AwareDatetime | None = Field(default=None, description="when it happened")


class BreakNext(BaseModel):
    """When the next movement break is due (what the open browser tabs poll)."""

    enabled: bool
    due_at: datetime | None
    seconds_until: float | None = Field(description="negative when the break is overdue")
    message: str
    routine_slug: str
    routine_name: str
    reason: str | None = Field(default=None, description="why this break moved (a meeting)")
    strict: bool = Field(default=False, description="strict mode: no snooze, a skip says why")
    short_offered: bool = Field(
        default=False, description="offer a 1-minute break (strict mode, or in a meeting now)"
    )


class BreakIn(BaseModel):
    """Answer a break reminder: taken (or a 1-minute break), snoozed or skipped (with why)."""

    due_at: AwareDatetime
    outcome: Literal["taken", "snoozed", "skipped"]
    reason: str | None = Field(default=None, max_length=200, description="why it was skipped")
    short: bool = Field(default=False, description="a 1-minute break taken instead (busy)")


@router.get(f"{API}/breaks/next")
def api_next_break(store: StoreDep, user_id: UserDep) -> BreakNext:
    """Return when the next movement break is due, from the user's reminder schedule."""
    prefs = get_prefs(store, user_id=user_id)
    # An open emergency or urgent warning sign pauses the open tabs' reminders too.
    care = blocking_concern(store, user_id=user_id)
    planned = next_planned(store, user_id=user_id) if prefs.enabled and care is None else None
    due = planned.at if planned is not None else None
    now = store.clock.now()
    message = f"Time for a movement break: stand up and move for {prefs.break_min} minutes."
    if planned is not None and planned.long_sit:
        message = (
            f"Time for a movement break: walk for {prefs.break_min + 5} minutes, then stretch "
            "your upper back."
        )
    if planned is not None and planned.reason:
        message = f"{planned.reason[0].upper()}{planned.reason[1:]}. {message}"
    if care is not None:
        message = f"Movement breaks are paused. {care.advice.headline}"
    sched = schedule_for(store, user_id=user_id)
    # Busy: in a meeting now, or about to be (no snooze fits before it).
    in_meeting = sched.busy_at(now) is not None or sched.busy_at(now + sched.snooze) is not None
    return BreakNext(
        enabled=due is not None,
        due_at=due,
        seconds_until=(due - now).total_seconds() if due is not None else None,
        message=message,
        routine_slug=BREAK_ROUTINE[0],
        routine_name=BREAK_ROUTINE[1],
        reason=planned.reason if planned is not None else None,
        strict=prefs.strict,
        short_offered=prefs.strict or in_meeting,
    )


@router.post(f"{API}/breaks", status_code=201)
def api_log_break(body: BreakIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> BreakNext:
    """Record the answer to a break reminder and return the next one."""
    log_break(
        store, body.due_at, body.outcome, user_id=user_id, reason=body.reason, short=body.short
    )
    return api_next_break(store, user_id)


@router.get(f"{API}/breaks")
def api_breaks(
    store: StoreDep, user_id: UserDep, days: int = Query(BREAK_DAYS, ge=1, le=3660)
) -> list[BreakEntry]:
    """Return the breaks logged in the last `days` days, newest first."""
    return list_breaks(store, user_id=user_id, days=days)


@router.patch(f"{API}/breaks/{{break_id}}")
def api_break_update(
    break_id: IdPath, body: BreakUpdate, store: StoreDep, user_id: UserDep, _: CsrfDep
) -> BreakEntry:
    """Change a logged break's outcome or time."""
    return update_break(store, break_id, body.at, outcome=body.outcome, user_id=user_id)


@router.delete(f"{API}/breaks/{{break_id}}", status_code=204)
def api_break_delete(break_id: IdPath, store: StoreDep, user_id: UserDep, _: CsrfDep) -> None:
    """Delete a logged break."""
    delete_break(store, break_id, user_id=user_id)
