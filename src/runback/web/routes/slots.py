"""The slots editor: what to do in the morning, at desk breaks, and before and after a run."""

from __future__ import annotations

from typing import Any

import pydantic
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from runback.core.planner import PLACES
from runback.core.slots import DueSlot, Slot
from runback.core.vocab import AREAS, SLOT_NAMES
from runback.errors import ValidationError, pydantic_problems
from runback.services.routines import list_routines
from runback.services.slots import WINDOW_SLOTS, due_slots, get_slots, save_slots
from runback.services.store import Store
from runback.web.api import API
from runback.web.deps import CsrfDep, StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["form_slots", "router", "slot_fields"]

router = APIRouter()

LABELS = {
    "morning": "Morning",
    "desk-break": "Desk breaks",
    "before-run": "Before the run",
    "after-run": "After the run",
}


def slot_fields(slot: Slot) -> dict[str, Any]:
    """Return a slot as the editor's form values (strings, as typed)."""
    return {
        "name": slot.name,
        "enabled": slot.enabled,
        "kind": "routine" if slot.routine is not None else "plan",
        "routine": slot.routine or "",
        "minutes": f"{slot.plan.minutes:g}" if slot.plan else "5",
        "areas": list(slot.plan.areas) if slot.plan else [],
        "where": slot.plan.where if slot.plan else "anywhere",
        "times": str(slot.times),
        "start": f"{slot.start:%H:%M}" if slot.start else "",
        "end": f"{slot.end:%H:%M}" if slot.end else "",
        "weekdays_only": slot.weekdays_only,
    }


def _typed(form: FormData, name: str) -> dict[str, Any]:
    def one(key: str, default: str = "") -> str:
        value = form.get(f"{name}-{key}", default)
        return value.strip() if isinstance(value, str) else default

    return {
        "name": name,
        "enabled": one("enabled") == "true",
        "kind": "plan" if one("kind") == "plan" else "routine",
        "routine": one("routine"),
        "minutes": one("minutes", "5"),
        "areas": [a for a in form.getlist(f"{name}-areas") if isinstance(a, str)],
        "where": one("where", "anywhere"),
        "times": one("times", "1"),
        "start": one("start"),
        "end": one("end"),
        "weekdays_only": one("weekdays_only") == "true",
    }


def form_slots(form: FormData) -> tuple[list[dict[str, Any]], list[Slot], list[str]]:
    """Read the editor's form: the values as typed, the slots they make, and any problems."""
    typed = [_typed(form, name) for name in SLOT_NAMES]
    slots: list[Slot] = []
    problems: list[str] = []
    for t in typed:
        data: dict[str, Any] = {
            "name": t["name"],
            "enabled": t["enabled"],
            "times": t["times"] or "1",
            "weekdays_only": t["weekdays_only"],
        }
        if t["kind"] == "routine":
            data["routine"] = t["routine"]
        else:
            data["plan"] = {"minutes": t["minutes"], "areas": t["areas"], "where": t["where"]}
        if t["name"] in WINDOW_SLOTS:
            data["start"], data["end"] = t["start"] or None, t["end"] or None
        try:
            slots.append(Slot.model_validate(data))
        except pydantic.ValidationError as exc:
            problems += pydantic_problems(exc, f"slots.{t['name']}", empty="slot")
    return typed, slots, problems


def _editor(
    request: Request,
    store: Store,
    user_id: int,
    typed: list[dict[str, Any]],
    *,
    errors: list[str] | None = None,
    saved: bool = False,
    status: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "slots.html",
        {
            "slots": typed,
            "labels": LABELS,
            "window_slots": WINDOW_SLOTS,
            "due": {d.slot: d for d in due_slots(store, user_id=user_id)},
            "routines": list_routines(store, user_id=user_id),
            "areas": AREAS,
            "places": PLACES,
            "errors": errors or [],
            "saved": saved,
        },
        status,
    )


# ---- pages ---------------------------------------------------------------------------------


@router.get("/slots", response_class=HTMLResponse)
def slots_page(
    request: Request, store: StoreDep, user_id: UserDep, saved: str = ""
) -> HTMLResponse:
    """Show the slot editor: each slot's routine or plan, on or off, how often, and when."""
    typed = [slot_fields(s) for s in get_slots(store, user_id=user_id)]
    return _editor(request, store, user_id, typed, saved=bool(saved))


@router.post("/slots", response_class=HTMLResponse)
async def slots_save(request: Request, store: StoreDep, user_id: UserDep, _: CsrfDep) -> Response:
    """Store the edited slots; every problem is shown and nothing is stored if there is one."""
    form = await request.form()

    def save() -> Response:
        typed, slots, problems = form_slots(form)
        if not problems:
            try:
                save_slots(store, slots, user_id=user_id)
            except ValidationError as exc:
                problems = exc.problems
        if problems:
            return _editor(request, store, user_id, typed, errors=problems, status=422)
        return RedirectResponse("/slots?saved=1", status_code=303)

    # The form is read on the event loop; storing and rendering are blocking: off it.
    return await run_in_threadpool(save)


# ---- JSON ----------------------------------------------------------------------------------


@router.get(f"{API}/slots")
def api_slots(store: StoreDep, user_id: UserDep) -> list[Slot]:
    """Return the user's slots (the defaults for any not set)."""
    return get_slots(store, user_id=user_id)


@router.put(f"{API}/slots")
def api_set_slots(body: list[Slot], store: StoreDep, user_id: UserDep, _: CsrfDep) -> list[Slot]:
    """Replace the user's slots (a slot left out goes back to its default); return them all."""
    return save_slots(store, body, user_id=user_id)


@router.get(f"{API}/slots/due")
def api_due(store: StoreDep, user_id: UserDep) -> list[DueSlot]:
    """Return what is due in each enabled slot now, and the programme's count for today."""
    return due_slots(store, user_id=user_id)
