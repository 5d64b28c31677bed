"""The pain log: the form with red-flag screening, the advice that follows, and the history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from runback.core.catalog import PAIN_REGIONS
from runback.core.triage import Advice, RedFlagQuestion
from runback.errors import ValidationError
from runback.services.pain import (
    MAX_NOTES,
    PainEntry,
    PainLogged,
    current_advice,
    log_pain,
    pain_history,
    red_flag_questions,
)
from runback.services.store import Store
from runback.web.deps import MAX_ID, CsrfDep, StoreDep, UserDep
from runback.web.routes._helpers import page

__all__ = ["PainIn", "region_label", "router"]

router = APIRouter()

API = "/api/v1"
HISTORY_DAYS = 28


class PainIn(BaseModel):
    """A pain entry: where, how strong (0–10), the red-flag answers (ids answered yes), notes."""

    region: str = Field(examples=["lower-back"], description=f"one of {', '.join(PAIN_REGIONS)}")
    intensity: int = Field(description="0 (no pain) to 10 (worst imaginable)")
    red_flags: list[str] = Field(default_factory=list, description="question ids answered yes")
    notes: str = ""
    run_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="the run this is about")
    link_run: bool = Field(default=True, description="link to the latest run within 24 h")


def region_label(region: str) -> str:
    """Return a region slug as words ("lower-back" -> "Lower back")."""
    return region.replace("-", " ").replace("neck shoulders", "neck and shoulders").capitalize()


def _page(
    request: Request,
    store: Store,
    user_id: int,
    *,
    logged: PainLogged | None = None,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    advice = logged.advice if logged is not None else current_advice(store, user_id)
    return page(
        request,
        "pain.html",
        {
            "questions": red_flag_questions(),
            "regions": [(r, region_label(r)) for r in PAIN_REGIONS],
            "history": pain_history(store, user_id, days=HISTORY_DAYS),
            "history_days": HISTORY_DAYS,
            "advice": advice,
            "logged": logged,
            "errors": errors or [],
            "form": form or {"region": "lower-back", "intensity": None, "red_flags": []},
            "max_notes": MAX_NOTES,
            "region_label": region_label,
        },
        status_code,
    )


@router.get("/pain", response_class=HTMLResponse)
def pain_page(request: Request, store: StoreDep, user_id: UserDep) -> HTMLResponse:
    """Show the pain form, today's advice and the last four weeks of entries."""
    return _page(request, store, user_id)


@router.post("/pain", response_class=HTMLResponse)
def pain_submit(
    request: Request,
    store: StoreDep,
    user_id: UserDep,
    _: CsrfDep,
    region: Annotated[str, Form()] = "",
    intensity: Annotated[str, Form()] = "",
    red_flags: Annotated[list[str] | None, Form()] = None,
    notes: Annotated[str, Form()] = "",
    link_run: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    """Log pain from the form and show the advice (emergency advice first and prominent)."""
    flags = red_flags or []
    form = {"region": region, "intensity": intensity, "red_flags": flags, "notes": notes}
    try:
        value = int(intensity)
    except ValueError:
        problems = ["intensity: choose a number from 0 (no pain) to 10 (worst imaginable)"]
        return _page(request, store, user_id, errors=problems, form=form, status_code=422)
    try:
        logged = log_pain(
            store,
            user_id,
            region=region,
            intensity=value,
            red_flags=flags,
            notes=notes,
            link_run=link_run,
        )
    except ValidationError as exc:
        return _page(request, store, user_id, errors=exc.problems, form=form, status_code=422)
    return _page(request, store, user_id, logged=logged)


@router.get(f"{API}/pain")
def api_history(
    store: StoreDep, user_id: UserDep, days: int = Query(HISTORY_DAYS, ge=1, le=3660)
) -> list[PainEntry]:
    """Return the pain entries of the last `days` local days, newest first."""
    return pain_history(store, user_id, days=days)


@router.post(f"{API}/pain", status_code=201)
def api_log(body: PainIn, store: StoreDep, user_id: UserDep, _: CsrfDep) -> PainLogged:
    """Log pain and return the entry with the advice (check `advice.level` first)."""
    return log_pain(
        store,
        user_id,
        region=body.region,
        intensity=body.intensity,
        red_flags=body.red_flags,
        notes=body.notes,
        run_id=body.run_id,
        link_run=body.link_run,
    )


@router.get(f"{API}/pain/questions")
def api_questions() -> list[RedFlagQuestion]:
    """Return the red-flag screening questions, most serious first."""
    return red_flag_questions()


@router.get(f"{API}/pain/advice")
def api_advice(
    store: StoreDep,
    user_id: UserDep,
    red_flags: Annotated[list[str] | None, Query()] = None,
) -> Advice:
    """Return today's advice from the pain log and any red-flag answers given now."""
    return current_advice(store, user_id, red_flags or [])
